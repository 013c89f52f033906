package memory

import (
	"errors"
	"fmt"

	"github.com/kombugen/kombugen/runtime"
)

// fault is a simulated failure waiting for the next publishes.
type fault struct {
	n   int
	err error
}

// next returns the failure for this publish, if one is due.
func (f *fault) next() error {
	if f.n <= 0 {
		return nil
	}
	f.n--
	return f.err
}

// FailNext makes the next n calls to Publish fail with an error wrapping
// err (runtime.ErrConnectionLost when err is nil), so that retrying can be
// tested without a broker to break. A failure matching
// runtime.ErrConnectionLost is a lost connection: the message goes nowhere
// and Disconnect happens first. One matching runtime.ErrConfirmLost is a
// channel that closed after the broker took the message: it is routed and
// stored, and Publish fails all the same. Any other error just fails the
// publish. FailNext replaces failures still pending; n <= 0 cancels them.
func (b *Broker) FailNext(n int, err error) {
	if err == nil {
		err = runtime.ErrConnectionLost
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fault = fault{n: n, err: fmt.Errorf("memory broker: simulated failure: %w", err)}
}

// Disconnect simulates losing the connection and making a new one, as a
// transport does when it reconnects: the declare-once memory is dropped, so
// MaybeDeclare declares everything again; exclusive queues, which belong to
// the connection, are deleted with their messages, and so are the
// auto-delete queues that had consumers, which went with it; and each
// consumer declares its queue again on the new connection and goes on
// consuming it, as runtime.Conn's consumers do. The broker stays open.
func (b *Broker) Disconnect() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.disconnect()
}

func (b *Broker) disconnect() {
	b.cache.Reset()
	for name, q := range b.queues {
		if q.decl.Exclusive {
			b.deleteQueue(name)
		}
	}
	b.reconsume()
}

// fail applies a simulated failure that struck before the broker took the
// message.
func (b *Broker) fail(err error) {
	if errors.Is(err, runtime.ErrConnectionLost) {
		b.disconnect()
	}
}
