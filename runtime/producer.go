package runtime

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Producer publishes messages through a Transport, as kombu's Producer does:
// a default exchange and routing key, a serializer and compression, declaring
// what it needs once per connection before the first publish, and retrying
// what may succeed. It is safe for concurrent use.
type Producer struct {
	t           Transport
	exchange    *Exchange
	declare     []Entity
	autoDeclare bool
	onReturn    func(Return)
	// autoMessageID gives each publish without a message id one, before
	// the first attempt, so retries carry the same id.
	autoMessageID bool
	defaults      settings
	// overrides are the Options given to NewProducer, applied again over a
	// generated message type's settings.
	overrides []Option
	send      PublishFunc
	sleep     sleeper
	// own is the producer's exchange (unless predeclared) and declare
	// list; ownCacheable says all of them may be declared once.
	own          []Entity
	ownCacheable bool
	// declaredEpoch is the transport's epoch under which all of own was
	// last declared, when the transport is an Epocher.
	declaredEpoch atomic.Uint64
}

// NewProducer returns a producer publishing through t. By default it
// publishes to the default exchange ("") with routing key "", chooses the
// serializer from the body as kombu does, sends persistent messages, waits
// for confirms, auto-declares and retries with DefaultRetryPolicy. Nothing is
// declared until the first publish.
func NewProducer(t Transport, opts ...ProducerOption) *Producer {
	p := &Producer{
		t:           t,
		exchange:    &Exchange{},
		autoDeclare: true,
		defaults:    defaultSettings(),
		sleep:       sleepContext,
	}
	var middleware []Middleware
	for _, o := range opts {
		if mw, ok := o.(middlewareOption); ok {
			middleware = append(middleware, mw...)
			continue
		}
		o.applyProducer(p)
	}
	p.send = chain(p.publishWithRetry, middleware)
	p.own = p.entities()
	p.ownCacheable = true
	for _, e := range p.own {
		p.ownCacheable = p.ownCacheable && e.Cacheable()
	}
	return p
}

// defaultSettings are kombu's publish defaults with confirms on.
func defaultSettings() settings {
	return settings{confirm: true, deliveryMode: Persistent, retry: DefaultRetryPolicy}
}

// Exchange returns the producer's default exchange.
func (p *Producer) Exchange() *Exchange { return p.exchange }

// Publish serializes, compresses and sends body. Options override the
// producer's defaults for this message. Before the first publish on a
// connection the producer's exchange and declare list are declared. The
// message is prepared once; a failure that may pass (connection or confirm
// lost) is retried under the retry policy. Errors the broker gives for the
// request itself (403, 404, 406), invalid messages, nacks and returns are
// not retried.
func (p *Producer) Publish(ctx context.Context, body any, opts ...PublishOption) error {
	s := getSettings(&p.defaults)
	defer putSettings(s)
	for _, o := range opts {
		o.applyPublish(s)
	}
	return p.publish(ctx, s, "", body)
}

// PublishAs publishes body as a message of type mt with routing key
// routingKey: mt's settings, then the producer's Options, then opts. It is
// what generated producers call.
func (p *Producer) PublishAs(ctx context.Context, mt *MessageType, routingKey string, body any, opts ...PublishOption) error {
	s := getSettings(&mt.settings)
	defer putSettings(s)
	for _, o := range p.overrides {
		o(s)
	}
	s.routingKey = routingKey
	for _, o := range opts {
		o.applyPublish(s)
	}
	return p.publish(ctx, s, mt.name, body)
}

// settingsPool keeps the settings of publishes: options take a pointer
// through an interface, so a copy on the stack would escape to the heap
// on every publish.
var settingsPool = sync.Pool{New: func() any { return new(settings) }}

// getSettings returns a copy of base to change for one publish.
func getSettings(base *settings) *settings {
	s := settingsPool.Get().(*settings)
	*s = *base
	return s
}

// putSettings hands s back once its publish is done: nothing of the
// publish refers to it then (prepare copies what it needs).
func putSettings(s *settings) {
	*s = settings{}
	settingsPool.Put(s)
}

