package memory_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// received collects what a consumer delivers, and checks that deliveries
// never overlap.
type received struct {
	mu      sync.Mutex
	bodies  []string
	more    chan struct{}
	running atomic.Int32
	overlap atomic.Bool
}

func newReceived() *received { return &received{more: make(chan struct{}, 1000)} }

func (r *received) deliver(p runtime.Properties, body []byte) {
	if r.running.Add(1) != 1 {
		r.overlap.Store(true)
	}
	defer r.running.Add(-1)
	r.mu.Lock()
	r.bodies = append(r.bodies, string(body))
	r.mu.Unlock()
	r.more <- struct{}{}
}

// await waits until n messages in all were delivered and returns them.
func (r *received) await(t *testing.T, n int) []string {
	t.Helper()
	for {
		r.mu.Lock()
		got := append([]string(nil), r.bodies...)
		r.mu.Unlock()
		if len(got) >= n {
			if r.overlap.Load() {
				t.Error("deliver was called again before it returned")
			}
			return got
		}
		select {
		case <-r.more:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d deliveries %v, want %d", len(got), got, n)
		}
	}
}

func startConsumer(t *testing.T, b *memory.Broker, ctx context.Context, q *runtime.Queue) (*received, <-chan struct{}) {
	t.Helper()
	r := newReceived()
	done, err := b.Consume(ctx, q, r.deliver)
	if err != nil {
		t.Fatalf("Consume %q: %v", q.Name, err)
	}
	return r, done
}

func awaitDone(t *testing.T, done <-chan struct{}, why string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("consuming did not end %s", why)
	}
}

// TestConsumeDelivers: a consumer gets what the queue held and what is
// routed to it later, in order, one at a time, and the queue keeps
// nothing.
func TestConsumeDelivers(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Exchange{Name: "x", Type: "direct"})
	publishMany := func(from, to int) {
		for i := from; i < to; i++ {
			publish(t, b, "x", "k", fmt.Sprint(i))
		}
	}
	q := queue("q", "x", "k")
	declare(t, b, q)
	publishMany(0, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, done := startConsumer(t, b, ctx, q)
	publishMany(3, 100)
	got := r.await(t, 100)
	for i, body := range got {
		if body != fmt.Sprint(i) {
			t.Fatalf("delivered %v, want 0..99 in order", got)
		}
	}
	if n := b.Len("q"); n != 0 {
		t.Errorf("the consumed queue holds %d messages", n)
	}
	if qs := b.Queues(); len(qs) != 1 || qs[0].Consumers != 1 {
		t.Errorf("Queues = %+v, want q with one consumer", qs)
	}
	cancel()
	awaitDone(t, done, "with its ctx")
	publish(t, b, "x", "k", "after")
	if got := bodies(b, "q"); len(got) != 1 || got[0] != "after" {
		t.Errorf("after the consumer stopped the queue holds %v, want [after]", got)
	}
	if qs := b.Queues(); qs[0].Consumers != 0 {
		t.Errorf("Queues = %+v, want no consumer", qs)
	}
}

// TestConsumeAutoDelete: an auto-delete queue goes with its last
// consumer, as in RabbitMQ.
func TestConsumeAutoDelete(t *testing.T) {
	b := newBroker(t)
	q := &runtime.Queue{Name: "replies", AutoDelete: true}
	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	_, done1 := startConsumer(t, b, ctx1, q)
	_, done2 := startConsumer(t, b, ctx2, q)
	cancel1()
	awaitDone(t, done1, "with its ctx")
	if len(b.Queues()) != 1 {
		t.Fatal("the auto-delete queue went while a consumer was left")
	}
	cancel2()
	awaitDone(t, done2, "with its ctx")
	if qs := b.Queues(); len(qs) != 0 {
		t.Errorf("queues %+v remain after the last consumer of an auto-delete queue stopped", qs)
	}
}

