package runtime

// messageType is how a generated message is published, worked out once:
// its exchange, serializer, compression, delivery mode, priority, TTL,
// confirms, retry policy and constant headers. Generated producers hold one
// per message, through package genimpl.
type messageType struct {
	name     string
	settings settings
}
