// Command tracing publishes an order event through a generated producer
// with OpenTelemetry tracing: a producer middleware starts a span for each
// publish and carries its W3C trace context in the message headers, and a
// consumer continues the same trace from them. It is its own module, so
// that kombugen itself does not depend on OpenTelemetry.
//
//	cd examples/tracing && go run .
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/kombugen/kombugen/examples/orders/events"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tracing:", err)
		os.Exit(1)
	}
}

// run publishes one order through the in-process broker, consumes it, and
// prints both spans of the trace.
func run(ctx context.Context, out io.Writer) error {
	spans := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer provider.Shutdown(ctx)
	propagator := propagation.TraceContext{}

	b := memory.New()
	defer b.Close()
	orders := events.NewOrdersProducer(b, runtime.WithMiddleware(Tracing(provider.Tracer("orders-service"), propagator)))

	ctx, request := provider.Tracer("orders-service").Start(ctx, "POST /orders")
	err := orders.PublishOrderCreated(ctx, events.RegionEu, events.OrderCreated{
		OrderID:    "A-1001",
		CustomerID: "c-42",
		Items:      []events.LineItem{{SKU: "TEA-0001", Quantity: 1, UnitPrice: events.Money{Amount: 450, Currency: events.CurrencyEUR}}},
		Total:      events.Money{Amount: 450, Currency: events.CurrencyEUR},
		PlacedAt:   time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC),
	})
	request.End()
	if err != nil {
		return err
	}

	m, ok := b.Get("billing.order-events")
	if !ok {
		return fmt.Errorf("billing.order-events is empty")
	}
	fmt.Fprintf(out, "headers: traceparent=%v\n", m.Headers["traceparent"])
	consume(provider.Tracer("billing-service"), propagator, m)

	for _, s := range spans.Ended() {
		fmt.Fprintf(out, "span %-26s kind=%-8s trace=%s parent=%s\n", s.Name(), s.SpanKind(), s.SpanContext().TraceID(), s.Parent().SpanID())
	}
	return nil
}

// consume is what the billing service does with the message: it continues
// the trace the headers carry.
func consume(tracer trace.Tracer, propagator propagation.TextMapPropagator, m memory.Message) {
	ctx := propagator.Extract(context.Background(), HeaderCarrier(m.Headers))
	_, span := tracer.Start(ctx, "process billing.order-events", trace.WithSpanKind(trace.SpanKindConsumer))
	span.End()
}
