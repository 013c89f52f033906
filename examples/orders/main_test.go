package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
)

// routing is what the example's output says arrived where, without the
// first line naming the broker.
func routing(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, url); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	_, rest, _ := strings.Cut(out.String(), "\n")
	return rest
}

func TestRunInProcess(t *testing.T) {
	out := routing(t, "")
	for _, want := range []string{
		"published OrderCreated eu\n",
		`refused: publish to exchange "orders" routing key "order.us.created": invalid message: items[0].sku: "tea" does not match ^[A-Z]{3}-[0-9]{4}$`,
		"  billing.order-events (2)\n    order.eu.created ",
		"    order.eu.paid ",
		"  shipping.order-events (2)\n    order.eu.paid ",
		"    order.apac.cancelled ",
		"  orders.unrouted (1)\n    order.apac.created ",
		"  orders.dead-letter (0)\n",
		"  documents.invoices (1)\n    invoice                  application/data, 36 bytes\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestRunOnRabbitMQ runs the example against RabbitMQ and checks that it
// routes exactly as the in-process broker does.
func TestRunOnRabbitMQ(t *testing.T) {
	brokertest.Require(t)
	url := brokertest.URL()
	if got, want := routing(t, url), routing(t, ""); got != want {
		t.Errorf("RabbitMQ routed differently:\n%s\nin process:\n%s", got, want)
	}
}
