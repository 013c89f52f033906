package runtime

import (
	"context"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/runtime/internal/bridge"
)

// init lends genimpl and consume, through package bridge, what they need of
// runtime without exporting it: message types and their publish, the codec
// lookups, and the reading of a delivery's properties.
func init() {
	bridge.NewMessageType = func(name, exchange string, opts any) any {
		mt := &messageType{name: name, settings: defaultSettings()}
		mt.settings.exchange = exchange
		for _, o := range opts.([]PublishOption) {
			o.applyPublish(&mt.settings)
		}
		return mt
	}
	bridge.Publish = func(ctx context.Context, producer, mt any, key string, body any, opts any) any {
		return producer.(*Producer).publishAs(ctx, mt.(*messageType), key, body, opts.([]PublishOption))
	}
	bridge.LookupSerializer = func(name string) (any, error) { return lookupSerializer(name) }
	bridge.LookupCompressor = func(name string) (any, error) { return lookupCompression(name) }
	bridge.DeliveryProperties = func(d *amqp.Delivery) any { return deliveryProperties(d) }
}
