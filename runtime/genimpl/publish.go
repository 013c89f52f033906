package genimpl

import (
	"context"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/bridge"
)

// MessageType is how a generated message is published, worked out once:
// its exchange and its policy (serializer, compression, delivery mode,
// priority, TTL, confirms, retry policy, constant headers). A generated
// file holds one per message.
type MessageType struct {
	name     string
	settings any // runtime's, opaque here
}

// NewMessageType returns the message type name, published to exchange with
// opts over kombu's defaults (persistent, confirmed,
// runtime.DefaultRetryPolicy).
func NewMessageType(name, exchange string, opts ...runtime.PublishOption) *MessageType {
	return &MessageType{name: name, settings: bridge.NewMessageType(name, exchange, opts)}
}

// Name returns the message type's name, as the schema gives it.
func (mt *MessageType) Name() string { return mt.name }

// Publish publishes body as a message of type mt through p, with routing
// key key: mt's policy, then p's options, then opts. Generated PublishX
// and PublishXAsync methods call it.
func Publish(ctx context.Context, p *runtime.Producer, mt *MessageType, key string, body any, opts ...runtime.PublishOption) *runtime.Confirmation {
	return bridge.Publish(ctx, p, mt.settings, key, body, opts).(*runtime.Confirmation)
}
