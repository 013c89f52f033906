package runtime

import "sync"

// mailbox is the queue of requests a channel's owner serves. Callers put
// requests in; the owner takes them out in order, all that are waiting at
// once. Once the owner stops, the mailbox refuses new requests, so none is
// left behind unserved.
type mailbox[T any] struct {
	mu      sync.Mutex
	items   []T
	spare   []T
	wake    chan struct{}
	stopped bool
}

func newMailbox[T any]() *mailbox[T] {
	return &mailbox[T]{wake: make(chan struct{}, 1)}
}

// put queues v, reporting false when the owner has stopped.
func (m *mailbox[T]) put(v T) bool {
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		return false
	}
	m.items = append(m.items, v)
	m.mu.Unlock()
	m.poke()
	return true
}

// take returns the queued requests, waiting until there are some or the
// mailbox is poked; ok is false when stop is closed first. The slice is the
// owner's until its next take.
func (m *mailbox[T]) take(stop <-chan struct{}) (items []T, ok bool) {
	for poked := false; ; {
		m.mu.Lock()
		if len(m.items) > 0 || poked {
			items = m.items
			clear(m.spare) // the owner is done with them
			m.items = m.spare[:0]
			m.spare = items
			m.mu.Unlock()
			return items, true
		}
		m.mu.Unlock()
		select {
		case <-m.wake:
			poked = true
		case <-stop:
			return nil, false
		}
	}
}

// poke wakes the owner, for work that is not in the mailbox.
func (m *mailbox[T]) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// stop refuses further requests and returns those still queued, for the
// owner to fail.
func (m *mailbox[T]) stop() []T {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopped = true
	items := m.items
	m.items = nil
	return items
}
