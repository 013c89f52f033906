package runtime

import (
	"bytes"
	"hash/maphash"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// A basic.return carries the returned message whole but no delivery tag:
// the lane pairs it with the pending mandatory message of the same
// content. These compare a message as published with one as the broker
// sent it back, property by property and header by header.

var fingerprintSeed = maphash.MakeSeed()

// fingerprint hashes what a return is looked up by: where the message went
// and its body.
func fingerprint(exchange, routingKey string, body []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(fingerprintSeed)
	h.WriteString(exchange)
	h.WriteByte(0)
	h.WriteString(routingKey)
	h.WriteByte(0)
	h.Write(body)
	return h.Sum64()
}

// samePublishing reports whether two messages are the same on the wire.
func samePublishing(a, b *Publishing) bool {
	return a.Exchange == b.Exchange && a.RoutingKey == b.RoutingKey && bytes.Equal(a.Body, b.Body) &&
		sameProperties(toAMQPPublishing(a), toAMQPPublishing(b))
}

// sameAsReturned reports whether r is msg sent back.
func sameAsReturned(msg *Publishing, r *amqp.Return) bool {
	if msg.Exchange != r.Exchange || msg.RoutingKey != r.RoutingKey || !bytes.Equal(msg.Body, r.Body) {
		return false
	}
	return sameProperties(toAMQPPublishing(msg), amqp.Publishing{
		Headers: r.Headers, ContentType: r.ContentType, ContentEncoding: r.ContentEncoding,
		DeliveryMode: r.DeliveryMode, Priority: r.Priority, CorrelationId: r.CorrelationId,
		ReplyTo: r.ReplyTo, Expiration: r.Expiration, MessageId: r.MessageId, Timestamp: r.Timestamp,
		Type: r.Type, UserId: r.UserId, AppId: r.AppId,
	})
}

// sameProperties compares properties as the wire carries them: an absent
// headers table is an empty one, and a timestamp is whole seconds.
func sameProperties(a, b amqp.Publishing) bool {
	return a.ContentType == b.ContentType && a.ContentEncoding == b.ContentEncoding &&
		a.DeliveryMode == b.DeliveryMode && a.Priority == b.Priority &&
		a.CorrelationId == b.CorrelationId && a.ReplyTo == b.ReplyTo &&
		a.Expiration == b.Expiration && a.MessageId == b.MessageId &&
		sameTime(a.Timestamp, b.Timestamp) && a.Type == b.Type &&
		a.UserId == b.UserId && a.AppId == b.AppId && sameTable(a.Headers, b.Headers)
}

func sameTime(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	return a.Unix() == b.Unix()
}

func sameTable(a, b amqp.Table) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !sameField(va, vb) {
			return false
		}
	}
	return true
}

// sameField compares two field values, as normalized for the wire
// (toAMQPValue) or as amqp091-go decoded them.
func sameField(a, b any) bool {
	switch a := a.(type) {
	case amqp.Table:
		b, ok := b.(amqp.Table)
		return ok && sameTable(a, b)
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameField(a[i], b[i]) {
				return false
			}
		}
		return true
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	case time.Time:
		b, ok := b.(time.Time)
		return ok && a.Unix() == b.Unix()
	}
	return a == b
}
