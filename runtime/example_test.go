package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// printTransport is a Transport that prints what reaches it, declaring each
// entity once as a connection does. The examples use it to run without a
// broker; memory.New() is the in-process broker to use in real tests.
type printTransport struct {
	// declared holds the DeclareKey of each entity declared, with kombu's
	// rule: what is not Cacheable is declared every time.
	declared map[string]bool
	last     *runtime.Publishing
	// failures make the next publishes fail with these errors.
	failures []error
}

func (t *printTransport) Publish(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	return runtime.Settled(t.publish(msg))
}

func (t *printTransport) publish(msg *runtime.Publishing) error {
	for _, e := range msg.Declare {
		if _, err := t.MaybeDeclare(context.Background(), e); err != nil {
			return err
		}
	}
	if len(t.failures) > 0 {
		err := t.failures[0]
		t.failures = t.failures[1:]
		fmt.Println("publish failed")
		return err
	}
	t.last = msg
	body := string(msg.Body)
	if c, ok := msg.Headers["compression"]; ok {
		body = fmt.Sprintf("(compressed: %s)", c)
	}
	fmt.Printf("publish to %q with key %q: %s %s\n", msg.Exchange, msg.RoutingKey, msg.ContentType, body)
	return nil
}

func (t *printTransport) Declare(ctx context.Context, e runtime.Entity) error {
	fmt.Println("declare", e.DeclareKey())
	if e.Cacheable() {
		if t.declared == nil {
			t.declared = map[string]bool{}
		}
		t.declared[e.DeclareKey()] = true
	}
	return nil
}

func (t *printTransport) MaybeDeclare(ctx context.Context, e runtime.Entity) (bool, error) {
	if e.Cacheable() && t.declared[e.DeclareKey()] {
		return false, nil
	}
	return true, t.Declare(ctx, e)
}

func ExampleNewProducer() {
	ctx := context.Background()
	t := &printTransport{} // or a *runtime.Conn, or memory.New()

	orders := &runtime.Exchange{Name: "orders", Type: "topic", Durable: true}
	billing := &runtime.Queue{
		Name:     "billing.order-events",
		Durable:  true,
		Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "order.*.created"}},
	}
	// kombu: Producer(channel, exchange=orders, routing_key="order.eu.created")
	p := runtime.NewProducer(t,
		runtime.WithExchange(orders),
		runtime.WithRoutingKey("order.eu.created"),
		runtime.WithDeclare(billing),
	)
	fmt.Println("nothing declared yet")

	type orderCreated struct {
		OrderID string `json:"order_id"`
	}
	for _, id := range []string{"A1", "A2"} {
		if err := p.Publish(ctx, orderCreated{OrderID: id}); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// nothing declared yet
	// declare E|orders
	// declare Q|billing.order-events
	// publish to "orders" with key "order.eu.created": application/json {"order_id":"A1"}
	// publish to "orders" with key "order.eu.created": application/json {"order_id":"A2"}
}

