package runtime

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// maxShortString is AMQP's limit for names, routing keys and most
// properties.
const maxShortString = 255

// RabbitMQ's limits on what one message may be: it refuses (closing the
// channel, and with it every publish in flight on it) an expiration over
// 3650 days and, by default, a body over 128 MiB (max_message_size).
const (
	maxTTL  = 3650 * 24 * time.Hour
	maxBody = 128 << 20
)

// validator is implemented by generated message types.
type validator interface {
	Validate() error
}

// prepare checks s and body and turns them into a Publishing: validated,
// serialized and compressed, once, before any attempt to send.
func (s *settings) prepare(body any) (*Publishing, error) {
	if v, ok := body.(validator); ok {
		if isNilPointer(body) {
			return nil, invalidf("the message is a nil %T", body)
		}
		if err := v.Validate(); err != nil {
			return nil, invalidWrap(err)
		}
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	msg := &Publishing{
		Exchange:   s.exchange,
		RoutingKey: s.routingKey,
		Mandatory:  s.mandatory,
		Confirm:    s.confirm,
		Properties: s.props,
	}
	msg.DeliveryMode = s.deliveryMode
	if msg.DeliveryMode == 0 {
		msg.DeliveryMode = Persistent
	}
	msg.Priority = uint8(s.priority)
	if s.ttl > 0 {
		msg.Expiration = strconv.FormatInt(s.ttl.Milliseconds(), 10)
	}
	var err error
	if msg.Body, err = s.encode(body, &msg.Properties); err != nil {
		return nil, err
	}
	msg.Headers = mergeHeaders(s.headers)
	if err := s.compress(msg); err != nil {
		return nil, err
	}
	if len(msg.Body) > maxBody {
		return nil, invalidf("the body is %d bytes, over RabbitMQ's default limit of 128 MiB (max_message_size)", len(msg.Body))
	}
	if err := checkProperties(&msg.Properties); err != nil {
		return nil, err
	}
	return msg, nil
}

// invalidWrap makes err match ErrInvalidMessage, keeping its own chain.
func invalidWrap(err error) error {
	if errors.Is(err, ErrInvalidMessage) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrInvalidMessage, err)
}

// check validates what does not depend on the body.
func (s *settings) check() error {
	if err := checkShortString("exchange", s.exchange); err != nil {
		return err
	}
	if err := checkShortString("routing key", s.routingKey); err != nil {
		return err
	}
	if s.priority < 0 || s.priority > 255 {
		return invalidf("priority %d is outside 0..255", s.priority)
	}
	switch {
	case s.ttl < 0 || (s.ttl > 0 && s.ttl < time.Millisecond):
		return invalidf("ttl %s: must be 0 (none) or at least 1ms", s.ttl)
	case s.ttl%time.Millisecond != 0:
		return invalidf("ttl %s: must be whole milliseconds, as the expiration property carries it", s.ttl)
	case s.ttl > maxTTL:
		return invalidf("ttl %s: over RabbitMQ's limit of 3650 days", s.ttl)
	}
	if m := s.deliveryMode; m != 0 && m != Transient && m != Persistent {
		return invalidf("delivery mode %d: must be 1 (transient) or 2 (persistent)", m)
	}
	if s.retry.MaxRetries < 0 {
		return invalidf("retry policy: max retries %d is negative", s.retry.MaxRetries)
	}
	return nil
}

func checkShortString(field, v string) error {
	if len(v) > maxShortString {
		return invalidf("%s is %d bytes long, over AMQP's limit of %d", field, len(v), maxShortString)
	}
	if !utf8.ValidString(v) {
		return invalidf("%s %q is not valid UTF-8", field, v)
	}
	return nil
}

// checkProperties validates the string properties and the headers.
func checkProperties(p *Properties) error {
	fields := [...]struct{ name, value string }{
		{"content type", p.ContentType}, {"content encoding", p.ContentEncoding},
		{"correlation id", p.CorrelationID}, {"reply to", p.ReplyTo},
		{"message id", p.MessageID}, {"type", p.Type}, {"user id", p.UserID}, {"app id", p.AppID},
	}
	for _, f := range fields {
		if err := checkShortString(f.name, f.value); err != nil {
			return err
		}
	}
	return checkTable("headers", p.Headers)
}

// encode serializes body, or with an explicit content type takes it as it
// is, setting the content type and encoding in props.
func (s *settings) encode(body any, props *Properties) ([]byte, error) {
	if props.ContentType != "" {
		b, ok := bytesOf(body)
		if !ok {
			return nil, invalidf("content type %q given: body must be a string or []byte, not %T", props.ContentType, body)
		}
		if props.ContentEncoding == "" {
			props.ContentEncoding = "binary"
			if reflect.ValueOf(body).Kind() == reflect.String {
				props.ContentEncoding = "utf-8"
			}
		}
		return b, nil
	}
	name := s.serializer
	if name == serializerAuto {
		name = autoSerializer(body)
	}
	ser, err := lookupSerializer(name)
	if err != nil {
		return nil, err
	}
	b, err := ser.Marshal(body)
	if err != nil {
		return nil, invalidf("serializer %s: %v", name, err)
	}
	props.ContentType, props.ContentEncoding = ser.ContentType(), ser.ContentEncoding()
	if chooser, ok := ser.(encodingChooser); ok {
		props.ContentEncoding = chooser.ContentEncodingFor(body)
	}
	return b, nil
}

// compress applies the compression and sets kombu's compression header.
func (s *settings) compress(msg *Publishing) error {
	r, err := lookupCompressor(s.compression)
	if err != nil || r.c == nil {
		return err
	}
	if msg.Body, err = r.c.Compress(msg.Body); err != nil {
		return fmt.Errorf("compression %s: %w", s.compression, err)
	}
	msg.Headers["compression"] = r.header
	return nil
}

// mergeHeaders returns a fresh table holding every layer, later ones
// winning. It is never nil: kombu always sends a headers table.
func mergeHeaders(layers []Table) Table {
	n, nonEmpty := 0, 0
	for _, l := range layers {
		if len(l) > 0 {
			n += len(l)
			nonEmpty++
		}
	}
	if nonEmpty == 1 && n < 8 {
		// Most messages have their schema's headers alone. Cloning copies
		// a small table whole, where merging hashes every key again; a
		// table of under 8 entries has room for the compression header.
		for _, l := range layers {
			if len(l) > 0 {
				return maps.Clone(l)
			}
		}
	}
	merged := make(Table, n+1)
	for _, l := range layers {
		for k, v := range l {
			merged[k] = v
		}
	}
	return merged
}

// isNilPointer reports whether v is a nil pointer, whose Validate method
// would fail on it.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
