package celery

import (
	"context"
	"fmt"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// Send publishes task through p for a worker to run, and returns its id.
// No result is awaited: the message carries no reply_to, so a worker with
// the rpc:// backend sends none.
//
// The message goes through p's Publish, so p's confirms, retry policy and
// failover apply. It is mandatory: a task that no queue takes is an error
// matching runtime.ErrUnroutable (with confirms on, as they are by
// default). An invalid task or option is an error matching
// runtime.ErrInvalidMessage, and nothing is sent. When publishing fails the
// id is returned with the error: a message whose confirm was lost may still
// have arrived.
func Send(ctx context.Context, p *runtime.Producer, task Task, opts ...Option) (TaskID, error) {
	m, err := build(task, opts, time.Now(), false)
	if err != nil {
		return "", err
	}
	return m.id, m.publish(ctx, p)
}

// Call publishes task through p as Send does, with a reply_to naming the
// reply queue of replies, and returns the Result to wait on. R is the type
// the task's return value decodes into.
//
// The results of every call through the same replies (a *runtime.Conn or a
// *memory.Broker, say) come back on one reply queue, as Celery's rpc://
// backend has one per app: it is declared and consumed at the first call,
// and consumed until the transport closes. replies need not be the
// transport p publishes through, but must reach the same broker.
func Call[R any](ctx context.Context, p *runtime.Producer, replies ReplyConsumer, task Task, opts ...Option) (*Result[R], error) {
	// As Celery's send_task: the message first, then the reply queue,
	// then the publish. An invalid call consumes nothing.
	m, err := build(task, opts, time.Now(), true)
	if err != nil {
		return nil, err
	}
	b, w, err := expect(ctx, replies, m.id)
	if err != nil {
		return nil, fmt.Errorf("celery: call task %q: %w", task.Name, err)
	}
	m.replyTo = b.queue.Name
	if err := m.publish(ctx, p); err != nil {
		b.forget(awaited{m.id, w})
		return nil, err
	}
	return newResult[R](b, m.id, task.Name, w), nil
}

func (m *message) publish(ctx context.Context, p *runtime.Producer) error {
	if err := p.Publish(ctx, m.body, m.publishOptions()...); err != nil {
		return fmt.Errorf("celery: send task %q id %s: %w", m.name, m.id, err)
	}
	return nil
}
