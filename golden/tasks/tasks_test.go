package tasks_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/golden/tasks"
	"github.com/kombugen/kombugen/internal/fakeworker"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/celery"
	"github.com/kombugen/kombugen/runtime/memory"
)

// The tests in this file send the schema's tasks to the in-process broker,
// read what arrived as a worker would, and call them on a worker written
// in Go (internal/fakeworker); worker_test.go calls them on Celery's.

func ptr[T any](v T) *T { return &v }

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// only returns the one task queue holds, as a worker reads it.
func only(t *testing.T, b *memory.Broker, queue string) (memory.Message, celery.Received) {
	t.Helper()
	msgs := b.Messages(queue)
	if len(msgs) != 1 {
		t.Fatalf("queue %s holds %d messages, want 1", queue, len(msgs))
	}
	task, err := msgs[0].Task()
	if err != nil {
		t.Fatal(err)
	}
	return msgs[0], task
}

// TestSend sends each task and reads what its queue got: the task's name,
// arguments, serializer, compression, priority and defaults, and the
// queue as the schema or Celery declares it.
func TestSend(t *testing.T) {
	b := memory.New()
	defer b.Close()
	p := tasks.NewWorkerProducer(b)
	ctx := waitCtx(t)
	when := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

	id, err := p.SendEcho(ctx, tasks.Echo{Text: "hi", Count: ptr[int32](2), Note: "n", When: &when, Extra: map[string]any{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	m, task := only(t, b, "kg.tasks")
	if task.ID != id || task.Name != "kg.echo" || fmt.Sprint(task.Args) != "[hi 2]" ||
		fmt.Sprint(task.Kwargs) != "map[extra:map[k:v] note:n when:2030-01-02 03:04:05 +0000 UTC]" {
		t.Errorf("the worker reads %s %s %v %v", task.ID, task.Name, task.Args, task.Kwargs)
	}
	if m.ContentType != "application/x-msgpack" || m.Headers["compression"] != "application/x-gzip" ||
		m.Expiration != "3600000" || task.Expires.IsZero() || m.Priority != 0 {
		t.Errorf("content type %q, compression %v, expiration %q, expires %v, priority %d: not the schema's",
			m.ContentType, m.Headers["compression"], m.Expiration, task.Expires, m.Priority)
	}
	if n := b.DeclareCount("E|kg.tasks"); n != 1 {
		t.Errorf("Celery's exchange kg.tasks was declared %d times, want once", n)
	}
	b.Purge("kg.tasks")

	// A call's options override the schema's defaults.
	if _, err := p.SendEcho(ctx, tasks.Echo{Text: "hi", Note: "n"}, celery.WithExpires(time.Minute), celery.WithSerializer("json")); err != nil {
		t.Fatal(err)
	}
	if m, _ := only(t, b, "kg.tasks"); m.Expiration != "60000" || m.ContentType != "application/json" {
		t.Errorf("with options: expiration %q, content type %q", m.Expiration, m.ContentType)
	}
	b.Purge("kg.tasks")

	if _, err := p.SendRanked(ctx, tasks.Ranked{Rank: 1}); err != nil {
		t.Fatal(err)
	}
	m, task = only(t, b, "kg.priority")
	if m.Priority != 5 || fmt.Sprint(task.Args) != "[1]" {
		t.Errorf("priority %d, args %v", m.Priority, task.Args)
	}
	for _, q := range b.Queues() {
		if q.Name == "kg.priority" && fmt.Sprint(q.Arguments) != "map[x-max-priority:10]" {
			t.Errorf("kg.priority declared with %v, not as the schema describes it", q.Arguments)
		}
	}

	if _, err := p.SendRouted(ctx, tasks.Routed{Value: "v"}); err != nil {
		t.Fatal(err)
	}
	if m, task := only(t, b, "kg.routed"); m.Exchange != "kg.direct" || m.RoutingKey != "routed" || m.ContentType != "application/x-yaml" || task.Name != "kg.routed" {
		t.Errorf("routed: exchange %q key %q content type %q task %q", m.Exchange, m.RoutingKey, m.ContentType, task.Name)
	}

	if _, err := p.SendForget(ctx, tasks.Forget{}); err != nil {
		t.Fatal(err)
	}
	if _, task := only(t, b, "kg.tasks"); !task.IgnoreResult || task.Name != "kg.forget" || len(task.Args) != 0 {
		t.Errorf("forget: %+v", task)
	}
}

// TestInvalidTask: a task whose arguments break the schema is refused,
// and nothing is sent.
func TestInvalidTask(t *testing.T) {
	b := memory.New()
	defer b.Close()
	p := tasks.NewWorkerProducer(b)
	ctx := context.Background()
	for name, c := range map[string]struct {
		task tasks.Echo
		want string
	}{
		"required":       {tasks.Echo{Note: "n"}, "text: is required"},
		"too long":       {tasks.Echo{Text: strings.Repeat("x", 101), Note: "n"}, "text: has 101 characters, more than the maximum of 100"},
		"required kwarg": {tasks.Echo{Text: "t"}, "note: is required"},
		"minimum":        {tasks.Echo{Text: "t", Note: "n", Count: ptr[int32](-1)}, "count: -1 is less than the minimum of 0"},
		"enum":           {tasks.Echo{Text: "t", Note: "n", Count: ptr[int32](1), Level: ptr(tasks.Level("mid"))}, `level: "mid" is not one of low, high`},
		"gap":            {tasks.Echo{Text: "t", Note: "n", Level: ptr(tasks.LevelLow)}, "count: is not set, but level, a later positional argument, is"},
		"later gap":      {tasks.Echo{Text: "t", Note: "n", Count: ptr[int32](1), Tags: []string{"a"}}, "level: is not set, but tags"},
	} {
		_, err := p.SendEcho(ctx, c.task)
		if !errors.Is(err, runtime.ErrInvalidMessage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: SendEcho = %v, want ErrInvalidMessage saying %q", name, err, c.want)
		}
		if _, err := p.CallEcho(ctx, c.task); !errors.Is(err, runtime.ErrInvalidMessage) {
			t.Errorf("%s: CallEcho = %v, want ErrInvalidMessage", name, err)
		}
	}
	if n := len(b.Queues()); n != 0 {
		t.Errorf("%d queues declared for invalid tasks", n)
	}
}

// TestUnroutable: a task no queue takes fails, as tasks are mandatory.
func TestUnroutable(t *testing.T) {
	b := memory.New()
	defer b.Close()
	p := tasks.NewWorkerProducer(b)
	_, err := p.SendRouted(context.Background(), tasks.Routed{Value: "v"}, celery.WithRoute("kg.direct", "nowhere"))
	if !errors.Is(err, runtime.ErrUnroutable) {
		t.Errorf("SendRouted to a key no queue takes = %v, want ErrUnroutable", err)
	}
}

// TestCall calls tasks on a worker written in Go: each result decodes
// into its schema type, a task that raised is a *celery.TaskError, an
// expired one is REVOKED.
func TestCall(t *testing.T) {
	b := memory.New()
	defer b.Close()
	ctx := waitCtx(t)
	echo := func(task celery.Received) (any, error) {
		return map[string]any{"args": task.Args, "kwargs": task.Kwargs, "request": map[string]any{"id": string(task.ID), "task": task.Name}}, nil
	}
	w := &fakeworker.Worker{Tasks: map[string]fakeworker.TaskFunc{
		"kg.add": func(task celery.Received) (any, error) {
			sum := task.Args[0].(float64) + task.Args[1].(float64)
			if z, ok := task.Kwargs["z"].(float64); ok {
				sum += z
			}
			return sum, nil
		},
		"kg.echo":   echo,
		"kg.routed": echo,
		"kg.fail": func(task celery.Received) (any, error) {
			return nil, &celery.TaskError{Type: "ValueError", Module: "builtins", Message: task.Args[0].(string)}
		},
	}}
	for _, q := range [][]runtime.Entity{celery.Declaration("kg.tasks"), {tasks.KgDirectExchange(), tasks.KgRoutedQueue()}} {
		if _, err := w.Serve(ctx, b, q...); err != nil {
			t.Fatal(err)
		}
	}
	p := tasks.NewWorkerProducer(b)

	add, err := p.CallAdd(ctx, tasks.Add{X: 2, Y: 3, Z: ptr[int64](4)})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := add.Wait(ctx); v != 9 || err != nil {
		t.Errorf("CallAdd: %v, %v; want 9", v, err)
	}

	echoed, err := p.CallEcho(ctx, tasks.Echo{Text: "hi", Count: ptr[int32](2), Note: "n"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := echoed.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Args) != "[hi 2]" || got.Kwargs["note"] != "n" || got.Request == nil || got.Request.ID == nil || *got.Request.ID != string(echoed.ID()) {
		t.Errorf("CallEcho: %+v", got)
	}

	routed, err := p.CallRouted(ctx, tasks.Routed{Value: "v"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := routed.Wait(ctx); err != nil || fmt.Sprint(got.Args) != "[v]" {
		t.Errorf("CallRouted: %+v, %v", got, err)
	}

	failed, err := p.CallFail(ctx, tasks.Fail{Message: "boom"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = failed.Wait(ctx)
	var te *celery.TaskError
	if !errors.As(err, &te) || te.Type != "ValueError" || te.Message != "boom" || errors.Is(err, celery.ErrRevoked) {
		t.Errorf("CallFail: %v, want a *celery.TaskError ValueError: boom", err)
	}

	// The worker's clock is an hour ahead: the task expired before it ran.
	w.Now = func() time.Time { return time.Now().Add(time.Hour) }
	expired, err := p.CallEcho(ctx, tasks.Echo{Text: "late", Note: "n"}, celery.WithExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := expired.Wait(ctx); !errors.Is(err, celery.ErrRevoked) {
		t.Errorf("an expired task: %v, want ErrRevoked", err)
	}
}

// TestNoPoisonThroughTheAPI tries to make, through the generated sender,
// the task messages that harm Celery workers (runtime/celery's
// testdata/README.md): without an id header, without a content type, with
// a body that is not three elements, with a timelimit that is not
// numbers. Options that would are refused and send nothing; producer
// defaults that would are overridden.
func TestNoPoisonThroughTheAPI(t *testing.T) {
	ctx := context.Background()
	for name, opt := range map[string]celery.Option{
		"empty task id":       celery.WithTaskID(""),
		"no serializer":       celery.WithSerializer(""),
		"raw serializer":      celery.WithSerializer("raw"),
		"text serializer":     celery.WithSerializer("text"),
		"pickle":              celery.WithSerializer("pickle"),
		"negative time limit": celery.WithTimeLimit(-time.Second),
		"negative soft limit": celery.WithSoftTimeLimit(-time.Second),
		"unknown compression": celery.WithCompression("snappy"),
	} {
		b := memory.New()
		p := tasks.NewWorkerProducer(b)
		if _, err := p.SendAdd(ctx, tasks.Add{X: 1, Y: 2}, opt); !errors.Is(err, runtime.ErrInvalidMessage) {
			t.Errorf("%s: SendAdd = %v, want ErrInvalidMessage", name, err)
		}
		if _, err := p.CallAdd(ctx, tasks.Add{X: 1, Y: 2}, opt); !errors.Is(err, runtime.ErrInvalidMessage) {
			t.Errorf("%s: CallAdd = %v, want ErrInvalidMessage", name, err)
		}
		if n := b.Len("kg.tasks"); n != 0 {
			t.Errorf("%s: %d tasks sent", name, n)
		}
		b.Close()
	}

	hostile := []runtime.ProducerOption{
		runtime.WithHeaders(runtime.Table{"id": nil, "task": "", "timelimit": "soon", "root_id": nil, "lang": nil}),
		runtime.WithContentType("text/plain"), runtime.WithContentEncoding("binary"),
		runtime.WithSerializer("raw"), runtime.WithCompression("bzip2"),
		runtime.WithCorrelationID("other"),
	}
	b := memory.New()
	defer b.Close()
	p := tasks.NewWorkerProducer(b, hostile...)
	id, err := p.SendAdd(ctx, tasks.Add{X: 1, Y: 2})
	if err != nil {
		t.Fatal(err)
	}
	m, task := only(t, b, "kg.tasks")
	if task.ID != id || m.CorrelationID != string(id) || m.Headers["id"] != string(id) || m.ContentType != "application/json" ||
		m.Headers["compression"] != nil || fmt.Sprint(task.Args) != "[1 2]" || task.Name != "kg.add" {
		t.Errorf("producer defaults changed the task message: %+v %+v", m.Properties, task)
	}
	if tl, ok := m.Headers["timelimit"].([]any); !ok || len(tl) != 2 || tl[0] != nil || tl[1] != nil {
		t.Errorf("timelimit %#v, want [null, null]", m.Headers["timelimit"])
	}
}
