package memory

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// Broker is an in-process AMQP 0-9-1 broker: one virtual host, "/", reached
// through one simulated connection. It implements runtime.Transport, so a
// runtime.Producer publishes to it as it would to RabbitMQ, and it offers an
// inspection API to see what was declared and what each queue holds.
// A Broker is safe for concurrent use.
type Broker struct {
	mu        sync.Mutex
	closed    bool
	now       func() time.Time
	onRoute   func(Route)
	exchanges map[string]*exchange
	queues    map[string]*queue
	// cache is the simulated connection's declare-once memory.
	cache    runtime.DeclareCache
	declares map[string]int
	fault    fault
	names    int // server-named queues so far
	// epoch counts the simulated reconnects, for Epoch.
	epoch uint64
}

var _ runtime.Transport = (*Broker)(nil)

// New returns a broker holding only the exchanges RabbitMQ predeclares: the
// default exchange "", amq.direct, amq.fanout, amq.headers, amq.match and
// amq.topic.
func New(opts ...Option) *Broker {
	b := &Broker{
		now:       time.Now,
		exchanges: make(map[string]*exchange),
		queues:    make(map[string]*queue),
		declares:  make(map[string]int),
	}
	for _, o := range opts {
		o(b)
	}
	for _, x := range predeclared() {
		b.exchanges[x.Name] = &exchange{decl: x}
	}
	return b
}

// Close closes the broker's connection: every later Publish, Declare and
// MaybeDeclare fails with an error matching runtime.ErrClosed. What the
// broker holds stays readable through the inspection API. Close is
// idempotent and always returns nil.
func (b *Broker) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
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

// tick brings the broker up to the clock's now before an operation, since
// time passes without it: it deletes queues their x-expires removed and
// expires (and dead-letters) messages whose TTL ran out. It returns now.
func (b *Broker) tick() time.Time {
	now := b.now()
	var due []string
	for name, q := range b.queues {
		if q.mortal > 0 || q.unused(now) {
			due = append(due, name)
		}
	}
	slices.Sort(due) // dead-letter in the same order every run
	for _, name := range due {
		switch q := b.queues[name]; {
		case q == nil: // deleted by an earlier one's cascade
		case q.unused(now):
			b.deleteQueue(name)
		default:
			b.expire(q, now)
		}
	}
	return now
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
	for xname, x := range b.exchanges {
		if x.unbindQueue(name) && x.decl.AutoDelete {
			delete(b.exchanges, xname)
		}
	}
	return q.purge()
}
