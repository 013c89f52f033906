// Package fakeworker plays a Celery worker in Go, for tests and examples
// that run without Python: it runs Go functions for the tasks it consumes
// and replies as a worker with the rpc:// result backend does.
package fakeworker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/celery"
)

// Broker is what a Worker needs of a transport: a consumer for the task
// queue and a way to publish results. *memory.Broker and *runtime.Conn
// are both.
type Broker interface {
	runtime.Transport
	celery.ReplyConsumer
}

// TaskFunc runs one task. An error is the exception the task raised: a
// *celery.TaskError gives its type, module and message, any other error is
// an Exception from builtins with the error's text.
type TaskFunc func(celery.Received) (any, error)

// Worker consumes a task queue and replies to each task as a Celery
// worker with the rpc:// result backend does, from the consumer's
// goroutine, in the order the tasks arrive. A task that expired is
// REVOKED; an eta is not waited for; a task whose name it does not know
// fails with NotRegistered, as Celery's does.
type Worker struct {
	Tasks map[string]TaskFunc
	// Now is the clock that expiry is checked against; time.Now if nil.
	Now func() time.Time

	producer *runtime.Producer
}

// Serve declares entities and consumes the last, a queue, until ctx ends
// or b closes; the channel returned is closed then. celery.Declaration(q)
// are the entities of a queue as Celery declares it.
func (w *Worker) Serve(ctx context.Context, b Broker, entities ...runtime.Entity) (<-chan struct{}, error) {
	w.producer = runtime.NewProducer(b)
	q, ok := entities[len(entities)-1].(*runtime.Queue)
	if !ok {
		return nil, fmt.Errorf("fake worker: the last entity must be the queue to consume, not %T", entities[len(entities)-1])
	}
	for _, e := range entities[:len(entities)-1] {
		if err := b.Declare(ctx, e); err != nil {
			return nil, err
		}
	}
	return b.Consume(ctx, q, func(p runtime.Properties, body []byte) {
		w.run(ctx, p, body)
	})
}

func (w *Worker) run(ctx context.Context, p runtime.Properties, body []byte) {
	task, err := celery.ReadTask(p, body)
	if err != nil {
		return // a real worker drops what it cannot decode, too
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	reply := map[string]any{"task_id": string(task.ID), "traceback": nil, "children": []any{}}
	fn := w.Tasks[task.Name]
	switch {
	case !task.Expires.IsZero() && !now().Before(task.Expires):
		reply["status"] = "REVOKED"
		reply["result"] = exception("TaskRevokedError", "celery.exceptions", "expired")
	case fn == nil:
		reply["status"] = "FAILURE"
		reply["result"] = exception("NotRegistered", "celery.exceptions", fmt.Sprintf("'%s'", task.Name))
	default:
		v, err := fn(task)
		if err == nil {
			reply["status"], reply["result"] = "SUCCESS", v
			break
		}
		reply["status"] = "FAILURE"
		var te *celery.TaskError
		if errors.As(err, &te) {
			reply["result"] = exception(te.Type, te.Module, te.Message)
		} else {
			reply["result"] = exception("Exception", "builtins", err.Error())
		}
		reply["traceback"] = "Traceback (most recent call last):\n  (a Go task)\n" + fmt.Sprint(reply["result"])
	}
	if task.ReplyTo == "" || task.IgnoreResult {
		return
	}
	w.producer.Publish(ctx, reply, runtime.WithRoutingKey(task.ReplyTo), runtime.WithCorrelationID(string(task.ID)),
		runtime.WithDeliveryMode(runtime.Transient), runtime.WithSerializer(serializerOf(p.ContentType)))
}

// exception is an exception as Celery's backends send it to clients that
// do not unpickle.
func exception(typ, module, message string) map[string]any {
	return map[string]any{"exc_type": typ, "exc_message": []any{message}, "exc_module": module}
}

// serializerOf answers in the serializer the task came in, as a worker
// configured with result_serializer matching would.
func serializerOf(contentType string) string {
	switch contentType {
	case "application/x-msgpack":
		return "msgpack"
	case "application/x-yaml":
		return "yaml"
	}
	return "json"
}
