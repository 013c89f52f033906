package runtime

import (
	"context"
	"sync"
)

// channelSlot holds a channel that is opened when first needed, and again
// after the broker closed it. Opening is an AMQP round trip that amqp091-go
// cannot cancel, so it runs in a goroutine of its own: callers wait for it
// only as long as their context lets them, and a channel that opens after
// everyone gave up is kept for the next caller.
type channelSlot[T any] struct {
	mu      sync.Mutex
	ch      T
	has     bool
	opening chan struct{} // closed when the running open ends
	err     error         // of the last open
}

// get returns the slot's channel when usable, else opens one. alive tells
// whether a channel is still open; open makes a new one.
func (slot *channelSlot[T]) get(ctx context.Context, s *session, alive func(T) bool, open func() (T, error)) (T, error) {
	var zero T
	slot.mu.Lock()
	if slot.has && alive(slot.ch) {
		ch := slot.ch
		slot.mu.Unlock()
		return ch, nil
	}
	if slot.opening == nil {
		slot.opening = make(chan struct{})
		s.background.Add(1)
		go slot.open(s, open)
	}
	opening := slot.opening
	slot.mu.Unlock()

	select {
	case <-opening:
	case <-ctx.Done():
		return zero, ctx.Err()
	case <-s.lost:
		return zero, s.lostError()
	}
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if slot.err != nil {
		return zero, slot.err
	}
	return slot.ch, nil
}

func (slot *channelSlot[T]) open(s *session, open func() (T, error)) {
	defer s.background.Done()
	ch, err := open()
	slot.mu.Lock()
	defer slot.mu.Unlock()
	slot.ch, slot.has, slot.err = ch, err == nil, err
	if err != nil {
		slot.err = s.channelError(err)
	}
	close(slot.opening)
	slot.opening = nil
}

// current returns the channel the slot holds, if any.
func (slot *channelSlot[T]) current() (T, bool) {
	slot.mu.Lock()
	defer slot.mu.Unlock()
	return slot.ch, slot.has
}
