package runtime_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// checkingBroker counts MaybeDeclare calls on a memory broker.
type checkingBroker struct {
	*memory.Broker
	checks atomic.Int64
}

func (b *checkingBroker) MaybeDeclare(ctx context.Context, e runtime.Entity) (bool, error) {
	b.checks.Add(1)
	return b.Broker.MaybeDeclare(ctx, e)
}

// TestEpochSkipsDeclareChecks shows that a producer over an Epocher checks
// its entities once per connection, not on every publish, and again after
// a reconnect; entities that may vanish are checked every time.
func TestEpochSkipsDeclareChecks(t *testing.T) {
	ctx := context.Background()
	b := &checkingBroker{Broker: memory.New()}
	defer b.Close()
	ex := &runtime.Exchange{Name: "orders", Type: "topic", Durable: true}
	q := &runtime.Queue{Name: "billing", Durable: true, Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "#"}}}
	p := runtime.NewProducer(b, runtime.WithExchange(ex), runtime.WithDeclare(q), runtime.WithRoutingKey("k"))
	for range 5 {
		if err := p.Publish(ctx, "m"); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.checks.Load(); n != 2 {
		t.Errorf("5 publishes made %d declare checks, want 2 (once per entity)", n)
	}
	b.Disconnect()
	if err := p.Publish(ctx, "m"); err != nil {
		t.Fatal(err)
	}
	if n := b.checks.Load(); n != 4 || b.DeclareCount("E|orders") != 2 {
		t.Errorf("after a reconnect: %d checks and %d exchange declares, want 4 and 2", n, b.DeclareCount("E|orders"))
	}

	temp := &runtime.Queue{Name: "temp", AutoDelete: true, Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "#"}}}
	p2 := runtime.NewProducer(b, runtime.WithExchange(ex), runtime.WithDeclare(temp), runtime.WithRoutingKey("k"))
	b.checks.Store(0)
	for range 3 {
		if err := p2.Publish(ctx, "m"); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.checks.Load(); n != 6 {
		t.Errorf("with an auto-delete queue 3 publishes made %d checks, want 6", n)
	}
}
