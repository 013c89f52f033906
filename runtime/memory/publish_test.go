package memory_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

func TestMandatory(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		mandatory bool
		confirm   bool
		onReturn  bool
		wantErr   bool
		wantCalls int
	}{
		{"routed, confirmed: ack", "q", true, true, true, false, 0},
		{"unroutable mandatory confirmed: ErrUnroutable and OnReturn", "none", true, true, true, true, 1},
		{"unroutable mandatory unconfirmed: OnReturn only", "none", true, false, true, false, 1},
		{"unroutable mandatory confirmed without OnReturn", "none", true, true, false, true, 0},
		{"unroutable not mandatory: dropped silently", "none", false, true, true, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			declare(t, b, &runtime.Queue{Name: "q"})
			var returns []runtime.Return
			msg := publishing("", tt.key, "body", func(p *runtime.Publishing) {
				p.Mandatory, p.Confirm = tt.mandatory, tt.confirm
				p.Headers = runtime.Table{"h": "v"}
				p.CorrelationID = "c1"
				if tt.onReturn {
					p.OnReturn = func(r runtime.Return) { returns = append(returns, r) }
				}
			})
			err := publishErr(b, context.Background(), msg)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if tt.wantErr {
				var re *runtime.ReturnError
				if !errors.Is(err, runtime.ErrUnroutable) || !errors.As(err, &re) {
					t.Fatalf("err = %v, want a *runtime.ReturnError matching ErrUnroutable", err)
				}
				checkReturn(t, re.Return, tt.key)
			}
			if len(returns) != tt.wantCalls {
				t.Fatalf("OnReturn called %d times, want %d", len(returns), tt.wantCalls)
			}
			for _, r := range returns {
				checkReturn(t, r, tt.key)
			}
		})
	}
}

func checkReturn(t *testing.T, r runtime.Return, key string) {
	t.Helper()
	if r.ReplyCode != 312 || r.ReplyText != "NO_ROUTE" || r.Exchange != "" || r.RoutingKey != key ||
		string(r.Body) != "body" || r.CorrelationID != "c1" || r.Headers["h"] != "v" {
		t.Errorf("return = %+v, want 312 NO_ROUTE for exchange \"\" key %q with the message", r, key)
	}
}

// TestPublishStoresCopies checks that a caller reusing its buffers and
// maps after Publish, or changing what the broker handed out, cannot change
// what a queue holds.
func TestPublishStoresCopies(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q"})
	body := []byte("original")
	nested := runtime.Table{"k": "v"}
	raw := []byte("raw")
	list := []any{"a"}
	msg := publishing("", "q", "", func(p *runtime.Publishing) {
		p.Body = body
		p.Headers = runtime.Table{"nested": nested, "raw": raw, "list": list}
	})
	if err := publishErr(b, context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	copy(body, "CHANGED!")
	msg.Headers["added"] = true
	nested["k"] = "changed"
	raw[0] = 'X'
	list[0] = "changed"

	got := b.Messages("q")[0]
	got.Body[0] = 'Y'
	got.Headers["nested"].(runtime.Table)["k"] = "changed again"

	m, _ := b.Get("q")
	if string(m.Body) != "original" {
		t.Errorf("body = %q, want original", m.Body)
	}
	want := runtime.Table{"nested": runtime.Table{"k": "v"}, "raw": []byte("raw"), "list": []any{"a"}}
	if len(m.Headers) != len(want) || m.Headers["nested"].(runtime.Table)["k"] != "v" ||
		string(m.Headers["raw"].([]byte)) != "raw" || m.Headers["list"].([]any)[0] != "a" {
		t.Errorf("headers = %v, want %v", m.Headers, want)
	}
}

func TestPublishKeepsNilHeaders(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q"})
	publish(t, b, "", "q", "m", func(p *runtime.Publishing) { p.Headers = nil })
	publish(t, b, "", "q", "m", func(p *runtime.Publishing) { p.Headers = runtime.Table{} })
	ms := b.Messages("q")
	if ms[0].Headers != nil {
		t.Errorf("nil headers came back as %v", ms[0].Headers)
	}
	if ms[1].Headers == nil {
		t.Error("an empty headers table came back nil")
	}
}

func TestPublishTimestampWholeSeconds(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q"})
	ts := time.Date(2024, 5, 1, 12, 0, 0, 750_000_000, time.UTC)
	publish(t, b, "", "q", "m", func(p *runtime.Publishing) { p.Timestamp = ts })
	if got := b.Messages("q")[0].Timestamp; !got.Equal(ts.Truncate(time.Second)) {
		t.Errorf("timestamp = %v, want %v: the wire carries whole seconds", got, ts.Truncate(time.Second))
	}
}

func TestPublishContext(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := publishErr(b, ctx, publishing("", "q", "m")); !errors.Is(err, context.Canceled) {
		t.Errorf("Publish: err = %v, want context.Canceled", err)
	}
	if err := b.Declare(ctx, &runtime.Queue{Name: "q2"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Declare: err = %v, want context.Canceled", err)
	}
	if _, err := b.MaybeDeclare(ctx, &runtime.Queue{Name: "q2"}); !errors.Is(err, context.Canceled) {
		t.Errorf("MaybeDeclare: err = %v, want context.Canceled", err)
	}
	if n := b.Len("q"); n != 0 {
		t.Errorf("a publish with a done context stored %d messages", n)
	}
	if len(b.Queues()) != 1 {
		t.Errorf("a declare with a done context declared: %v", b.Queues())
	}
}

func TestOnRoute(t *testing.T) {
	var routes []memory.Route
	var b *memory.Broker
	b = newBroker(t, memory.WithOnRoute(func(r memory.Route) {
		// The hook runs outside the broker's lock: it may inspect.
		r.Queues = append(r.Queues, b.Messages("a")[0].RoutingKey)
		routes = append(routes, r)
	}))
	declare(t, b, &runtime.Exchange{Name: "x", Type: "fanout"}, queue("b", "x", ""), queue("a", "x", ""))
	publish(t, b, "x", "key", "m")
	want := memory.Route{Exchange: "x", RoutingKey: "key", Queues: []string{"a", "b", "key"}}
	if len(routes) != 1 || routes[0].Exchange != want.Exchange || routes[0].RoutingKey != want.RoutingKey ||
		!slices.Equal(routes[0].Queues, want.Queues) {
		t.Errorf("routes = %+v, want [%+v]", routes, want)
	}
}
