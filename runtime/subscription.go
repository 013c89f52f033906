package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Consume declares q and calls deliver with each message it holds, one at a
// time and in order, from a goroutine of the Conn's, without
// acknowledgements (the broker forgets a message once it sent it): for
// replies, such as Celery's results. It returns once the broker confirmed
// the consumer, or with the error that stopped it: the queue's declare, or
// ctx's end. Consuming goes on until ctx ends or the Conn closes, across
// lost connections (on each new one q is declared again, and the consumer
// made again) when q outlives its connection; a queue that does not
// (auto-delete, exclusive, or with x-expires: not Cacheable) went with the
// connection, and what was sent to it meanwhile with it, so consuming it
// ends with the connection. The channel returned is closed when consuming
// ended, once deliver will not be called again. deliver must not block for
// long: the messages after wait for it.
func (c *Conn) Consume(ctx context.Context, q *Queue, deliver func(Properties, []byte)) (<-chan struct{}, error) {
	sub := &subscription{c: c, q: q, deliver: deliver, ready: make(chan error, 1), done: make(chan struct{})}
	if !c.goroutines.Go(func() { sub.run(ctx) }) {
		return nil, ErrClosed
	}
	select {
	case err := <-sub.ready:
		if err != nil {
			<-sub.done
			return nil, fmt.Errorf("consume queue %q: %w", q.Name, err)
		}
		return sub.done, nil
	case <-ctx.Done():
		<-sub.done
		return nil, fmt.Errorf("consume queue %q: %w", q.Name, ctx.Err())
	}
}

// subscription is one Consume: its goroutine (run) owns the channel it
// consumes on, and makes a new one on each new connection.
type subscription struct {
	c       *Conn
	q       *Queue
	deliver func(Properties, []byte)
	ready   chan error    // the first consumer's outcome, once
	done    chan struct{} // closed when run ends
}

// Waits between attempts to consume again after a connection was lost and
// the next could not be had: growing to a cap, like kombu's consumers.
const (
	resubscribeFirst = 100 * time.Millisecond
	resubscribeMax   = 5 * time.Second
)

func (sub *subscription) run(ctx context.Context) {
	defer close(sub.done)
	c, first := sub.c, true
	wait := resubscribeFirst
	for {
		s, err := c.session(ctx)
		if err == nil {
			err = sub.consume(ctx, s, func() {
				if first {
					first = false
					sub.ready <- nil
				}
				wait = resubscribeFirst
			})
		}
		switch {
		case first:
			sub.ready <- err
			return
		case ctx.Err() != nil || c.life.Err() != nil:
			return
		case !sub.q.Cacheable():
			// The queue, and what was sent to it meanwhile, went with the
			// connection: consuming a new one would hide the loss.
			c.cfg.logger.Warn("kombugen: consumer lost with its connection", "queue", sub.q.Name, "error", err)
			return
		}
		c.cfg.logger.Warn("kombugen: consumer lost, consuming again", "queue", sub.q.Name, "error", err)
		select {
		case <-ctx.Done():
			return
		case <-c.life.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, resubscribeMax)
	}
}

// consume declares the queue on s, consumes it on a channel of its own and
// delivers until the channel closes or ctx ends; consuming reports that the
// broker confirmed the consumer.
func (sub *subscription) consume(ctx context.Context, s *session, consuming func()) error {
	if _, err := s.declare(ctx, sub.q, true); err != nil {
		return err
	}
	ch, err := s.conn.Channel()
	if err != nil {
		return fmt.Errorf("open channel: %w", brokerError(err))
	}
	defer ch.Close()
	deliveries, err := ch.Consume(sub.q.Name, "", true, false, false, false, nil)
	if err != nil {
		return brokerError(err)
	}
	consuming()
	for {
		select {
		case d, ok := <-deliveries:
			if !ok {
				if !s.alive() {
					return s.lostError()
				}
				return errors.New("the broker cancelled the consumer")
			}
			sub.deliver(deliveryProperties(&d), d.Body)
		case <-ctx.Done():
			return ctx.Err()
		case <-s.lost:
			return s.lostError()
		}
	}
}

// deliveryProperties returns a received message's properties.
func deliveryProperties(d *amqp.Delivery) Properties {
	return Properties{
		ContentType:     d.ContentType,
		ContentEncoding: d.ContentEncoding,
		Headers:         fromAMQPTable(d.Headers),
		DeliveryMode:    DeliveryMode(d.DeliveryMode),
		Priority:        d.Priority,
		CorrelationID:   d.CorrelationId,
		ReplyTo:         d.ReplyTo,
		Expiration:      d.Expiration,
		MessageID:       d.MessageId,
		Timestamp:       d.Timestamp,
		Type:            d.Type,
		UserID:          d.UserId,
		AppID:           d.AppId,
	}
}
