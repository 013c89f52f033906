package genimpl

import (
	"encoding/base64"
	"encoding/json"
	"iter"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/kombugen/kombugen/runtime/internal/bodyenc"
)

// JSONAppender is implemented by generated message and struct types
// published with json: the json serializer calls AppendJSON instead of
// encoding/json's reflection.
//
// AppendJSON appends to dst exactly the bytes encoding/json would write for
// the value with HTML escaping off (an Encoder with SetEscapeHTML(false),
// without its trailing newline), and fails where encoding/json fails, with
// the same error text. That is the contract: whichever path encodes a
// message, its consumers see the same body. On an error the bytes appended
// so far are incomplete and to be discarded.
type JSONAppender = bodyenc.JSONAppender

// The functions below are the parts of encoding/json that generated
// AppendJSON methods call; each writes what encoding/json writes for one
// value of its type.

// AppendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it with HTML escaping off: \" \\ \b \f \n \r \t, other control
// characters as \u00XX, U+2028 and U+2029 as \u2028 and \u2029, and each
// byte of invalid UTF-8 as \ufffd. Everything else is written as it is.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// AppendJSONFloat appends f, a float64 or (bits 32) a float32, as
// encoding/json writes numbers: the shortest decimal that reads back as
// the same value, in exponent form only below 1e-6 or from 1e21 on, with
// a one-digit exponent where one suffices (1e-7, not 1e-07). NaN and the
// infinities are an error, a *json.UnsupportedValueError, as encoding/json
// reports them.
func AppendJSONFloat(dst []byte, f float64, bits int) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		var v reflect.Value
		if bits == 32 {
			v = reflect.ValueOf(float32(f))
		} else {
			v = reflect.ValueOf(f)
		}
		return dst, &json.UnsupportedValueError{Value: v, Str: strconv.FormatFloat(f, 'g', -1, bits)}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		// float32 values are compared as float32, as encoding/json does,
		// so that the cutoffs fall where its do.
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// e-07 becomes e-7.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

// AppendJSONBytes appends b as encoding/json writes a []byte: standard
// base64 with padding in a string, or null for a nil slice.
func AppendJSONBytes(dst, b []byte) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	timePointerType = reflect.TypeFor[*time.Time]()
)

// AppendJSONTime appends t as encoding/json writes a time.Time, through
// its MarshalJSON: RFC 3339 with nanoseconds in a string. A year outside
// 0..9999 or a zone offset of 24 hours or more is an error, the
// *json.MarshalerError encoding/json returns for it.
func AppendJSONTime(dst []byte, t time.Time) ([]byte, error) {
	return appendJSONTime(dst, t, timeType)
}

// AppendJSONTimePointer is AppendJSONTime for a *time.Time, whose type
// encoding/json names in its error; nil is null.
func AppendJSONTimePointer(dst []byte, t *time.Time) ([]byte, error) {
	if t == nil {
		return append(dst, "null"...), nil
	}
	return appendJSONTime(dst, *t, timePointerType)
}

func appendJSONTime(dst []byte, t time.Time, typ reflect.Type) ([]byte, error) {
	n0 := len(dst)
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	// The checks of Time.MarshalJSON, on the same text: the year has
	// exactly four digits, and the zone's hours two, below 24.
	s := dst[n0+1:]
	bad := s[4] != '-'
	if last := s[len(s)-1]; !bad && last != 'Z' {
		sign, h := s[len(s)-6], s[len(s)-5:len(s)-3]
		bad = sign >= '0' && sign <= '9' || 10*(h[0]-'0')+(h[1]-'0') >= 24
	}
	if !bad {
		return append(dst, '"'), nil
	}
	// MarshalJSON words the error.
	b, err := t.MarshalJSON()
	if err != nil {
		return dst[:n0], &json.MarshalerError{Type: typ, Err: err}
	}
	return append(dst[:n0], b...), nil
}

// SortedKeys yields the keys of m in the order encoding/json writes a
// map's entries, sorted by their bytes, each with its index in that order.
// A small map's keys are sorted on the stack, with no allocation.
func SortedKeys[V any](m map[string]V) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		var small [16]string
		keys := small[:0]
		if len(m) > len(small) {
			keys = make([]string, 0, len(m))
		}
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if !yield(i, k) {
				return
			}
		}
	}
}

// CloseJSONObject finishes an object that a generated AppendJSON method
// began at dst[start:], writing each field as ,"key":value: the first
// comma becomes the opening brace and the closing one is appended, or,
// with no field written, {} is.
func CloseJSONObject(dst []byte, start int) []byte {
	if len(dst) == start {
		return append(dst, '{', '}')
	}
	dst[start] = '{'
	return append(dst, '}')
}

// AppendJSONAny appends v, the value of an any field, as json.Marshal
// would with HTML escaping off. Common values are written here; others go
// through encoding/json.
func AppendJSONAny(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return AppendJSONString(dst, v), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case float64:
		return AppendJSONFloat(dst, v, 64)
	case JSONAppender:
		return v.AppendJSON(dst)
	}
	return bodyenc.AppendStdJSON(dst, v)
}
