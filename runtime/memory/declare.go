package memory

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/kombugen/kombugen/internal/routing"
	"github.com/kombugen/kombugen/runtime"
)

// Declare declares e, an *runtime.Exchange or a *runtime.Queue with its
// bindings, whether or not it was declared before, and remembers it in the
// connection's declare-once memory. Exchanges the broker provides (the
// default exchange and amq.*) are skipped, as kombu skips them. Declaring
// an entity again with other attributes fails with
// runtime.ErrPreconditionFailed; binding to a missing exchange with
// runtime.ErrNotFound.
func (b *Broker) Declare(ctx context.Context, e runtime.Entity) error {
	if err := checkEntity(e); err != nil {
		return err
	}
	if err := b.lockOpen(ctx, "declare"); err != nil {
		return err
	}
	defer b.mu.Unlock()
	if skip(e) {
		return nil
	}
	return b.declare(e)
}

// MaybeDeclare declares e unless this connection declared it before and e
// is Cacheable (kombu's maybe_declare), and reports whether it declared.
func (b *Broker) MaybeDeclare(ctx context.Context, e runtime.Entity) (bool, error) {
	if err := checkEntity(e); err != nil {
		return false, err
	}
	if err := b.lockOpen(ctx, "declare"); err != nil {
		return false, err
	}
	defer b.mu.Unlock()
	if skip(e) || b.cache.Has(e) {
		return false, nil
	}
	if err := b.declare(e); err != nil {
		return false, err
	}
	return true, nil
}

// checkEntity refuses what the broker cannot declare, before a method of
// a nil pointer is called.
func checkEntity(e runtime.Entity) error {
	switch e := e.(type) {
	case *runtime.Exchange:
		if e != nil {
			return nil
		}
	case *runtime.Queue:
		if e != nil {
			return nil
		}
	}
	return fmt.Errorf("memory broker: declare: %w: want a non-nil *runtime.Exchange or *runtime.Queue, not %T",
		runtime.ErrInvalidMessage, e)
}

// skip reports whether e is an exchange the broker provides.
func skip(e runtime.Entity) bool {
	x, ok := e.(*runtime.Exchange)
	return ok && x.Predeclared()
}

// declare declares e, counts it and remembers it.
func (b *Broker) declare(e runtime.Entity) error {
	now := b.tick()
	b.declares[e.DeclareKey()]++
	var err error
	switch e := e.(type) {
	case *runtime.Exchange:
		err = b.declareExchange(e)
	case *runtime.Queue:
		err = b.declareQueue(e, now)
	}
	if err == nil {
		b.cache.Add(e)
	}
	return err
}

// declareExchange creates x, or checks that it is what exists. A type
// left empty is direct, as in kombu and runtime.Conn.
func (b *Broker) declareExchange(x *runtime.Exchange) error {
	req := *x
	if req.Type == "" {
		req.Type = direct
	}
	if err := b.checkExchange(&req); err != nil {
		return fmt.Errorf("declare exchange %q: %w", x.Name, err)
	}
	if cur := b.exchanges[x.Name]; cur != nil {
		if err := checkExchangeEquivalent(&cur.decl, &req); err != nil {
			return fmt.Errorf("declare exchange %q: %w", x.Name, err)
		}
		return nil
	}
	req.Arguments = copyTable(x.Arguments)
	b.exchanges[x.Name] = &exchange{decl: req}
	return nil
}

// checkExchange validates a declare as RabbitMQ does before it looks for
// an existing exchange. An unknown type is a connection error there, so
// the simulated connection is lost with it.
func (b *Broker) checkExchange(x *runtime.Exchange) error {
	if x.Name == "" {
		return accessRefused("operation not permitted on the default exchange")
	}
	if !knownType(x.Type) {
		b.disconnect()
		return commandInvalid("unknown exchange type '%s'", x.Type)
	}
	if ae, ok := x.Arguments["alternate-exchange"]; ok {
		if _, err := stringArg(ae); err != nil {
			return invalidArg("exchange", x.Name, "alternate-exchange", err.Error())
		}
	}
	return nil
}

// declareQueue creates q, or checks that it is what exists, then binds it.
// A queue without a name gets one from the broker, amq.gen-N.
func (b *Broker) declareQueue(q *runtime.Queue, now time.Time) error {
	req := *q
	if req.Name == "" {
		b.names++
		req.Name = fmt.Sprintf("amq.gen-%d", b.names)
	} else if strings.HasPrefix(req.Name, "amq.") {
		return fmt.Errorf("declare queue %q: %w", q.Name,
			accessRefused("queue name '%s' contains reserved prefix 'amq.*'", q.Name))
	}
	if err := b.createQueue(&req, now); err != nil {
		return fmt.Errorf("declare queue %q: %w", req.Name, err)
	}
	for _, bd := range q.Bindings {
		if err := b.bind(req.Name, bd); err != nil {
			return fmt.Errorf("declare queue %q: bind to exchange %q with key %q: %w", req.Name, bd.Exchange, bd.RoutingKey, err)
		}
	}
	return nil
}

// createQueue creates the queue req describes unless it exists as
// described; a redeclare counts as a use for x-expires.
func (b *Broker) createQueue(req *runtime.Queue, now time.Time) error {
	args, err := parseQueueArgs(req.Name, req.Arguments)
	if err != nil {
		return err
	}
	if cur := b.queues[req.Name]; cur != nil {
		if err := checkQueueEquivalent(&cur.decl, req); err != nil {
			return err
		}
		cur.lastUsed = now
		return nil
	}
	if err := checkQueueType(req.Name, req.Arguments); err != nil {
		return err
	}
	decl := runtime.Queue{Name: req.Name, Durable: req.Durable, Exclusive: req.Exclusive,
		AutoDelete: req.AutoDelete, Arguments: copyTable(req.Arguments)}
	b.queues[req.Name] = newQueue(decl, args, now)
	return nil
}

// bind binds the queue to bd's exchange.
func (b *Broker) bind(queue string, bd runtime.Binding) error {
	if bd.Exchange == "" {
		return accessRefused("operation not permitted on the default exchange")
	}
	x := b.exchanges[bd.Exchange]
	if x == nil {
		return notFoundExchange(bd.Exchange)
	}
	if _, ok := routing.ParseXMatch(bd.Arguments); x.decl.Type == headers && !ok {
		return preconditionFailed("invalid x-match field value %v; expected all, any, all-with-x, or any-with-x",
			bd.Arguments["x-match"])
	}
	x.bind(&binding{queue: queue, key: bd.RoutingKey, args: copyTable(bd.Arguments), words: routing.TopicWords(bd.RoutingKey)})
	return nil
}

// DeclareCount returns how many declares of the entity with this
// DeclareKey reached the broker (through Declare or MaybeDeclare, failed
// ones included): "E|orders" for the exchange orders, "Q|billing" for the
// queue billing. Predeclared exchanges are never counted.
func (b *Broker) DeclareCount(key string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.declares[key]
}

// Declarations returns DeclareCount for every entity declared so far.
func (b *Broker) Declarations() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.declares)
}