func (p *Producer) publish(ctx context.Context, s *settings, name string, body any) error {
	msg, err := s.prepare(body)
	if err != nil {
		return fmt.Errorf("publish to exchange %q routing key %q: %w", s.exchange, s.routingKey, err)
	}
	msg.MessageName = name
	msg.OnReturn = p.onReturn
	if p.autoMessageID && msg.MessageID == "" {
		msg.MessageID = newMessageID()
	}
	msg.retry, msg.declare = s.retry, s.declare
	if err := p.send(ctx, msg); err != nil {
		return fmt.Errorf("publish to exchange %q routing key %q: %w", msg.Exchange, msg.RoutingKey, err)
	}
	return nil
}

// publishWithRetry is the innermost PublishFunc: declare what is needed and
// send, under the retry policy.
func (p *Producer) publishWithRetry(ctx context.Context, msg *Publishing) error {
	return p.retry(ctx, msg.retry, func() error {
		if err := p.autoDeclareFor(ctx, msg.declare); err != nil {
			return err
		}
		return p.t.Publish(ctx, msg)
	})
}

// Declare declares the producer's exchange and its declare list now, even
// if they were declared before (kombu's Producer.declare).
func (p *Producer) Declare(ctx context.Context) error {
	for _, e := range p.own {
		if err := p.t.Declare(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// MaybeDeclare declares e unless it was declared on this connection before,
// reporting whether it did.
func (p *Producer) MaybeDeclare(ctx context.Context, e Entity) (bool, error) {
	return p.t.MaybeDeclare(ctx, e)
}

// autoDeclareFor declares, once per connection, what a publish needs: the
// producer's exchange and declare list when auto-declare is on, and the
// publish's own declare list always.
func (p *Producer) autoDeclareFor(ctx context.Context, extra []Entity) error {
	if p.autoDeclare && len(p.own) > 0 {
		if err := p.declareOwn(ctx); err != nil {
			return err
		}
	}
	for _, e := range extra {
		if _, err := p.t.MaybeDeclare(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// declareOwn declares the producer's own entities once per connection,
// skipping even the checks while an Epocher transport keeps the connection
// they were declared on.
func (p *Producer) declareOwn(ctx context.Context) error {
	var epoch uint64
	if ep, ok := p.t.(Epocher); ok {
		epoch = ep.Epoch()
	}
	if epoch != 0 && epoch == p.declaredEpoch.Load() {
		return nil
	}
	for _, e := range p.own {
		if _, err := p.t.MaybeDeclare(ctx, e); err != nil {
			return err
		}
	}
	if epoch != 0 && p.ownCacheable {
		p.declaredEpoch.Store(epoch)
	}
	return nil
}

// entities lists the producer's exchange (unless the broker provides it),
// then its declare list.
func (p *Producer) entities() []Entity {
	if p.exchange.Predeclared() {
		return p.declare
	}
	return append([]Entity{p.exchange}, p.declare...)
}

// retry runs attempt until it succeeds, fails for good, or the policy runs
// out, sleeping between attempts.
func (p *Producer) retry(ctx context.Context, policy RetryPolicy, attempt func() error) error {
	var deadline time.Time
	if policy.Timeout > 0 {
		deadline = time.Now().Add(policy.Timeout)
	}
	for n := 0; ; n++ {
		err := attempt()
		if err == nil || !Retryable(err) || n >= policy.MaxRetries {
			return err
		}
		wait := policy.sleep(n, rand.Int64N)
		if !deadline.IsZero() && time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("retry timeout %s reached: %w", policy.Timeout, err)
		}
		if serr := p.sleep(ctx, wait); serr != nil {
			return errors.Join(serr, err)
		}
	}
}

// Retryable reports whether publishing again may succeed where err failed:
// the connection or a confirm was lost. Invalid messages, nacks, returns,
// a closed Conn, a context's end and the broker's 403, 404 and 406 are final.
func Retryable(err error) bool {
	switch {
	case err == nil,
		errors.Is(err, ErrInvalidMessage), errors.Is(err, ErrUnroutable), errors.Is(err, ErrNacked),
		errors.Is(err, ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrAccessRefused), errors.Is(err, ErrNotFound), errors.Is(err, ErrPreconditionFailed):
		return false
	}
	return errors.Is(err, ErrConfirmLost) || errors.Is(err, ErrConnectionLost) || errors.Is(err, ErrUnreachable)
}
