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
	var body []any
	if err := m.Decode(&body); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Headers["task"], m.Headers["id"] == string(id), m.CorrelationID == string(id))
	fmt.Println(m.Headers["argsrepr"], m.Headers["kwargsrepr"])
	fmt.Println(m.ContentType, m.Expiration)
	fmt.Println(body)
	// Output:
	// images.resize true true
	// ['https://example.com/cat.png', 640] {'quality': 90}
	// application/json 3600000
	// [[https://example.com/cat.png 640] map[quality:90] map[callbacks:<nil> chain:<nil> chord:<nil> errbacks:<nil>]]
}
