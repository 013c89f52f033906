package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kombugen/kombugen/internal/routing"
	"github.com/kombugen/kombugen/runtime"
)

// Declare declares e, an *runtime.Exchange or a *runtime.Queue with its
// bindings, whether or not it was declared before, and remembers it in the
// connection's declare-once memory. Exchanges the broker provides (the
// default exchange and amq.*) are skipped, as kombu skips them. What
// RabbitMQ refuses to declare is refused with its reply (see the package
// documentation).
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

// declareExchange creates x, or checks that it is what exists, as
// RabbitMQ's exchange.declare does, then binds it to its source exchanges
// as exchange.bind does. A type left empty is direct, as in kombu and
// runtime.Conn.
func (b *Broker) declareExchange(x *runtime.Exchange) error {
	req := *x
	if req.Type == "" {
		req.Type = direct
	}
	req.Arguments = received(x.Arguments)
	req.Bindings = nil // they live on their source exchanges
	if err := b.createExchange(&req); err != nil {
		return fmt.Errorf("declare exchange %q: %w", x.Name, err)
	}
	for _, bd := range x.Bindings {
		if err := b.bind(x.Name, true, bd); err != nil {
			return fmt.Errorf("declare exchange %q: bind to exchange %q with key %q: %w", x.Name, bd.Exchange, bd.RoutingKey, err)
		}
	}
	return nil
}

func (b *Broker) createExchange(req *runtime.Exchange) error {
	if !knownType(req.Type) {
		// A connection error in RabbitMQ: the simulated connection is
		// lost with it.
		b.disconnect()
		return commandInvalid("unknown exchange type '%s'", req.Type)
	}
	if req.Name == "" {
		return accessRefused("operation not permitted on the default exchange")
	}
	if cur := b.exchanges[req.Name]; cur != nil {
		return b.checkExchangeEquivalent(&cur.decl, req)
	}
	if ae, ok := req.Arguments["alternate-exchange"]; ok {
		if _, isString := ae.(string); !isString {
			return preconditionFailed("invalid type '%s' for arg 'alternate-exchange' in %s",
				typeName(ae), b.resource("exchange", req.Name))
		}
	}
	b.exchanges[req.Name] = &exchange{decl: *req}
	return nil
}

// queueNameCleaner removes what RabbitMQ strips from queue names.
var queueNameCleaner = strings.NewReplacer("\r", "", "\n", "")

// declareQueue creates q, or checks that it is what exists, then binds it,
// as RabbitMQ's queue.declare and queue.bind do. A queue without a name
// gets one from the broker, amq.gen-N.
func (b *Broker) declareQueue(q *runtime.Queue, now time.Time) error {
	req := *q
	req.Name = queueNameCleaner.Replace(q.Name)
	req.Arguments = received(q.Arguments)
	switch {
	case req.Name == "":
		if t := queueTypeOf(req.Arguments); t.replicated {
			return fmt.Errorf("declare queue %q: %w", q.Name,
				preconditionFailed("Cannot declare a server-named queue for type %s", t.module))
		}
		b.names++
		req.Name = fmt.Sprintf("amq.gen-%d", b.names)
	case strings.HasPrefix(req.Name, "amq."):
		return fmt.Errorf("declare queue %q: %w", q.Name,
			accessRefused("queue name '%s' contains reserved prefix 'amq.*'", req.Name))
	}
	if err := b.createQueue(&req, now); err != nil {
		return fmt.Errorf("declare queue %q: %w", req.Name, err)
	}
	for _, bd := range q.Bindings {
		if err := b.bind(req.Name, false, bd); err != nil {
			return fmt.Errorf("declare queue %q: bind to exchange %q with key %q: %w", req.Name, bd.Exchange, bd.RoutingKey, err)
		}
	}
	return nil
}

