package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/kombugen/kombugen/runtime"
)

// consumer is one Consume. Its goroutine (run) takes the messages of its
// queue one at a time and delivers them; the broker wakes it whenever a
// message enters the queue.
type consumer struct {
	// decl is the queue as Consume was given it, declared again when the
	// simulated connection is made again; name is the name it got.
	decl    *runtime.Queue
	name    string
	deliver func(runtime.Properties, []byte)
	// wake holds a token when a message may be waiting in the queue.
	wake chan struct{}
	// dropped is closed when a Disconnect took the consumer's queue along.
	dropped chan struct{}
	done    chan struct{}
}

// Consume declares q and calls deliver with each message routed to it, one
// at a time and in order, from a goroutine the broker starts for it,
// without acknowledgements, as runtime.Conn's Consume does: a message
// leaves the queue as the consumer takes it. It returns once the consumer
// is registered, so that a message published after it returns is
// delivered. Consuming goes on until ctx ends or the broker closes, across
// Disconnect (q is declared again, as runtime.Conn declares it on a new
// connection) when q outlives its connection; consuming a queue that does
// not (not Cacheable: auto-delete, exclusive or with x-expires) ends with
// Disconnect, as runtime.Conn's does with the connection. The channel
// returned is closed when consuming ended, once deliver will not be called
// again. When the last consumer of an auto-delete queue stops,
// the queue is deleted, as RabbitMQ deletes it.
//
// deliver must not block for long (the messages after wait for it) and
// must not call Close, which waits for it.
func (b *Broker) Consume(ctx context.Context, q *runtime.Queue, deliver func(runtime.Properties, []byte)) (<-chan struct{}, error) {
	if q == nil || deliver == nil {
		return nil, fmt.Errorf("memory broker: consume: %w: want a queue and a deliver function", runtime.ErrInvalidMessage)
	}
	if err := b.lockOpen(ctx, "consume"); err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	name, err := b.declareConsumed(q)
	if err != nil {
		return nil, fmt.Errorf("consume queue %q: %w", q.Name, err)
	}
	c := &consumer{decl: q, name: name, deliver: deliver, wake: make(chan struct{}, 1),
		dropped: make(chan struct{}), done: make(chan struct{})}
	b.consumers[name] = append(b.consumers[name], c)
	c.wakeUp() // the queue may hold messages already
	b.goroutines.Add(1)
	go func() {
		defer b.goroutines.Done()
		c.run(ctx, b)
	}()
	return c.done, nil
}

// declareConsumed declares q for a consumer and returns its name, which
// the broker chooses when q has none.
func (b *Broker) declareConsumed(q *runtime.Queue) (string, error) {
	before := b.names
	if err := b.declare(q); err != nil {
		return "", err
	}
	if q.Name == "" {
		return fmt.Sprintf("amq.gen-%d", before+1), nil
	}
	return queueNameCleaner.Replace(q.Name), nil
}

// run delivers until ctx ends or the broker closes, then unregisters c.
func (c *consumer) run(ctx context.Context, b *Broker) {
	defer close(c.done)
	defer b.unregister(c)
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.life.Done():
			return
		case <-c.dropped:
			return
		case <-c.wake:
		}
		for ctx.Err() == nil && b.life.Err() == nil {
			m, ok := b.takeFor(c)
			if !ok {
				break
			}
			c.deliver(m.Properties, m.Body)
		}
	}
}

// takeFor removes the next message of c's queue, as a consumer without
// acknowledgements takes it.
func (b *Broker) takeFor(c *consumer) (Message, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.get(c.name)
}

// unregister removes c from its queue's consumers. The queue is deleted
// when it is auto-delete and c was its last consumer; otherwise, without
// consumers, its x-expires runs from now.
func (b *Broker) unregister(c *consumer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.tick()
	if !slices.Contains(b.consumers[c.name], c) {
		return // dropped by a Disconnect, with its queue
	}
	rest := slices.DeleteFunc(b.consumers[c.name], func(o *consumer) bool { return o == c })
	if len(rest) > 0 {
		b.consumers[c.name] = rest
		return
	}
	delete(b.consumers, c.name)
	if q := b.queues[c.name]; q != nil {
		if q.decl.AutoDelete {
			b.deleteQueue(c.name)
		} else {
			q.lastUsed = now
		}
	}
}

// wakeConsumers tells the consumers of the queue name that a message
// entered it.
func (b *Broker) wakeConsumers(name string) {
	for _, c := range b.consumers[name] {
		c.wakeUp()
	}
}

// consumed reports whether the queue name has consumers; RabbitMQ never
// expires such a queue (x-expires).
func (b *Broker) consumed(name string) bool {
	return len(b.consumers[name]) > 0
}

// reconsume does for the consumers what a transport does on a new
// connection: the queues that went with the old one (auto-delete queues
// whose consumers it took along; exclusive ones are gone already) are
// deleted, each consumer of a queue that outlives its connection declares
// it again and goes on consuming it, and the others stop. A declare that
// fails leaves the consumer waiting for a queue of its queue's name to be
// declared.
func (b *Broker) reconsume() {
	old := b.consumers
	b.consumers = make(map[string][]*consumer, len(old))
	for name := range old {
		if q := b.queues[name]; q != nil && q.decl.AutoDelete {
			b.deleteQueue(name)
		}
	}
	for _, cs := range old {
		for _, c := range cs {
			if !c.decl.Cacheable() {
				close(c.dropped)
				continue
			}
			if name, err := b.declareConsumed(c.decl); err == nil {
				c.name = name
			}
			b.consumers[c.name] = append(b.consumers[c.name], c)
			c.wakeUp()
		}
	}
}

func (c *consumer) wakeUp() {
	select {
	case c.wake <- struct{}{}:
	default: // a token is waiting already
	}
}
