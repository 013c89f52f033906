package runtime_test

import (
	"context"
	"errors"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// TestTopologyDeclareExchangeBindings: exchanges bound to each other in a
// cycle are declared, whatever their order, before they are bound.
func TestTopologyDeclareExchangeBindings(t *testing.T) {
	b := memory.New()
	defer b.Close()
	topo := runtime.Topology{
		Exchanges: []*runtime.Exchange{
			{Name: "a", Type: "fanout", Bindings: []runtime.Binding{{Exchange: "b"}}},
			{Name: "b", Type: "fanout", Bindings: []runtime.Binding{{Exchange: "a"}}},
		},
		Queues: []*runtime.Queue{{Name: "q", Bindings: []runtime.Binding{{Exchange: "b"}}}},
	}
	if err := topo.Declare(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), &runtime.Publishing{Exchange: "a", Body: []byte("m")}).Err(); err != nil {
		t.Fatal(err)
	}
	if n := b.Len("q"); n != 1 {
		t.Errorf("q holds %d messages, want 1 through a -> b", n)
	}
	bad := runtime.Topology{Exchanges: []*runtime.Exchange{{Name: "x", Bindings: []runtime.Binding{{Exchange: "missing"}}}}}
	if err := bad.Declare(context.Background(), b); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("binding to a missing exchange = %v", err)
	}
}

// TestConnExchangeBindings: a Conn declares an exchange with its bindings
// to source exchanges, and RabbitMQ routes through them.
func TestConnExchangeBindings(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	src, dst, q := uniqueName(t, "src"), uniqueName(t, "dst"), uniqueName(t, "q")
	p.cleanupExchange(src)
	p.cleanupExchange(dst)
	if err := conn.Declare(ctx, &runtime.Exchange{Name: src, Type: "topic"}); err != nil {
		t.Fatal(err)
	}
	if err := conn.Declare(ctx, &runtime.Exchange{Name: dst, Type: "fanout",
		Bindings: []runtime.Binding{{Exchange: src, RoutingKey: "order.*"}}}); err != nil {
		t.Fatal(err)
	}
	p.queue(q, nil, dst, "")
	for _, key := range []string{"order.created", "refund"} {
		if err := p.ch.Publish(src, key, false, false, amqp.Publishing{Body: []byte(key)}); err != nil {
			t.Fatal(err)
		}
	}
	if d := p.get(q); string(d.Body) != "order.created" {
		t.Errorf("got %q through the exchange binding, want order.created", d.Body)
	}
	err := conn.Declare(ctx, &runtime.Exchange{Name: dst, Type: "fanout",
		Bindings: []runtime.Binding{{Exchange: uniqueName(t, "missing")}}})
	if !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("binding to a missing exchange: %v, want ErrNotFound", err)
	}
}
