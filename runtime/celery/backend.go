package celery

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	goruntime "runtime"
	"sync"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// ReplyConsumer is what waiting for results needs of a transport: a
// consumer of a queue of its own. *runtime.Conn and *memory.Broker
// implement it.
type ReplyConsumer interface {
	// Consume declares q and calls deliver with each message routed to it,
	// one at a time and in order, from one goroutine, without
	// acknowledgements (Celery's no_ack). It returns once the broker has
	// registered the consumer, so that a reply published after it returns
	// is delivered. Consuming goes on until ctx ends or the transport
	// closes; the channel returned is closed then, once deliver will not be
	// called again.
	Consume(ctx context.Context, q *runtime.Queue, deliver func(runtime.Properties, []byte)) (<-chan struct{}, error)
}

// ErrResultLost is matched (errors.Is) by the error of a call whose result
// can no longer arrive: the reply queue it was to come to stopped being
// consumed, because its transport closed or lost the connection the queue
// (auto-delete, as Celery's) went with, and the result with it.
var ErrResultLost = errors.New("result lost")

// replyQueueExpires is the x-expires of the reply queue in milliseconds:
// Celery's default result_expires, one day, which its rpc:// backend uses.
const replyQueueExpires = 24 * 60 * 60 * 1000

// backends holds the backend of each ReplyConsumer that calls were made
// through, from the first call until its reply queue stops being
// consumed.
var backends sync.Map // ReplyConsumer -> *backend

// backend receives task results as Celery's rpc:// result backend does:
// on one reply queue, named like Celery's with a random UUID, non-durable
// and auto-delete, with an x-expires of one day, reached through the
// default exchange. Workers publish each result there with the task id as
// correlation_id, and the backend hands it to the Result waiting for that
// id. Celery has one such queue per app; here there is one per transport,
// shared by every call through it.
//
// Its goroutine (run) consumes the reply queue for as long as the
// transport lets it; when consuming ends, the calls still waiting fail
// with ErrResultLost and the backend leaves the registry, so that the next
// call makes a new one with a queue of its own.
type backend struct {
	rc    ReplyConsumer
	queue *runtime.Queue
	// started is closed once consuming began or failed (startErr).
	started  chan struct{}
	startErr error

	mu      sync.Mutex
	waiting map[TaskID]*waiter
	ended   bool
}

// waiter is one call waiting for its final reply. done is closed once reply
// and state, or err, are set.
type waiter struct {
	done  chan struct{}
	reply reply
	state string
	err   error
}

// reply is a message received on the reply queue.
type reply struct {
	props runtime.Properties
	body  []byte
}

// errEnded is what a backend that stopped consuming answers a call that
// found it before it left the registry: the call takes the next one.
var errEnded = errors.New("reply queue no longer consumed")

// expect registers a call with task id id on rc's backend, which it starts
// consuming at the first call, and returns the backend. An id already
// awaited is refused: its replies could not be told apart.
func expect(ctx context.Context, rc ReplyConsumer, id TaskID) (*backend, *waiter, error) {
	if rc == nil {
		return nil, nil, errors.New("no transport to receive the result on: it needs a Consume method, as *runtime.Conn and *memory.Broker have")
	}
	if !reflect.TypeOf(rc).Comparable() {
		return nil, nil, fmt.Errorf("the transport receiving results, a %T, cannot be told apart from others: use a pointer", rc)
	}
	for {
		b := backendOf(rc)
		select {
		case <-b.started:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		if b.startErr != nil {
			return nil, nil, fmt.Errorf("consume reply queue %q: %w", b.queue.Name, b.startErr)
		}
		w, err := b.expect(id)
		if errors.Is(err, errEnded) {
			continue
		}
		return b, w, err
	}
}

// replyQueue returns a new reply queue as Celery's rpc:// backend
// declares it.
func replyQueue() *runtime.Queue {
	return &runtime.Queue{
		Name:       string(NewTaskID()),
		AutoDelete: true,
		Arguments:  runtime.Table{"x-expires": int32(replyQueueExpires)},
	}
}

// backendOf returns rc's backend, making and starting one if it has none.
func backendOf(rc ReplyConsumer) *backend {
	if b, ok := backends.Load(rc); ok {
		return b.(*backend)
	}
	b := &backend{
		rc:      rc,
		queue:   replyQueue(),
		started: make(chan struct{}),
		waiting: map[TaskID]*waiter{},
	}
	if cur, loaded := backends.LoadOrStore(rc, b); loaded {
		return cur.(*backend)
	}
	go b.run()
	return b
}

// run consumes the reply queue for as long as the transport lets it, with
// no caller's context: consuming serves every call, and a caller that
// stops waiting for it to start must not stop it for the others.
func (b *backend) run() {
	done, err := b.rc.Consume(context.Background(), b.queue, b.deliver)
	if err != nil {
		backends.CompareAndDelete(b.rc, b)
		b.startErr = err
		close(b.started)
		b.end(nil)
		return
	}
	close(b.started)
	<-done
	backends.CompareAndDelete(b.rc, b)
	b.end(fmt.Errorf("%w: reply queue %q is no longer consumed (its transport closed, or lost the connection the queue went with)", ErrResultLost, b.queue.Name))
}

// end marks b ended and fails the calls waiting with err.
func (b *backend) end(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ended = true
	for id, w := range b.waiting {
		w.err = err
		close(w.done)
		delete(b.waiting, id)
	}
}

func (b *backend) expect(id TaskID) (*waiter, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return nil, errEnded
	}
	if _, dup := b.waiting[id]; dup {
		return nil, fmt.Errorf("%w: task id %s is already awaited", runtime.ErrInvalidMessage, id)
	}
	w := &waiter{done: make(chan struct{})}
	b.waiting[id] = w
	return w, nil
}

// forget stops waiting for c.id, if c.w is still what waits for it.
func (b *backend) forget(c awaited) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.waiting[c.id] == c.w {
		delete(b.waiting, c.id)
	}
}

// awaited names a waiter in its backend, for forget.
type awaited struct {
	id TaskID
	w  *waiter
}

// forgetWhenDropped stops waiting for c when r becomes unreachable, so
// that Results abandoned before their reply do not pile up.
func forgetWhenDropped[T any](r *T, b *backend, c awaited) {
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
func (b *backend) deliver(p runtime.Properties, body []byte) {
	id := TaskID(p.CorrelationID)
	var head replyHead
	decodeErr := consume.Decode(p, body, &head)
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
		w.err = fmt.Errorf("celery: undecodable reply (%s): %w", p.ContentType, decodeErr)
	} else {
		w.reply, w.state = reply{p, body}, head.Status
	}
	close(w.done)
}
