package kitchen_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kombugen/kombugen/golden/kitchen"
	"github.com/kombugen/kombugen/runtime"
)

// TestBadBodiesRefused publishes values that no serializer can encode,
// through the generated producer, with each serializer: a func or chan in
// the any field, and Nodes that hold themselves. Each is ErrInvalidMessage
// and nothing is published: never a panic, a stack overflow or memory
// without bound.
func TestBadBodiesRefused(t *testing.T) {
	pointerLoop := &kitchen.Node{Name: "loop"}
	pointerLoop.Parent = pointerLoop
	kids := make([]kitchen.Node, 1)
	kids[0].Children = kids
	selfMap := map[string]any{}
	selfMap["self"] = selfMap
	bodies := []struct {
		name   string
		change func(*kitchen.Everything)
	}{
		{"func in any", func(e *kitchen.Everything) { e.Anything = func() {} }},
		{"chan in any", func(e *kitchen.Everything) { e.Anything = make(chan int) }},
		{"map holding itself in any", func(e *kitchen.Everything) { e.Anything = selfMap }},
		{"node its own parent", func(e *kitchen.Everything) { e.Root = pointerLoop }},
		{"nodes their own children", func(e *kitchen.Everything) { e.Root = &kitchen.Node{Name: "r", Children: kids} }},
		{"itself in any", func(e *kitchen.Everything) { e.Anything = e }},
	}
	for _, serializer := range []string{"msgpack", "yaml", "json"} {
		for _, body := range bodies {
			t.Run(serializer+"/"+body.name, func(t *testing.T) {
				b := newBroker()
				p := kitchen.NewJobsProducer(b)
				e := fullEverything()
				body.change(&e)
				err := p.PublishEverything(context.Background(), kitchen.StatusInProgress, 7, "acme", e, runtime.WithSerializer(serializer))
				if !errors.Is(err, runtime.ErrInvalidMessage) {
					t.Errorf("PublishEverything = %v, want ErrInvalidMessage", err)
				}
				if n := len(b.Published()); n != 0 {
					t.Errorf("%d messages published", n)
				}
			})
		}
	}
}
