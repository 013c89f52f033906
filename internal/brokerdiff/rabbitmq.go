package brokerdiff

import (
	"context"
	"errors"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/amqptable"
	"github.com/kombugen/kombugen/runtime/consume"
)

// rabbit is a scenario's connection to RabbitMQ: a channel in confirm
// mode, opened again after the broker closed it (and the connection too,
// after a connection error), as a client would.
type rabbit struct {
	ctx     context.Context
	url     string
	conn    *amqp.Connection
	ch      *amqp.Channel
	closed  chan *amqp.Error
	returns chan amqp.Return
}

// channel returns an open channel, opening what the broker closed.
func (r *rabbit) channel() (*amqp.Channel, error) {
	if r.ch != nil && !r.ch.IsClosed() {
		return r.ch, nil
	}
	if r.conn == nil || r.conn.IsClosed() {
		c, err := amqp.DialConfig(r.url, amqp.Config{Dial: amqp.DefaultDial(10 * time.Second)})
		if err != nil {
			return nil, err
		}
		r.conn = c
	}
	ch, err := r.conn.Channel()
	if err != nil {
		return nil, err
	}
	if err := ch.Confirm(false); err != nil {
		return nil, err
	}
	r.ch = ch
	r.closed = ch.NotifyClose(make(chan *amqp.Error, 1))
	r.returns = ch.NotifyReturn(make(chan amqp.Return, 16))
	return ch, nil
}

func (r *rabbit) close() {
	if r.conn != nil {
		r.conn.Close()
	}
}

// outcome describes a call's error as a broker reply; a failure that is
// not the broker's is returned as an error.
func (r *rabbit) outcome(err error) (string, error) {
	if err == nil {
		return "ok", nil
	}
	var ae *amqp.Error
	if !errors.As(err, &ae) || !ae.Server {
		return "", err
	}
	return refusal(ae.Code, ae.Reason, r.conn.IsClosed()), nil
}

// RunRabbitMQ runs s on the RabbitMQ at url with names prefixed by prefix,
// and returns what it observed; vhost is url's virtual host, normalised
// in reply texts. Afterwards it deletes what s declared. An error is a
// failure of the run, not an observation.
func RunRabbitMQ(ctx context.Context, url string, s Scenario, prefix, vhost string) ([]string, error) {
	r := &rabbit{ctx: ctx, url: url}
	defer r.close()
	e := expander{prefix}
	steps := make([]Step, len(s.Steps))
	for i, st := range s.Steps {
		steps[i] = e.step(st)
	}
	defer cleanup(url, steps)
	o := &observer{prefix: prefix, vhost: vhost}
	for _, step := range steps {
		if err := r.run(o, step); err != nil {
			return o.lines, fmt.Errorf("%T step: %w", step, err)
		}
	}
	return o.lines, nil
}