// createQueue creates the queue req describes unless it exists as
// described; a redeclare counts as a use for x-expires.
func (b *Broker) createQueue(req *runtime.Queue, now time.Time) error {
	if cur := b.queues[req.Name]; cur != nil {
		if err := b.checkQueueEquivalent(cur, req); err != nil {
			return err
		}
		cur.lastUsed = now
		return nil
	}
	if err := b.checkNewQueue(req); err != nil {
		return err
	}
	t := queueTypeOf(req.Arguments)
	decl := runtime.Queue{Name: req.Name, Durable: req.Durable && !req.Exclusive, Exclusive: req.Exclusive,
		AutoDelete: req.AutoDelete, Arguments: req.Arguments}
	b.queues[req.Name] = newQueue(decl, t, parseQueueArgs(t, req.Arguments), now)
	return nil
}

// checkNewQueue validates the declare of a queue that does not exist yet
// as RabbitMQ does, in its order: the dead-letter exchange's type, the
// queue type, the arguments that type takes, the arguments it does not
// take, then what the type refuses of the queue's flags.
func (b *Broker) checkNewQueue(req *runtime.Queue) error {
	name := b.resource("queue", req.Name)
	args := req.Arguments
	if v, ok := args["x-dead-letter-exchange"]; ok {
		if _, isString := v.(string); !isString {
			return preconditionFailed("invalid type '%s' for arg 'x-dead-letter-exchange' in %s", typeName(v), name)
		}
	}
	check := func(key string, c argCheck) error {
		v, ok := args[key]
		if !ok {
			return nil
		}
		bad := c(toField(v), args)
		if bad == nil {
			return nil
		}
		prefix := fmt.Sprintf("invalid arg '%s' for %s: ", key, name)
		return preconditionFailed("%s%s", prefix, erlP(bad, len(prefix), 255))
	}
	if err := check("x-queue-type", checkQueueType); err != nil {
		return err
	}
	t := queueTypeOf(args)
	for _, c := range declareArgs {
		if t.takes(c.key) {
			if err := check(c.key, c.check); err != nil {
				return err
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(args)) {
		if knownToSomeType(key) && !t.takes(key) {
			return preconditionFailed("invalid arg '%s' for %s of queue type %s", key, name, t.module)
		}
	}
	if t.replicated {
		switch {
		case req.AutoDelete:
			return preconditionFailed("invalid property 'auto-delete' for %s", name)
		case req.Exclusive:
			return preconditionFailed("invalid property 'exclusive-owner' for %s", name)
		case !req.Durable:
			return preconditionFailed("invalid property 'non-durable' for %s", name)
		}
	}
	return nil
}

// bind binds the queue or, with toExchange, the exchange dest to bd's
// exchange, as queue.bind and exchange.bind do.
func (b *Broker) bind(dest string, toExchange bool, bd runtime.Binding) error {
	if bd.Exchange == "" || toExchange && dest == "" {
		return accessRefused("operation not permitted on the default exchange")
	}
	x := b.exchanges[bd.Exchange]
	switch {
	case x == nil:
		return b.noExchange(bd.Exchange)
	case toExchange && b.exchanges[dest] == nil:
		return b.noExchange(dest)
	case !toExchange && b.queues[dest] == nil:
		return b.noQueue(dest)
	}
	args := received(bd.Arguments)
	if x.decl.Type == headers {
		if err := checkXMatch(args); err != nil {
			return err
		}
	}
	x.bind(&binding{dest: dest, toExchange: toExchange, key: bd.RoutingKey, args: args, words: routing.TopicWords(bd.RoutingKey)})
	return nil
}

// checkXMatch validates a headers binding's x-match argument as RabbitMQ
// does.
func checkXMatch(args runtime.Table) error {
	v, ok := args["x-match"]
	if !ok {
		return nil
	}
	f := toField(v)
	if f.typ != "longstr" {
		const prefix = "Invalid x-match field type "
		return preconditionFailed("%s%s (value %s); expected longstr", prefix, f.typ,
			erlP(f.val, len(prefix)+len(f.typ)+len(" (value "), 80))
	}
	if _, ok := routing.ParseXMatch(args); !ok {
		const prefix = "Invalid x-match field value "
		return preconditionFailed("%s%s; expected all, any, all-with-x, or any-with-x", prefix, erlP(f.val, len(prefix), 80))
	}
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
