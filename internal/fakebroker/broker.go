package fakebroker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Options configure a Broker. The zero value is a broker that behaves as
// RabbitMQ 3.x does for a client that does nothing wrong.
type Options struct {
	// ServerProperties are added to connection.start's server properties
	// (product, version, platform and capabilities), replacing those of
	// the same name.
	ServerProperties amqp.Table
	// Capabilities replace connection.start's capabilities when not nil;
	// by default publisher_confirms, exchange_exchange_bindings,
	// basic.nack, consumer_cancel_notify, connection.blocked,
	// consumer_priorities, authentication_failure_close, per_consumer_qos
	// and direct_reply_to, all true.
	Capabilities amqp.Table
	// ChannelMax, FrameMax and Heartbeat are what connection.tune offers:
	// 0 means 2047 channels, 131072 bytes (RabbitMQ's defaults) and no
	// heartbeat of the broker's own (the client's is used).
	ChannelMax uint16
	FrameMax   uint32
	Heartbeat  uint16

	// ManualConfirms starts the broker with confirms held: publishes on a
	// confirm-mode channel are taken but confirmed only when the test
	// says (Event.Ack and the like). SetManualConfirms changes it.
	ManualConfirms bool
	// Unroutable, when set, says which mandatory publishes the broker
	// returns (312 NO_ROUTE, with the publish's content) before it
	// confirms them, when it answers by itself. It is called with the
	// broker's lock held: it must not call the Broker.
	Unroutable func(*Event) bool
	// Authenticate, when set, decides whether a connection.start-ok's
	// credentials are good. A refusal is answered as RabbitMQ does: a
	// connection.close 403 ACCESS_REFUSED to a client that declared the
	// authentication_failure_close capability, else a closed socket. It
	// is called with the broker's lock held.
	Authenticate func(*ConnectionStartOK) bool
	// OnDial is called for each dial, numbered from 1; an error it returns
	// is Dial's, and no connection is made.
	OnDial func(n int) error
	// Timeout bounds how long Await, Hold.Event and Broker.Conn wait before
	// they fail the test; 0 means 10 s. It is a guard against a test that
	// would hang, not a measure of anything.
	Timeout time.Duration
}

// Broker is a scriptable AMQP 0-9-1 broker serving connections made with
// Dial over net.Pipe. Its methods are safe for concurrent use; those that
// fail the test on a timeout (Await, Hold.Event, Conn) must be called from
// the test's goroutine.
type Broker struct {
	t    testing.TB
	opts Options

	// mu guards everything below and the state of every Conn and Event.
	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever something happens
	conns   []*Conn
	dials   int
	log     []*Event
	holds   []*Hold
	manual  bool
	closed  bool

	done chan struct{}  // closed by Close
	wg   sync.WaitGroup // the connections' goroutines
}

// New returns a broker serving until the test ends: its cleanup closes
// every connection and waits for every goroutine the broker started.
func New(t testing.TB, opts Options) *Broker {
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.ChannelMax == 0 {
		opts.ChannelMax = 2047
	}
	if opts.FrameMax == 0 {
		opts.FrameMax = 131072
	}
	b := &Broker{
		t:       t,
		opts:    opts,
		changed: make(chan struct{}),
		manual:  opts.ManualConfirms,
		done:    make(chan struct{}),
	}
	t.Cleanup(b.Close)
	return b
}

// ErrClosed is returned by Dial after the broker closed.
var ErrClosed = errors.New("fakebroker: closed")

// Dial has the shape of amqp.Config.Dial: it returns the client's end of a
// new connection, whose other end the broker serves, unless Options.OnDial
// refuses it.
func (b *Broker) Dial(network, addr string) (net.Conn, error) {
	return b.DialContext(context.Background(), network, addr)
}

// DialContext is Dial under ctx: a ctx already done refuses the dial.
func (b *Broker) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, ErrClosed
	}
	b.dials++
	n := b.dials
	b.notify()
	b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.opts.OnDial != nil {
		if err := b.opts.OnDial(n); err != nil {
			return nil, err
		}
	}
	client, server := net.Pipe()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		client.Close()
		server.Close()
		return nil, ErrClosed
	}
	c := newConn(b, len(b.conns), server)
	b.conns = append(b.conns, c)
	b.notify()
	b.wg.Add(2)
	go c.readLoop()
	go c.writeLoop()
	return client, nil
}

// Close closes every connection, as a network cut would, and waits for the
// broker's goroutines. New registers it as the test's cleanup.
func (b *Broker) Close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.done)
		for _, c := range b.conns {
			c.severLocked()
		}
		b.notify()
	}
	b.mu.Unlock()
	b.wg.Wait()
}

// Dials returns how many dials were attempted, refused ones included.
func (b *Broker) Dials() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dials
}

// Conns returns the connections made so far, in the order they were
// dialled.
func (b *Broker) Conns() []*Conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*Conn(nil), b.conns...)
}

