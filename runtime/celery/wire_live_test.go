package celery

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/celerytest"
	"github.com/kombugen/kombugen/runtime/consume"
)

// TestWireSameAsSendTask sends every captured call twice, with no worker
// running: once with the installed Celery's own send_task, once with this
// package, each to a queue of its own. Both messages are read back with
// amqp091-go and compared property by property, header by header (the
// AMQP field types too) and body by body, ids, origin and times aside.
func TestWireSameAsSendTask(t *testing.T) {
	celerytest.Require(t)
	var facts taskFacts
	readFacts(t, "celery-5.2.6-tasks.json", &facts)
	theirs, ours := testQueue(t, "celery"), testQueue(t, "ours")
	p, _ := liveCaller(t)
	ctx := waitCtx(t)

	type pyCall struct {
		Name    string                     `json:"name"`
		Args    json.RawMessage            `json:"args"`
		Kwargs  json.RawMessage            `json:"kwargs"`
		Options map[string]json.RawMessage `json:"options"`
	}
	var calls []pyCall
	var cases []capturedTask
	for _, c := range facts.Cases {
		if c.Via != "send_task" {
			continue
		}
		opts := map[string]json.RawMessage{}
		for k, v := range c.Call.Options {
			opts[k] = v
		}
		opts["queue"] = json.RawMessage(fmt.Sprintf("%q", theirs))
		calls = append(calls, pyCall{c.Call.Name, c.Call.Args, c.Call.Kwargs, opts})
		cases = append(cases, c)
	}
	stdin, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("testdata")
	sentAt := time.Now()
	if out, err := celerytest.RunPython(ctx, dir, string(stdin), "capture.py", "send", brokertest.URL()); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Built as Call builds them (with a reply queue, as Celery always
	// sends one) but not awaited: several calls give the same task id.
	for _, c := range cases {
		task, opts := c.Call.task(t)
		replyTo := string(NewTaskID())
		if ignore, _ := c.Headers["ignore_result"].(bool); ignore {
			replyTo = ""
		}
		m, err := buildTo(task, append(opts, WithQueue(ours)), time.Now(), replyTo)
		if err == nil {
			err = m.publish(ctx, p)
		}
		if err != nil {
			t.Fatalf("%s: %v", c.Case, err)
		}
	}
	slack := time.Since(sentAt) + time.Second

	conn, err := amqp.Dial(brokertest.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Case, func(t *testing.T) {
			want, wantTypes := getTask(t, ch, theirs)
			got, gotTypes := getTask(t, ch, ours)
			want.RoutingKey = ours
			if ignore, _ := c.Headers["ignore_result"].(bool); ignore {
				delete(want.Properties, "reply_to")
			}
			for _, d := range diffTask(want, got, compareOptions{timeSlack: slack, expirationSlack: slack}) {
				t.Error(d)
			}
			for _, k := range celery53Headers {
				delete(gotTypes, k)
			}
			if w, g := fieldTypes(wantTypes), fieldTypes(gotTypes); w != g {
				t.Errorf("AMQP header types\n got %s\nwant %s", g, w)
			}
		})
	}
}

// getTask takes the next message from queue.
func getTask(t *testing.T, ch *amqp.Channel, queue string) (wireMessage, amqp.Table) {
	t.Helper()
	d, ok, err := ch.Get(queue, true)
	if err != nil || !ok {
		t.Fatalf("get from %s: %v (a message: %v)", queue, err, ok)
	}
	props := consume.Properties(&d)
	var body any
	if err := consume.Decode(props, d.Body, &body); err != nil {
		t.Fatalf("decode: %v", err)
	}
	m := wireMessage{
		Exchange:   d.Exchange,
		RoutingKey: d.RoutingKey,
		Properties: map[string]any{
			"content_type":     d.ContentType,
			"content_encoding": d.ContentEncoding,
			"delivery_mode":    int(d.DeliveryMode),
			"priority":         int(d.Priority),
			"correlation_id":   d.CorrelationId,
		},
		Headers: props.Headers,
		Body:    body,
	}
	for k, v := range map[string]string{"reply_to": d.ReplyTo, "expiration": d.Expiration, "message_id": d.MessageId,
		"type": d.Type, "app_id": d.AppId, "user_id": d.UserId} {
		if v != "" {
			m.Properties[k] = v
		}
	}
	if !d.Timestamp.IsZero() {
		m.Properties["timestamp"] = d.Timestamp.Unix()
	}
	return m, d.Headers
}

// fieldTypes lists the Go types amqp091-go decoded each header into, which
// name the AMQP field types on the wire (int32 for a signed 32-bit integer,
// float64 for a double, nil for void...).
func fieldTypes(h amqp.Table) string {
	var b strings.Builder
	var walk func(path string, v any)
	walk = func(path string, v any) {
		fmt.Fprintf(&b, "%s:%T ", path, v)
		switch v := v.(type) {
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case amqp.Table:
			for _, k := range sortedTableKeys(v) {
				walk(path+"."+k, v[k])
			}
		}
	}
	for _, k := range sortedTableKeys(h) {
		walk(k, h[k])
	}
	return b.String()
}

func sortedTableKeys(t amqp.Table) []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
