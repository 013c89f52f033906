package celery

import (
	"fmt"
	"math"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// Received is a task message as a worker reads it: the call, and what its
// headers ask of the worker.
type Received struct {
	// Task is the task's name and its arguments, decoded as the message's
	// serializer gives them (numbers from json are float64).
	Task
	ID TaskID
	// ReplyTo is the reply queue the result goes to, or "" when none is
	// awaited.
	ReplyTo string
	// ETA and Expires are zero when not set.
	ETA, Expires time.Time
	// TimeLimit and SoftTimeLimit are zero when not set.
	TimeLimit, SoftTimeLimit time.Duration
	Shadow                   string
	ParentID, RootID         TaskID
	Retries                  int
	IgnoreResult             bool
}

// ReadTask reads a task message of Celery's protocol 2 as a worker does:
// its properties and headers, and its body, decompressed and decoded by
// its content type. A message a worker cannot run (without an id or task
// header, without a content type, with a body that is not [args, kwargs,
// embed], or a timelimit that is not numbers) is an error. It reads what
// Send and Call sent, for tests and in-process workers; runtime/memory's
// Message.Task uses it.
func ReadTask(p runtime.Properties, body []byte) (Received, error) {
	var r Received
	h := p.Headers
	id, _ := h["id"].(string)
	name, _ := h["task"].(string)
	switch {
	case id == "":
		return r, fmt.Errorf("celery: not a task message: no id header")
	case name == "":
		return r, fmt.Errorf("celery: task %s: no task header", id)
	case p.ContentType == "":
		return r, fmt.Errorf("celery: task %s: no content type", id)
	}
	var parts []any
	if err := consume.Decode(p, body, &parts); err != nil {
		return r, fmt.Errorf("celery: task %s: body: %w", id, err)
	}
	if len(parts) != 3 {
		return r, fmt.Errorf("celery: task %s: a body of %d elements, not [args, kwargs, embed]", id, len(parts))
	}
	args, okArgs := parts[0].([]any)
	kwargs, okKwargs := asMap(parts[1])
	if !okArgs || !okKwargs {
		return r, fmt.Errorf("celery: task %s: the body's args are a %T and kwargs a %T, not a list and a dict", id, parts[0], parts[1])
	}
	r.Task = Task{Name: name, Args: args, Kwargs: kwargs}
	r.ID, r.ReplyTo = TaskID(id), p.ReplyTo
	var err error
	if r.ETA, err = headerTime(h, "eta"); err != nil {
		return r, fmt.Errorf("celery: task %s: %w", id, err)
	}
	if r.Expires, err = headerTime(h, "expires"); err != nil {
		return r, fmt.Errorf("celery: task %s: %w", id, err)
	}
	if tl, ok := h["timelimit"].([]any); ok && len(tl) == 2 {
		if r.TimeLimit, err = limit(tl[0]); err == nil {
			r.SoftTimeLimit, err = limit(tl[1])
		}
		if err != nil {
			return r, fmt.Errorf("celery: task %s: timelimit %v: %w", id, tl, err)
		}
	} else if h["timelimit"] != nil {
		return r, fmt.Errorf("celery: task %s: timelimit %v is not [hard, soft]", id, h["timelimit"])
	}
	r.Shadow, _ = h["shadow"].(string)
	parent, _ := h["parent_id"].(string)
	root, _ := h["root_id"].(string)
	r.ParentID, r.RootID = TaskID(parent), TaskID(root)
	if n, ok := number(h["retries"]); ok {
		r.Retries = int(n)
	}
	r.IgnoreResult, _ = h["ignore_result"].(bool)
	return r, nil
}

// asMap returns a decoded dict as a map with string keys: json and msgpack
// give map[string]any, yaml may give map[any]any.
func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, x := range m {
			s, ok := k.(string)
			if !ok {
				return nil, false
			}
			out[s] = x
		}
		return out, true
	}
	return nil, false
}

// headerTime reads eta or expires, written as Celery writes them.
func headerTime(h runtime.Table, key string) (time.Time, error) {
	switch v := h[key].(type) {
	case nil:
		return time.Time{}, nil
	case string:
		for _, layout := range []string{"2006-01-02T15:04:05.999999-07:00", "2006-01-02T15:04:05.999999"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%s %q is not an ISO 8601 time", key, v)
	default:
		return time.Time{}, fmt.Errorf("%s is a %T, not a string", key, v)
	}
}

// limit reads one element of timelimit: null or a number of seconds.
func limit(v any) (time.Duration, error) {
	if v == nil {
		return 0, nil
	}
	n, ok := number(v)
	if !ok || n < 0 || n > math.MaxInt64/float64(time.Second) {
		return 0, fmt.Errorf("%v is not a number of seconds", v)
	}
	return time.Duration(n * float64(time.Second)), nil
}

// number reads a header's integer or float, in whatever width it came.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float32:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
