package runtime

import (
	"time"

	"github.com/kombugen/kombugen/internal/amqptable"
)

// headerFrameSize is the size of the content-header frame that carries p,
// as amqp091-go writes it and with the headers table and priority kombu
// always sends: a frame may not exceed the negotiated frame_max, and the
// broker closes the connection over one that does.
func headerFrameSize(p *Properties) int {
	n := 7 + 2 + 2 + 8 + 2 + 1 // frame header, class, weight, body size, flags; end octet
	for _, s := range [...]string{p.ContentType, p.ContentEncoding, p.CorrelationID, p.ReplyTo,
		p.Expiration, p.MessageID, p.Type, p.UserID, p.AppID} {
		if s != "" {
			n += 1 + len(s)
		}
	}
	n += 4 + tableSize(p.Headers)
	if p.DeliveryMode != 0 {
		n++
	}
	n++ // priority
	if !p.Timestamp.IsZero() {
		n += 8
	}
	return n
}

// tableSize is the encoded size of a table's entries, its values as
// toAMQPValue makes them.
func tableSize(t Table) int {
	n := 0
	for k, v := range t {
		n += 1 + len(k) + encodedFieldSize(v)
	}
	return n
}

// encodedFieldSize is the encoded size of a field value with its type octet.
func encodedFieldSize(v any) int {
	if n, ok := integerValue(v); ok {
		if _, small := amqptable.WireInteger(n).(int32); small {
			return 1 + 4
		}
		return 1 + 8
	}
	switch v := v.(type) {
	case nil:
		return 1
	case bool:
		return 1 + 1
	case float32:
		return 1 + 4
	case float64, time.Time:
		return 1 + 8
	case string:
		return 1 + 4 + len(v)
	case []byte:
		return 1 + 4 + len(v)
	case []any:
		n := 1 + 4
		for _, e := range v {
			n += encodedFieldSize(e)
		}
		return n
	case Table:
		return 1 + 4 + tableSize(v)
	}
	return 1
}
