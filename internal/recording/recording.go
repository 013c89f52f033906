// Package recording is the in-process broker with a log: tests see every
// Publishing a producer hands it, with what the broker does not store
// (Confirm, Mandatory, the message type's name).
package recording

import (
	"context"
	"slices"
	"sync"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// Broker is a memory.Broker that keeps a copy of every Publishing.
type Broker struct {
	*memory.Broker
	mu   sync.Mutex
	sent []runtime.Publishing
}

// New returns a recording broker over memory.New(opts...).
func New(opts ...memory.Option) *Broker {
	return &Broker{Broker: memory.New(opts...)}
}

// Publish records msg and publishes it.
func (r *Broker) Publish(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	r.mu.Lock()
	r.sent = append(r.sent, *msg)
	r.mu.Unlock()
	return r.Broker.Publish(ctx, msg)
}

// Published returns the Publishings handed to the broker so far, in order.
func (r *Broker) Published() []runtime.Publishing {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent)
}
