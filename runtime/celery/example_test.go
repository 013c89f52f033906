package celery_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/celery"
	"github.com/kombugen/kombugen/runtime/memory"
)

// Send a task to the "images" queue, to run in a minute at the earliest and
// not at all after an hour. The in-process broker shows what a worker gets.
func ExampleSend() {
	ctx := context.Background()
	broker := memory.New()
	defer broker.Close()
	p := runtime.NewProducer(broker)

	id, err := celery.Send(ctx, p,
		celery.Task{Name: "images.resize", Args: []any{"https://example.com/cat.png", 640}, Kwargs: map[string]any{"quality": 90}},
		celery.WithQueue("images"), celery.WithCountdown(time.Minute), celery.WithExpires(time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}

	m, _ := broker.Get("images")
	task, err := m.Task()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(task.Name, task.Args, task.Kwargs, task.ID == id, m.CorrelationID == string(id))
	fmt.Println(m.Headers["argsrepr"], m.Headers["kwargsrepr"])
	fmt.Println(m.ContentType, m.Expiration, task.Expires.Sub(task.ETA))
	// Output:
	// images.resize [https://example.com/cat.png 640] map[quality:90] true true
	// ['https://example.com/cat.png', 640] {'quality': 90}
	// application/json 3600000 59m0s
}

// Call a task and wait for its result. A worker written in Go plays
// Celery's on the in-process broker: it consumes the task queue and
// publishes each result to the caller's reply queue, as a worker with
// Celery's rpc:// result backend does.
func ExampleCall() {
	ctx := context.Background()
	broker := memory.New()
	defer broker.Close()
	p := runtime.NewProducer(broker)

	// The worker runs kg.add.
	_, err := broker.Consume(ctx, &runtime.Queue{Name: celery.DefaultQueue, Durable: true}, func(props runtime.Properties, body []byte) {
		task, err := celery.ReadTask(props, body)
		if err != nil {
			return
		}
		sum := task.Args[0].(float64) + task.Args[1].(float64)
		result := map[string]any{"task_id": task.ID, "status": "SUCCESS", "result": sum, "traceback": nil, "children": []any{}}
		p.Publish(ctx, result, runtime.WithRoutingKey(task.ReplyTo), runtime.WithCorrelationID(string(task.ID)),
			runtime.WithDeliveryMode(runtime.Transient))
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	res, err := celery.Call[int](ctx, p, broker, celery.Task{Name: "kg.add", Args: []any{2, 3}})
	if err != nil {
		fmt.Println(err)
		return
	}
	sum, err := res.Wait(ctx)
	fmt.Println(sum, err)
	// Output:
	// 5 <nil>
}
