package fakebroker

import (
	"fmt"
	"sync/atomic"
)

// Event is one method a connection received from its client (with its
// content, for a basic.publish), or one the broker sent. Its exported
// fields do not change once it is recorded.
type Event struct {
	// Seq is the event's place in the broker's log, from 1: events on
	// different connections and channels are ordered by it.
	Seq int
	// Conn is the connection the event happened on.
	Conn *Conn
	// Channel is the AMQP channel, 0 for the connection.
	Channel uint16
	// Sent is true for a method the broker sent, false for one received.
	Sent bool
	// Method is the method, decoded.
	Method Method

	tag       atomic.Uint64 // the publish's delivery tag in confirm mode
	discarded atomic.Bool
	// Under the broker's lock:
	taken    bool     // returned by an Await
	ch       *channel // the channel a confirm-mode publish was taken on
	returned bool
}

// Tag returns the delivery tag the broker gave a basic.publish on a channel
// in confirm mode, which its ack or nack carries; 0 otherwise or while the
// publish waits behind a hold.
func (e *Event) Tag() uint64 { return e.tag.Load() }

// Discarded reports whether the broker ignored a received method, as
// RabbitMQ ignores what comes on a channel or connection it is closing.
func (e *Event) Discarded() bool { return e.discarded.Load() }

// Publish returns the event's basic.publish, or nil if it is another
// method.
func (e *Event) Publish() *BasicPublish {
	p, _ := e.Method.(*BasicPublish)
	return p
}

// String describes the event for test failures.
func (e *Event) String() string {
	dir := "<-"
	if e.Sent {
		dir = "->"
	}
	s := fmt.Sprintf("#%d conn %d ch %d %s %s", e.Seq, e.Conn.index, e.Channel, dir, e.Method.Name())
	if t := e.Tag(); t != 0 {
		s += fmt.Sprintf(" tag %d", t)
	}
	return s
}

// Ack sends basic.ack for the publish e, which must be on a confirm-mode
// channel, still open, and not yet confirmed.
func (e *Event) Ack() { e.confirm(false, false) }

// AckMultiple sends basic.ack with multiple set and e's tag: it confirms
// every publish on the channel up to e not yet confirmed.
func (e *Event) AckMultiple() { e.confirm(false, true) }

// Nack sends basic.nack for the publish e.
func (e *Event) Nack() { e.confirm(true, false) }

// NackMultiple sends basic.nack with multiple set and e's tag.
func (e *Event) NackMultiple() { e.confirm(true, true) }

// Return sends basic.return for the mandatory publish e, with its own
// content, as RabbitMQ returns a message it could not route. On a
// confirm-mode channel it must come before the ack of e and of any later
// publish on the channel (RabbitMQ's order); the ack is still to be sent.
func (e *Event) Return(code uint16, text string) { e.ReturnContent(code, text, nil) }

// ReturnContent is Return with the given content instead of the publish's
// (nil: the publish's).
func (e *Event) ReturnContent(code uint16, text string, ct *Content) {
	c := e.Conn
	b := c.b
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ch := e.publishChannel("return")
	if p == nil {
		return
	}
	switch {
	case !p.Mandatory:
		b.errorf("%v: return of a publish that is not mandatory", e)
		return
	case e.returned:
		b.errorf("%v: returned twice", e)
		return
	}
	if tag := e.Tag(); tag != 0 {
		if _, ok := ch.unconfirmed[tag]; !ok || ch.maxConfirmed >= tag {
			b.errorf("%v: return after a confirm of this or a later publish (RabbitMQ returns first)", e)
			return
		}
	}
	e.returned = true
	if ct == nil {
		ct = p.Content
	}
	c.sendLocked(e.Channel, &BasicReturn{ReplyCode: code, ReplyText: text, Exchange: p.Exchange, RoutingKey: p.RoutingKey, Content: ct})
}

func (e *Event) confirm(nack, multiple bool) {
	b := e.Conn.b
	b.mu.Lock()
	defer b.mu.Unlock()
	what := "ack"
	if nack {
		what = "nack"
	}
	p, ch := e.publishChannel(what)
	if p == nil {
		return
	}
	tag := e.Tag()
	if tag == 0 {
		b.errorf("%v: %s of a publish not in confirm mode", e, what)
		return
	}
	if _, ok := ch.unconfirmed[tag]; !ok {
		b.errorf("%v: %s of a publish already confirmed", e, what)
		return
	}
	e.Conn.confirmLocked(ch, tag, nack, multiple)
}

// publishChannel returns e's publish and the channel it was taken on, or
// reports why there is nothing to answer. The lock is held.
func (e *Event) publishChannel(what string) (*BasicPublish, *channel) {
	b := e.Conn.b
	p := e.Publish()
	if p == nil || e.Sent {
		b.errorf("%v: %s of something other than a received publish", e, what)
		return nil, nil
	}
	if e.Discarded() {
		b.errorf("%v: %s of a discarded publish", e, what)
		return nil, nil
	}
	ch := e.ch
	if ch == nil || e.Conn.channels[e.Channel] != ch || ch.closing || e.Conn.state >= stateClosing {
		b.errorf("%v: %s on a channel that is not open", e, what)
		return nil, nil
	}
	return p, ch
}

// Match selects events, for Await and Hold. It is called with the
// broker's lock held: it must not call the Broker.
type Match func(*Event) bool

// Is matches methods of type M (*ExchangeDeclare, *BasicPublish, ...) for
// which every cond holds.
func Is[M Method](conds ...func(M) bool) Match {
	return func(e *Event) bool {
		m, ok := e.Method.(M)
		if !ok {
			return false
		}
		for _, cond := range conds {
			if !cond(m) {
				return false
			}
		}
		return true
	}
}

// OnChannel matches events on channel ch.
func OnChannel(ch uint16) Match { return func(e *Event) bool { return e.Channel == ch } }

// OnConn matches events on the i-th connection dialled (from 0).
func OnConn(i int) Match { return func(e *Event) bool { return e.Conn.index == i } }

// All matches events every m matches.
func All(ms ...Match) Match {
	return func(e *Event) bool {
		for _, m := range ms {
			if !m(e) {
				return false
			}
		}
		return true
	}
}

// Any matches events some m matches.
func Any(ms ...Match) Match {
	return func(e *Event) bool {
		for _, m := range ms {
			if m(e) {
				return true
			}
		}
		return false
	}
}

// Filter returns the events m matches, in order.
func Filter(events []*Event, m Match) []*Event {
	var out []*Event
	for _, e := range events {
		if m(e) {
			out = append(out, e)
		}
	}
	return out
}
