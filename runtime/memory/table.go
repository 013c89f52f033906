package memory

import (
	"bytes"
	"fmt"
	"math"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// copyTable returns a deep copy of t, so that the broker never shares a map
// or byte slice with its caller. A nil table stays nil: on the wire "no
// headers" and "an empty headers table" differ.
func copyTable(t runtime.Table) runtime.Table {
	if t == nil {
		return nil
	}
	out := make(runtime.Table, len(t))
	for k, v := range t {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch v := v.(type) {
	case []byte:
		return bytes.Clone(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = copyValue(e)
		}
		return out
	case runtime.Table:
		return copyTable(v)
	}
	return v
}

// typeName returns the name RabbitMQ gives the AMQP field type that
// amqp091-go writes for v, as it appears in RabbitMQ's error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "void"
	case bool:
		return "bool"
	case int8:
		return "byte"
	case uint8:
		return "unsignedbyte"
	case int16:
		return "short"
	case uint16:
		return "unsignedshort"
	case int, int32:
		return "signedint"
	case uint32:
		return "unsignedint"
	case int64, uint, uint64:
		return "long"
	case float32:
		return "float"
	case float64:
		return "double"
	case string:
		return "longstr"
	case []byte:
		return "binary"
	case time.Time:
		return "timestamp"
	case []any:
		return "array"
	case runtime.Table:
		return "table"
	}
	return fmt.Sprintf("%T", v)
}

// typeClass groups the types RabbitMQ treats as one when it compares
// declare arguments: every integer width is "int", both float widths
// "float".
func typeClass(v any) string {
	if _, ok := integer(v); ok {
		return "int"
	}
	switch v.(type) {
	case float32, float64:
		return "float"
	}
	return typeName(v)
}

// integer returns v as an int64 if it is one of Go's integer types and fits.
func integer(v any) (int64, bool) {
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
	case uint:
		return int64(v), v <= math.MaxInt64
	case uint64:
		return int64(v), v <= math.MaxInt64
	}
	return 0, false
}

// number returns v as a float64 if it is an AMQP number. A timestamp counts
// as its seconds, which is what it is on the wire and inside RabbitMQ.
func number(v any) (float64, bool) {
	if i, ok := integer(v); ok {
		return float64(i), true
	}
	switch v := v.(type) {
	case float32:
		return float64(v), true
	case float64:
		return v, true
	case time.Time:
		return float64(v.Unix()), true
	}
	return 0, false
}

// binary returns the bytes of a string or byte slice: RabbitMQ holds both
// longstr and binary values as Erlang binaries.
func binary(v any) ([]byte, bool) {
	switch v := v.(type) {
	case string:
		return []byte(v), true
	case []byte:
		return v, true
	}
	return nil, false
}

// looselyEqual compares two top-level field values the way RabbitMQ's
// headers exchange does (Erlang's ==, ignoring the field types): numbers by
// value whatever their width, strings and byte slices by their bytes.
// Values nested in arrays and tables keep their types, as Erlang compares
// the {Type, Value} pairs there.
func looselyEqual(a, b any) bool {
	if x, ok := integer(a); ok {
		if y, ok := integer(b); ok {
			return x == y // exact, where float64 would round
		}
	}
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	if x, ok := binary(a); ok {
		y, ok := binary(b)
		return ok && bytes.Equal(x, y)
	}
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && a == y
	case []any:
		y, ok := b.([]any)
		return ok && sameArray(a, y)
	case runtime.Table:
		y, ok := b.(runtime.Table)
		return ok && sameTable(a, y)
	}
	return false
}

// strictlyEqual compares nested values: same AMQP type and equal value.
func strictlyEqual(a, b any) bool {
	return typeName(a) == typeName(b) && looselyEqual(a, b)
}

func sameArray(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strictlyEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sameTable(a, b runtime.Table) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !strictlyEqual(v, w) {
			return false
		}
	}
	return true
}

// describe formats a declare argument as RabbitMQ does in its
// "inequivalent arg" errors: "none" when absent, otherwise the value and
// its type.
func describe(v any, present bool) string {
	if !present {
		return "none"
	}
	if b, ok := v.([]byte); ok {
		return fmt.Sprintf("the value '%s' of type '%s'", b, typeName(v))
	}
	return fmt.Sprintf("the value '%v' of type '%s'", v, typeName(v))
}
