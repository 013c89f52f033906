package memory

import (
	"bytes"
	"strconv"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// Message is a message as a queue holds it: where it was published, its
// properties and its body as it went on the wire (serialized, compressed).
// Every Message the broker hands out is a copy of its own.
type Message struct {
	// Exchange and RoutingKey are those the message was published with, or
	// those of its dead-lettering when it was dead-lettered.
	Exchange   string
	RoutingKey string
	runtime.Properties
	Body []byte
}

// Decode decompresses and unmarshals the body into v, as a kombu consumer
// would, with runtime.Decode.
func (m Message) Decode(v any) error {
	return runtime.Decode(m.Properties, m.Body, v)
}

// clone returns a copy of m sharing no memory with it.
func (m Message) clone() Message {
	m.Headers = copyTable(m.Headers)
	m.Body = bytes.Clone(m.Body)
	return m
}

// newMessage copies a publishing into the message the broker keeps, so a
// caller reusing its buffers or header maps cannot change what was sent.
// The timestamp loses what the wire cannot carry, its fraction of a second.
func newMessage(p *runtime.Publishing) Message {
	m := Message{Exchange: p.Exchange, RoutingKey: p.RoutingKey, Properties: p.Properties, Body: p.Body}
	if !m.Timestamp.IsZero() {
		m.Timestamp = m.Timestamp.Truncate(time.Second)
	}
	return m.clone()
}

// parseExpiration reads the expiration property: a TTL in whole
// milliseconds as a decimal string. ok is false when there is none.
func parseExpiration(s string) (ttl time.Duration, ok bool, err error) {
	if s == "" {
		return 0, false, nil
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms < 0 || ms > int64(time.Duration(1<<63-1)/time.Millisecond) {
		return 0, false, preconditionFailed("invalid expiration '%s': want whole milliseconds, 0 or more", s)
	}
	return time.Duration(ms) * time.Millisecond, true, nil
}

// entry is a message in a queue. Its msg is never changed nor handed out
// (readers get clones), so one Message may sit in several queues.
type entry struct {
	msg      Message
	priority int // the priority the queue orders it by
	mortal   bool
	expires  time.Time // when mortal
}

// expired reports whether the entry's TTL has run out at now. RabbitMQ
// expires a message once its expiry time is reached, so a TTL of 0 expires
// it at once.
func (e *entry) expired(now time.Time) bool {
	return e.mortal && !now.Before(e.expires)
}
