package runtime

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
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
	// overrides are the settings given to NewProducer, applied again over a
	// generated message type's settings.
	overrides []setting
	send      PublishFunc
	sleep     sleeper
	// own is the producer's exchange (unless predeclared) and declare
	// list.
	own []Entity
	// middleware says the producer has some, which may change a
	// message's headers after they were checked.
	middleware bool
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
	p.middleware = len(middleware) > 0
	p.own = p.entities()
	return p
}

// defaultSettings are kombu's publish defaults with confirms on.
func defaultSettings() settings {
	return settings{confirm: true, deliveryMode: Persistent, retry: DefaultRetryPolicy}
}

// Exchange returns the producer's default exchange.
func (p *Producer) Exchange() *Exchange { return p.exchange }

// Publish serializes, compresses and sends body, and waits for the outcome:
// PublishAsync(ctx, body, opts...).Wait(ctx). Options override the
// producer's defaults for this message. Before the first publish on a
// connection the producer's exchange and declare list are declared. The
// message is prepared once; a failure that may pass (connection or confirm
// lost) is retried under the retry policy. Errors the broker gives for the
// request itself (403, 404, 406), invalid messages, nacks and returns are
// not retried.
func (p *Producer) Publish(ctx context.Context, body any, opts ...PublishOption) error {
	return waitPublished(ctx, p.PublishAsync(ctx, body, opts...))
}

// PublishAsync is Publish without the wait for the outcome: it returns once
// the message is on its way, with the confirmation to wait for. It blocks
// while the connection's confirm window is full, and before the first
// publish on a connection, while connecting and declaring; ctx bounds that.
// An invalid message or option comes back at once, as a done Confirmation.
// ctx bounds the whole publish, retries included: a message not yet written
// when ctx ends is not sent, so give a context that outlives the publish.
// One goroutine publishing asynchronously keeps many messages in flight,
// which is how confirmed publishing reaches the broker's rate; messages
// with the same exchange and routing key go out in the order of the calls.
func (p *Producer) PublishAsync(ctx context.Context, body any, opts ...PublishOption) *Confirmation {
	s := getSettings(&p.defaults)
	defer putSettings(s)
	for _, o := range opts {
		o.applyPublish(s)
	}
	return p.publish(ctx, s, "", body)
}

// publishAs publishes body as a message of type mt with routing key key:
// mt's settings, then the producer's own, then opts. It is what generated
// producers call, through genimpl.
func (p *Producer) publishAs(ctx context.Context, mt *messageType, key string, body any, opts []PublishOption) *Confirmation {
	s := getSettings(&mt.settings)
	defer putSettings(s)
	for _, o := range p.overrides {
		o(s)
	}
	s.routingKey = key
	for _, o := range opts {
		o.applyPublish(s)
	}
	return p.publish(ctx, s, mt.name, body)
}

// waitPublished waits for c, saying where the message went when ctx ends
// first (c's own errors say it already).
func waitPublished(ctx context.Context, c *Confirmation) error {
	err := c.Wait(ctx)
	if err == nil {
		return nil
	}
	if c.isDone() {
		return err
	}
	return fmt.Errorf("publish: %w", err)
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

func (p *Producer) publish(ctx context.Context, s *settings, name string, body any) *Confirmation {
	msg, err := s.prepare(body)
	if err != nil {
		return failed(fmt.Errorf("publish to exchange %q routing key %q: %w", s.exchange, s.routingKey, err))
	}
	msg.MessageName = name
	msg.OnReturn = p.onReturn
	if p.autoMessageID && msg.MessageID == "" {
		msg.MessageID = newMessageID()
	}
	msg.retry = s.retry
	msg.Declare = p.needs(s.declare)
	msg.checked = !p.middleware
	return p.send(ctx, msg)
}

// needs lists what a publish needs declared: the producer's exchange and
// declare list when auto-declare is on, and the publish's own declare list
// always.
func (p *Producer) needs(extra []Entity) []Entity {
	own := p.own
	if !p.autoDeclare {
		own = nil
	}
	if len(extra) == 0 {
		return own
	}
	return append(own[:len(own):len(own)], extra...)
}

// publishWithRetry is the innermost PublishFunc: send (the transport
// declares what is needed first), under the retry policy. The confirmation
// returned is the transport's own when it is pending: the producer judges
// its outcome before it is done (Confirmation.intercept), so a failure that
// is retried never shows, and the common publish costs one confirmation.
func (p *Producer) publishWithRetry(ctx context.Context, msg *Publishing) *Confirmation {
	a := &msg.attempt
	*a = attempt{p: p, ctx: ctx, msg: msg}
	if msg.retry.Timeout > 0 {
		a.deadline = time.Now().Add(msg.retry.Timeout)
	}
	c := p.t.Publish(ctx, msg)
	a.out = c
	if c.intercept(a) {
		return c
	}
	// The transport settled it at once (an in-process broker, or a
	// failure before the wire).
	err := c.Err()
	if err == nil {
		return c
	}
	a.out = newConfirmation()
	if final, done := a.verdict(err); done {
		a.out.complete(final)
	}
	return a.out
}

// attempt runs one publish under its retry policy: the first try on the
// caller's goroutine, until the message is on its way, and each retry on a
// goroutine of its own, which sleeps, sends again, and ends when the
// publish is done.
type attempt struct {
	p        *Producer
	ctx      context.Context
	msg      *Publishing
	out      *Confirmation // what the caller holds
	n        int           // retries so far
	deadline time.Time
}

// verdict takes one try's outcome and returns the publish's, with done
// set, or starts a retry after a sleep and returns done false. It runs
// where the outcome is known (a Conn's confirm listener among others), so
// it never waits there.
func (a *attempt) verdict(err error) (final error, done bool) {
	policy := a.msg.retry
	if err == nil {
		return nil, true
	}
	if !Retryable(err) || a.n >= policy.MaxRetries {
		return a.wrap(err), true
	}
	wait := policy.sleep(a.n, rand.Int64N)
	if !a.deadline.IsZero() && time.Now().Add(wait).After(a.deadline) {
		return a.wrap(fmt.Errorf("retry timeout %s reached: %w", policy.Timeout, err)), true
	}
	a.n++
	a.out.retry(err)
	go a.retry(wait, err)
	return nil, false
}

// retry sleeps, then tries again; the Conn's Close cuts the sleep short.
func (a *attempt) retry(wait time.Duration, last error) {
	ctx := a.ctx
	if l, ok := a.p.t.(interface{ lifetime() context.Context }); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(l.lifetime(), cancel)
		defer stop()
	}
	if err := a.p.sleep(ctx, wait); err != nil {
		if a.ctx.Err() == nil {
			err = ErrClosed // the transport closed, not the caller's ctx
		}
		a.out.complete(a.wrap(errors.Join(err, last)))
		return
	}
	a.p.t.Publish(a.ctx, a.msg).onDone(func(err error) {
		if final, done := a.verdict(err); done {
			a.out.complete(final)
		}
	})
}

// wrap says where a failed message went.
func (a *attempt) wrap(err error) error {
	return fmt.Errorf("publish to exchange %q routing key %q: %w", a.msg.Exchange, a.msg.RoutingKey, err)
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

// entities lists the producer's exchange (unless the broker provides it),
// then its declare list.
func (p *Producer) entities() []Entity {
	if p.exchange.Predeclared() {
		return p.declare
	}
	return append([]Entity{p.exchange}, p.declare...)
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
