package celery

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/celerytest"
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

	ch := celerytest.Channel(t)
	for _, c := range cases {
		t.Run(c.Case, func(t *testing.T) {
			ignore, _ := c.Headers["ignore_result"].(bool)
			celerytest.CompareTask(t, ch, theirs, ours, ignore, slack)
		})
	}
}
