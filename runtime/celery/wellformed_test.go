package celery

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// checkWellFormed returns why a worker could not run p, or nil. Celery
// 5.2-5.6 workers hold a task message without an id header, with a body
// that is not three elements, or without a content type unacknowledged
// forever (or die of it), and a timelimit that is not numbers kills a
// prefork worker at every restart (testdata/facts/celery-*-poison.json).
func checkWellFormed(p *runtime.Publishing) error {
	h := p.Headers
	for _, k := range []string{"id", "task", "root_id", "lang"} {
		if s, ok := h[k].(string); !ok || s == "" {
			return fmt.Errorf("header %s is %#v, not a string", k, h[k])
		}
	}
	if p.CorrelationID != h["id"] {
		return fmt.Errorf("correlation_id %q is not the id %q", p.CorrelationID, h["id"])
	}
	if p.ContentType == "" || p.ContentEncoding == "" {
		return fmt.Errorf("content type %q, encoding %q", p.ContentType, p.ContentEncoding)
	}
	tl, ok := h["timelimit"].([]any)
	if !ok || len(tl) != 2 {
		return fmt.Errorf("timelimit %#v is not a pair", h["timelimit"])
	}
	for _, v := range tl {
		switch v.(type) {
		case nil, int64, float64:
		default:
			return fmt.Errorf("timelimit %#v holds a %T", tl, v)
		}
	}
	for _, k := range []string{"eta", "expires", "shadow", "parent_id", "group"} {
		switch v := h[k].(type) {
		case nil:
		case string:
			if v == "" {
				return fmt.Errorf("header %s is empty", k)
			}
		default:
			return fmt.Errorf("header %s is a %T", k, v)
		}
	}
	var body []any
	if err := consume.Decode(p.Properties, p.Body, &body); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	if len(body) != 3 {
		return fmt.Errorf("body has %d elements, not 3", len(body))
	}
	if _, ok := body[0].([]any); !ok {
		return fmt.Errorf("args are a %T, not a list", body[0])
	}
	for i, what := range []string{"", "kwargs", "embed"} {
		if i == 0 {
			continue
		}
		if _, ok := body[i].(map[string]any); !ok {
			return fmt.Errorf("%s are a %T, not a dict", what, body[i])
		}
	}
	return nil
}

// buildTo builds a message as build does, with replyTo as its reply_to:
// a call awaits the result when replyTo is not "".
func buildTo(task Task, opts []Option, now time.Time, replyTo string) (*message, error) {
	m, err := build(task, opts, now, replyTo != "")
	if err == nil {
		m.replyTo = replyTo
	}
	return m, err
}

// sendRecorded sends task through a producer on a recording broker, made
// with producerOpts, and returns what was published.
func sendRecorded(task Task, producerOpts []runtime.ProducerOption, opts ...Option) ([]runtime.Publishing, error) {
	b := &tape{}
	_, err := Send(context.Background(), runtime.NewProducer(b, producerOpts...), task, opts...)
	return b.Published(), err
}

// TestRefusedCalls tries the calls that would make a message a worker
// cannot run, or that Celery refuses: each is ErrInvalidMessage and
// nothing is published.
func TestRefusedCalls(t *testing.T) {
	add := Task{Name: "kg.add", Args: []any{1, 2}}
	for _, c := range []struct {
		name string
		task Task
		opts []Option
	}{
		{"no name", Task{Args: []any{1}}, nil},
		{"empty task id", add, []Option{WithTaskID("")}},
		{"empty queue", add, []Option{WithQueue("")}},
		{"raw serializer", add, []Option{WithSerializer("raw")}},
		{"text serializer", add, []Option{WithSerializer("text")}},
		{"no serializer", add, []Option{WithSerializer("")}},
		{"pickle", add, []Option{WithSerializer("pickle")}},
		{"unknown compression", add, []Option{WithCompression("snappy")}},
		{"negative countdown", add, []Option{WithCountdown(-time.Second)}},
		{"negative expires", add, []Option{WithExpires(-time.Second)}},
		{"expires under a millisecond", add, []Option{WithExpires(time.Microsecond)}},
		{"expired already", add, []Option{WithExpiresAt(time.Now().Add(-time.Minute))}},
		{"negative time limit", add, []Option{WithTimeLimit(-time.Second)}},
		{"negative soft time limit", add, []Option{WithSoftTimeLimit(-time.Second)}},
		{"name not UTF-8", Task{Name: "kg.\xff"}, nil},
		{"shadow not UTF-8", add, []Option{WithShadow("\xfe")}},
		{"args JSON cannot hold", Task{Name: "kg.add", Args: []any{math.NaN()}}, nil},
		{"kwargs JSON cannot hold", Task{Name: "kg.add", Kwargs: map[string]any{"c": make(chan int)}}, nil},
		{"queue name too long", add, []Option{WithQueue(string(make([]byte, 256)))}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sent, err := sendRecorded(c.task, nil, c.opts...)
			if !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Errorf("err = %v, want ErrInvalidMessage", err)
			}
			if len(sent) != 0 {
				t.Errorf("%d messages published", len(sent))
			}
		})
	}
}