func (r *rabbit) run(o *observer, step Step) error {
	ch, err := r.channel()
	if err != nil {
		return err
	}
	switch st := step.(type) {
	case DeclareExchange:
		err := ch.ExchangeDeclare(st.Name, st.Type, st.Durable, st.AutoDelete, st.Internal, false, amqptable.AMQP[amqp.Table](st.Args))
		for _, bd := range st.Bindings {
			if err != nil {
				break
			}
			err = ch.ExchangeBind(st.Name, bd.Key, bd.Exchange, false, amqptable.AMQP[amqp.Table](bd.Args))
		}
		out, err := r.outcome(err)
		o.add("declare exchange %s: %s", st.Name, out)
		return err
	case DeclareQueue:
		_, err := ch.QueueDeclare(st.Name, st.Durable, st.AutoDelete, st.Exclusive, false, amqptable.AMQP[amqp.Table](st.Args))
		for _, bd := range st.Bindings {
			if err != nil {
				break
			}
			err = ch.QueueBind(st.Name, bd.Key, bd.Exchange, false, amqptable.AMQP[amqp.Table](bd.Args))
		}
		out, err := r.outcome(err)
		o.add("declare queue %s: %s", st.Name, out)
		return err
	case Publish:
		return r.publish(o, ch, st)
	case Wait:
		select {
		case <-time.After(st.D):
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	case Get:
		_, err := r.get(o, ch, st.Queue)
		return err
	case Drain:
		for {
			ok, err := r.get(o, ch, st.Queue)
			if !ok || err != nil {
				return err
			}
		}
	case Count:
		q, err := ch.QueueDeclarePassive(st.Queue, false, false, false, false, nil)
		if isNotFound(err) {
			o.add("count %s: no queue", st.Queue)
			return nil
		}
		if err != nil {
			return err
		}
		o.add("count %s: %d", st.Queue, q.Messages)
	case Purge:
		n, err := ch.QueuePurge(st.Queue, false)
		if err != nil {
			return err
		}
		o.add("purge %s: %d", st.Queue, n)
	case DeleteQueue:
		n, err := ch.QueueDelete(st.Queue, false, false, false)
		if err != nil {
			return err
		}
		o.add("delete queue %s: %d", st.Queue, n)
	case DeleteExchange:
		out, err := r.outcome(ch.ExchangeDelete(st.Name, false, false))
		o.add("delete exchange %s: %s", st.Name, out)
		return err
	default:
		return fmt.Errorf("unknown step %T", st)
	}
	return nil
}

// publish publishes in confirm mode and waits for the confirm, a return,
// or the channel's closing.
func (r *rabbit) publish(o *observer, ch *amqp.Channel, p Publish) error {
	msg := amqp.Publishing{
		Headers:         amqptable.AMQP[amqp.Table](p.Props.Headers),
		ContentType:     p.Props.ContentType,
		ContentEncoding: p.Props.ContentEncoding,
		DeliveryMode:    uint8(p.Props.DeliveryMode),
		Priority:        p.Props.Priority,
		CorrelationId:   p.Props.CorrelationID,
		ReplyTo:         p.Props.ReplyTo,
		Expiration:      p.Props.Expiration,
		MessageId:       p.Props.MessageID,
		Timestamp:       p.Props.Timestamp,
		Type:            p.Props.Type,
		UserId:          p.Props.UserID,
		AppId:           p.Props.AppID,
		Body:            publishBody(p),
	}
	dc, err := ch.PublishWithDeferredConfirmWithContext(r.ctx, p.Exchange, p.Key, p.Mandatory, false, msg)
	if err != nil {
		return err
	}
	select {
	case <-dc.Done():
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	select {
	case e := <-r.closed:
		out, err := r.outcome(e)
		o.add("publish to exchange %q key %q: %s", p.Exchange, p.Key, out)
		return err
	default:
	}
	select {
	case ret := <-r.returns:
		o.add("publish to exchange %q key %q: returned %d %s", p.Exchange, p.Key, ret.ReplyCode, ret.ReplyText)
		return nil
	default:
	}
	if !dc.Acked() {
		o.add("publish to exchange %q key %q: nacked", p.Exchange, p.Key)
		return nil
	}
	o.add("publish to exchange %q key %q: ok", p.Exchange, p.Key)
	return nil
}

// get takes a message with basic.get and reports whether there was one.
func (r *rabbit) get(o *observer, ch *amqp.Channel, queue string) (bool, error) {
	d, ok, err := ch.Get(queue, true)
	switch {
	case isNotFound(err):
		o.add("get %s: no queue", queue)
		return false, nil
	case err != nil:
		return false, err
	case !ok:
		o.add("get %s: empty", queue)
		return false, nil
	}
	o.add("get %s: %s", queue, delivered{d.Exchange, d.RoutingKey, consume.Properties(&d), d.Body, int(d.MessageCount)})
	return true, nil
}

func isNotFound(err error) bool {
	var ae *amqp.Error
	return errors.As(err, &ae) && ae.Code == amqp.NotFound
}

// cleanup deletes the exchanges and queues steps declared, on a
// connection of its own.
func cleanup(url string, steps []Step) {
	c, err := amqp.DialConfig(url, amqp.Config{Dial: amqp.DefaultDial(10 * time.Second)})
	if err != nil {
		return
	}
	defer c.Close()
	del := func(f func(ch *amqp.Channel) error) {
		if ch, err := c.Channel(); err == nil {
			f(ch)
			ch.Close()
		}
	}
	for _, step := range steps {
		switch st := step.(type) {
		case DeclareQueue:
			del(func(ch *amqp.Channel) error { _, err := ch.QueueDelete(st.Name, false, false, false); return err })
		case DeclareExchange:
			del(func(ch *amqp.Channel) error { return ch.ExchangeDelete(st.Name, false, false) })
		}
	}
}
