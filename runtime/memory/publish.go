package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// AMQP's reply to a mandatory message no queue took.
const (
	replyNoRoute     = 312
	replyTextNoRoute = "NO_ROUTE"
)

// maxMessageSize is RabbitMQ 3.10's default max_message_size: 128 MiB.
const maxMessageSize = 128 << 20

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
// is an immediate ack. What RabbitMQ refuses is refused with its reply
// (see the package documentation); a publish FailNext prepared fails as
// it says.
func (b *Broker) Publish(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	return runtime.Settled(b.publishNow(ctx, msg))
}

// publishNow is Publish's work: a publish to memory is settled at once.
func (b *Broker) publishNow(ctx context.Context, msg *runtime.Publishing) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if msg == nil {
		return fmt.Errorf("memory broker: publish: %w: nil publishing", runtime.ErrInvalidMessage)
	}
	for _, e := range msg.Declare {
		if _, err := b.MaybeDeclare(ctx, e); err != nil {
			return err
		}
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

// publish does a Publish's work under the lock, checking the message in
// the order RabbitMQ's channel does.
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
	if n := len(msg.Body); n > maxMessageSize {
		return delivery{}, preconditionFailed("message size %d is larger than configured max size %d", n, maxMessageSize)
	}
	x, err := b.publishTarget(msg.Exchange)
	if err != nil {
		return delivery{}, err
	}
	if !carriable(msg.Headers) {
		// RabbitMQ's frame parser has no NaN nor infinity: the
		// connection crashes.
		b.disconnect()
		return delivery{}, internalError()
	}
	if id := msg.UserID; id != "" && id != b.user {
		return delivery{}, preconditionFailed("user_id property set to '%s' but authenticated user was '%s'", id, b.user)
	}
	ttl, hasTTL, bad := parseExpiration(msg.Expiration)
	if bad != nil {
		prefix := fmt.Sprintf("invalid expiration '%s': ", msg.Expiration)
		return delivery{}, preconditionFailed("%s%s", prefix, erlP(bad, len(prefix), 80))
	}
	m, bad := newMessage(msg)
	if bad != nil {
		const prefix = "invalid message: "
		return delivery{}, preconditionFailed("%s%s", prefix, erlP(bad, len(prefix), 80))
	}
	m.ttl, m.hasTTL = ttl, hasTTL
	d := delivery{fault: fault, route: Route{Exchange: msg.Exchange, RoutingKey: msg.RoutingKey}}
	d.route.Queues = b.route(x, m)
	for _, name := range d.route.Queues {
		if q := b.queues[name]; q != nil && !b.deliver(q, m, now, true) {
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
		return nil, b.noExchange(name)
	case x.decl.Internal:
		return nil, accessRefused("cannot publish to internal %s", b.resource("exchange", name))
	}
	return x, nil
}

// carriable reports whether RabbitMQ can read every value in the headers
// t: AMQP's float fields cannot hold NaN nor an infinity.
func carriable(t runtime.Table) bool {
	for _, v := range t {
		if !carriableValue(v) {
			return false
		}
	}
	return true
}

func carriableValue(v any) bool {
	switch v := v.(type) {
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	case float32:
		return carriableValue(float64(v))
	case []any:
		for _, e := range v {
			if !carriableValue(e) {
				return false
			}
		}
	case runtime.Table:
		return carriable(v)
	}
	return true
}

// newMessage copies a publishing into the message the broker keeps, so a
// caller reusing its buffers or header maps cannot change what was sent,
// with the headers as RabbitMQ receives them: the CC and BCC headers add
// routing keys, and BCC is removed. bad is RabbitMQ's error term for a CC
// or BCC header that is not an array. The timestamp loses what the wire
// cannot carry, its fraction of a second.
func newMessage(p *runtime.Publishing) (m Message, bad any) {
	m = Message{Exchange: p.Exchange, RoutingKey: p.RoutingKey, Properties: p.Properties, Body: bytes.Clone(p.Body)}
	m.Headers = received(p.Headers)
	for _, key := range []string{"CC", "BCC"} {
		if v, ok := m.Headers[key]; ok {
			if _, isArray := v.([]any); !isArray {
				return m, tuple{atom("unacceptable_type_in_header"), erlString(key), atom(typeName(v))}
			}
		}
	}
	m.cc = headerRoutes(m.Headers)
	delete(m.Headers, "BCC")
	if !m.Timestamp.IsZero() {
		m.Timestamp = m.Timestamp.Truncate(time.Second)
	}
	return m, nil
}

// headerRoutes returns the routing keys the CC and BCC headers add: their
// string elements.
func headerRoutes(h runtime.Table) []string {
	var keys []string
	for _, key := range []string{"CC", "BCC"} {
		list, _ := h[key].([]any)
		for _, e := range list {
			if s, ok := e.(string); ok {
				keys = append(keys, s)
			}
		}
	}
	return keys
}

// parseExpiration reads the expiration property as RabbitMQ does
// (rabbit_basic:parse_expiration): a TTL in milliseconds, an integer with
// an optional sign, 0 to ten years. ok is false when there is none; bad is
// RabbitMQ's error term for a value it refuses.
func parseExpiration(s string) (ttl time.Duration, ok bool, bad any) {
	if s == "" {
		return 0, false, nil
	}
	i, negative := 0, false
	if s[0] == '+' || s[0] == '-' {
		i, negative = 1, s[0] == '-'
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i {
		return 0, false, atom("no_integer")
	}
	if j < len(s) {
		return 0, false, tuple{atom("leftover_string"), erlString(s[j:])}
	}
	digits := strings.TrimLeft(s[i:j], "0")
	if digits == "" {
		return 0, true, nil
	}
	if negative {
		return 0, false, tuple{atom("value_negative"), bigInt("-" + digits)}
	}
	ms, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || ms > maxExpiry {
		return 0, false, tuple{atom("value_too_large"), bigInt(digits)}
	}
	return time.Duration(ms) * time.Millisecond, true, nil
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