// TestProducerDefaultsCannotMalformTasks sends through producers whose
// defaults would break a task message if they applied: the task message
// sets every property and header it depends on.
func TestProducerDefaultsCannotMalformTasks(t *testing.T) {
	hostile := runtime.Table{"id": nil, "task": "", "timelimit": "soon", "root_id": nil, "lang": nil}
	for _, c := range []struct {
		name string
		opts []runtime.ProducerOption
	}{
		{"headers", []runtime.ProducerOption{runtime.WithHeaders(hostile)}},
		{"content type", []runtime.ProducerOption{runtime.WithContentType("text/plain"), runtime.WithContentEncoding("binary")}},
		{"serializer and compression", []runtime.ProducerOption{runtime.WithSerializer("raw"), runtime.WithCompression("zlib")}},
		{"routing", []runtime.ProducerOption{runtime.WithRoutingKey("elsewhere"), runtime.WithCorrelationID("other"), runtime.WithTTL(time.Hour), runtime.WithMandatory(false)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sent, err := sendRecorded(Task{Name: "kg.add", Args: []any{1, 2}}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			p := &sent[0]
			if err := checkWellFormed(p); err != nil {
				t.Error(err)
			}
			if p.RoutingKey != DefaultQueue || p.Expiration != "" || !p.Mandatory || p.Headers["compression"] != nil {
				t.Errorf("routing key %q, expiration %q, mandatory %v, compression %v: a producer default applied",
					p.RoutingKey, p.Expiration, p.Mandatory, p.Headers["compression"])
			}
		})
	}
}

// FuzzSend sends tasks with arbitrary names, ids, arguments and options:
// each is refused as ErrInvalidMessage or published well formed.
func FuzzSend(f *testing.F) {
	f.Add("kg.add", "", "a", int64(0), int64(0), int64(0), int64(0), uint8(0), "json", "none", "", "")
	f.Add("", "id", "\xff", int64(-1), int64(1), int64(-5), int64(2e9), uint8(9), "msgpack", "zlib", "s", "p")
	f.Add("t", "x", "", int64(1), int64(-1), int64(1), int64(-1), uint8(255), "yaml", "bzip2", "", "")
	f.Fuzz(func(t *testing.T, name, id, arg string, countdown, expires, hard, soft int64, prio uint8, ser, comp, shadow, parent string) {
		opts := []Option{
			WithCountdown(time.Duration(countdown)), WithExpires(time.Duration(expires)),
			WithTimeLimit(time.Duration(hard)), WithSoftTimeLimit(time.Duration(soft)),
			WithPriority(prio), WithSerializer(ser), WithCompression(comp), WithShadow(shadow),
			WithParentID(TaskID(parent)),
		}
		if id != "" {
			opts = append(opts, WithTaskID(TaskID(id)))
		}
		task := Task{Name: name, Args: []any{arg, countdown}, Kwargs: map[string]any{arg: soft}}
		sent, err := sendRecorded(task, nil, opts...)
		if err != nil {
			if !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Fatalf("err = %v, want ErrInvalidMessage", err)
			}
			if len(sent) != 0 {
				t.Fatalf("refused (%v), yet %d messages published", err, len(sent))
			}
			return
		}
		if len(sent) != 1 {
			t.Fatalf("%d messages published", len(sent))
		}
		if err := checkWellFormed(&sent[0]); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCheckWellFormedCatchesPoison: the shapes that harmed workers (see
// testdata/facts/celery-*-poison.json) fail checkWellFormed, so the tests
// above that pass it mean something.
func TestCheckWellFormedCatchesPoison(t *testing.T) {
	sent, err := sendRecorded(Task{Name: "kg.add", Args: []any{4, 5}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkWellFormed(&sent[0]); err != nil {
		t.Fatalf("a task as Send sends it: %v", err)
	}
	for name, poison := range map[string]func(p *runtime.Publishing){
		"no id header":    func(p *runtime.Publishing) { delete(p.Headers, "id") },
		"no content type": func(p *runtime.Publishing) { p.ContentType, p.ContentEncoding = "", "" },
		"body of two elements": func(p *runtime.Publishing) {
			p.Body = []byte(`[[4, 5], {}]`)
		},
		"timelimit of strings": func(p *runtime.Publishing) { p.Headers["timelimit"] = []any{"soon", nil} },
	} {
		p := sent[0]
		p.Headers = maps.Clone(p.Headers)
		poison(&p)
		if checkWellFormed(&p) == nil {
			t.Errorf("%s: passes checkWellFormed", name)
		}
	}
}

// TestPublishingOptions: where a task goes and how it is published, as
// the options say, and what is declared for it.
func TestPublishingOptions(t *testing.T) {
	add := Task{Name: "kg.add", Args: []any{1, 2}}
	noRetry := runtime.NoRetry
	for _, c := range []struct {
		name               string
		opts               []Option
		exchange, key      string
		mandatory, confirm bool
		declared           int
	}{
		{"default", nil, "", DefaultQueue, true, true, 2},
		{"queue", []Option{WithQueue("images")}, "", "images", true, true, 2},
		{"route", []Option{WithRoute("media", "thumb.small")}, "media", "thumb.small", true, true, 0},
		{"route then queue", []Option{WithRoute("media", "k"), WithQueue("q")}, "", "q", true, true, 2},
		{"not mandatory", []Option{WithMandatory(false)}, "", DefaultQueue, false, true, 2},
		{"no confirm, no retry", []Option{WithConfirm(false), WithRetry(noRetry)}, "", DefaultQueue, true, false, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			sent, err := sendRecorded(add, nil, c.opts...)
			if err != nil {
				t.Fatal(err)
			}
			p := sent[0]
			if p.Exchange != c.exchange || p.RoutingKey != c.key || p.Mandatory != c.mandatory || p.Confirm != c.confirm || len(p.Declare) != c.declared {
				t.Errorf("published to %q with key %q, mandatory %v, confirm %v, %d declared; want %q %q %v %v %d",
					p.Exchange, p.RoutingKey, p.Mandatory, p.Confirm, len(p.Declare), c.exchange, c.key, c.mandatory, c.confirm, c.declared)
			}
			if err := checkWellFormed(&p); err != nil {
				t.Error(err)
			}
		})
	}
	if _, err := sendRecorded(add, nil, WithRoute("", "")); !errors.Is(err, runtime.ErrInvalidMessage) {
		t.Errorf("a route to nowhere = %v, want ErrInvalidMessage", err)
	}
}

// TestRetryOption: WithRetry replaces the producer's retry policy.
func TestRetryOption(t *testing.T) {
	for _, c := range []struct {
		opts     []Option
		attempts int
	}{
		{nil, 2},
		{[]Option{WithRetry(runtime.NoRetry)}, 1},
	} {
		b := &tape{err: runtime.ErrConnectionLost}
		p := runtime.NewProducer(b, runtime.WithRetry(runtime.RetryPolicy{MaxRetries: 1}))
		if _, err := Send(context.Background(), p, Task{Name: "kg.add"}, c.opts...); !errors.Is(err, runtime.ErrConnectionLost) {
			t.Fatalf("Send = %v", err)
		}
		if n := len(b.Published()); n != c.attempts {
			t.Errorf("options %d: %d attempts, want %d", len(c.opts), n, c.attempts)
		}
	}
}
