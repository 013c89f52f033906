package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// TestPublishAsLayers checks the order generated publishes apply settings
// in: the message type, then the producer's options, then the publish's.
func TestPublishAsLayers(t *testing.T) {
	mt := runtime.NewMessageType("OrderCreated", "orders",
		runtime.WithSerializer("yaml"), runtime.WithPriority(3), runtime.WithTTL(time.Second),
		runtime.WithHeaders(runtime.Table{"x-event-version": 2, "kept": "type"}))
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithAutoDeclare(false), runtime.WithPriority(5), runtime.WithConfirm(false))
	err := p.PublishAs(context.Background(), mt, "order.eu.created", map[string]int{"n": 1},
		runtime.WithTTL(2*time.Second), runtime.WithHeaders(runtime.Table{"x-event-version": 3}))
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

func TestFieldErrorPaths(t *testing.T) {
	inner := runtime.Invalid("currency", "%q is not one of EUR, USD", "XXX")
	tests := []struct {
		err  error
		want string
	}{
		{inner, `invalid message: currency: "XXX" is not one of EUR, USD`},
		{runtime.InField("total", inner), `invalid message: total.currency: "XXX" is not one of EUR, USD`},
		{runtime.InElement("items", 2, runtime.Invalid("sku", "is required")), `invalid message: items[2].sku: is required`},
		{runtime.InKey("prices", "eu", inner), `invalid message: prices["eu"].currency: "XXX" is not one of EUR, USD`},
		{runtime.InField("outer", runtime.InElement("list", 0, inner)), `invalid message: outer.list[0].currency: "XXX" is not one of EUR, USD`},
		{runtime.InField("x", errors.New("custom")), `x: custom`},
		{runtime.InElement("tags", 1, runtime.Invalid("", "is empty")), `invalid message: tags[1]: is empty`},
		{runtime.InElement("grid", 1, runtime.InElement("", 2, inner)), `invalid message: grid[1][2].currency: "XXX" is not one of EUR, USD`},
	}
	for _, tt := range tests {
		if tt.err.Error() != tt.want {
			t.Errorf("got  %s\nwant %s", tt.err, tt.want)
		}
	}
	if !errors.Is(runtime.InField("total", inner), runtime.ErrInvalidMessage) {
		t.Error("a FieldError does not match ErrInvalidMessage")
	}
	if runtime.InField("a", nil) != nil || runtime.InElement("a", 1, nil) != nil || runtime.InKey("a", "k", nil) != nil {
		t.Error("nil errors must stay nil")
	}
}

func TestCheckRoutingParam(t *testing.T) {
	tests := []struct {
		value string
		topic bool
		ok    bool
	}{
		{"eu", true, true},
		{"", true, false},
		{"", false, false},
		{"a.b", true, false},
		{"a*", true, false},
		{"#", true, false},
		{"a.b", false, true},
	}
	for _, tt := range tests {
		err := runtime.CheckRoutingParam("region", tt.value, tt.topic)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, runtime.ErrInvalidMessage)) {
			t.Errorf("CheckRoutingParam(%q, topic=%v) = %v", tt.value, tt.topic, err)
		}
		if err != nil && !strings.Contains(err.Error(), "region") {
			t.Errorf("error %q does not name the parameter", err)
		}
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