// Conn returns the i-th connection dialled (from 0), waiting for it; it
// fails the test if none comes within Options.Timeout.
func (b *Broker) Conn(i int) *Conn {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), b.opts.Timeout)
	defer cancel()
	c, err := b.ConnContext(ctx, i)
	if err != nil {
		b.t.Fatalf("fakebroker: connection %d: %v", i, err)
	}
	return c
}

// ConnContext is Conn under ctx, for use off the test's goroutine.
func (b *Broker) ConnContext(ctx context.Context, i int) (*Conn, error) {
	var c *Conn
	err := b.wait(ctx, func() bool {
		if i < len(b.conns) {
			c = b.conns[i]
			return true
		}
		return false
	})
	return c, err
}

// SetManualConfirms holds (true) or resumes (false) the broker's own
// confirms. Resuming acks, in order, every publish not yet confirmed on
// every open confirm-mode channel.
func (b *Broker) SetManualConfirms(manual bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.manual = manual
	if manual {
		return
	}
	for _, c := range b.conns {
		if c.state >= stateClosing {
			continue
		}
		for _, id := range slices.Sorted(maps.Keys(c.channels)) {
			ch := c.channels[id]
			if ch.closing {
				continue
			}
			for _, tag := range ch.unconfirmedTags() {
				c.confirmLocked(ch, tag, false, false)
			}
		}
	}
}

// Await returns the first event received from a client that matches m and
// that no earlier Await returned, waiting for it; it fails the test if
// none comes within Options.Timeout. Events are matched in the order they
// were received.
func (b *Broker) Await(m Match) *Event {
	b.t.Helper()
	return b.await(nil, false, m)
}

// AwaitContext is Await under ctx, for use off the test's goroutine.
func (b *Broker) AwaitContext(ctx context.Context, m Match) (*Event, error) {
	return b.awaitContext(ctx, nil, false, m)
}

// AwaitSent is Await for the methods the broker sent.
func (b *Broker) AwaitSent(m Match) *Event {
	b.t.Helper()
	return b.await(nil, true, m)
}

func (b *Broker) await(c *Conn, sent bool, m Match) *Event {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), b.opts.Timeout)
	defer cancel()
	ev, err := b.awaitContext(ctx, c, sent, m)
	if err != nil {
		b.t.Fatalf("fakebroker: %v", err)
	}
	return ev
}

func (b *Broker) awaitContext(ctx context.Context, c *Conn, sent bool, m Match) (*Event, error) {
	var found *Event
	err := b.wait(ctx, func() bool {
		for _, ev := range b.log {
			if ev.Sent == sent && !ev.taken && (c == nil || ev.Conn == c) && m(ev) {
				ev.taken = true
				found = ev
				return true
			}
		}
		return false
	})
	if err != nil {
		what := "received"
		if sent {
			what = "sent"
		}
		return nil, fmt.Errorf("no matching event %s: %w", what, err)
	}
	return found, nil
}

// wait calls cond, with the lock held, until it reports true.
func (b *Broker) wait(ctx context.Context, cond func() bool) error {
	for {
		b.mu.Lock()
		if cond() {
			b.mu.Unlock()
			return nil
		}
		changed := b.changed
		b.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-b.done:
			b.mu.Lock()
			ok := cond()
			b.mu.Unlock()
			if ok {
				return nil
			}
			return ErrClosed
		}
	}
}

// notify wakes whoever waits for something to happen. The lock is held.
func (b *Broker) notify() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// Received returns the events received from every client, in order.
func (b *Broker) Received() []*Event { return b.filter(nil, func(e *Event) bool { return !e.Sent }) }

// Sent returns the methods the broker sent on every connection, in order.
func (b *Broker) Sent() []*Event { return b.filter(nil, func(e *Event) bool { return e.Sent }) }

// Log returns everything received and sent on every connection, in order.
func (b *Broker) Log() []*Event { return b.filter(nil, func(*Event) bool { return true }) }

func (b *Broker) filter(c *Conn, keep func(*Event) bool) []*Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*Event
	for _, ev := range b.log {
		if (c == nil || ev.Conn == c) && keep(ev) {
			out = append(out, ev)
		}
	}
	return out
}

// Hold holds the next method any connection receives that matches m, with
// everything after it on its channel, until the test resolves the Hold.
func (b *Broker) Hold(m Match) *Hold {
	h := &Hold{b: b, match: m, caught: make(chan struct{})}
	b.mu.Lock()
	b.holds = append(b.holds, h)
	b.mu.Unlock()
	return h
}

// record adds ev to the log. The lock is held.
func (b *Broker) record(ev *Event) {
	ev.Seq = len(b.log) + 1
	b.log = append(b.log, ev)
	b.notify()
}

// catch gives ev to the first waiting hold that matches it. The lock is
// held.
func (b *Broker) catch(ev *Event) *Hold {
	for i, h := range b.holds {
		if h.match(ev) {
			b.holds = append(b.holds[:i], b.holds[i+1:]...)
			h.ev = ev
			close(h.caught)
			b.notify()
			return h
		}
	}
	return nil
}

// errorf reports a test's misuse of the broker.
func (b *Broker) errorf(format string, args ...any) {
	b.t.Helper()
	b.t.Errorf("fakebroker: "+format, args...)
}