func ExampleProducer_Publish() {
	ctx := context.Background()
	t := &printTransport{}
	p := runtime.NewProducer(t, runtime.WithExchange(&runtime.Exchange{Name: "amq.topic"}))

	// kombu: producer.publish(body, routing_key=..., expiration=90,
	// priority=5, headers={...}, compression="zlib")
	err := p.Publish(ctx, map[string]any{"order_id": "A1", "total": 1250},
		runtime.WithRoutingKey("order.eu.created"),
		runtime.WithTTL(90*time.Second),
		runtime.WithPriority(5),
		runtime.WithHeaders(runtime.Table{"x-event-version": 2}),
		runtime.WithCompression("zlib"),
	)
	if err != nil {
		log.Fatal(err)
	}

	msg := t.last
	fmt.Println("content:", msg.ContentType, msg.ContentEncoding)
	fmt.Println("headers:", msg.Headers)
	fmt.Println("priority:", msg.Priority, "delivery mode:", msg.DeliveryMode, "expiration:", msg.Expiration)
	fmt.Printf("body starts % x\n", msg.Body[:2])

	// What a kombu consumer does: decompress, then decode by content type.
	var body map[string]any
	if err := consume.Decode(msg.Properties, msg.Body, &body); err != nil {
		log.Fatal(err)
	}
	fmt.Println("decoded:", body)

	// Bad input never reaches the transport.
	err = p.Publish(ctx, "x", runtime.WithPriority(300))
	fmt.Println(errors.Is(err, runtime.ErrInvalidMessage))
	fmt.Println(err)
	// Output:
	// publish to "amq.topic" with key "order.eu.created": application/json (compressed: application/x-gzip)
	// content: application/json utf-8
	// headers: map[compression:application/x-gzip x-event-version:2]
	// priority: 5 delivery mode: persistent expiration: 90000
	// body starts 78 9c
	// decoded: map[order_id:A1 total:1250]
	// true
	// publish to exchange "amq.topic" routing key "": invalid message: priority 300 is outside 0..255
}

func ExampleDial() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Two brokers: when the connection to one is lost, the next publish
	// connects to the other (kombu's failover, round-robin).
	conn, err := runtime.Dial(ctx, "amqp://guest:guest@rabbit-a:5672/;amqp://guest:guest@rabbit-b:5672/",
		runtime.WithConnectionName("orders-service"))
	if err != nil {
		log.Fatal(err) // the error shows the URLs without their passwords
	}
	defer conn.Close()

	p := runtime.NewProducer(conn,
		runtime.WithExchange(&runtime.Exchange{Name: "orders", Type: "topic", Durable: true}),
		runtime.WithOnReturn(func(r runtime.Return) {
			log.Printf("returned: %d %s (%s)", r.ReplyCode, r.ReplyText, r.RoutingKey)
		}),
	)
	err = p.Publish(ctx, map[string]string{"order_id": "A1"},
		runtime.WithRoutingKey("order.eu.created"),
		runtime.WithMandatory(true),
	)
	switch {
	case errors.Is(err, runtime.ErrUnroutable):
		log.Print("no queue is bound for order.eu.created")
	case errors.Is(err, runtime.ErrNacked):
		log.Print("the broker refused the message")
	case err != nil:
		log.Fatal(err)
	}
}

func ExampleRetryPolicy() {
	// Retry connection losses up to 6 times, 1s, 2s, 3s, 3s... apart, giving
	// up when the next sleep would end more than a minute after the start.
	policy := runtime.RetryPolicy{
		MaxRetries:    6,
		IntervalStart: time.Second,
		IntervalStep:  time.Second,
		IntervalMax:   3 * time.Second,
		Timeout:       time.Minute,
	}
	var sleeps []time.Duration
	for n := range policy.MaxRetries {
		sleeps = append(sleeps, policy.Interval(n))
	}
	fmt.Println(sleeps)

	// A lost connection is retried; the message is serialized once.
	t := &printTransport{failures: []error{runtime.ErrConnectionLost}}
	p := runtime.NewProducer(t, runtime.WithRetry(runtime.RetryPolicy{MaxRetries: 3, IntervalStep: 10 * time.Millisecond}))
	if err := p.Publish(context.Background(), "hello", runtime.WithRoutingKey("greetings")); err != nil {
		log.Fatal(err)
	}

	// A request the broker refuses is final: it is not retried.
	t.failures = []error{&runtime.BrokerError{Code: 404, Reason: "NOT_FOUND - no exchange 'nope' in vhost '/'"}}
	err := p.Publish(context.Background(), "hello", runtime.WithExchangeName("nope"))
	fmt.Println(errors.Is(err, runtime.ErrNotFound))
	// Output:
	// [1s 2s 3s 3s 3s 3s]
	// publish failed
	// publish to "" with key "greetings": text/plain hello
	// publish failed
	// true
}
