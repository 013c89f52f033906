// Package amqptable knows what becomes of a runtime.Table's values on the
// wire: the AMQP field type runtime.Conn gives each one, and so the value
// a consumer reads back. The runtime encodes with it; the in-process
// broker (runtime/memory) holds headers and arguments as RabbitMQ would
// receive them, so that it compares and reports them as RabbitMQ does.
package amqptable

import (
	"math"
	"time"
)

// Integer returns v as an int64 when it is one of the integer types a
// Table may hold: int, int8, int16, int32, int64, uint8, uint16, uint32.
func Integer(v any) (int64, bool) {
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

// WireInteger picks the field type for an integer that kombu's py-amqp
// reads back as the same number: a signed 32-bit field when it fits (what
// py-amqp itself sends), else a 64-bit one, which py-amqp reads as
// unsigned. amqp091-go's other integer fields do not survive the trip:
// py-amqp reads its int8 and uint8 codes with the signs swapped and its
// int16 code as a string, and amqp091-go writes an int as 32 bits.
// Negative numbers below the 32-bit range cannot be sent; the runtime
// refuses them.
func WireInteger(n int64) any {
	if n >= math.MinInt32 && n <= math.MaxInt32 {
		return int32(n)
	}
	return n
}

// Received returns v as a consumer reads it after runtime.Conn sent it:
// integers in their wire width (WireInteger), times in whole seconds, and
// tables and arrays with their values likewise. Other values come back as
// they are; v itself is never changed.
func Received(v any) any {
	if n, ok := Integer(v); ok {
		return WireInteger(n)
	}
	switch v := v.(type) {
	case time.Time:
		return time.Unix(v.Unix(), 0)
	case map[string]any:
		return ReceivedTable(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = Received(e)
		}
		return out
	}
	return v
}

// ReceivedTable returns a copy of t with every value as Received returns
// it. A nil table stays nil.
func ReceivedTable(t map[string]any) map[string]any {
	if t == nil {
		return nil
	}
	out := make(map[string]any, len(t))
	for k, v := range t {
		out[k] = Received(v)
	}
	return out
}

// AMQP converts t to what runtime.Conn hands amqp091-go: integers in
// their wire width, nested tables as T, amqp091-go's amqp.Table, the only
// map type it encodes (amqptable.AMQP[amqp.Table](t): the package itself
// does not depend on amqp091-go, so that the generator, which asks it for
// wire widths, does not either). An empty table is nil.
func AMQP[T ~map[string]any](t map[string]any) T {
	if len(t) == 0 {
		return nil
	}
	if wireReady(t) {
		// The common case, on every publish: nothing to convert, and
		// amqp091-go only reads the table.
		return T(t)
	}
	out := make(T, len(t))
	for k, v := range t {
		out[k] = amqpValue[T](v)
	}
	return out
}

// wireReady reports whether every value of t goes on the wire as it is: a
// scalar of the type amqpValue would give it.
func wireReady(t map[string]any) bool {
	for _, v := range t {
		switch v := v.(type) {
		case nil, bool, string, []byte, float32, float64, int32, time.Time:
		case int64:
			if v >= math.MinInt32 && v <= math.MaxInt32 {
				return false // goes as a 32-bit field
			}
		default:
			return false
		}
	}
	return true
}

func amqpValue[T ~map[string]any](v any) any {
	if n, ok := Integer(v); ok {
		return WireInteger(n)
	}
	switch v := v.(type) {
	case map[string]any:
		return AMQP[T](v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = amqpValue[T](e)
		}
		return out
	}
	return v
}

// Plain converts a table amqp091-go received, whose nested tables are of
// its type T (amqp.Table), back to what a runtime.Table holds: nested
// tables as plain maps, in arrays too. It is never nil.
func Plain[T ~map[string]any](t T) map[string]any {
	out := make(map[string]any, len(t))
	for k, v := range t {
		out[k] = plainValue[T](v)
	}
	return out
}

func plainValue[T ~map[string]any](v any) any {
	switch v := v.(type) {
	case T:
		return Plain(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plainValue[T](e)
		}
		return out
	}
	return v
}
