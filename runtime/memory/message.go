package memory

import (
	"bytes"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/celery"
	"github.com/kombugen/kombugen/runtime/consume"
)

// Message is a message as a queue holds it: where it was published, its
// properties and its body as it went on the wire (serialized, compressed).
// Its headers hold what a consumer reads from RabbitMQ: integers in the
// width runtime.Conn writes them (an int 5 is an int32), times in whole
// seconds, and no BCC header. Every Message the broker hands out is a
// copy of its own.
type Message struct {
	// Exchange and RoutingKey are those the message was published with, or
	// those of its dead-lettering when it was dead-lettered.
	Exchange   string
	RoutingKey string
	runtime.Properties
	Body []byte

	// cc holds the routing keys the CC and BCC headers added to
	// RoutingKey; a dead-lettered message keeps them.
	cc []string
	// ttl is the expiration property, read once; hasTTL tells 0 from none.
	ttl    time.Duration
	hasTTL bool
}

// Decode decompresses and unmarshals the body into v, as a kombu consumer
// would, with consume.Decode.
func (m Message) Decode(v any) error {
	return consume.Decode(m.Properties, m.Body, v)
}

// clone returns a copy of m sharing no memory with it.
func (m Message) clone() Message {
	m.Headers = copyTable(m.Headers)
	m.Body = bytes.Clone(m.Body)
	return m
}

// routingKeys returns every key the message is routed with.
func (m *Message) routingKeys() []string {
	return append([]string{m.RoutingKey}, m.cc...)
}

// Task reads m as a Celery task message, with runtime/celery's ReadTask:
// the task's name, id, args and kwargs, and what its headers ask of the
// worker (eta, expires, time limits, ...). A message that is not a task a
// worker could run is an error.
func (m Message) Task() (celery.Received, error) {
	return celery.ReadTask(m.Properties, m.Body)
}
