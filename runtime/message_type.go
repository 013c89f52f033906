package runtime

// MessageType is how a generated message is published, worked out once:
// its exchange, serializer, compression, delivery mode, priority, TTL,
// confirms, retry policy and constant headers. Generated producers hold one
// per message and publish with Producer.PublishAs.
type MessageType struct {
	name     string
	settings settings
}

// NewMessageType returns the message type name, published to exchange with
// opts over kombu's defaults (persistent, confirmed, DefaultRetryPolicy).
func NewMessageType(name, exchange string, opts ...PublishOption) *MessageType {
	mt := &MessageType{name: name, settings: defaultSettings()}
	mt.settings.exchange = exchange
	for _, o := range opts {
		o.applyPublish(&mt.settings)
	}
	return mt
}

// Name returns the message type's name, as the schema gives it.
func (mt *MessageType) Name() string { return mt.name }
