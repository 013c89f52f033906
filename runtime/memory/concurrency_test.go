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

// TestConcurrentUse runs producers, declarers, inspectors, consumers and
// connection losses at once; run with -race. Every message published must
// be in a queue or taken by Get exactly once.
func TestConcurrentUse(t *testing.T) {
	const publishers, perPublisher = 8, 200
	clk := newClock()
	var routed atomic.Int64
	b := newBroker(t, memory.WithClock(clk.Now), memory.WithOnRoute(func(r memory.Route) {
		routed.Add(int64(len(r.Queues)))
	}))
	events := &runtime.Queue{Name: "events", Durable: true, Arguments: runtime.Table{"x-max-priority": 3},
		Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "order.#"}}}
	audit := &runtime.Queue{Name: "audit", Durable: true,
		Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "#"}}}
	ctx := context.Background()

	var wg sync.WaitGroup
	var taken atomic.Int64
	stop := make(chan struct{})
	for i := range publishers {
		wg.Go(func() {
			// Failures keep coming: retry as long as it takes.
			p := runtime.NewProducer(b, runtime.WithExchange(orders), runtime.WithDeclare(events, audit),
				runtime.WithRetry(runtime.RetryPolicy{MaxRetries: 1 << 20}))
			for j := range perPublisher {
				err := p.Publish(ctx, order{ID: fmt.Sprint(i, "-", j)},
					runtime.WithRoutingKey("order.created"), runtime.WithPriority(j%4))
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var background sync.WaitGroup
	background.Go(func() { // a consumer
		for {
			select {
			case <-stop:
				return
			default:
			}
			if m, ok := b.Get("audit"); ok {
				var o order
				if err := m.Decode(&o); err != nil {
					t.Error(err)
				}
				taken.Add(1)
			}
		}
	})
	background.Go(func() { // inspectors, connection losses and a moving clock
		for {
			select {
			case <-stop:
				return
			default:
			}
			b.Queues()
			b.Bindings()
			b.Exchanges()
			b.Messages("events")
			b.Declarations()
			b.Disconnect()
			b.FailNext(1, nil)
			clk.Advance(time.Millisecond)
		}
	})
	wg.Wait()
	close(stop)
	background.Wait()

	const total = publishers * perPublisher
	if n := b.Len("events"); n != total {
		t.Errorf("events holds %d messages, want %d", n, total)
	}
	if n := int64(b.Len("audit")) + taken.Load(); n != total {
		t.Errorf("audit held or gave %d messages, want %d", n, total)
	}
	if n := routed.Load(); n != 2*total {
		t.Errorf("%d routes reported, want %d", n, 2*total)
	}
	// Priorities survived the interleaving: highest first.
	ms := b.Messages("events")
	for i := 1; i < len(ms); i++ {
		if ms[i].Priority > ms[i-1].Priority {
			t.Fatalf("message %d has priority %d after %d", i, ms[i].Priority, ms[i-1].Priority)
		}
	}
}

// TestConcurrentClose closes the broker under running publishers: every
// publish either succeeds or fails with ErrClosed.
func TestConcurrentClose(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q"})
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range 4 {
		wg.Go(func() {
			for range 500 {
				err := publishErr(b, context.Background(), publishing("", "q", "m"))
				switch {
				case err == nil:
					ok.Add(1)
				case !isClosed(err):
					t.Error(err)
					return
				}
			}
		})
	}
	b.Close()
	wg.Wait()
	if n := b.Len("q"); int64(n) != ok.Load() {
		t.Errorf("q holds %d messages, %d publishes succeeded", n, ok.Load())
	}
}

func isClosed(err error) bool { return errors.Is(err, runtime.ErrClosed) }
