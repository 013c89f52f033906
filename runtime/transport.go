package runtime

import (
	"context"
	"time"
)

// Transport carries prepared messages to a broker. *Conn (RabbitMQ over AMQP
// 0-9-1) and *memory.Broker (in process) implement it; a Producer needs
// nothing else. Implementations are safe for concurrent use.
type Transport interface {
	// Publish sends msg and returns its confirmation, which is done when
	// the broker confirmed the message (nil; without msg.Confirm, when it
	// was handed to the connection), or with an error matching ErrNacked on a nack,
	// ErrUnroutable when a mandatory message came back, ErrConfirmLost
	// when the channel closed first. A returned mandatory message is
	// passed to msg.OnReturn, if set, whether or not Confirm is, before
	// the confirmation is done. Publish blocks only until the message is
	// on its way, no longer than ctx allows; ctx also bounds the message's
	// wait to be written.
	Publish(ctx context.Context, msg *Publishing) *Confirmation
	// Declare declares e now, whether or not it was declared before.
	Declare(ctx context.Context, e Entity) error
	// MaybeDeclare declares e unless this connection declared it before and
	// e is Cacheable. It reports whether it declared.
	MaybeDeclare(ctx context.Context, e Entity) (bool, error)
}

// DeliveryMode says whether the broker writes a message to disk.
type DeliveryMode uint8

// The two delivery modes AMQP defines.
const (
	Transient  DeliveryMode = 1
	Persistent DeliveryMode = 2
)

// String returns "transient" or "persistent".
func (m DeliveryMode) String() string {
	switch m {
	case Transient:
		return "transient"
	case Persistent:
		return "persistent"
	}
	return "invalid"
}

// Properties are the AMQP basic properties of a message, named in Go style.
type Properties struct {
	ContentType     string
	ContentEncoding string
	Headers         Table
	DeliveryMode    DeliveryMode
	Priority        uint8
	CorrelationID   string
	ReplyTo         string
	// Expiration is the per-message TTL in whole milliseconds as a decimal
	// string, or "" for none.
	Expiration string
	MessageID  string
	// Timestamp is sent when it is not the zero time, in whole seconds.
	Timestamp time.Time
	Type      string
	UserID    string
	AppID     string
}

// Publishing is a message ready for the wire: serialized, compressed and
// validated, with where it goes and how it is to be confirmed.
type Publishing struct {
	Exchange   string
	RoutingKey string
	// Mandatory asks the broker to return the message when no queue takes it.
	Mandatory bool
	// Confirm makes Publish wait for the broker's publisher confirm.
	Confirm bool
	Properties
	Body []byte
	// OnReturn is called with the message when the broker returns it.
	OnReturn func(Return)
	// MessageName is the generated message type's name (OrderCreated), for
	// middleware and logs; it is not sent.
	MessageName string

	// Declare lists what must exist before the message is published: the
	// transport declares each entity once per connection (MaybeDeclare),
	// on the connection the message goes out on, before it.
	Declare []Entity

	// retry is the producer's business: how to retry the publish; attempt
	// is its state while it runs, kept here to cost no allocation of its
	// own.
	retry   RetryPolicy
	attempt attempt
	// checked says the headers passed checkTable as they are: prepare
	// checked them and no middleware had them since.
	checked bool
}

// Return is a mandatory message the broker sent back, with its reason.
type Return struct {
	ReplyCode  uint16
	ReplyText  string
	Exchange   string
	RoutingKey string
	Properties
	Body []byte
}
