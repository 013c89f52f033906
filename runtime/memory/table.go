package memory

import (
	"bytes"
	"maps"
	"math"
	"slices"

	"github.com/kombugen/kombugen/internal/amqptable"
	"github.com/kombugen/kombugen/runtime"
)

// received returns a copy of t as RabbitMQ receives it from runtime.Conn:
// integers in the width the runtime writes them (an int 5 arrives as a
// 32-bit signedint), times in whole seconds. The broker keeps headers,
// arguments and binding arguments in this form, so that it compares and
// reports them as RabbitMQ does, and consumers read them back as they
// would from RabbitMQ. A nil table stays nil: on the wire "no headers" and
// "an empty headers table" differ.
func received(t runtime.Table) runtime.Table {
	out := amqptable.ReceivedTable(t)
	for k, v := range out {
		out[k] = ownBytes(v)
	}
	return out
}

// ownBytes copies the byte slices amqptable.Received leaves shared.
func ownBytes(v any) any {
	switch v := v.(type) {
	case []byte:
		return bytes.Clone(v)
	case []any:
		for i, e := range v {
			v[i] = ownBytes(e)
		}
	case runtime.Table:
		for k, e := range v {
			v[k] = ownBytes(e)
		}
	}
	return v
}

// copyTable returns a deep copy of t, so that the broker never shares a map
// or byte slice with its caller. A nil table stays nil.
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

func sortedKeys(t runtime.Table) []string { return slices.Sorted(maps.Keys(t)) }

// integer returns v as an int64 if it is one of Go's integer types and fits.
func integer(v any) (int64, bool) {
	if n, ok := amqptable.Integer(v); ok {
		return n, true
	}
	switch v := v.(type) {
	case uint:
		return int64(v), v <= math.MaxInt64
	case uint64:
		return int64(v), v <= math.MaxInt64
	}
	return 0, false
}

// looselyEqual compares two top-level field values the way RabbitMQ's
// headers exchange does, with Erlang's == on their values, whatever their
// types: numbers by value (an integer equals a float or a timestamp of the
// same value), strings and byte slices by their bytes. Values nested in
// arrays and tables are compared with their types, as Erlang compares the
// {Type, Value} pairs there: a nested 1 (signedint) is not a nested 1.0
// (double), nor a nested int64 beyond 32 bits of the same value.
func looselyEqual(a, b any) bool {
	return erlEqual(toField(a).val, toField(b).val, false)
}

// sameTable reports whether two tables are the same Erlang term, types
// included: whether two bindings' arguments make them one binding.
func sameTable(a, b runtime.Table) bool {
	return erlEqual(toField(a), toField(b), true)
}
