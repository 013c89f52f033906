package tasks_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/kombugen/kombugen/golden/tasks"
	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/celerytest"
	"github.com/kombugen/kombugen/runtime/celery"
)

// TestWireSameAsSendTask sends each of the schema's tasks twice with no
// worker running: once with Celery's own send_task, given what the
// schema says of the task, once with the generated sender, each to a
// queue of its own. Both messages are read back with amqp091-go and
// compared property by property, header by header (the AMQP field types
// too) and body by body, ids, origin and times aside.
func TestWireSameAsSendTask(t *testing.T) {
	celerytest.Require(t)
	p, _ := dial(t)
	ctx := waitCtx(t)
	var suffix [4]byte
	rand.Read(suffix[:])

	type pyCall struct {
		Name    string         `json:"name"`
		Args    []any          `json:"args"`
		Kwargs  map[string]any `json:"kwargs"`
		Options map[string]any `json:"options"`
	}
	type wireCase struct {
		name        string
		py          pyCall
		theirs      string
		ours        string
		send        func(queue string) (celery.TaskID, error)
		routed      bool // sent to kg.direct with the queue's name as key
		ignoreReply bool // sent by Send: no reply_to, where send_task always gives one
	}
	queue := func(what string) string { return "kgtest.wire." + what + "." + hex.EncodeToString(suffix[:]) }
	call := func(res interface{ ID() celery.TaskID }, err error) (celery.TaskID, error) {
		if err != nil {
			return "", err
		}
		return res.ID(), nil
	}
	cases := []wireCase{
		{name: "Add", py: pyCall{"kg.add", []any{2, 3}, map[string]any{"z": 4}, map[string]any{}},
			send: func(q string) (celery.TaskID, error) {
				return call(p.CallAdd(ctx, tasks.Add{X: 2, Y: 3, Z: ptr[int64](4)}, celery.WithQueue(q)))
			}},
		{name: "Echo", py: pyCall{"kg.echo", []any{"hi", 2, "low", []any{"a"}}, map[string]any{"extra": map[string]any{"k": "v"}, "note": "n"},
			map[string]any{"serializer": "msgpack", "compression": "zlib", "expires": 3600}},
			send: func(q string) (celery.TaskID, error) {
				return call(p.CallEcho(ctx, tasks.Echo{Text: "hi", Count: ptr[int32](2), Level: ptr(tasks.LevelLow), Tags: []string{"a"},
					Note: "n", Extra: map[string]any{"k": "v"}}, celery.WithQueue(q)))
			}},
		{name: "Sleep", py: pyCall{"kg.sleep", []any{1.5}, map[string]any{}, map[string]any{"time_limit": 30, "soft_time_limit": 25}},
			send: func(q string) (celery.TaskID, error) {
				return call(p.CallSleep(ctx, tasks.Sleep{Seconds: 1.5}, celery.WithQueue(q)))
			}},
		{name: "Ranked", py: pyCall{"kg.ranked", []any{1}, map[string]any{}, map[string]any{"priority": 5}},
			send: func(q string) (celery.TaskID, error) {
				return call(p.CallRanked(ctx, tasks.Ranked{Rank: 1}, celery.WithQueue(q), celery.WithDeclare()))
			}},
		{name: "Routed", routed: true, py: pyCall{"kg.routed", []any{"v"}, map[string]any{}, map[string]any{"serializer": "yaml", "exchange": "kg.direct"}},
			send: func(q string) (celery.TaskID, error) {
				return call(p.CallRouted(ctx, tasks.Routed{Value: "v"}, celery.WithRoute("kg.direct", q)))
			}},
		{name: "Forget", ignoreReply: true, py: pyCall{"kg.forget", []any{}, map[string]any{}, map[string]any{"ignore_result": true}},
			send: func(q string) (celery.TaskID, error) { return p.SendForget(ctx, tasks.Forget{}, celery.WithQueue(q)) }},
	}

	// The queues, bound as the tasks need them.
	ch := celerytest.Channel(t)
	if err := ch.ExchangeDeclare("kg.direct", "direct", true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	var calls []pyCall
	for i := range cases {
		c := &cases[i]
		c.theirs, c.ours = queue(c.name+".celery"), queue(c.name+".ours")
		celerytest.DeleteQueues(t, c.theirs, c.ours)
		for _, q := range []string{c.theirs, c.ours} {
			if _, err := ch.QueueDeclare(q, true, false, false, false, nil); err != nil {
				t.Fatal(err)
			}
			if c.routed {
				if err := ch.QueueBind(q, q, "kg.direct", false, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		if c.routed {
			c.py.Options["routing_key"] = c.theirs
		} else {
			c.py.Options["queue"] = c.theirs
		}
		calls = append(calls, c.py)
	}
	stdin, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	sentAt := time.Now()
	if out, err := celerytest.RunPython(ctx, celerytest.TasksDir(t), string(stdin), "capture.py", "send", brokertest.URL()); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, c := range cases {
		if _, err := c.send(c.ours); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
	slack := time.Since(sentAt) + time.Second

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			celerytest.CompareTask(t, ch, c.theirs, c.ours, c.ignoreReply, slack)
		})
	}
}
