package main

import (
	"context"
	"encoding/json"
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/memory"
)

// broker is where the example publishes, and how it reads back what
// arrived in a queue.
type broker struct {
	name      string
	transport runtime.Transport
	drain     func(ctx context.Context, queue string) ([]received, error)
	Close     func()
}

// received is a message as the example prints it.
type received struct {
	routingKey string
	summary    string
}

// openBroker connects to RabbitMQ at url, or starts an in-process broker
// when url is empty.
func openBroker(ctx context.Context, url string) (*broker, error) {
	if url == "" {
		return memoryBroker(), nil
	}
	return rabbitBroker(ctx, url)
}

func memoryBroker() *broker {
	b := memory.New()
	return &broker{
		name:      "the in-process broker (set KOMBUGEN_AMQP_URL to use RabbitMQ)",
		transport: b,
		Close:     func() { b.Close() },
		drain: func(_ context.Context, queue string) ([]received, error) {
			var out []received
			for {
				m, ok := b.Get(queue)
				if !ok {
					return out, nil
				}
				out = append(out, describe(m.RoutingKey, m.Properties, m.Body))
			}
		},
	}
}

func rabbitBroker(ctx context.Context, url string) (*broker, error) {
	conn, err := runtime.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	// A plain amqp091-go consumer reads the queues back, as any other
	// service would.
	reader, err := amqp.Dial(url)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("reader connection: %w", err)
	}
	ch, err := reader.Channel()
	if err != nil {
		conn.Close()
		reader.Close()
		return nil, fmt.Errorf("reader channel: %w", err)
	}
	return &broker{
		name:      "RabbitMQ",
		transport: conn,
		Close:     func() { reader.Close(); conn.Close() },
		drain: func(_ context.Context, queue string) ([]received, error) {
			var out []received
			for {
				d, ok, err := ch.Get(queue, true)
				if err != nil {
					return nil, fmt.Errorf("read %s: %w", queue, err)
				}
				if !ok {
					return out, nil
				}
				out = append(out, describe(d.RoutingKey, consume.Properties(&d), d.Body))
			}
		},
	}, nil
}

// describe sums up a message: its body decoded as its consumers would.
func describe(key string, p runtime.Properties, body []byte) received {
	summary := fmt.Sprintf("%s, %d bytes", p.ContentType, len(body))
	var v any
	if p.ContentType != "application/data" && consume.Decode(p, body, &v) == nil {
		text, _ := json.Marshal(v)
		summary = string(text)
		if len(summary) > 72 {
			summary = summary[:69] + "..."
		}
	}
	return received{routingKey: key, summary: summary}
}
