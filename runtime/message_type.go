package runtime

import (
	"context"

	"github.com/kombugen/kombugen/runtime/internal/bridge"
)

// messageType is how a generated message is published, worked out once:
// its exchange, serializer, compression, delivery mode, priority, TTL,
// confirms, retry policy and constant headers. Generated producers hold one
// per message, through package genimpl.
type messageType struct {
	name     string
	settings settings
}

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
}
