package main

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/kombugen/kombugen/runtime"
)

// Tracing returns a producer middleware that publishes each message inside
// a producer span and puts the span's W3C trace context (traceparent,
// tracestate) into the message's headers, where a consumer in any language
// picks it up to continue the trace.
func Tracing(tracer trace.Tracer, propagator propagation.TextMapPropagator) runtime.Middleware {
	return func(next runtime.PublishFunc) runtime.PublishFunc {
		return func(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
			ctx, span := tracer.Start(ctx, spanName(msg),
				trace.WithSpanKind(trace.SpanKindProducer),
				trace.WithAttributes(
					attribute.String("messaging.system", "rabbitmq"),
					attribute.String("messaging.operation.type", "publish"),
					attribute.String("messaging.destination.name", msg.Exchange),
					attribute.String("messaging.rabbitmq.destination.routing_key", msg.RoutingKey),
					attribute.String("messaging.message.type", msg.MessageName),
					attribute.Int("messaging.message.body.size", len(msg.Body)),
				))
			propagator.Inject(ctx, HeaderCarrier(msg.Headers))
			c := next(ctx, msg)
			end := func(err error) {
				if err != nil {
					span.RecordError(err)
					span.SetStatus(codes.Error, err.Error())
				}
				span.End()
			}
			// The span lasts until the broker confirmed the message: now,
			// when the transport settled it at once, else later (an
			// asynchronous publish learns it after Publish returned).
			select {
			case <-c.Done():
				end(c.Err())
			default:
				c.AfterFunc(end)
			}
			return c
		}
	}
}

// spanName follows OpenTelemetry's messaging conventions: the operation
// and the destination.
func spanName(msg *runtime.Publishing) string {
	if msg.Exchange == "" {
		return "publish (default)"
	}
	return "publish " + msg.Exchange
}

// HeaderCarrier lets an OpenTelemetry propagator read and write AMQP
// message headers.
type HeaderCarrier runtime.Table

// Get returns the header key as a string, or "".
func (c HeaderCarrier) Get(key string) string {
	switch v := c[key].(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// Set sets the header key.
func (c HeaderCarrier) Set(key, value string) { c[key] = value }

// Keys lists the headers.
func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}
