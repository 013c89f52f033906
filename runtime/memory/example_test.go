package memory_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// A producer publishes to the in-process broker as it would to RabbitMQ;
// the test then reads what the queue holds.
func ExampleNew() {
	ctx := context.Background()
	b := memory.New()
	defer b.Close()

	orders := &runtime.Exchange{Name: "orders", Type: "topic", Durable: true}
	billing := &runtime.Queue{Name: "billing.order-events", Durable: true,
		Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "order.*"}}}
	p := runtime.NewProducer(b, runtime.WithExchange(orders), runtime.WithDeclare(billing))

	type OrderCreated struct {
		OrderID string `json:"order_id"`
		Total   int    `json:"total"`
	}
	err := p.Publish(ctx, OrderCreated{OrderID: "A-1001", Total: 4200},
		runtime.WithRoutingKey("order.created"), runtime.WithCompression("zlib"))
	if err != nil {
		log.Fatal(err)
	}

	for _, m := range b.Messages("billing.order-events") {
		var got OrderCreated
		if err := m.Decode(&got); err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Exchange, m.RoutingKey, m.ContentType, m.Headers["compression"])
		fmt.Printf("%+v\n", got)
	}
	// Output:
	// orders order.created application/json application/x-gzip
	// {OrderID:A-1001 Total:4200}
}

// WithOnRoute shows where each message went, which an example program can
// print instead of running consumers.
func ExampleWithOnRoute() {
	b := memory.New(memory.WithOnRoute(func(r memory.Route) {
		if len(r.Queues) == 0 {
			fmt.Printf("%s: unroutable\n", r.RoutingKey)
			return
		}
		fmt.Printf("%s: routed to %s\n", r.RoutingKey, strings.Join(r.Queues, ", "))
	}))
	defer b.Close()

	orders := &runtime.Exchange{Name: "orders", Type: "topic"}
	p := runtime.NewProducer(b, runtime.WithExchange(orders), runtime.WithDeclare(
		&runtime.Queue{Name: "billing.order-events", Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "order.*"}}},
		&runtime.Queue{Name: "audit", Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "#"}}},
	))
	for _, key := range []string{"order.created", "invoice.sent", ""} {
		if err := p.Publish(context.Background(), "hello", runtime.WithRoutingKey(key)); err != nil {
			log.Fatal(err)
		}
	}
	if err := p.Publish(context.Background(), "hello", runtime.WithExchangeName("amq.direct"),
		runtime.WithRoutingKey("nobody")); err != nil {
		log.Fatal(err)
	}
	// Output:
	// order.created: routed to audit, billing.order-events
	// invoice.sent: routed to audit
	// : routed to audit
	// nobody: unroutable
}

// FailNext makes publishes fail as a lost connection would, so that a
// producer's retries can be seen to work: it declares again on the new
// connection and the message arrives once.
func ExampleBroker_FailNext() {
	b := memory.New()
	defer b.Close()
	orders := &runtime.Exchange{Name: "orders", Type: "direct", Durable: true}
	p := runtime.NewProducer(b, runtime.WithExchange(orders),
		runtime.WithDeclare(&runtime.Queue{Name: "q", Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "k"}}}),
		runtime.WithRetry(runtime.RetryPolicy{MaxRetries: 3}))

	b.FailNext(2, runtime.ErrConnectionLost)
	err := p.Publish(context.Background(), "hello", runtime.WithRoutingKey("k"))
	fmt.Println("error:", err)
	fmt.Println("messages:", b.Len("q"))
	fmt.Println("declares:", b.Declarations())
	// Output:
	// error: <nil>
	// messages: 1
	// declares: map[E|orders:3 Q|q:3]
}

// WithClock lets a test move time forward to see TTLs at work.
func ExampleWithClock() {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	b := memory.New(memory.WithClock(func() time.Time { return now }))
	defer b.Close()
	q := &runtime.Queue{Name: "reminders", Arguments: runtime.Table{"x-message-ttl": 60_000}}
	p := runtime.NewProducer(b, runtime.WithDeclare(q), runtime.WithRoutingKey("reminders"))
	ctx := context.Background()
	for _, ttl := range []time.Duration{10 * time.Second, 0} {
		if err := p.Publish(ctx, fmt.Sprintf("ttl %v", ttl), runtime.WithTTL(ttl)); err != nil {
			log.Fatal(err)
		}
	}
	for _, wait := range []time.Duration{0, 10 * time.Second, 50 * time.Second} {
		now = now.Add(wait)
		fmt.Printf("after %v more: %d message(s)\n", wait, b.Len("reminders"))
	}
	// Output:
	// after 0s more: 2 message(s)
	// after 10s more: 1 message(s)
	// after 50s more: 0 message(s)
}

// Get takes messages in the order the queue delivers them: by priority
// with x-max-priority.
func ExampleBroker_Get() {
	b := memory.New()
	defer b.Close()
	q := &runtime.Queue{Name: "jobs", Arguments: runtime.Table{"x-max-priority": 10}}
	p := runtime.NewProducer(b, runtime.WithDeclare(q), runtime.WithRoutingKey("jobs"))
	for i, prio := range []int{1, 9, 5, 9} {
		if err := p.Publish(context.Background(), fmt.Sprintf("job %d", i), runtime.WithPriority(prio)); err != nil {
			log.Fatal(err)
		}
	}
	for m, ok := b.Get("jobs"); ok; m, ok = b.Get("jobs") {
		var s string
		if err := m.Decode(&s); err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Priority, s)
	}
	// Output:
	// 9 job 1
	// 9 job 3
	// 5 job 2
	// 1 job 0
}
