package layers_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kombugen/kombugen/golden/layers"
	"github.com/kombugen/kombugen/runtime/memory"
)

// bodies returns the bodies of the messages queue holds, in order.
func bodies(b *memory.Broker, queue string) []string {
	var out []string
	for _, m := range b.Messages(queue) {
		out = append(out, string(m.Body))
	}
	return out
}

func check(t *testing.T, b *memory.Broker, want map[string][]string) {
	t.Helper()
	for q, w := range want {
		if got := bodies(b, q); !slices.Equal(got, w) {
			t.Errorf("%s holds %q, want %q", q, got, w)
		}
	}
}

// TestTopology declares the whole topology, cycle included, and routes
// through its exchange-to-exchange bindings.
func TestTopology(t *testing.T) {
	b := memory.New()
	defer b.Close()
	ctx := context.Background()
	if err := layers.Topology().Declare(ctx, b); err != nil {
		t.Fatalf("Topology.Declare: %v", err)
	}
	if err := layers.NewRegionsProducer(b).PublishOrder(ctx, layers.Order{ID: "A1"}); err != nil {
		t.Fatal(err)
	}
	if err := layers.NewAuditProducer(b).PublishNote(ctx, "checked"); err != nil {
		t.Fatal(err)
	}
	if err := layers.NewLoopsProducer(b).PublishPing(ctx, "ping"); err != nil {
		t.Fatal(err)
	}
	check(t, b, map[string][]string{
		"orders.all":  {`{"id":"A1"}`},            // eu -> orders
		"audit.log":   {`{"id":"A1"}`, "checked"}, // eu -> orders -> audit
		"audit.notes": {"checked"},                // audit -> by-kind, kind: note
		"loops":       {"ping"},                   // loop-a -> loop-b, once
	})
}

// TestProducersDeclare: on a broker holding nothing, each producer declares
// what its publishes and queues need, sources before the exchanges bound
// to them; its own exchange without its bindings, whose sources it does
// not need.
func TestProducersDeclare(t *testing.T) {
	ctx := context.Background()
	t.Run("Regions", func(t *testing.T) {
		b := memory.New()
		defer b.Close()
		if err := layers.NewRegionsProducer(b).PublishOrder(ctx, layers.Order{ID: "A1"}); err != nil {
			t.Fatal(err)
		}
		check(t, b, map[string][]string{"orders.all": {`{"id":"A1"}`}})
	})
	t.Run("Audit", func(t *testing.T) {
		b := memory.New()
		defer b.Close()
		if err := layers.NewAuditProducer(b).PublishNote(ctx, "n"); err != nil {
			t.Fatal(err)
		}
		check(t, b, map[string][]string{"audit.log": {"n"}, "audit.notes": {"n"}})
	})
	t.Run("Loops", func(t *testing.T) {
		b := memory.New()
		defer b.Close()
		if err := layers.NewLoopsProducer(b).PublishPing(ctx, "p"); err != nil {
			t.Fatal(err)
		}
		check(t, b, map[string][]string{"loops": {"p"}})
	})
}
