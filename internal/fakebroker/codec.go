package fakebroker

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// codec reads or writes the fields of a method or of content properties.
// One description of a method's fields (its fields method) serves both
// directions: decoding fills the pointers from buf, encoding appends their
// values to buf.
type codec struct {
	encode bool
	buf    []byte
	pos    int // decoding: the next byte to read
	err    error
	// bit fields pack into one octet until another type comes.
	bitByte *byte
	bitN    int
}

var errShort = errors.New("payload too short")

func (c *codec) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// take returns the next n bytes of the payload being decoded.
func (c *codec) take(n int) []byte {
	c.bitByte = nil
	if c.err != nil {
		return nil
	}
	if n < 0 || c.pos+n > len(c.buf) {
		c.fail(errShort)
		return nil
	}
	b := c.buf[c.pos : c.pos+n]
	c.pos += n
	return b
}

func (c *codec) octet(v *uint8) {
	if c.encode {
		c.bitByte = nil
		c.buf = append(c.buf, *v)
		return
	}
	if b := c.take(1); b != nil {
		*v = b[0]
	}
}

func (c *codec) short(v *uint16) {
	if c.encode {
		c.bitByte = nil
		c.buf = binary.BigEndian.AppendUint16(c.buf, *v)
		return
	}
	if b := c.take(2); b != nil {
		*v = binary.BigEndian.Uint16(b)
	}
}

func (c *codec) long(v *uint32) {
	if c.encode {
		c.bitByte = nil
		c.buf = binary.BigEndian.AppendUint32(c.buf, *v)
		return
	}
	if b := c.take(4); b != nil {
		*v = binary.BigEndian.Uint32(b)
	}
}

func (c *codec) longlong(v *uint64) {
	if c.encode {
		c.bitByte = nil
		c.buf = binary.BigEndian.AppendUint64(c.buf, *v)
		return
	}
	if b := c.take(8); b != nil {
		*v = binary.BigEndian.Uint64(b)
	}
}

func (c *codec) shortstr(v *string) {
	if c.encode {
		c.bitByte = nil
		if len(*v) > math.MaxUint8 {
			c.fail(fmt.Errorf("short string of %d bytes", len(*v)))
			return
		}
		c.buf = append(c.buf, byte(len(*v)))
		c.buf = append(c.buf, *v...)
		return
	}
	var n uint8
	c.octet(&n)
	if b := c.take(int(n)); b != nil {
		*v = string(b)
	}
}

func (c *codec) longstr(v *string) {
	if c.encode {
		c.bitByte = nil
		c.buf = binary.BigEndian.AppendUint32(c.buf, uint32(len(*v)))
		c.buf = append(c.buf, *v...)
		return
	}
	var n uint32
	c.long(&n)
	if b := c.take(int(n)); b != nil {
		*v = string(b)
	}
}

// bits reads or writes consecutive bit fields, packed from the lowest bit
// of an octet as AMQP 0-9-1 does.
func (c *codec) bits(vs ...*bool) {
	for _, v := range vs {
		if c.bitByte == nil || c.bitN == 8 {
			if c.encode {
				c.buf = append(c.buf, 0)
				c.bitByte = &c.buf[len(c.buf)-1]
			} else {
				b := c.take(1)
				if b == nil {
					return
				}
				c.bitByte = &b[0]
			}
			c.bitN = 0
		}
		if c.encode {
			if *v {
				*c.bitByte |= 1 << c.bitN
			}
		} else {
			*v = *c.bitByte&(1<<c.bitN) != 0
		}
		c.bitN++
	}
}

func (c *codec) timestamp(v *time.Time) {
	var sec uint64
	if c.encode {
		sec = uint64(v.Unix())
	}
	c.longlong(&sec)
	if !c.encode && c.err == nil {
		*v = time.Unix(int64(sec), 0)
	}
}

// table reads or writes a field table, with the Go types amqp091-go uses,
// so that decoded tables compare equal to what a client published.
func (c *codec) table(v *amqp.Table) {
	if c.encode {
		c.bitByte = nil
		var err error
		c.buf, err = appendTable(c.buf, *v)
		c.fail(err)
		return
	}
	var n uint32
	c.long(&n)
	b := c.take(int(n))
	if c.err != nil {
		return
	}
	t, err := decodeTable(b)
	c.fail(err)
	*v = t
}

func appendTable(buf []byte, t amqp.Table) ([]byte, error) {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0)
	for k, v := range t {
		if len(k) > math.MaxUint8 {
			return buf, fmt.Errorf("table key of %d bytes", len(k))
		}
		buf = append(buf, byte(len(k)))
		buf = append(buf, k...)
		var err error
		if buf, err = appendField(buf, v); err != nil {
			return buf, fmt.Errorf("table field %q: %w", k, err)
		}
	}
	binary.BigEndian.PutUint32(buf[start:], uint32(len(buf)-start-4))
	return buf, nil
}

