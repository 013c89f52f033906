package genimpl

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/bodyenc"
)

// MsgpackAppender is implemented by generated message and struct types
// published with msgpack: the msgpack serializer calls AppendMsgpack
// instead of vmihailenco/msgpack's reflection.
//
// AppendMsgpack appends to dst the bytes msgpack.Marshal writes for the
// value, except that it writes the entries of maps in the order of their
// keys, where msgpack.Marshal takes Go's random map order: it writes one
// of the bodies msgpack.Marshal may write, always the same one. It fails
// where msgpack.Marshal fails, with the same error text, but for values no
// consumer can decode (a func, a chan, a uintptr in an any field), which
// it refuses itself, as vmihailenco/msgpack may panic on them. On an error
// the bytes appended so far are incomplete and to be discarded.
type MsgpackAppender = bodyenc.MsgpackAppender

// The functions below write what vmihailenco/msgpack's Encoder, as
// msgpack.Marshal sets it up, writes for one value of each Go type of
// generated code. Integers keep the width of their type (int32 is always
// 5 bytes), except int, which takes the fewest bytes; floats keep theirs.

// AppendMsgpackNil appends nil, as written for nil pointers, slices, maps
// and []byte.
func AppendMsgpackNil(dst []byte) []byte { return append(dst, 0xc0) }

// AppendMsgpackBool appends b.
func AppendMsgpackBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, 0xc3)
	}
	return append(dst, 0xc2)
}

// AppendMsgpackString appends s as a str, its bytes as they are.
func AppendMsgpackString(dst []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		dst = append(dst, 0xa0|byte(n))
	case n <= math.MaxUint8:
		dst = append(dst, 0xd9, byte(n))
	case n <= math.MaxUint16:
		dst = binary.BigEndian.AppendUint16(append(dst, 0xda), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint32(append(dst, 0xdb), uint32(n))
	}
	return append(dst, s...)
}

// AppendMsgpackBytes appends b as a bin, or nil for a nil slice.
func AppendMsgpackBytes(dst, b []byte) []byte {
	switch n := len(b); {
	case b == nil:
		return AppendMsgpackNil(dst)
	case n <= math.MaxUint8:
		dst = append(dst, 0xc4, byte(n))
	case n <= math.MaxUint16:
		dst = binary.BigEndian.AppendUint16(append(dst, 0xc5), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint32(append(dst, 0xc6), uint32(n))
	}
	return append(dst, b...)
}

// AppendMsgpackArrayLen appends the header of an array of n elements.
func AppendMsgpackArrayLen(dst []byte, n int) []byte {
	switch {
	case n < 16:
		return append(dst, 0x90|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xdc), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(dst, 0xdd), uint32(n))
}

// AppendMsgpackMapLen appends the header of a map of n entries.
func AppendMsgpackMapLen(dst []byte, n int) []byte {
	switch {
	case n < 16:
		return append(dst, 0x80|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xde), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(dst, 0xdf), uint32(n))
}

// msgpackMapHeaderLen is the size of the header of a map of n entries.
func msgpackMapHeaderLen(n int) int {
	switch {
	case n < 16:
		return 1
	case n <= math.MaxUint16:
		return 3
	}
	return 5
}

// BeginMsgpackMap reserves room for the header of a map of at most max
// entries, for a generated AppendMsgpack method that learns how many
// there are (its struct's fields less those omitempty leaves out) as it
// writes them; EndMsgpackMap writes the header.
func BeginMsgpackMap(dst []byte, max int) []byte {
	return append(dst, make([]byte, msgpackMapHeaderLen(max))...)
}

// EndMsgpackMap writes the header of the map of n entries begun at
// dst[start:] by BeginMsgpackMap(dst, max), moving the entries up when the
// header is shorter than the room reserved for it.
func EndMsgpackMap(dst []byte, start, max, n int) []byte {
	var header [5]byte
	h := AppendMsgpackMapLen(header[:0], n)
	if reserved := msgpackMapHeaderLen(max); len(h) < reserved {
		copy(dst[start+len(h):], dst[start+reserved:])
		dst = dst[:len(dst)-(reserved-len(h))]
	}
	copy(dst[start:], h)
	return dst
}

// AppendMsgpackInt appends an int in the fewest bytes that hold it.
func AppendMsgpackInt(dst []byte, n int64) []byte {
	if n >= 0 {
		return appendMsgpackUint(dst, uint64(n))
	}
	switch {
	case n >= -32:
		return append(dst, byte(n))
	case n >= math.MinInt8:
		return append(dst, 0xd0, byte(n))
	case n >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(dst, 0xd1), uint16(n))
	case n >= math.MinInt32:
		return AppendMsgpackInt32(dst, int32(n))
	}
	return AppendMsgpackInt64(dst, n)
}

func appendMsgpackUint(dst []byte, n uint64) []byte {
	switch {
	case n <= math.MaxInt8:
		return append(dst, byte(n))
	case n <= math.MaxUint8:
		return append(dst, 0xcc, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xcd), uint16(n))
	case n <= math.MaxUint32:
		return AppendMsgpackUint32(dst, uint32(n))
	}
	return AppendMsgpackUint64(dst, n)
}

