package celery

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/celerytest"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// taskFacts is a testdata/facts/celery-*-tasks.json file: what one Celery
// version's send_task published for each call (see testdata/README.md).
type taskFacts struct {
	Versions   map[string]string `json:"versions"`
	ReplyQueue string            `json:"reply_queue"`
	Cases      []capturedTask    `json:"cases"`
	Declared   declaredFacts     `json:"declared"`
}

type capturedTask struct {
	Case        string         `json:"case"`
	Via         string         `json:"via"`
	Call        capturedCall   `json:"call"`
	SentBetween [2]string      `json:"sent_between"`
	Exchange    string         `json:"exchange"`
	RoutingKey  string         `json:"routing_key"`
	Properties  map[string]any `json:"properties"`
	Headers     map[string]any `json:"headers"`
	BodyBase64  string         `json:"body_base64"`
	Body        any            `json:"body"`
}

type capturedCall struct {
	Name    string                     `json:"name"`
	Args    json.RawMessage            `json:"args"`
	Kwargs  json.RawMessage            `json:"kwargs"`
	Options map[string]json.RawMessage `json:"options"`
}

type declaredFacts struct {
	Queues []struct {
		Name       string  `json:"name"`
		Durable    bool    `json:"durable"`
		AutoDelete bool    `json:"auto_delete"`
		Exclusive  bool    `json:"exclusive"`
		Arguments  [][]any `json:"arguments"`
	} `json:"queues"`
	Exchanges []struct {
		Name       string `json:"name"`
		Type       string `json:"type"`
		Durable    bool   `json:"durable"`
		AutoDelete bool   `json:"auto_delete"`
	} `json:"exchanges"`
	Bindings []struct {
		Source      string `json:"source_name"`
		Destination string `json:"destination_name"`
		RoutingKey  string `json:"routing_key"`
	} `json:"bindings"`
}

func allTaskFacts(t *testing.T) map[string]taskFacts {
	t.Helper()
	files, err := filepath.Glob("testdata/facts/celery-*-tasks.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no task facts: %v", err)
	}
	out := map[string]taskFacts{}
	for _, f := range files {
		var facts taskFacts
		readFacts(t, filepath.Base(f), &facts)
		out[facts.Versions["celery"]] = facts
	}
	return out
}

// task returns the captured call as a Task and Options of this package.
func (c capturedCall) task(t *testing.T) (Task, []Option) {
	t.Helper()
	task := Task{Name: c.Name}
	if err := unmarshalPlain(c.Args, &task.Args); err != nil {
		t.Fatal(err)
	}
	if err := unmarshalPlain(c.Kwargs, &task.Kwargs); err != nil {
		t.Fatal(err)
	}
	// The captures' default queue was kgcap.
	opts := []Option{WithQueue("kgcap")}
	for name, raw := range c.Options {
		var v any
		if err := unmarshalPlain(raw, &v); err != nil {
			t.Fatal(err)
		}
		str, _ := v.(string)
		num, _ := v.(float64)
		if n, ok := v.(int64); ok {
			num = float64(n)
		}
		secs := time.Duration(num * float64(time.Second))
		var moment time.Time
		if m, ok := v.(map[string]any); ok {
			var err error
			if moment, err = celerytest.ParseISO(m["datetime"].(string)); err != nil {
				t.Fatal(err)
			}
		}
		switch name {
		case "task_id":
			opts = append(opts, WithTaskID(TaskID(str)))
		case "countdown":
			opts = append(opts, WithCountdown(secs))
		case "eta":
			opts = append(opts, WithETA(moment))
		case "expires":
			if moment.IsZero() {
				opts = append(opts, WithExpires(secs))
			} else {
				opts = append(opts, WithExpiresAt(moment))
			}
		case "priority":
			opts = append(opts, WithPriority(uint8(num)))
		case "queue":
			opts = append(opts, WithQueue(str))
		case "time_limit":
			opts = append(opts, WithTimeLimit(secs))
		case "soft_time_limit":
			opts = append(opts, WithSoftTimeLimit(secs))
		case "shadow":
			opts = append(opts, WithShadow(str))
		case "ignore_result":
			opts = append(opts, WithIgnoreResult(v.(bool)))
		case "parent_id":
			opts = append(opts, WithParentID(TaskID(str)))
		case "root_id":
			opts = append(opts, WithRootID(TaskID(str)))
		case "serializer":
			opts = append(opts, WithSerializer(str))
		case "compression":
			opts = append(opts, WithCompression(str))
		default:
			t.Fatalf("captured option %q has no Option", name)
		}
	}
	return task, opts
}

