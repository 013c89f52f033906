package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	amqp "github.com/rabbitmq/amqp091-go"
)

// confirmChannel is a channel in confirm mode that many goroutines publish
// on at once, each waiting for its own confirm. One goroutine reads the
// channel's confirms and returns, which amqp091-go delivers on two Go
// channels; as the broker sends a mandatory message's basic.return before
// its basic.ack, and amqp091-go hands both over in that order, draining the
// returns before handling each confirm pairs every return with its publish.
type confirmChannel struct {
	ch       *amqp.Channel
	window   chan struct{}
	confirms chan amqp.Confirmation
	returns  chan amqp.Return
	closes   chan *amqp.Error
	dispatch func(func(Return), Return)
	session  *session

	// turn keeps our delivery tags in step with amqp091-go's: a publish
	// is registered under its tag before it is written. It is a channel,
	// not a mutex, so that waiting for it ends with the caller's context.
	turn    chan struct{}
	nextTag uint64

	mu        sync.Mutex
	pending   map[uint64]*inflight
	mandatory []*inflight // awaiting a confirm, in publish order
	err       error       // why the channel is gone
	done      chan struct{}
}

// inflight is a publish awaiting its confirm.
type inflight struct {
	msg      *Publishing
	tag      uint64
	state    atomic.Int32
	result   chan error
	returned *Return
}

// The states of an inflight: its publisher waits, gave up (or never waited),
// or was handed the outcome.
const (
	waiting int32 = iota
	abandoned
	resolved
)

func openConfirmChannel(s *session) (*confirmChannel, error) {
	conn, window := s.conn, s.cfg.confirmWindow
	ch, err := conn.Channel()
	if err != nil {
		return nil, brokerError(err)
	}
	if err := ch.Confirm(false); err != nil {
		ch.Close()
		return nil, brokerError(err)
	}
	cc := &confirmChannel{
		ch:       ch,
		window:   make(chan struct{}, window),
		confirms: ch.NotifyPublish(make(chan amqp.Confirmation, window)),
		returns:  ch.NotifyReturn(make(chan amqp.Return, window)),
		closes:   ch.NotifyClose(make(chan *amqp.Error, 1)),
		dispatch: s.dispatch,
		session:  s,
		turn:     make(chan struct{}, 1),
		nextTag:  1,
		pending:  make(map[uint64]*inflight, window),
		done:     make(chan struct{}),
	}
	go cc.run()
	return cc, nil
}

// alive reports whether the channel is still open.
func (cc *confirmChannel) alive() bool {
	select {
	case <-cc.done:
		return false
	default:
		return true
	}
}

// publish sends msg and, when msg.Confirm is set, waits for its confirm.
func (cc *confirmChannel) publish(ctx context.Context, msg *Publishing) error {
	select {
	case cc.window <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-cc.done:
		return cc.closedErr()
	}
	f := &inflight{msg: msg, result: make(chan error, 1)}
	if !msg.Confirm {
		f.state.Store(abandoned)
	}
	if err := cc.write(ctx, f); err != nil {
		return err
	}
	if !msg.Confirm {
		return nil
	}
	return cc.wait(ctx, f)
}

// write registers f under the next delivery tag and writes it.
func (cc *confirmChannel) write(ctx context.Context, f *inflight) error {
	select {
	case cc.turn <- struct{}{}:
	case <-ctx.Done():
		<-cc.window
		return ctx.Err()
	}
	defer func() { <-cc.turn }()
	f.tag = cc.nextTag
	if !cc.register(f) {
		<-cc.window
		return cc.closedErr()
	}
	err := cc.session.guardedWrite(ctx, func() error {
		_, err := cc.ch.PublishWithDeferredConfirm(f.msg.Exchange, f.msg.RoutingKey,
			f.msg.Mandatory, false, toAMQPPublishing(f.msg))
		return err
	})
	if err != nil {
		if cc.unregister(f) {
			<-cc.window
		}
		return brokerError(err)
	}
	cc.nextTag++
	return nil
}

// register records f as pending, unless the channel is gone.
func (cc *confirmChannel) register(f *inflight) bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.err != nil {
		return false
	}
	cc.pending[f.tag] = f
	if f.msg.Mandatory {
		cc.mandatory = append(cc.mandatory, f)
	}
	return true
}

// unregister forgets f, reporting whether it was still pending.
func (cc *confirmChannel) unregister(f *inflight) bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.pending[f.tag] != f {
		return false
	}
	cc.forget(f)
	return true
}

