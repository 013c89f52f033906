package memory

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/kombugen/kombugen/runtime"
)

// The inspection API below is for tests and examples. It works after Close
// too, so that what a program left behind can be read, and each call sees
// the broker at the clock's current time.

// QueueInfo describes a queue as the broker holds it.
type QueueInfo struct {
	// Queue is the queue as first declared (the name the broker gave it,
	// if it had none), with Bindings holding its current bindings.
	runtime.Queue
	// Messages is how many messages it holds, as RabbitMQ counts them:
	// messages whose TTL ran out behind the head included (see Len).
	Messages int
	// Consumers is how many Consume calls consume it.
	Consumers int
}

// Binding is a binding from an exchange to a queue or to another
// exchange.
type Binding struct {
	// Exchange is the source exchange.
	Exchange string
	// Queue is the queue the binding routes to, or "" when it routes to an
	// exchange.
	Queue string
	// ToExchange is the exchange an exchange-to-exchange binding routes
	// to, or "".
	ToExchange string
	RoutingKey string
	Arguments  runtime.Table
}

// Exchanges returns every exchange, the predeclared ones included, sorted
// by name, each with the exchange-to-exchange bindings that feed it.
func (b *Broker) Exchanges() []runtime.Exchange {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	byExchange := make(map[string][]runtime.Binding)
	for _, bd := range b.bindings() {
		if bd.ToExchange != "" {
			byExchange[bd.ToExchange] = append(byExchange[bd.ToExchange], runtime.Binding{
				Exchange: bd.Exchange, RoutingKey: bd.RoutingKey, Arguments: bd.Arguments})
		}
	}
	out := make([]runtime.Exchange, 0, len(b.exchanges))
	for _, name := range slices.Sorted(maps.Keys(b.exchanges)) {
		x := b.exchanges[name].decl
		x.Arguments = copyTable(x.Arguments)
		x.Bindings = byExchange[name]
		out = append(out, x)
	}
	return out
}

// Queues returns every queue, sorted by name.
func (b *Broker) Queues() []QueueInfo {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	byQueue := make(map[string][]runtime.Binding)
	for _, bd := range b.bindings() {
		if bd.Queue == "" {
			continue
		}
		byQueue[bd.Queue] = append(byQueue[bd.Queue], runtime.Binding{
			Exchange: bd.Exchange, RoutingKey: bd.RoutingKey, Arguments: bd.Arguments})
	}
	out := make([]QueueInfo, 0, len(b.queues))
	for _, name := range slices.Sorted(maps.Keys(b.queues)) {
		info := b.queues[name].info(byQueue[name])
		info.Consumers = len(b.consumers[name])
		out = append(out, info)
	}
	return out
}

// Bindings returns every binding, to queues and to exchanges, sorted by
// source exchange, queue, destination exchange and routing key. The
// default exchange's implicit binding of every queue by its name is not
// listed.
func (b *Broker) Bindings() []Binding {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	return b.bindings()
}

func (b *Broker) bindings() []Binding {
	var out []Binding
	for _, x := range b.exchanges {
		for _, bd := range x.bindings {
			nb := Binding{Exchange: x.decl.Name, RoutingKey: bd.key, Arguments: copyTable(bd.args)}
			if bd.toExchange {
				nb.ToExchange = bd.dest
			} else {
				nb.Queue = bd.dest
			}
			out = append(out, nb)
		}
	}
	slices.SortStableFunc(out, func(p, q Binding) int {
		return cmp.Or(cmp.Compare(p.Exchange, q.Exchange), cmp.Compare(p.Queue, q.Queue),
			cmp.Compare(p.ToExchange, q.ToExchange), cmp.Compare(p.RoutingKey, q.RoutingKey))
	})
	return out
}

// Messages returns the messages a consumer would receive from queue, in
// order, without removing them: its head, and every message behind it
// whose TTL has not run out (one that has is dropped when it reaches the
// head, though it counts in Len until then). It returns nil for a queue
// that does not exist.
func (b *Broker) Messages(queue string) []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.tick()
	q := b.queues[queue]
	if q == nil {
		return nil
	}
	var out []Message
	for _, e := range q.deliverable(now) {
		out = append(out, q.delivered(e))
	}
	return out
}

// Len returns how many messages queue holds, as RabbitMQ counts them (the
// message count of queue.declare): messages whose TTL ran out behind a
// live head still count, until they reach the head. It returns 0 for a
// queue that does not exist.
func (b *Broker) Len(queue string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	if q := b.queues[queue]; q != nil {
		return len(q.entries)
	}
	return 0
}

// Get removes and returns the message queue would deliver next, as
// basic.get with automatic acknowledgement does, and counts as a use of
// the queue for x-expires. The messages whose TTL ran out that this
// brings to the head are then dropped or dead-lettered. ok is false when
// the queue is empty or does not exist.
func (b *Broker) Get(queue string) (m Message, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.get(queue)
}

// get is Get, with b locked.
func (b *Broker) get(queue string) (Message, bool) {
	now := b.tick()
	q := b.queues[queue]
	if q == nil {
		return Message{}, false
	}
	e, ok := b.take(q, now)
	if !ok {
		return Message{}, false
	}
	return q.delivered(e), true
}

// Purge removes every message from queue and returns how many there were.
func (b *Broker) Purge(queue string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	if q := b.queues[queue]; q != nil {
		return q.purge()
	}
	return 0
}

// DeleteQueue deletes queue with its bindings and messages, and returns
// how many messages it held. Auto-delete exchanges left without bindings
// go too, as in RabbitMQ. Deleting a queue that does not exist does
// nothing. The queue's consumers declare it again at once and go on
// consuming it, as runtime.Conn's consumers do when the broker cancels
// them.
func (b *Broker) DeleteQueue(queue string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	n := b.deleteQueue(queue)
	for _, c := range b.consumers[queue] {
		b.declare(c.decl)
	}
	return n
}

// DeleteExchange deletes the exchange name and the bindings from and to
// it; auto-delete exchanges left without bindings go too. The
// predeclared exchanges cannot be deleted (runtime.ErrAccessRefused).
// Deleting an exchange that does not exist does nothing.
func (b *Broker) DeleteExchange(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("delete exchange %q: %w", name, accessRefused("operation not permitted on the default exchange"))
	case (&runtime.Exchange{Name: name}).Predeclared():
		return fmt.Errorf("delete exchange %q: %w", name,
			accessRefused("deletion of system %s not allowed", b.resource("exchange", name)))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	b.deleteExchange(name)
	return nil
}
