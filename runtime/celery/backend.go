package celery

import (
	"context"
	"fmt"
	goruntime "runtime"
	"sync"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// ReplyConsumer is what waiting for results needs of a transport: a
// consumer on a queue of its own. A Backend uses one subscription for all
// its calls.
type ReplyConsumer interface {
	// ConsumeReplies declares q and consumes it without acknowledgements
	// (Celery's no_ack), calling deliver with each message that arrives,
	// one at a time and in order, from one goroutine. It returns once the
	// broker has registered the consumer, so that a reply published after
	// it returns is delivered. After a lost connection the transport
	// declares q again and goes on consuming; replies published while q was
	// gone are lost, as with Celery's own rpc:// backend.
	ConsumeReplies(ctx context.Context, q *runtime.Queue, deliver func(Delivery)) (ReplySubscription, error)
}

// ReplySubscription is a running ConsumeReplies.
type ReplySubscription interface {
	// Cancel stops consuming. deliver is not called once Cancel returns.
	Cancel()
	// Done is closed when consuming has stopped for good: after Cancel, or
	// when the transport was closed.
	Done() <-chan struct{}
}

// Delivery is a message received on the reply queue.
type Delivery struct {
	runtime.Properties
	Body []byte
}

// replyQueueExpires is the x-expires of the reply queue in milliseconds:
// Celery's default result_expires, one day, which its rpc:// backend uses.
const replyQueueExpires = 24 * 60 * 60 * 1000

// Backend receives task results as Celery's rpc:// result backend does: on
// one reply queue, named like Celery's with a random UUID, non-durable and
// auto-delete, with an x-expires of one day, reached through the default
// exchange. Workers publish each result there with the task id as
// correlation_id, and the Backend hands it to the Result waiting for that
// id. A Backend serves any number of calls at once; it is safe for
// concurrent use.
//
// The reply queue is declared and consumed at the first Call. A Result
// that is dropped before its reply arrives stops being waited for.
type Backend struct {
	rc    ReplyConsumer
	queue *runtime.Queue

	// starting is held while subscribing, so that concurrent first calls
	// subscribe once while each can give up on its own context.
	starting chan struct{}

	mu      sync.Mutex
	sub     ReplySubscription // nil until started, and after it stopped
	waiting map[TaskID]*waiter
	closed  bool
}

// waiter is one call waiting for its final reply. done is closed once reply
// and state, or err, are set.
type waiter struct {
	done  chan struct{}
	reply Delivery
	state string
	err   error
}

// NewBackend returns a Backend that receives results through rc. Nothing
// is declared until the first Call.
func NewBackend(rc ReplyConsumer) *Backend {
	return &Backend{
		rc: rc,
		queue: &runtime.Queue{
			Name:       string(NewTaskID()),
			AutoDelete: true,
			Arguments:  runtime.Table{"x-expires": int32(replyQueueExpires)},
		},
		starting: make(chan struct{}, 1),
		waiting:  map[TaskID]*waiter{},
	}
}

// Close stops consuming the reply queue. Results still awaited fail with an
// error matching runtime.ErrClosed, and so does every later Call.
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	sub := b.sub
	b.sub = nil
	b.failAllLocked(fmt.Errorf("celery: result backend %w", runtime.ErrClosed))
	b.mu.Unlock()
	if sub != nil {
		sub.Cancel()
	}
	return nil
}

// start subscribes to the reply queue unless that is done.
func (b *Backend) start(ctx context.Context) error {
	select {
	case b.starting <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-b.starting }()
	b.mu.Lock()
	closed, running := b.closed, b.sub != nil
	b.mu.Unlock()
	switch {
	case closed:
		return fmt.Errorf("celery: result backend %w", runtime.ErrClosed)
	case running:
		return nil
	}
	sub, err := b.rc.ConsumeReplies(ctx, b.queue, b.deliver)
	if err != nil {
		return fmt.Errorf("consume reply queue %q: %w", b.queue.Name, err)
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		sub.Cancel()
		return fmt.Errorf("celery: result backend %w", runtime.ErrClosed)
	}
	b.sub = sub
	b.mu.Unlock()
	go b.watch(sub)
	return nil
}

// watch runs while sub does: when it stops without Close (the transport
// was closed) no reply can come, so the calls waiting fail, and the next
// Call subscribes again.
func (b *Backend) watch(sub ReplySubscription) {
	<-sub.Done()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sub == sub {
		b.sub = nil
		b.failAllLocked(fmt.Errorf("celery: reply queue no longer consumed: %w", runtime.ErrClosed))
	}
}

func (b *Backend) failAllLocked(err error) {
	for id, w := range b.waiting {
		w.err = err
		close(w.done)
		delete(b.waiting, id)
	}
}

// expect registers a call with task id id, before it is published. An id
// already awaited is refused: its replies could not be told apart.
func (b *Backend) expect(id TaskID) (*waiter, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.waiting[id]; dup {
		return nil, fmt.Errorf("%w: task id %s is already awaited", runtime.ErrInvalidMessage, id)
	}
	w := &waiter{done: make(chan struct{})}
	b.waiting[id] = w
	return w, nil
}

// forget stops waiting for id, if w is still what waits for it.
func (b *Backend) forget(c awaited) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.waiting[c.id] == c.w {
		delete(b.waiting, c.id)
	}
}

// awaited names a waiter in its Backend, for forget.
type awaited struct {
	id TaskID
	w  *waiter
}

// forgetWhenDropped stops waiting for c when r becomes unreachable, so
// that Results abandoned before their reply do not pile up.
func forgetWhenDropped[T any](r *T, b *Backend, c awaited) {
	goruntime.AddCleanup(r, b.forget, c)
}

// readyStates are Celery's READY_STATES: a reply in any other state
// (STARTED, RETRY, a custom progress state) is not the result.
var readyStates = map[string]bool{stateSuccess: true, stateFailure: true, stateRevoked: true}

const (
	stateSuccess = "SUCCESS"
	stateFailure = "FAILURE"
	stateRevoked = "REVOKED"
)

// replyHead is the part of a reply that routes it.
type replyHead struct {
	TaskID string `json:"task_id" msgpack:"task_id" yaml:"task_id"`
	Status string `json:"status" msgpack:"status" yaml:"status"`
}

// deliver routes a reply to the call waiting for it, by correlation_id (by
// the body's task_id for a reply without one, as Celery does). Replies in
// states that are not final, and replies no call waits for, are dropped.
func (b *Backend) deliver(d Delivery) {
	id := TaskID(d.CorrelationID)
	var head replyHead
	decodeErr := consume.Decode(d.Properties, d.Body, &head)
	if id == "" {
		id = TaskID(head.TaskID)
	}
	if decodeErr == nil && !readyStates[head.Status] {
		return
	}
	b.mu.Lock()
	w := b.waiting[id]
	delete(b.waiting, id)
	b.mu.Unlock()
	if w == nil {
		return
	}
	if decodeErr != nil {
		w.err = fmt.Errorf("celery: undecodable reply (%s): %w", d.ContentType, decodeErr)
	} else {
		w.reply, w.state = d, head.Status
	}
	close(w.done)
}