// AppendMsgpackInt32 appends an int32 as an int 32.
func AppendMsgpackInt32(dst []byte, n int32) []byte {
	return binary.BigEndian.AppendUint32(append(dst, 0xd2), uint32(n))
}

// AppendMsgpackInt64 appends an int64 as an int 64.
func AppendMsgpackInt64(dst []byte, n int64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, 0xd3), uint64(n))
}

// AppendMsgpackUint32 appends a uint32 as a uint 32.
func AppendMsgpackUint32(dst []byte, n uint32) []byte {
	return binary.BigEndian.AppendUint32(append(dst, 0xce), n)
}

// AppendMsgpackUint64 appends a uint64 as a uint 64.
func AppendMsgpackUint64(dst []byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, 0xcf), n)
}

// AppendMsgpackFloat32 appends a float32 as a float 32, NaN and the
// infinities included.
func AppendMsgpackFloat32(dst []byte, f float32) []byte {
	return binary.BigEndian.AppendUint32(append(dst, 0xca), math.Float32bits(f))
}

// AppendMsgpackFloat64 appends a float64 as a float 64.
func AppendMsgpackFloat64(dst []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, 0xcb), math.Float64bits(f))
}

// AppendMsgpackTime appends t as the timestamp extension (type -1) in the
// shortest of its three forms, as vmihailenco/msgpack does: the zone is
// not kept.
func AppendMsgpackTime(dst []byte, t time.Time) []byte {
	secs := uint64(t.Unix())
	if secs>>34 == 0 {
		data := uint64(t.Nanosecond())<<34 | secs
		if data&0xffffffff00000000 == 0 {
			return binary.BigEndian.AppendUint32(append(dst, 0xd6, 0xff), uint32(data))
		}
		return binary.BigEndian.AppendUint64(append(dst, 0xd7, 0xff), data)
	}
	dst = binary.BigEndian.AppendUint32(append(dst, 0xc7, 12, 0xff), uint32(t.Nanosecond()))
	return binary.BigEndian.AppendUint64(dst, secs)
}

// IsMsgpackEmptyTime reports whether omitempty leaves out a *time.Time:
// vmihailenco/msgpack leaves out nil and a zero time too, as time.Time
// has an IsZero method.
func IsMsgpackEmptyTime(t *time.Time) bool { return t == nil || t.IsZero() }

// AppendMsgpackAny appends v, the value of an any field, as
// msgpack.Marshal does, maps of strings to strings, bools and any in the
// order of their keys. Common values are written here; others go through
// vmihailenco/msgpack.
func AppendMsgpackAny(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return AppendMsgpackNil(dst), nil
	case string:
		return AppendMsgpackString(dst, v), nil
	case bool:
		return AppendMsgpackBool(dst, v), nil
	case float64:
		return AppendMsgpackFloat64(dst, v), nil
	case MsgpackAppender:
		return v.AppendMsgpack(dst)
	}
	return appendMsgpackEncoded(dst, v)
}

// omitEmptyAny holds an any field with omitempty, so that
// vmihailenco/msgpack says whether it leaves the value out: nil, and
// values it takes for empty (zero numbers, false, empty strings, slices
// and maps, zero times, structs with nothing to write).
type omitEmptyAny struct {
	V any `msgpack:"v,omitempty"`
}

// AppendMsgpackOmitEmptyAny appends key, a field name as a str, and v, an
// any field with omitempty, unless vmihailenco/msgpack would leave v out;
// it returns n, the entries of the map written so far, with the field
// counted when written.
func AppendMsgpackOmitEmptyAny(dst []byte, n int, key string, v any) ([]byte, int, error) {
	if v == nil {
		return dst, n, nil
	}
	b, err := encodeMsgpack(&omitEmptyAny{V: v})
	if err != nil {
		return dst, n, err
	}
	// An empty map when it is left out; else a map of one entry, the key
	// v (3 bytes), and the value.
	if len(b) == 1 {
		return dst, n, nil
	}
	return append(append(dst, key...), b[3:]...), n + 1, nil
}

// appendMsgpackEncoded appends what vmihailenco/msgpack writes for v.
func appendMsgpackEncoded(dst []byte, v any) ([]byte, error) {
	b, err := encodeMsgpack(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// encodeMsgpack encodes v with vmihailenco/msgpack, map entries in key
// order, through the msgpack serializer, which generated code that calls
// the functions here imports.
func encodeMsgpack(v any) ([]byte, error) {
	if bodyenc.EncodeMsgpack == nil {
		return nil, fmt.Errorf("%w: serializer %q %w: import _ %q", runtime.ErrInvalidMessage, codecs.Msgpack.Name, runtime.ErrNotRegistered, codecs.Msgpack.Package)
	}
	return bodyenc.EncodeMsgpack(v)
}