// unmarshalPlain decodes JSON with integers as int64 and other numbers as
// float64, so that every serializer encodes them as Python had them.
func unmarshalPlain(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return err
	}
	b, err := json.Marshal(plainNumbers(x))
	if err != nil {
		return err
	}
	switch p := v.(type) {
	case *any:
		*p = plainNumbers(x)
		return nil
	case *[]any:
		if x == nil {
			return nil
		}
		*p = plainNumbers(x).([]any)
		return nil
	case *map[string]any:
		if x == nil {
			return nil
		}
		*p = plainNumbers(x).(map[string]any)
		return nil
	}
	return json.Unmarshal(b, v)
}

func plainNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case []any:
		for i := range v {
			v[i] = plainNumbers(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = plainNumbers(v[k])
		}
	}
	return v
}

// sentMessage publishes m through a producer on a recording broker and
// returns it as a consumer sees it.
func sentMessage(t *testing.T, m *message) celerytest.WireMessage {
	t.Helper()
	b := &tape{}
	p := runtime.NewProducer(b)
	if err := m.publish(context.Background(), p); err != nil {
		t.Fatalf("publish: %v", err)
	}
	sent := b.Published()
	if len(sent) != 1 {
		t.Fatalf("%d messages published, want 1", len(sent))
	}
	return publishingMessage(t, &sent[0])
}

func publishingMessage(t *testing.T, p *runtime.Publishing) celerytest.WireMessage {
	t.Helper()
	var body any
	if err := consume.Decode(p.Properties, p.Body, &body); err != nil {
		t.Fatalf("decode the body: %v", err)
	}
	props := map[string]any{
		"content_type":     p.ContentType,
		"content_encoding": p.ContentEncoding,
		"delivery_mode":    int(p.DeliveryMode),
		"priority":         int(p.Priority),
		"correlation_id":   p.CorrelationID,
	}
	if p.ReplyTo != "" {
		props["reply_to"] = p.ReplyTo
	}
	if p.Expiration != "" {
		props["expiration"] = p.Expiration
	}
	return celerytest.WireMessage{Exchange: p.Exchange, RoutingKey: p.RoutingKey, Properties: props, Headers: p.Headers, Body: body}
}

