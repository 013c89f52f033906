package celery_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/fakeworker"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/celery"
	"github.com/kombugen/kombugen/runtime/memory"
)

// Both transports can receive results.
var (
	_ celery.ReplyConsumer = (*runtime.Conn)(nil)
	_ celery.ReplyConsumer = (*memory.Broker)(nil)
)

// adder serves kg.add on queue "celery" of b, and holds each task until
// release is closed, so tests can keep calls in flight.
func adder(t *testing.T, b *memory.Broker, release <-chan struct{}) {
	t.Helper()
	w := &fakeworker.Worker{Tasks: map[string]fakeworker.TaskFunc{
		"kg.add": func(task celery.Received) (any, error) {
			<-release
			return task.Args[0].(float64) + task.Args[1].(float64), nil
		},
	}}
	if _, err := w.Serve(context.Background(), b, celery.Declaration(celery.DefaultQueue)...); err != nil {
		t.Fatal(err)
	}
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestCallsThroughMemory: calls from many goroutines through the
// in-process broker share one reply queue, and each gets its own result.
func TestCallsThroughMemory(t *testing.T) {
	b := memory.New()
	defer b.Close()
	release := make(chan struct{})
	close(release)
	adder(t, b, release)
	p := runtime.NewProducer(b)
	ctx := waitCtx(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < 200; i += 8 {
				res, err := celery.Call[int](ctx, p, b, celery.Task{Name: "kg.add", Args: []any{i, 1000}})
				if err != nil {
					t.Error(err)
					return
				}
				if v, err := res.Wait(ctx); v != i+1000 || err != nil {
					t.Errorf("call %d: %d, %v", i, v, err)
				}
			}
		}()
	}
	wg.Wait()
	replyQueues := 0
	for _, q := range b.Queues() {
		if q.AutoDelete {
			replyQueues++
		}
	}
	if replyQueues != 1 {
		t.Errorf("%d reply queues for 200 calls on one transport, want 1: %+v", replyQueues, b.Queues())
	}
}

// TestCloseLosesResults: closing the transport ends the reply queue's
// consumer; a call still waiting fails at once with ErrResultLost.
func TestCloseLosesResults(t *testing.T) {
	b := memory.New()
	release := make(chan struct{})
	adder(t, b, release)
	ctx := waitCtx(t)
	res, err := celery.Call[int](ctx, runtime.NewProducer(b), b, celery.Task{Name: "kg.add", Args: []any{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		b.Close()
	}()
	if _, err := res.Wait(ctx); !errors.Is(err, celery.ErrResultLost) {
		t.Errorf("Wait after Close = %v, want ErrResultLost", err)
	}
	close(release) // the worker's task ends, and Close with it
	<-closed
	if _, err := celery.Call[int](ctx, runtime.NewProducer(b), b, celery.Task{Name: "kg.add"}); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Call after Close = %v, want ErrClosed", err)
	}
}

// TestCallAcrossDisconnect: the reply queue goes with the connection, and
// the result with it: a call waiting then fails at once with
// ErrResultLost, and the next call gets a reply queue of its own and its
// result.
func TestCallAcrossDisconnect(t *testing.T) {
	b := memory.New()
	defer b.Close()
	release := make(chan struct{})
	adder(t, b, release)
	ctx := waitCtx(t)
	p := runtime.NewProducer(b)
	res, err := celery.Call[int](ctx, p, b, celery.Task{Name: "kg.add", Args: []any{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	b.Disconnect()
	if _, err := res.Wait(ctx); !errors.Is(err, celery.ErrResultLost) {
		t.Errorf("Wait = %v, want ErrResultLost", err)
	}
	close(release)
	again, err := celery.Call[int](ctx, p, b, celery.Task{Name: "kg.add", Args: []any{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := again.Wait(ctx); v != 3 || err != nil {
		t.Errorf("Wait after Disconnect = %v, %v; want 3", v, err)
	}
}

// TestCallWithoutReplyConsumer: a transport that cannot consume gives a
// clear error, and nothing is sent.
func TestCallWithoutReplyConsumer(t *testing.T) {
	b := memory.New()
	defer b.Close()
	_, err := celery.Call[int](context.Background(), runtime.NewProducer(b), nil, celery.Task{Name: "kg.add"})
	if err == nil || !strings.Contains(err.Error(), "Consume method") || len(b.Queues()) != 0 {
		t.Errorf("Call with no reply consumer = %v; queues %v", err, b.Queues())
	}
}
