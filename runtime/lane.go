package runtime

import (
	"context"
	"fmt"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"
)

// lane is one publishing channel with its owner. Callers take a slot of the
// lane's window and put their message in its mailbox; the owner goroutine
// (run) writes the messages in order, opening the channel again when the
// broker closed it. On a confirm-mode lane a second goroutine, the
// listener (listen), waits for each written message's confirm, in order,
// reads the channel's returns and settles each message; a slot is given
// back when its message is settled.
//
// The owner decides what goes on the wire and when; the listener only
// settles. They share the pending messages under mu.
type lane struct {
	s       *session
	confirm bool
	window  chan struct{} // a slot per message between submit and settling
	box     *mailbox[*outgoing]

	// The owner's alone.
	ch       *amqp.Channel
	listener chan struct{}   // closed when the current channel's listener ended
	verified map[string]bool // exchanges a publish on this channel reached

	// Shared by the owner and the listener.
	mu        sync.Mutex
	pending   fifo                   // written or being written, not settled, in publish order
	mandatory map[uint64][]*outgoing // pending mandatory messages by fingerprint
	resend    []*outgoing            // to write again, isolated, after an ambiguous refusal
	drained   chan struct{}          // closed when pending empties, while the owner waits for that
	// idle is set while the listener waits for the oldest pending
	// message's confirmation to exist, and progress wakes it.
	idle     bool
	progress chan struct{}
}

// testHookBeforeWrite, when set by a test, is called by the owner as it
// starts writing a message.
var testHookBeforeWrite func(*Publishing)

// outgoing is one message on its way through a lane, and its confirmation.
type outgoing struct {
	Confirmation
	ctx context.Context
	msg *Publishing
	// headers are msg's headers as amqp091-go takes them.
	headers amqp.Table
	fp      uint64 // fingerprint, for mandatory messages

	// Set by the owner before writing; read by the listener.
	isolate bool // write it only when nothing else is pending on the channel
	resent  bool // written once before, on a channel a refusal closed

	// Set under mu: by the owner once written, the broker's confirmation
	// to come (amqp091-go's); by the listener, the rest.
	dc       *amqp.DeferredConfirmation
	returned *Return
	reached  bool // the broker answered for it: the exchange exists
}

func newLane(s *session, confirm bool) *lane {
	return &lane{
		s:         s,
		confirm:   confirm,
		window:    make(chan struct{}, s.cfg.confirmWindow),
		box:       newMailbox[*outgoing](),
		mandatory: map[uint64][]*outgoing{},
		progress:  make(chan struct{}, 1),
	}
}

// submit hands msg to the owner once the window has room, no longer than
// ctx allows.
func (l *lane) submit(ctx context.Context, msg *Publishing, headers amqp.Table) (*Confirmation, error) {
	select {
	case l.window <- struct{}{}:
	default:
		select {
		case l.window <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for room in the confirm window: %w", ctx.Err())
		case <-l.s.lost:
			return nil, l.s.notSent()
		}
	}
	o := &outgoing{ctx: ctx, msg: msg, headers: headers}
	if !l.confirm {
		// Unconfirmed: the publish is done once the message is queued for
		// the connection, which writes it whatever becomes of the
		// caller's ctx; a connection lost before or after the write loses
		// it without a word, as it would any unconfirmed message.
		o.ctx = context.Background()
		o.complete(nil)
	}
	if !l.box.put(o) {
		<-l.window
		return nil, l.s.notSent()
	}
	return &o.Confirmation, nil
}

// run is the owner: it serves the mailbox until the connection is gone.
func (l *lane) run() {
	defer l.stop()
	for {
		for _, o := range l.takeResend() {
			l.serve(o)
		}
		batch, ok := l.box.take(l.s.lost)
		if !ok {
			return
		}
		for _, o := range batch {
			l.serve(o)
		}
	}
}

// stop settles what the owner will never write.
func (l *lane) stop() {
	err := l.s.notSent()
	for _, o := range append(l.box.stop(), l.takeResend()...) {
		l.settle(o, err)
	}
}

func (l *lane) takeResend() []*outgoing {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.resend
	l.resend = nil
	return r
}

// serve writes o, or settles it when it cannot be written.
func (l *lane) serve(o *outgoing) {
	for {
		if err := o.ctx.Err(); err != nil {
			// The caller gave up before the message was written: it is
			// not sent.
			if o.resent {
				err = fmt.Errorf("%w: %w", ErrConfirmLost, err)
			}
			l.settle(o, err)
			return
		}
		if err := l.ready(); err != nil {
			l.settle(o, err)
			return
		}
		isolate := o.isolate || l.confirm && !l.verified[o.msg.Exchange]
		if o.msg.Mandatory {
			o.fp = fingerprint(o.msg.Exchange, o.msg.RoutingKey, o.msg.Body)
		}
		if isolate || o.msg.Mandatory && l.hasTwin(o) {
			l.awaitDrained()
			if l.ch.IsClosed() {
				continue
			}
		}
		o.isolate = isolate
		if !l.write(o) {
			continue
		}
		if isolate {
			l.awaitDrained()
			l.mu.Lock()
			if o.reached {
				l.verified[o.msg.Exchange] = true
			}
			l.mu.Unlock()
		}
		return
	}
}

