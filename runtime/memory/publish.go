package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kombugen/kombugen/runtime"
)

// AMQP's reply to a mandatory message no queue took.
const (
	replyNoRoute     = 312
	replyTextNoRoute = "NO_ROUTE"
)

// delivery is what became of one publish, worked out under the lock and
// reported to the caller's callbacks after it.
type delivery struct {
	route    Route
	returned *runtime.Return
	refused  []string // queues at their limit with x-overflow reject-publish
	fault    error    // a simulated failure that happened after routing
}

// Publish routes msg into the queues its exchange binds, as RabbitMQ does,
// storing a copy. A mandatory message no queue takes is passed to
// msg.OnReturn, if set, before Publish returns; with msg.Confirm Publish
// then returns a *runtime.ReturnError (matching runtime.ErrUnroutable).
// With msg.Confirm a message a queue refused for its x-overflow
// reject-publish limit is nacked (runtime.ErrNacked); otherwise a confirm
// is an immediate ack. A missing exchange is runtime.ErrNotFound, an
// internal one runtime.ErrAccessRefused; a publish FailNext prepared fails
// as it says.
func (b *Broker) Publish(ctx context.Context, msg *runtime.Publishing) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if msg == nil {
		return fmt.Errorf("memory broker: publish: %w: nil publishing", runtime.ErrInvalidMessage)
	}
	d, err := b.publish(ctx, msg)
	if err != nil {
		return err
	}
	if b.onRoute != nil {
		b.onRoute(d.route)
	}
	if d.returned != nil && msg.OnReturn != nil {
		msg.OnReturn(copyReturn(*d.returned)) // the callback's to keep or change
	}
	switch {
	case d.fault != nil:
		return d.fault
	case !msg.Confirm:
		return nil
	case d.returned != nil:
		return &runtime.ReturnError{Return: *d.returned}
	case len(d.refused) > 0:
		return fmt.Errorf("%w: full queue %s refused it (x-overflow reject-publish)",
			runtime.ErrNacked, strings.Join(d.refused, ", "))
	}
	return nil
}

// publish does a Publish's work under the lock.
func (b *Broker) publish(ctx context.Context, msg *runtime.Publishing) (delivery, error) {
	if err := b.lockOpen(ctx, "publish"); err != nil {
		return delivery{}, err
	}
	defer b.mu.Unlock()
	fault := b.fault.next()
	if fault != nil && !errors.Is(fault, runtime.ErrConfirmLost) {
		b.fail(fault)
		return delivery{}, fault
	}
	now := b.tick()
	x, err := b.publishTarget(msg.Exchange)
	if err != nil {
		return delivery{}, err
	}
	ttl, hasTTL, err := parseExpiration(msg.Expiration)
	if err != nil {
		return delivery{}, err
	}
	m := newMessage(msg)
	d := delivery{fault: fault, route: Route{Exchange: msg.Exchange, RoutingKey: msg.RoutingKey}}
	d.route.Queues = b.route(x, m.RoutingKey, m.Headers)
	for _, name := range d.route.Queues {
		if !b.enqueue(b.queues[name], m, ttl, hasTTL, now) {
			d.refused = append(d.refused, name)
		}
	}
	if len(d.route.Queues) == 0 && msg.Mandatory {
		d.returned = returned(m)
	}
	return d, nil
}

// publishTarget returns the exchange a client may publish to by name.
func (b *Broker) publishTarget(name string) (*exchange, error) {
	x := b.exchanges[name]
	switch {
	case x == nil:
		return nil, notFoundExchange(name)
	case x.decl.Internal:
		return nil, accessRefused("cannot publish to internal exchange '%s' in vhost '%s'", name, vhost)
	}
	return x, nil
}

func copyReturn(r runtime.Return) runtime.Return {
	r.Headers = copyTable(r.Headers)
	r.Body = bytes.Clone(r.Body)
	return r
}

// returned is the basic.return of an unroutable mandatory message, with
// its own copy of the message.
func returned(m Message) *runtime.Return {
	m = m.clone()
	return &runtime.Return{
		ReplyCode:  replyNoRoute,
		ReplyText:  replyTextNoRoute,
		Exchange:   m.Exchange,
		RoutingKey: m.RoutingKey,
		Properties: m.Properties,
		Body:       m.Body,
	}
}
