// Command orders is an order service in miniature: it publishes its events
// through the producers generated from events/orders.kombugen.yaml, then
// shows which queue each one reached.
//
// With no configuration it runs on kombugen's in-process broker
// (runtime/memory); with KOMBUGEN_AMQP_URL set it publishes to that
// RabbitMQ instead:
//
//	go run ./examples/orders
//	KOMBUGEN_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/ go run ./examples/orders
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kombugen/kombugen/examples/orders/events"
	"github.com/kombugen/kombugen/runtime"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv("KOMBUGEN_AMQP_URL")); err != nil {
		fmt.Fprintln(os.Stderr, "orders:", err)
		os.Exit(1)
	}
}

// run publishes the day's events to the broker at url, or in process when
// url is empty, and prints where they went.
func run(ctx context.Context, out io.Writer, url string) error {
	b, err := openBroker(ctx, url)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintf(out, "publishing to %s\n", b.name)

	var returned []runtime.Return
	orders := events.NewOrdersProducer(b.transport, runtime.WithOnReturn(func(r runtime.Return) {
		returned = append(returned, r)
	}))
	documents := events.NewDocumentsProducer(b.transport)
	if err := publishDay(ctx, out, orders, documents); err != nil {
		return err
	}

	fmt.Fprintln(out, "\nwhere they went:")
	for _, q := range events.Topology().Queues {
		msgs, err := b.drain(ctx, q.Name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %s (%d)\n", q.Name, len(msgs))
		for _, m := range msgs {
			fmt.Fprintf(out, "    %-24s %s\n", m.routingKey, m.summary)
		}
	}
	for _, r := range returned {
		fmt.Fprintf(out, "returned: %s %q (%d %s)\n", r.Exchange, r.RoutingKey, r.ReplyCode, r.ReplyText)
	}
	return nil
}

// publishDay publishes what an order service sends in a day, one message of
// each kind, and shows a publish that validation stops.
func publishDay(ctx context.Context, out io.Writer, orders *events.OrdersProducer, documents *events.DocumentsProducer) error {
	placed := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	eur := func(cents int64) events.Money { return events.Money{Amount: cents, Currency: events.CurrencyEUR} }
	created := events.OrderCreated{
		OrderID:    "A-1001",
		CustomerID: "c-42",
		Items:      []events.LineItem{{SKU: "TEA-0001", Quantity: 2, UnitPrice: eur(450)}},
		Total:      eur(900),
		PlacedAt:   placed,
	}
	steps := []struct {
		what    string
		publish func() error
	}{
		{"OrderCreated eu", func() error { return orders.PublishOrderCreated(ctx, events.RegionEu, created) }},
		{"OrderPaid eu", func() error {
			return orders.PublishOrderPaid(ctx, events.RegionEu, events.OrderPaid{OrderID: "A-1001", Amount: eur(900), PaymentRef: "pay-7"})
		}},
		{"OrderCreated apac", func() error {
			apac := created
			apac.OrderID = "A-1002"
			return orders.PublishOrderCreated(ctx, events.RegionApac, apac)
		}},
		{"OrderCancelled apac", func() error {
			return orders.PublishOrderCancelled(ctx, events.RegionApac, events.OrderCancelled{OrderID: "A-1002", Reason: events.CancelReasonOutOfStock})
		}},
		{"InvoiceDocument", func() error {
			return documents.PublishInvoiceDocument(ctx, events.InvoiceDocument("%PDF-1.7 invoice A-1001"))
		}},
	}
	for _, s := range steps {
		if err := s.publish(); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
		fmt.Fprintf(out, "published %s\n", s.what)
	}

	// Bad input never reaches the broker: the generated Validate stops it.
	bad := created
	bad.Items = []events.LineItem{{SKU: "tea", Quantity: 1, UnitPrice: eur(1)}}
	err := orders.PublishOrderCreated(ctx, events.RegionUs, bad)
	fmt.Fprintf(out, "refused: %v\n", err)
	return nil
}