// ready makes sure the lane has an open channel, opening one (in confirm
// mode, with its listener) when the broker closed the last.
func (l *lane) ready() error {
	if l.ch != nil && !l.ch.IsClosed() {
		return nil
	}
	if l.listener != nil {
		<-l.listener // it has settled the old channel's messages
		l.listener = nil
	}
	s := l.s
	if !s.alive() {
		return s.notSent()
	}
	ch, err := s.conn.Channel()
	if err != nil {
		return l.openError(err)
	}
	if l.confirm {
		if err := ch.Confirm(false); err != nil {
			ch.Close()
			return l.openError(err)
		}
		// Confirms are read through each publish's DeferredConfirmation,
		// which amqp091-go keeps anyway, not NotifyPublish, which would
		// have its reader hand over every confirm a second time.
		returns := ch.NotifyReturn(make(chan amqp.Return, cap(l.window)))
		closes := ch.NotifyClose(make(chan *amqp.Error, 1))
		done := make(chan struct{})
		if !s.c.goroutines.Go(func() { l.listen(ch, returns, closes, done) }) {
			ch.Close()
			return ErrClosed
		}
		l.listener = done
	}
	l.ch, l.verified = ch, map[string]bool{}
	return nil
}

// openError is the error of a message whose channel could not be opened.
func (l *lane) openError(err error) error {
	s := l.s
	switch {
	case s.isClosing():
		return ErrClosed
	case !s.alive():
		return s.notSent()
	}
	return fmt.Errorf("open channel: %w", brokerError(err))
}

// write puts o on the wire, reporting false when the channel turned out to
// be closed and o must be tried on a new one. Any other failure settles o.
func (l *lane) write(o *outgoing) bool {
	if l.confirm {
		// Pending before it is written: a return may come before the
		// owner is back from writing, and the listener, seeing the
		// channel close, must count it.
		l.mu.Lock()
		// A message written again after a refusal closed its channel
		// still holds the old channel's confirmation, settled as a nack:
		// the listener must wait for this write's.
		o.dc = nil
		l.pending.push(o)
		if o.msg.Mandatory {
			l.mandatory[o.fp] = append(l.mandatory[o.fp], o)
		}
		l.mu.Unlock()
	}
	if testHookBeforeWrite != nil {
		testHookBeforeWrite(o.msg)
	}
	dc, err := l.ch.PublishWithDeferredConfirm(o.msg.Exchange, o.msg.RoutingKey, o.msg.Mandatory, false, withAMQPHeaders(o.msg, o.headers))
	if err == nil {
		if l.confirm {
			l.written(o, dc)
		}
		if !o.msg.Confirm {
			// Written is all that was asked for; a mandatory message stays
			// pending, for its return.
			o.complete(nil)
			if !l.confirm {
				<-l.window
			}
		}
		return true
	}
	// amqp091-go sends nothing when it fails: take o back, unless the
	// listener, seeing the channel close, has settled it already.
	if l.confirm {
		l.mu.Lock()
		mine := l.pending.popBack(o)
		if mine && o.msg.Mandatory {
			l.unindex(o)
		}
		l.popped()
		l.mu.Unlock()
		if !mine {
			return true
		}
	}
	switch {
	case !l.s.alive():
		l.settle(o, l.s.notSent())
		return true
	case l.ch.IsClosed():
		return false
	}
	// The channel and connection are fine: amqp091-go refused the message
	// itself (its header table check).
	l.settle(o, invalidWrap(err))
	return true
}

// written hands the listener o's confirmation to come.
func (l *lane) written(o *outgoing, dc *amqp.DeferredConfirmation) {
	l.mu.Lock()
	o.dc = dc
	l.wakeListener()
	l.mu.Unlock()
}

// wakeListener wakes the listener if it waits for the oldest message's
// confirmation to exist; mu is held.
func (l *lane) wakeListener() {
	if !l.idle {
		return
	}
	l.idle = false
	select {
	case l.progress <- struct{}{}:
	default:
	}
}

// settle gives o its outcome and its window slot back.
func (l *lane) settle(o *outgoing, err error) {
	<-l.window
	if !l.confirm && err != nil {
		l.s.cfg.logger.Warn("kombugen: an unconfirmed message was not written", "exchange", o.msg.Exchange, "routing_key", o.msg.RoutingKey, "error", err)
	}
	l.finish(o, err)
}

// finish completes o's confirmation, calling the on-return callback first
// (from the Conn's callback goroutine) when the broker returned it.
func (l *lane) finish(o *outgoing, err error) {
	if o.returned != nil && o.msg.OnReturn != nil {
		ret, onReturn := *o.returned, o.msg.OnReturn
		l.s.c.callbacks.run(func() {
			onReturn(ret)
			o.complete(err)
		})
		return
	}
	o.complete(err)
}

// hasTwin reports whether a mandatory message identical to o is pending: a
// return carries no delivery tag, so two identical messages in flight could
// not be told apart, and o waits until the other is settled.
func (l *lane) hasTwin(o *outgoing) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.mandatory[o.fp] {
		if samePublishing(p.msg, o.msg) {
			return true
		}
	}
	return false
}

// awaitDrained waits until nothing is pending on the channel, or the
// connection is gone.
func (l *lane) awaitDrained() {
	l.mu.Lock()
	if l.pending.len() == 0 {
		l.mu.Unlock()
		return
	}
	if l.drained == nil {
		l.drained = make(chan struct{})
	}
	d := l.drained
	l.mu.Unlock()
	select {
	case <-d:
	case <-l.s.lost:
	}
}

// unindex removes o from the mandatory index; mu is held.
func (l *lane) unindex(o *outgoing) {
	list := l.mandatory[o.fp]
	for i, p := range list {
		if p == o {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(l.mandatory, o.fp)
	} else {
		l.mandatory[o.fp] = list
	}
}

// popped is called with mu held when pending shrank.
func (l *lane) popped() {
	if l.pending.len() == 0 && l.drained != nil {
		close(l.drained)
		l.drained = nil
	}
	l.wakeListener() // the oldest message may be another now
}