// TestConsumeAcrossDisconnect: after a lost connection the consumer of a
// durable queue declares it again and goes on consuming.
func TestConsumeAcrossDisconnect(t *testing.T) {
	b := newBroker(t)
	q := &runtime.Queue{Name: "replies", Durable: true}
	r, _ := startConsumer(t, b, context.Background(), q)
	publish(t, b, "", "replies", "before")
	r.await(t, 1)
	b.Disconnect()
	if n := b.DeclareCount("Q|replies"); n != 2 {
		t.Errorf("the queue was declared %d times, want again after Disconnect", n)
	}
	publish(t, b, "", "replies", "after")
	if got := r.await(t, 2); got[1] != "after" {
		t.Errorf("delivered %v", got)
	}
}

// TestConsumeEndsWithItsQueue: an auto-delete queue goes with the
// connection, with what it held, and consuming it ends.
func TestConsumeEndsWithItsQueue(t *testing.T) {
	b := newBroker(t)
	q := &runtime.Queue{Name: "replies", AutoDelete: true, Arguments: runtime.Table{"x-expires": int32(86400000)}}
	r, done := startConsumer(t, b, context.Background(), q)
	publish(t, b, "", "replies", "before")
	r.await(t, 1)
	b.Disconnect()
	awaitDone(t, done, "with its queue")
	if qs := b.Queues(); len(qs) != 0 {
		t.Errorf("queues %+v after Disconnect, want the auto-delete one gone", qs)
	}
}

// TestConsumeStopsWithClose: Close ends every consumer and waits for it
// (goleak checks that no goroutine is left); Consume after Close fails.
func TestConsumeStopsWithClose(t *testing.T) {
	b := memory.New()
	_, done := startConsumer(t, b, context.Background(), &runtime.Queue{Name: "replies", AutoDelete: true})
	_, kept := startConsumer(t, b, context.Background(), &runtime.Queue{Name: "work", Durable: true})
	b.Close()
	for _, d := range []<-chan struct{}{done, kept} {
		select {
		case <-d:
		default:
			t.Fatal("a consumer goes on after Close")
		}
	}
	if qs := b.Queues(); len(qs) != 1 || qs[0].Name != "work" {
		t.Errorf("queues after Close: %+v, want work alone (the auto-delete one went with its consumer)", qs)
	}
	if _, err := b.Consume(context.Background(), &runtime.Queue{Name: "q"}, func(runtime.Properties, []byte) {}); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Consume after Close = %v, want ErrClosed", err)
	}
}

// TestConsumeRefused: a queue the broker refuses to declare is not
// consumed.
func TestConsumeRefused(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q", Durable: true})
	_, err := b.Consume(context.Background(), &runtime.Queue{Name: "q"}, func(runtime.Properties, []byte) {})
	if !errors.Is(err, runtime.ErrPreconditionFailed) {
		t.Errorf("Consume of an inequivalent queue = %v, want PRECONDITION_FAILED", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Consume(ctx, &runtime.Queue{Name: "q2"}, func(runtime.Properties, []byte) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("Consume with a cancelled ctx = %v", err)
	}
	if qs := b.Queues(); len(qs) != 1 || qs[0].Consumers != 0 {
		t.Errorf("queues %+v, want q alone and unconsumed", qs)
	}
}

// TestConsumedQueueDoesNotExpire: x-expires deletes a queue only while it
// has no consumer, counting from when the last one stopped.
func TestConsumedQueueDoesNotExpire(t *testing.T) {
	clk := newClock()
	b := newBroker(t, memory.WithClock(clk.Now))
	q := &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-expires": int32(1000)}}
	ctx, cancel := context.WithCancel(context.Background())
	_, done := startConsumer(t, b, ctx, q)
	clk.Advance(time.Hour)
	if len(b.Queues()) != 1 {
		t.Fatal("a consumed queue expired")
	}
	cancel()
	awaitDone(t, done, "with its ctx")
	clk.Advance(999 * time.Millisecond)
	if len(b.Queues()) != 1 {
		t.Fatal("the queue expired before x-expires ran out after its consumer stopped")
	}
	clk.Advance(time.Millisecond)
	if qs := b.Queues(); len(qs) != 0 {
		t.Errorf("queues %+v, want q expired", qs)
	}
}
