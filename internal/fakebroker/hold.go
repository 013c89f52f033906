package fakebroker

import (
	"context"
	"fmt"
)

// Hold catches the next method that matches it, before the broker acts on
// it, and keeps it and everything after it on its channel waiting, as a
// busy RabbitMQ channel would, until the test resolves the hold with one
// of Release, Drop, Reply, CloseChannel, CloseConnection or Sever. For a
// basic.publish on a confirm-mode channel the broker's answer is its
// confirm (and return).
//
// A hold matches methods when the broker comes to act on them, in the
// order they came on their channel. The resolving methods wait for the
// catch as Event does.
type Hold struct {
	b      *Broker
	match  Match
	caught chan struct{} // closed when ev is set
	// Under the broker's lock:
	ev       *Event
	resolved bool
}

// Hold holds the next method this connection receives that matches m.
func (c *Conn) Hold(m Match) *Hold {
	return c.b.Hold(All(func(e *Event) bool { return e.Conn == c }, m))
}

// Event returns the method the hold caught, waiting for it; it fails the
// test if none comes within Options.Timeout.
func (h *Hold) Event() *Event {
	h.b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), h.b.opts.Timeout)
	defer cancel()
	ev, err := h.EventContext(ctx)
	if err != nil {
		h.b.t.Fatalf("fakebroker: hold: %v", err)
	}
	return ev
}

// EventContext is Event under ctx, for use off the test's goroutine.
func (h *Hold) EventContext(ctx context.Context) (*Event, error) {
	select {
	case <-h.caught:
		h.b.mu.Lock()
		defer h.b.mu.Unlock()
		return h.ev, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("nothing caught: %w", ctx.Err())
	case <-h.b.done:
		return nil, ErrClosed
	}
}

// Release lets the broker act on the method as it would have.
func (h *Hold) Release() {
	h.b.t.Helper()
	h.resolve(func(c *Conn, ev *Event) { c.process(ev, true) })
}

// Drop lets the broker take the method but never answer it: no reply, no
// confirm. What the method changes (a channel opened, a delivery tag
// used) still changes.
func (h *Hold) Drop() {
	h.b.t.Helper()
	h.resolve(func(c *Conn, ev *Event) { c.process(ev, false) })
}

// Reply lets the broker take the method and answer with ms, on its
// channel, instead of its own answer.
func (h *Hold) Reply(ms ...Method) {
	h.b.t.Helper()
	h.resolve(func(c *Conn, ev *Event) {
		c.process(ev, false)
		for _, m := range ms {
			c.sendLocked(ev.Channel, m)
		}
	})
}

// CloseChannel answers the method with channel.close (code, text, and the
// method's class and method id), as RabbitMQ refuses a method with a
// channel error (403, 404, 405, 406). The method is not acted on, and the
// broker ignores what comes on the channel until the client's close-ok.
func (h *Hold) CloseChannel(code uint16, text string) {
	h.b.t.Helper()
	h.resolve(func(c *Conn, ev *Event) {
		ev.discarded.Store(true)
		class, method := ev.Method.ID()
		c.closeChannelLocked(ev.Channel, &ChannelClose{ReplyCode: code, ReplyText: text, ClassID: class, MethodID: method})
	})
}

// CloseConnection answers the method with connection.close (code, text,
// and the method's class and method id), as RabbitMQ answers a
// connection error (320, 501-506, 530, 540, 541).
func (h *Hold) CloseConnection(code uint16, text string) {
	h.b.t.Helper()
	h.resolve(func(c *Conn, ev *Event) {
		ev.discarded.Store(true)
		class, method := ev.Method.ID()
		c.closeLocked(&ConnectionClose{ReplyCode: code, ReplyText: text, ClassID: class, MethodID: method})
	})
}

// Sever cuts the connection at the method, as a network failure would.
func (h *Hold) Sever() {
	h.b.t.Helper()
	h.resolve(func(c *Conn, ev *Event) {
		ev.discarded.Store(true)
		c.severLocked()
	})
}

// resolve waits for the catch, acts on the caught event, and lets the
// broker go on with its channel.
func (h *Hold) resolve(act func(*Conn, *Event)) {
	h.b.t.Helper()
	ev := h.Event()
	b := h.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if h.resolved {
		b.errorf("%v: hold resolved twice", ev)
		return
	}
	h.resolved = true
	c := ev.Conn
	act(c, ev)
	l := c.lanes[ev.Channel]
	l.held = nil
	c.drain(l)
}
