package runtime

import (
	"errors"
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"
)

// listen is a confirm-mode lane's listener: it settles the messages written
// on one channel from the broker's confirms and returns, until the channel
// closes. amqp091-go hands it confirms in delivery-tag order (it
// resequences them), and hands over each basic.return before the ack that
// follows it, which RabbitMQ sends after the return of the same message;
// so draining the returns before each confirm pairs every return with its
// message before that message is settled.
func (l *lane) listen(confirms chan amqp.Confirmation, returns chan amqp.Return, closes chan *amqp.Error, done chan struct{}) {
	defer close(done)
	for {
		select {
		case r, ok := <-returns:
			if !ok {
				returns = nil
				continue
			}
			l.matchReturn(&r)
		case c, ok := <-confirms:
			if !ok {
				l.drainReturns(returns)
				l.channelClosed(<-closes)
				return
			}
			l.drainReturns(returns)
			l.resolve(c)
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

// resolve settles the message a confirm is for: the oldest pending one.
func (l *lane) resolve(c amqp.Confirmation) {
	l.mu.Lock()
	o := l.pending.pop()
	if o != nil && o.tag != c.DeliveryTag {
		// Never seen: amqp091-go numbers publishes as we do. Put it back
		// rather than settle the wrong message.
		l.pending.pushFront(o)
		l.mu.Unlock()
		l.s.cfg.logger.Error("kombugen: a confirm for an unknown delivery tag", "tag", c.DeliveryTag)
		return
	}
	if o == nil {
		l.mu.Unlock()
		return
	}
	if o.msg.Mandatory {
		l.unindex(o)
	}
	o.reached = true
	l.popped()
	l.mu.Unlock()
	var err error
	switch {
	case !c.Ack:
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
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	switch {
	case closing:
		return fmt.Errorf("%w: %w", ErrConfirmLost, ErrClosed)
	case cause == nil:
		return fmt.Errorf("%w: the channel closed", ErrConfirmLost)
	}
	return fmt.Errorf("%w: %v", ErrConfirmLost, brokerError(cause))
}
