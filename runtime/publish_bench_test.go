package runtime_test

import (
	"context"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/runtime"
)

// The publish benchmarks send 1 KiB persistent messages to a queue of
// their own on RabbitMQ, confirmed, from one goroutine: keeping many in
// flight (Async), or one at a time, each waiting for its confirm (Sync);
// through a Conn, and through amqp091-go alone with deferred confirms, for
// the allocations and time each takes.

// benchBody is what every publish benchmark sends.
var benchBody = make([]byte, 1<<10)

// benchProducer returns a producer on a Conn of its own that publishes
// raw bodies to a new queue, warmed up by one publish.
func benchProducer(b *testing.B) *runtime.Producer {
	brokertest.Require(b)
	q := benchQueue(b)
	p := runtime.NewProducer(dialTest(b), runtime.WithRoutingKey(q), runtime.WithSerializer("raw"))
	if err := p.Publish(context.Background(), benchBody); err != nil {
		b.Fatal(err)
	}
	return p
}

// benchChannel returns a confirm-mode amqp091-go channel on a connection of
// its own, and a function that publishes benchBody to a new queue on it.
func benchChannel(b *testing.B) func(ctx context.Context) (*amqp.DeferredConfirmation, error) {
	brokertest.Require(b)
	q := benchQueue(b)
	conn, err := amqp.Dial(brokertest.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	if err := ch.Confirm(false); err != nil {
		b.Fatal(err)
	}
	return func(ctx context.Context) (*amqp.DeferredConfirmation, error) {
		return ch.PublishWithDeferredConfirmWithContext(ctx, "", q, false, false, amqp.Publishing{
			ContentType: "application/data", ContentEncoding: "binary", DeliveryMode: amqp.Persistent, Body: benchBody,
		})
	}
}

func benchQueue(b *testing.B) string {
	p := newPeer(b)
	q := uniqueName(b, "bench")
	p.queue(q, nil, "", "")
	return q
}

func BenchmarkPublishAsync(b *testing.B) {
	p := benchProducer(b)
	ctx := context.Background()
	confs := make([]*runtime.Confirmation, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		confs = append(confs, p.PublishAsync(ctx, benchBody))
	}
	for _, conf := range confs {
		if err := conf.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPublishDeferredAMQP(b *testing.B) {
	publish := benchChannel(b)
	ctx := context.Background()
	const window = 1024
	ring := make([]*amqp.DeferredConfirmation, 0, window)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if len(ring) == window {
			ring[0].Wait()
			ring = ring[1:]
		}
		dc, err := publish(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ring = append(ring, dc)
	}
	for _, dc := range ring {
		dc.Wait()
	}
}

func BenchmarkPublishSync(b *testing.B) {
	p := benchProducer(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := p.Publish(ctx, benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPublishDeferredAMQPSync(b *testing.B) {
	publish := benchChannel(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		dc, err := publish(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := dc.WaitContext(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