// TestCapturedTasks sends every call captured from Celery 5.2 to 5.6 with
// this package, at the moment Celery sent it, and compares the two
// messages property by property, header by header and body by body.
// Celery always sends a reply_to (its own reply queue); this package sends
// one when a result is awaited, so the calls are built as Call builds them.
func TestCapturedTasks(t *testing.T) {
	for version, facts := range allTaskFacts(t) {
		for _, c := range facts.Cases {
			if c.Via != "send_task" {
				continue
			}
			t.Run(version+"/"+c.Case, func(t *testing.T) {
				sentAt, err1 := celerytest.ParseISO(c.SentBetween[0])
				until, err2 := celerytest.ParseISO(c.SentBetween[1])
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				task, opts := c.Call.task(t)
				if strings.Contains(c.Case, "ignore_result") {
					// Call refuses ignore_result; what Send sends.
					opts = append(opts, WithIgnoreResult(true))
				}
				replyTo := facts.ReplyQueue
				if c.Headers["ignore_result"] == true {
					replyTo = ""
				}
				m, err := buildTo(task, opts, sentAt, replyTo)
				if err != nil {
					t.Fatal(err)
				}
				got := sentMessage(t, m)
				want := celerytest.WireMessage{Exchange: c.Exchange, RoutingKey: c.RoutingKey, Properties: c.Properties, Headers: c.Headers, Body: c.Body}
				if replyTo == "" {
					delete(want.Properties, "reply_to")
				}
				slack := until.Sub(sentAt) + time.Millisecond
				for _, d := range celerytest.DiffTask(want, got, celerytest.CompareOptions{TimeSlack: slack, ExpirationSlack: slack}) {
					t.Error(d)
				}
				// A moment given is written exactly as Celery writes it.
				for _, k := range []string{"eta", "expires"} {
					if raw, ok := c.Call.Options[k]; ok && strings.Contains(string(raw), "datetime") && got.Headers[k] != c.Headers[k] {
						t.Errorf("%s header %v, want %v", k, got.Headers[k], c.Headers[k])
					}
				}
				if c.Properties["content_type"] == "application/json" && c.Headers["compression"] == nil {
					checkJSONBody(t, c.BodyBase64, m)
				}
				// Celery 5.3.5 and later send exactly our headers.
				if _, ok := c.Headers["replaced_task_nesting"]; ok && celerytest.SortedKeys(c.Headers) != celerytest.SortedKeys(got.Headers) {
					t.Errorf("header names\n got %s\nwant %s", celerytest.SortedKeys(got.Headers), celerytest.SortedKeys(c.Headers))
				}
			})
		}
	}
}

// checkJSONBody checks that the JSON body is Celery's but for the spaces
// Python's json.dumps puts after , and :, which no decoder sees.
func checkJSONBody(t *testing.T, celeryBase64 string, m *message) {
	t.Helper()
	celery, err := base64.StdEncoding.DecodeString(celeryBase64)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := json.Marshal(m.body)
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, celery); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(compact.Bytes(), ours) && !strings.ContainsAny(string(celery), "\\") {
		t.Errorf("JSON body\n got %s\nwant %s", ours, compact.Bytes())
	}
}

// TestCapturedDeclarations checks that Declaration and the reply queue are
// what Celery declared.
func TestCapturedDeclarations(t *testing.T) {
	for version, facts := range allTaskFacts(t) {
		d := facts.Declared
		for _, q := range d.Queues {
			if q.Name == facts.ReplyQueue {
				want := replyQueue()
				if q.Durable != want.Durable || q.AutoDelete != want.AutoDelete || q.Exclusive != want.Exclusive ||
					len(q.Arguments) != 1 || q.Arguments[0][0] != "x-expires" || q.Arguments[0][2] != float64(want.Arguments["x-expires"].(int32)) {
					t.Errorf("%s: reply queue %+v, Celery declared %+v", version, want, q)
				}
				continue
			}
			ents := Declaration(q.Name)
			ex, queue := ents[0].(*runtime.Exchange), ents[1].(*runtime.Queue)
			if q.Durable != queue.Durable || q.AutoDelete != queue.AutoDelete || q.Exclusive != queue.Exclusive || len(q.Arguments) != len(queue.Arguments) {
				t.Errorf("%s: queue %+v, Celery declared %+v", version, queue, q)
			}
			found := false
			for _, e := range d.Exchanges {
				if e.Name == ex.Name {
					found = true
					if e.Type != ex.Type || e.Durable != ex.Durable || e.AutoDelete != ex.AutoDelete {
						t.Errorf("%s: exchange %+v, Celery declared %+v", version, ex, e)
					}
				}
			}
			if !found {
				t.Errorf("%s: Celery declared no exchange %q", version, ex.Name)
			}
			for _, b := range d.Bindings {
				if b.Destination == q.Name && b.Source != "" && (b.Source != queue.Bindings[0].Exchange || b.RoutingKey != queue.Bindings[0].RoutingKey) {
					t.Errorf("%s: binding %+v, Celery bound %+v", version, queue.Bindings[0], b)
				}
			}
		}
	}
}
