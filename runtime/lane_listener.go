package runtime

import (
	"errors"
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"
)

// listen is a confirm-mode lane's listener: it settles the messages written
// on ch, in publish order, from their confirms and the channel's returns,
// until the channel closes. Each written message has amqp091-go's
// DeferredConfirmation, done when the broker acks or nacks it; the
// listener waits on the oldest one's. amqp091-go hands over each
// basic.return, which RabbitMQ sends before the ack of the same message,
// before it reads that ack; so draining the returns before settling a
// confirmed message pairs every return with its message first.
func (l *lane) listen(ch *amqp.Channel, returns chan amqp.Return, closes chan *amqp.Error, done chan struct{}) {
	defer close(done)
	for {
		l.mu.Lock()
		oldest := l.pending.peek()
		var confirmed <-chan struct{}
		if oldest != nil && oldest.dc != nil {
			confirmed = oldest.dc.Done()
		} else {
			l.idle = true // written lets it know
		}
		l.mu.Unlock()
		select {
		case <-confirmed:
			l.drainReturns(returns)
			if !oldest.dc.Acked() && ch.IsClosed() {
				// amqp091-go settles every pending confirmation as a
				// nack when the channel closes: the close says why.
				l.channelClosed(<-closes)
				return
			}
			l.resolve(oldest)
		case r, ok := <-returns:
			if !ok {
				returns = nil
				continue
			}
			l.matchReturn(&r)
		case err := <-closes:
			l.drainReturns(returns)
			l.channelClosed(err)
			return
		case <-l.progress:
		}
	}
}

// drainReturns matches every return already handed over.
func (l *lane) drainReturns(returns chan amqp.Return) {
	for returns != nil {
		select {
		case r, ok := <-returns:
			if !ok {
				return
			}
			l.matchReturn(&r)
		default:
			return
		}
	}
}

// matchReturn marks the pending mandatory message r is. Returns carry no
// delivery tag, but they carry the message whole, and no two identical
// mandatory messages are pending at once (the owner holds back a twin), so
// the message is the one pending mandatory message with r's content.
func (l *lane) matchReturn(r *amqp.Return) {
	fp := fingerprint(r.Exchange, r.RoutingKey, r.Body)
	l.mu.Lock()
	for _, o := range l.mandatory[fp] {
		if o.returned == nil && sameAsReturned(o.msg, r) {
			ret := fromAMQPReturn(r)
			o.returned, o.reached = &ret, true
			l.mu.Unlock()
			return
		}
	}
	l.mu.Unlock()
	l.s.cfg.logger.Debug("kombugen: a returned message matches no pending publish", "exchange", r.Exchange, "routing_key", r.RoutingKey)
}

// resolve settles the oldest pending message, o, which the broker acked
// or nacked.
func (l *lane) resolve(o *outgoing) {
	l.mu.Lock()
	if l.pending.peek() != o {
		l.mu.Unlock()
		return // settled already: the owner took it back
	}
	l.pending.pop()
	if o.msg.Mandatory {
		l.unindex(o)
	}
	o.reached = true
	l.popped()
	l.mu.Unlock()
	var err error
	switch {
	case !o.dc.Acked():
		err = ErrNacked
	case o.returned != nil:
		err = &ReturnError{Return: *o.returned}
	}
	l.settle(o, err)
}

// channelClosed settles every message still pending when the channel
// closed. A message the broker returned was taken and is settled as such.
// When the broker closed the channel refusing a publish (403, 404, 406),
// the refused message is the culprit, whose refusal is final; the others
// were only in flight beside it, lost their confirm, and may be sent again.
// With one message pending the culprit is known. With several it is not
// (the close names no delivery tag, and its reply text is no reliable
// guide), so they are written again, each alone on a new channel, where a
// second refusal is known to be the message's own. The owner writes a
// message alone when it is the first to its exchange on a channel, which
// is how most refusals (a missing exchange, a forbidden one) are met, so
// this is rare.
func (l *lane) channelClosed(cause *amqp.Error) {
	l.mu.Lock()
	pending := l.pending.takeAll()
	clear(l.mandatory)
	l.popped()
	l.mu.Unlock()

	var candidates []*outgoing
	for _, o := range pending {
		if o.returned != nil {
			l.settle(o, &ReturnError{Return: *o.returned})
			continue
		}
		candidates = append(candidates, o)
	}
	refusal := refusalOf(cause)
	switch {
	case refusal != nil && len(candidates) == 1:
		l.settle(candidates[0], refusal)
	case refusal != nil:
		var again []*outgoing
		for _, o := range candidates {
			if !o.msg.Confirm {
				// Settled when written, as asked: nothing to tell.
				l.settle(o, nil)
				continue
			}
			o.isolate, o.resent = true, true
			again = append(again, o)
		}
		l.mu.Lock()
		l.resend = append(l.resend, again...)
		l.mu.Unlock()
		l.box.poke()
	default:
		err := l.lostConfirm(cause)
		for _, o := range candidates {
			l.settle(o, err)
		}
	}
}

// refusalOf returns the broker's refusal of a publish that closed the
// channel: 403, 404 or 406 as a channel exception.
func refusalOf(cause *amqp.Error) *BrokerError {
	if cause == nil || !cause.Server {
		return nil
	}
	var be *BrokerError
	if !errors.As(brokerError(cause), &be) || be.Connection {
		return nil
	}
	switch be.Code {
	case amqp.AccessRefused, amqp.NotFound, amqp.PreconditionFailed:
		return be
	}
	return nil
}

// lostConfirm is the error of a message whose confirm was lost with its
// channel: it may or may not have reached a queue, and may be sent again,
// unless the Conn was closed (then nothing is).
func (l *lane) lostConfirm(cause *amqp.Error) error {
	s := l.s
	switch {
	case s.isClosing():
		return fmt.Errorf("%w: %w", ErrConfirmLost, ErrClosed)
	case cause == nil:
		return fmt.Errorf("%w: the channel closed", ErrConfirmLost)
	}
	return fmt.Errorf("%w: %v", ErrConfirmLost, brokerError(cause))
}
