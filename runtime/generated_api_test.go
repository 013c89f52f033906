package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/genimpl"
	"github.com/kombugen/kombugen/runtime/memory"
)

// TestPublishAsLayers checks the order generated publishes apply settings
// in: the message type, then the producer's options, then the publish's.
func TestPublishAsLayers(t *testing.T) {
	mt := genimpl.NewMessageType("OrderCreated", "orders",
		runtime.WithSerializer("yaml"), runtime.WithPriority(3), runtime.WithTTL(time.Second),
		runtime.WithHeaders(runtime.Table{"x-event-version": 2, "kept": "type"}))
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithAutoDeclare(false), runtime.WithPriority(5), runtime.WithConfirm(false))
	err := genimpl.Publish(context.Background(), p, mt, "order.eu.created", map[string]int{"n": 1},
		runtime.WithTTL(2*time.Second), runtime.WithHeaders(runtime.Table{"x-event-version": 3})).Err()
	if err != nil {
		t.Fatal(err)
	}
	msg := f.only(t)
	got := fmt.Sprintf("%s %s %s %d %s %v %v %v %s", msg.MessageName, msg.Exchange, msg.RoutingKey, msg.Priority,
		msg.Expiration, msg.Confirm, msg.Headers["x-event-version"], msg.Headers["kept"], msg.ContentType)
	if want := "OrderCreated orders order.eu.created 5 2000 false 3 type application/x-yaml"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if mt.Name() != "OrderCreated" {
		t.Errorf("Name() = %q", mt.Name())
	}
}

func TestMiddleware(t *testing.T) {
	var trace []string
	record := func(name string) runtime.Middleware {
		return func(next runtime.PublishFunc) runtime.PublishFunc {
			return func(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
				trace = append(trace, name+" before "+msg.RoutingKey)
				msg.Headers["traceparent"] = "00-trace-" + name
				c := next(ctx, msg)
				<-c.Done()
				trace = append(trace, fmt.Sprintf("%s after %v", name, c.Err()))
				return c
			}
		}
	}
	f := newFakeTransport()
	f.failPublishes(1, runtime.ErrConnectionLost)
	p := runtime.NewProducer(f, runtime.WithRoutingKey("k"), runtime.WithMiddleware(record("outer"), record("inner")))
	if err := p.Publish(context.Background(), "m"); err != nil {
		t.Fatal(err)
	}
	want := []string{"outer before k", "inner before k", "inner after <nil>", "outer after <nil>"}
	if fmt.Sprint(trace) != fmt.Sprint(want) {
		t.Errorf("trace = %q, want %q (one pass however many retries)", trace, want)
	}
	if got := f.only(t).Headers["traceparent"]; got != "00-trace-inner" {
		t.Errorf("traceparent header = %v", got)
	}

	// The outcome reaches the middleware, and an invalid message never does.
	trace = nil
	f.failPublishes(1, runtime.ErrNacked)
	if err := p.Publish(context.Background(), "m"); !errors.Is(err, runtime.ErrNacked) {
		t.Fatalf("Publish = %v", err)
	}
	if len(trace) != 4 || !strings.Contains(trace[3], "nacked") {
		t.Errorf("trace = %q", trace)
	}
	trace = nil
	if err := p.Publish(context.Background(), "m", runtime.WithPriority(300)); !errors.Is(err, runtime.ErrInvalidMessage) {
		t.Fatalf("Publish = %v", err)
	}
	if len(trace) != 0 {
		t.Errorf("middleware saw an invalid message: %q", trace)
	}
}

func TestTopologyDeclare(t *testing.T) {
	b := memory.New()
	defer b.Close()
	topo := runtime.Topology{
		Exchanges: []*runtime.Exchange{{Name: "amq.topic"}, {Name: "orders", Type: "topic"}},
		Queues:    []*runtime.Queue{{Name: "billing", Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "#"}}}},
	}
	if err := topo.Declare(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if b.DeclareCount("E|orders") != 1 || b.DeclareCount("Q|billing") != 1 || b.DeclareCount("E|amq.topic") != 0 {
		t.Errorf("declarations = %v", b.Declarations())
	}
	bad := runtime.Topology{Queues: []*runtime.Queue{{Name: "q", Bindings: []runtime.Binding{{Exchange: "missing"}}}}}
	if err := bad.Declare(context.Background(), b); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("binding to a missing exchange = %v", err)
	}
}
