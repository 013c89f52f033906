package memory

import (
	"context"
	"sync"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/declared"
)

// Broker is an in-process AMQP 0-9-1 broker behaving as RabbitMQ 3.10
// does: one virtual host reached through one simulated connection. It
// implements runtime.Transport, so a runtime.Producer publishes to it as
// it would to RabbitMQ, and it offers an inspection API to see what was
// declared and what each queue holds. A Broker is safe for concurrent use.
type Broker struct {
	mu      sync.Mutex
	closed  bool
	now     func() time.Time
	onRoute func(Route)
	// user is the simulated connection's user, vhost its virtual host.
	user, vhost string
	exchanges   map[string]*exchange
	queues      map[string]*queue
	// cache is the simulated connection's declare-once memory.
	cache    declared.Cache
	declares map[string]int
	fault    fault
	names    int // server-named queues so far
	// consumers are the running Consumes, by queue name.
	consumers map[string][]*consumer

	// life ends with Close, and with it the consumers' goroutines, which
	// goroutines counts so that Close can wait for them.
	life       context.Context
	stop       context.CancelFunc
	goroutines sync.WaitGroup
}

var _ runtime.Transport = (*Broker)(nil)

// New returns a broker holding only the exchanges RabbitMQ predeclares: the
// default exchange "", amq.direct, amq.fanout, amq.headers, amq.match and
// amq.topic. Its connection's user is "guest" and its virtual host "/"
// unless WithUser and WithVHost say otherwise.
func New(opts ...Option) *Broker {
	b := &Broker{
		now:       time.Now,
		user:      "guest",
		vhost:     "/",
		exchanges: make(map[string]*exchange),
		queues:    make(map[string]*queue),
		declares:  make(map[string]int),
		consumers: make(map[string][]*consumer),
	}
	b.life, b.stop = context.WithCancel(context.Background())
	for _, o := range opts {
		o(b)
	}
	for _, x := range predeclared() {
		b.exchanges[x.Name] = &exchange{decl: x}
	}
	return b
}

// Close closes the broker's connection: every later Publish, Declare,
// MaybeDeclare and Consume fails with an error matching runtime.ErrClosed.
// The consumers stop, and Close waits for their goroutines; the
// auto-delete queues they consumed go with them, as in RabbitMQ. What the
// broker holds stays readable through the inspection API. Close is
// idempotent and always returns nil.
func (b *Broker) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.stop()
	b.goroutines.Wait()
	return nil
}

// lockOpen locks b for the transport call op, unless ctx is done or b is
// closed. The caller unlocks.
func (b *Broker) lockOpen(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return closedErr(op)
	}
	return nil
}

// deleteQueue removes a queue and its bindings, and the auto-delete
// exchanges that lose their last binding with it. It returns how many
// messages went with it.
func (b *Broker) deleteQueue(name string) int {
	q := b.queues[name]
	if q == nil {
		return 0
	}
	delete(b.queues, name)
	b.unbindDestination(name, false)
	return q.purge()
}

// deleteExchange removes an exchange, the bindings from it and to it, and
// the auto-delete exchanges that lose their last binding with it.
func (b *Broker) deleteExchange(name string) {
	if b.exchanges[name] == nil {
		return
	}
	delete(b.exchanges, name)
	b.unbindDestination(name, true)
}

// unbindDestination removes every binding to the queue or exchange dest
// and deletes the auto-delete exchanges left without bindings, as
// RabbitMQ does when dest goes.
func (b *Broker) unbindDestination(dest string, toExchange bool) {
	var emptied []string
	for name, x := range b.exchanges {
		if x.unbind(dest, toExchange) && x.decl.AutoDelete {
			emptied = append(emptied, name)
		}
	}
	for _, name := range emptied {
		b.deleteExchange(name)
	}
}
