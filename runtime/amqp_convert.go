package runtime

import (
	"math"

	amqp "github.com/rabbitmq/amqp091-go"
)

// toAMQPPublishing maps a Publishing onto amqp091-go's type.
func toAMQPPublishing(msg *Publishing) amqp.Publishing {
	p := &msg.Properties
	return amqp.Publishing{
		Headers:         toAMQPTable(p.Headers),
		ContentType:     p.ContentType,
		ContentEncoding: p.ContentEncoding,
		DeliveryMode:    uint8(p.DeliveryMode),
		Priority:        p.Priority,
		CorrelationId:   p.CorrelationID,
		ReplyTo:         p.ReplyTo,
		Expiration:      p.Expiration,
		MessageId:       p.MessageID,
		Timestamp:       p.Timestamp,
		Type:            p.Type,
		UserId:          p.UserID,
		AppId:           p.AppID,
		Body:            msg.Body,
	}
}

// toAMQPTable converts a Table, nested ones included, to amqp.Table, which
// is the only map type amqp091-go encodes. An empty table is nil: the
// propertyWriter puts an empty headers table in every message, as kombu
// always sends one.
func toAMQPTable(t Table) amqp.Table {
	if len(t) == 0 {
		return nil
	}
	out := make(amqp.Table, len(t))
	for k, v := range t {
		out[k] = toAMQPValue(v)
	}
	return out
}

func toAMQPValue(v any) any {
	if n, ok := integerValue(v); ok {
		return wireInteger(n)
	}
	switch v := v.(type) {
	case Table:
		return toAMQPTable(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = toAMQPValue(e)
		}
		return out
	}
	return v
}

// wireInteger picks the field type for an integer that kombu's py-amqp
// reads back as the same number: a signed 32-bit field when it fits (what
// py-amqp itself sends), else a 64-bit one, which py-amqp reads as
// unsigned. amqp091-go's other integer fields do not survive the trip:
// py-amqp reads its int8 and uint8 codes with the signs swapped and its
// int16 code as a string, and amqp091-go writes an int as 32 bits. Negative
// numbers below the 32-bit range cannot be sent; checkField refuses them.
func wireInteger(n int64) any {
	if n >= math.MinInt32 && n <= math.MaxInt32 {
		return int32(n)
	}
	return n
}

// integerValue returns v as an int64 when it is one of the integer types a
// Table may hold.
func integerValue(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	}
	return 0, false
}

// fromAMQPTable converts a received table back to a Table.
func fromAMQPTable(t amqp.Table) Table {
	out := make(Table, len(t))
	for k, v := range t {
		out[k] = fromAMQPValue(v)
	}
	return out
}

func fromAMQPValue(v any) any {
	switch v := v.(type) {
	case amqp.Table:
		return fromAMQPTable(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = fromAMQPValue(e)
		}
		return out
	}
	return v
}

// fromAMQPReturn maps a basic.return onto our Return.
func fromAMQPReturn(r *amqp.Return) Return {
	return Return{
		ReplyCode:  r.ReplyCode,
		ReplyText:  r.ReplyText,
		Exchange:   r.Exchange,
		RoutingKey: r.RoutingKey,
		Properties: Properties{
			ContentType:     r.ContentType,
			ContentEncoding: r.ContentEncoding,
			Headers:         fromAMQPTable(r.Headers),
			DeliveryMode:    DeliveryMode(r.DeliveryMode),
			Priority:        r.Priority,
			CorrelationID:   r.CorrelationId,
			ReplyTo:         r.ReplyTo,
			Expiration:      r.Expiration,
			MessageID:       r.MessageId,
			Timestamp:       r.Timestamp,
			Type:            r.Type,
			UserID:          r.UserId,
			AppID:           r.AppId,
		},
		Body: r.Body,
	}
}

// PropertiesFromDelivery returns the properties of a message a consumer
// received with amqp091-go, for Decode.
func PropertiesFromDelivery(d *amqp.Delivery) Properties {
	return Properties{
		ContentType:     d.ContentType,
		ContentEncoding: d.ContentEncoding,
		Headers:         fromAMQPTable(d.Headers),
		DeliveryMode:    DeliveryMode(d.DeliveryMode),
		Priority:        d.Priority,
		CorrelationID:   d.CorrelationId,
		ReplyTo:         d.ReplyTo,
		Expiration:      d.Expiration,
		MessageID:       d.MessageId,
		Timestamp:       d.Timestamp,
		Type:            d.Type,
		UserID:          d.UserId,
		AppID:           d.AppId,
	}
}
