// Package bridge carries what package runtime lends its sibling packages
// without exporting it to people: to genimpl, the package of generated
// code, a message type's publishing settings and the publish that uses
// them, which are runtime's (they are its producer's settings); to consume,
// the codec registries' lookups and its reading of a delivery's
// properties. Package runtime sets the functions in its init; their
// values are runtime's types, passed as any, which genimpl hands back
// unopened.
package bridge

import (
	"context"

	amqp "github.com/rabbitmq/amqp091-go"
)

var (
	// NewMessageType returns the settings of a message type: opts (a
	// []runtime.PublishOption) over kombu's defaults, to exchange.
	NewMessageType func(name, exchange string, opts any) any
	// Publish publishes body as a message of a type NewMessageType made
	// (mt), through producer (a *runtime.Producer), with routing key key
	// and opts (a []runtime.PublishOption) applied after the producer's
	// own; it returns the *runtime.Confirmation.
	Publish func(ctx context.Context, producer, mt any, key string, body any, opts any) any

	// LookupSerializer and LookupCompressor return the runtime.Serializer
	// and runtime.Compressor registered under a name or content type, for
	// package consume.
	LookupSerializer func(name string) (any, error)
	LookupCompressor func(name string) (any, error)
	// DeliveryProperties returns the runtime.Properties of a message
	// received with amqp091-go, as runtime's own consumers read them.
	DeliveryProperties func(d *amqp.Delivery) any
)
