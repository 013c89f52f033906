package celery

import (
	"context"
	"slices"
	"sync"

	"github.com/kombugen/kombugen/runtime"
)

// tape is a Transport that keeps every Publishing and settles it with err
// (nil: published). The tests of this package cannot use runtime/memory,
// which imports it.
type tape struct {
	err  error
	mu   sync.Mutex
	sent []runtime.Publishing
}

func (t *tape) Publish(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	t.mu.Lock()
	t.sent = append(t.sent, *msg)
	t.mu.Unlock()
	return runtime.Settled(t.err)
}

func (t *tape) Declare(context.Context, runtime.Entity) error { return nil }

func (t *tape) MaybeDeclare(context.Context, runtime.Entity) (bool, error) { return true, nil }

// Published returns the Publishings handed to t so far, in order.
func (t *tape) Published() []runtime.Publishing {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.sent)
}