// forget removes f from the pending sets; cc.mu is held.
func (cc *confirmChannel) forget(f *inflight) {
	delete(cc.pending, f.tag)
	if f.msg.Mandatory {
		for i, m := range cc.mandatory {
			if m == f {
				cc.mandatory = append(cc.mandatory[:i], cc.mandatory[i+1:]...)
				break
			}
		}
	}
}

// wait returns f's outcome, or ctx's error if ctx ends first.
func (cc *confirmChannel) wait(ctx context.Context, f *inflight) error {
	var err error
	select {
	case err = <-f.result:
	case <-ctx.Done():
		if f.state.CompareAndSwap(waiting, abandoned) {
			return ctx.Err()
		}
		// The outcome was handed over as ctx ended: it is on its way.
		err = <-f.result
	}
	if f.returned != nil && f.msg.OnReturn != nil {
		f.msg.OnReturn(*f.returned)
	}
	return err
}

// run reads confirms and returns until the channel closes.
func (cc *confirmChannel) run() {
	returns := cc.returns
	for {
		select {
		case r, ok := <-returns:
			if !ok {
				returns = nil
				continue
			}
			cc.matchReturn(&r)
		case c, ok := <-cc.confirms:
			if !ok {
				cc.fail(<-cc.closes)
				return
			}
			cc.drainReturns()
			cc.resolve(c)
		}
	}
}

// drainReturns matches every return already delivered: those of the
// confirm about to be handled are among them.
func (cc *confirmChannel) drainReturns() {
	for {
		select {
		case r, ok := <-cc.returns:
			if !ok {
				return
			}
			cc.matchReturn(&r)
		default:
			return
		}
	}
}

// matchReturn pairs r with the earliest pending mandatory publish of the
// same message that has no return yet. Returns carry no delivery tag, but
// they come in publish order.
func (cc *confirmChannel) matchReturn(r *amqp.Return) {
	ret := fromAMQPReturn(r)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	for _, f := range cc.mandatory {
		if f.returned == nil && f.msg.Exchange == r.Exchange && f.msg.RoutingKey == r.RoutingKey &&
			bytes.Equal(f.msg.Body, r.Body) {
			f.returned = &ret
			return
		}
	}
}

// resolve hands a confirm to its publish.
func (cc *confirmChannel) resolve(c amqp.Confirmation) {
	cc.mu.Lock()
	f := cc.pending[c.DeliveryTag]
	if f != nil {
		cc.forget(f)
	}
	cc.mu.Unlock()
	if f == nil {
		return
	}
	<-cc.window
	var err error
	switch {
	case !c.Ack:
		err = ErrNacked
	case f.returned != nil:
		err = &ReturnError{Return: *f.returned}
	}
	cc.deliver(f, err)
}

// deliver gives f's publisher its outcome, or when no one waits, calls the
// on-return callback from the dispatcher.
func (cc *confirmChannel) deliver(f *inflight, err error) {
	if f.state.CompareAndSwap(waiting, resolved) {
		f.result <- err
		return
	}
	if f.returned != nil {
		cc.dispatch(f.msg.OnReturn, *f.returned)
	}
}

// fail ends every pending publish when the channel closed: closeErr is the
// broker's reason, nil when we closed it ourselves.
func (cc *confirmChannel) fail(closeErr *amqp.Error) {
	cause := ErrClosed
	var be *BrokerError
	if closeErr != nil {
		errors.As(brokerError(closeErr), &be)
		cause = be
	}
	cc.mu.Lock()
	cc.err = cause
	pending := cc.pending
	cc.pending, cc.mandatory = nil, nil
	cc.mu.Unlock()
	for _, f := range pending {
		<-cc.window
		if be != nil && blames(be, f.msg) {
			cc.deliver(f, be)
			continue
		}
		cc.deliver(f, collateral(cause))
	}
	close(cc.done)
}

// collateral is the error of a publish whose confirm was lost because the
// channel closed for a reason that was not the publish's own. It does not
// match the reason's sentinel (a 404 for another message's exchange must not
// stop this one being retried), except ErrClosed: after Close nothing is.
func collateral(cause error) error {
	if errors.Is(cause, ErrClosed) {
		return fmt.Errorf("%w: %w", ErrConfirmLost, cause)
	}
	return fmt.Errorf("%w: %v", ErrConfirmLost, cause)
}

// closedErr is the error for a publish that found the channel closed before
// it was written: it may be tried again on another channel.
func (cc *confirmChannel) closedErr() error {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if errors.Is(cc.err, ErrClosed) {
		return cc.err
	}
	return fmt.Errorf("%w: channel closed: %v", ErrConnectionLost, cc.err)
}

// close closes the channel and waits for the reading goroutine.
func (cc *confirmChannel) close() {
	cc.ch.Close()
	<-cc.done
}
