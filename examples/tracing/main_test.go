package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// TestTraceCrossesTheBroker checks that the consumer's span continues the
// producer's trace, from the traceparent header alone.
func TestTraceCrossesTheBroker(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	traceparent := regexp.MustCompile(`headers: traceparent=00-([0-9a-f]{32})-([0-9a-f]{16})-01`).FindStringSubmatch(out.String())
	if traceparent == nil {
		t.Fatalf("no traceparent header:\n%s", out.String())
	}
	traceID, producerSpan := traceparent[1], traceparent[2]
	for _, want := range []string{
		`span publish orders +kind=producer trace=` + traceID,
		`span process billing.order-events +kind=consumer trace=` + traceID + ` parent=` + producerSpan,
		`span POST /orders +kind=internal trace=` + traceID,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestTracingRecordsErrors checks that a failed publish marks its span.
func TestTracingRecordsErrors(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	b := memory.New()
	defer b.Close()
	p := runtime.NewProducer(b, runtime.WithMiddleware(Tracing(provider.Tracer("t"), propagation.TraceContext{})),
		runtime.WithExchange(&runtime.Exchange{Name: "missing"}), runtime.WithAutoDeclare(false))
	err := p.Publish(context.Background(), "m")
	if !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Publish = %v", err)
	}
	ended := spans.Ended()
	if len(ended) != 1 || ended[0].Status().Code.String() != "Error" || ended[0].SpanKind() != trace.SpanKindProducer {
		t.Errorf("spans = %+v", ended)
	}
}