func appendField(buf []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case bool:
		b := byte(0)
		if v {
			b = 1
		}
		return append(buf, 't', b), nil
	case int8:
		return append(buf, 'b', byte(v)), nil
	case uint8:
		return append(buf, 'B', v), nil
	case int16:
		return binary.BigEndian.AppendUint16(append(buf, 's'), uint16(v)), nil
	case uint16:
		return binary.BigEndian.AppendUint16(append(buf, 'u'), v), nil
	case int32:
		return binary.BigEndian.AppendUint32(append(buf, 'I'), uint32(v)), nil
	case int:
		return binary.BigEndian.AppendUint32(append(buf, 'I'), uint32(v)), nil
	case uint32:
		return binary.BigEndian.AppendUint32(append(buf, 'i'), v), nil
	case int64:
		return binary.BigEndian.AppendUint64(append(buf, 'l'), uint64(v)), nil
	case float32:
		return binary.BigEndian.AppendUint32(append(buf, 'f'), math.Float32bits(v)), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(buf, 'd'), math.Float64bits(v)), nil
	case amqp.Decimal:
		return binary.BigEndian.AppendUint32(append(buf, 'D', v.Scale), uint32(v.Value)), nil
	case string:
		buf = binary.BigEndian.AppendUint32(append(buf, 'S'), uint32(len(v)))
		return append(buf, v...), nil
	case []byte:
		buf = binary.BigEndian.AppendUint32(append(buf, 'x'), uint32(len(v)))
		return append(buf, v...), nil
	case time.Time:
		return binary.BigEndian.AppendUint64(append(buf, 'T'), uint64(v.Unix())), nil
	case nil:
		return append(buf, 'V'), nil
	case amqp.Table:
		return appendTable(append(buf, 'F'), v)
	case []any:
		buf = append(buf, 'A')
		start := len(buf)
		buf = append(buf, 0, 0, 0, 0)
		for i, e := range v {
			var err error
			if buf, err = appendField(buf, e); err != nil {
				return buf, fmt.Errorf("array element %d: %w", i, err)
			}
		}
		binary.BigEndian.PutUint32(buf[start:], uint32(len(buf)-start-4))
		return buf, nil
	}
	return buf, fmt.Errorf("no AMQP field type for %T", v)
}

// maxDepth bounds the nesting of tables and arrays, as amqp091-go's reader
// does.
const maxDepth = 32

func decodeTable(b []byte) (amqp.Table, error) {
	return decodeTableDepth(b, 0)
}

func decodeTableDepth(b []byte, depth int) (amqp.Table, error) {
	if depth > maxDepth {
		return nil, errors.New("tables nested too deeply")
	}
	t := amqp.Table{}
	c := &codec{buf: b}
	for c.pos < len(b) && c.err == nil {
		var key string
		c.shortstr(&key)
		v := c.field(depth)
		if c.err == nil {
			t[key] = v
		}
	}
	return t, c.err
}

// field decodes one field value.
func (c *codec) field(depth int) any {
	var typ uint8
	c.octet(&typ)
	if c.err != nil {
		return nil
	}
	switch typ {
	case 't':
		b := c.take(1)
		return b != nil && b[0] != 0
	case 'b':
		if b := c.take(1); b != nil {
			return int8(b[0])
		}
	case 'B':
		if b := c.take(1); b != nil {
			return b[0]
		}
	case 's':
		if b := c.take(2); b != nil {
			return int16(binary.BigEndian.Uint16(b))
		}
	case 'u':
		if b := c.take(2); b != nil {
			return binary.BigEndian.Uint16(b)
		}
	case 'I':
		if b := c.take(4); b != nil {
			return int32(binary.BigEndian.Uint32(b))
		}
	case 'i':
		if b := c.take(4); b != nil {
			return binary.BigEndian.Uint32(b)
		}
	case 'l':
		if b := c.take(8); b != nil {
			return int64(binary.BigEndian.Uint64(b))
		}
	case 'f':
		if b := c.take(4); b != nil {
			return math.Float32frombits(binary.BigEndian.Uint32(b))
		}
	case 'd':
		if b := c.take(8); b != nil {
			return math.Float64frombits(binary.BigEndian.Uint64(b))
		}
	case 'D':
		if b := c.take(5); b != nil {
			return amqp.Decimal{Scale: b[0], Value: int32(binary.BigEndian.Uint32(b[1:]))}
		}
	case 'S':
		var s string
		c.longstr(&s)
		return s
	case 'x':
		var s string
		c.longstr(&s)
		return []byte(s)
	case 'T':
		var t time.Time
		c.timestamp(&t)
		return t
	case 'V':
		return nil
	case 'F':
		var n uint32
		c.long(&n)
		b := c.take(int(n))
		if c.err != nil {
			return nil
		}
		t, err := decodeTableDepth(b, depth+1)
		c.fail(err)
		return t
	case 'A':
		var n uint32
		c.long(&n)
		b := c.take(int(n))
		if c.err != nil {
			return nil
		}
		if depth+1 > maxDepth {
			c.fail(errors.New("arrays nested too deeply"))
			return nil
		}
		var arr []any
		inner := &codec{buf: b}
		for inner.pos < len(b) && inner.err == nil {
			arr = append(arr, inner.field(depth+1))
		}
		c.fail(inner.err)
		return arr
	default:
		c.fail(fmt.Errorf("unknown field type %q", typ))
	}
	return nil
}
