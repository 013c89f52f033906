package runtime

import (
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/amqptable"
)

// toAMQPPublishing maps a Publishing onto amqp091-go's type.
func toAMQPPublishing(msg *Publishing) amqp.Publishing {
	return withAMQPHeaders(msg, toAMQPTable(msg.Headers))
}

// withAMQPHeaders is toAMQPPublishing with the headers converted already:
// a lane keeps a message's converted headers, not the whole amqp.Publishing,
// which is built on the owner's stack as it writes.
func withAMQPHeaders(msg *Publishing, headers amqp.Table) amqp.Publishing {
	p := &msg.Properties
	return amqp.Publishing{
		Headers:         headers,
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
// wire shim (internal/amqpwire) puts an empty headers table in every message, as kombu
// always sends one.
func toAMQPTable(t Table) amqp.Table { return amqptable.AMQP[amqp.Table](t) }

// integerValue returns v as an int64 when it is one of the integer types a
// Table may hold.
func integerValue(v any) (int64, bool) { return amqptable.Integer(v) }

// fromAMQPTable converts a received table back to a Table.
func fromAMQPTable(t amqp.Table) Table { return amqptable.Plain(t) }

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
