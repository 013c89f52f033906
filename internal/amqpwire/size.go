package amqpwire

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// ErrUnencodable is returned by HeaderFrameSize for properties amqp091-go
// cannot write, or not faithfully: a short string over 255 bytes, a header
// value of a type with no AMQP field type, a table or array that holds
// itself, or one nested more than 32 levels below the headers, which an
// amqp091-go consumer cannot read. amqp091-go fails the whole connection on
// the first two, and recurses without end on the third.
var ErrUnencodable = errors.New("properties cannot be encoded")

// ErrFrameTooLarge is returned by HeaderFrameSize when the content-header
// frame would be larger than frame_max.
var ErrFrameTooLarge = errors.New("content header larger than frame_max")

// HeaderFrameSize returns the size in bytes, frame header and end octet
// included, of the content-header frame that carries p's properties on the
// wire: as amqp091-go writes it, completed by the shim with an empty
// headers table and priority 0 where absent. The body does not count: it
// goes in frames of its own.
//
// RabbitMQ closes the connection on a frame larger than the negotiated
// frame_max, and amqp091-go does not check, so a publisher calls it before
// the wire with the connection's frameMax (Conn.FrameMax): over it, the
// error wraps ErrFrameTooLarge, and counting stops there, so that a huge
// table costs no more than frameMax to measure. frameMax 0 sets no limit.
func HeaderFrameSize(p *amqp.Publishing, frameMax int) (int, error) {
	s := sizer{limit: frameMax}
	// class, weight, body size, flags; then headers (a table, at least its
	// length) and priority (an octet), always sent.
	s.add(frameOverhead + propertiesStart + 4 + 1)
	for _, f := range [...]struct {
		name, value string
	}{
		{"content type", p.ContentType},
		{"content encoding", p.ContentEncoding},
		{"correlation id", p.CorrelationId},
		{"reply to", p.ReplyTo},
		{"expiration", p.Expiration},
		{"message id", p.MessageId},
		{"type", p.Type},
		{"user id", p.UserId},
		{"app id", p.AppId},
	} {
		if f.value == "" {
			continue
		}
		if len(f.value) > math.MaxUint8 {
			return 0, fmt.Errorf("%w: %s of %d bytes, over 255", ErrUnencodable, f.name, len(f.value))
		}
		s.add(1 + len(f.value))
	}
	if p.DeliveryMode != 0 {
		s.add(1)
	}
	if !p.Timestamp.IsZero() {
		s.add(8)
	}
	if err := s.table(p.Headers); err != nil {
		if errors.Is(err, ErrFrameTooLarge) {
			return 0, err
		}
		return 0, fmt.Errorf("%w: headers: %w", ErrUnencodable, err)
	}
	if s.over() {
		return 0, s.tooLarge()
	}
	return s.size, nil
}

// maxDepth bounds the nesting of tables and arrays below the headers
// table, as amqp091-go's reader does: a consumer using it fails on a
// message nested deeper.
const maxDepth = 32

// sizer adds up the size of encoded values.
type sizer struct {
	size  int
	limit int // 0: none
	// path holds the tables and arrays being measured, outermost first.
	path  [maxDepth + 1]uintptr
	depth int
}

func (s *sizer) add(n int)  { s.size += n }
func (s *sizer) over() bool { return s.limit != 0 && s.size > s.limit }

func (s *sizer) tooLarge() error {
	return fmt.Errorf("%w: over %d bytes", ErrFrameTooLarge, s.limit)
}

// enter notes that a table or array is being measured, refusing one that
// holds itself or nests too deeply.
func (s *sizer) enter(v any) error {
	if s.depth > maxDepth {
		return errors.New("nested too deeply")
	}
	p := reflect.ValueOf(v).Pointer()
	if p != 0 && slices.Contains(s.path[:s.depth], p) {
		return errors.New("a table or array holds itself")
	}
	s.path[s.depth] = p
	s.depth++
	return nil
}

func (s *sizer) leave() { s.depth-- }

// table adds a table's entries; its length field is counted by the
// caller.
func (s *sizer) table(t amqp.Table) error {
	if err := s.enter(t); err != nil {
		return err
	}
	defer s.leave()
	for k, v := range t {
		if len(k) > math.MaxUint8 {
			return fmt.Errorf("key of %d bytes, over 255", len(k))
		}
		s.add(1 + len(k))
		if err := s.field(v); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		if s.over() {
			return s.tooLarge()
		}
	}
	return nil
}

// field adds a field value, its type octet included, for the Go types
// amqp091-go writes.
func (s *sizer) field(v any) error {
	switch v := v.(type) {
	case nil:
		s.add(1)
	case bool, int8, uint8:
		s.add(2)
	case int16, uint16:
		s.add(3)
	case int, int32, uint32, float32:
		s.add(5)
	case int64, float64, time.Time:
		s.add(9)
	case amqp.Decimal:
		s.add(6)
	case string:
		s.add(5 + len(v))
	case []byte:
		s.add(5 + len(v))
	case amqp.Table:
		s.add(5)
		return s.table(v)
	case []any:
		s.add(5)
		if err := s.enter(v); err != nil {
			return err
		}
		defer s.leave()
		for i, e := range v {
			if err := s.field(e); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
			if s.over() {
				return s.tooLarge()
			}
		}
	default:
		return fmt.Errorf("no AMQP field type for %T", v)
	}
	return nil
}
