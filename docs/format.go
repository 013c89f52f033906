package docs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// value writes a header or argument value: a string, bytes or number bare,
// nil as (void), arrays and tables with their strings quoted.
func value(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return "(void)"
	}
	return nested(v)
}

// nested writes a value inside an array or table, strings quoted so that
// [1, "two"] shows which is which.
func nested(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []byte:
		return strconv.Quote(string(v))
	case nil:
		return "null"
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = nested(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case schema.Table:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = e.Key + ": " + nested(e.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// number writes a numeric bound exactly: an integer field's as an integer.
func number(n *schema.Number, k schema.Kind) string {
	if k.IsInteger() {
		return strconv.FormatInt(n.Int, 10)
	}
	return strconv.FormatFloat(n.Float, 'g', -1, 64)
}

// count writes "1 queue", "2 queues".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// sameValue compares a binding argument with a header as RabbitMQ's headers
// exchange does for the values a schema can hold: numbers by value,
// strings and bytes by their bytes, arrays and tables item by item.
func sameValue(want, got any) bool {
	if a, ok := want.(int64); ok {
		if b, ok := got.(int64); ok {
			return a == b // exact, where float64 would round
		}
	}
	if a, ok := numberValue(want); ok {
		b, ok := numberValue(got)
		return ok && a == b
	}
	if a, ok := bytesValue(want); ok {
		b, ok := bytesValue(got)
		return ok && a == b
	}
	switch a := want.(type) {
	case nil:
		return got == nil
	case bool:
		b, ok := got.(bool)
		return ok && a == b
	case []any:
		b, ok := got.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameNested(a[i], b[i]) {
				return false
			}
		}
		return true
	case schema.Table:
		b, ok := got.(schema.Table)
		if !ok || len(a) != len(b) {
			return false
		}
		for _, e := range a {
			v, ok := b.Get(e.Key)
			if !ok || !sameNested(e.Value, v) {
				return false
			}
		}
		return true
	}
	return false
}

// sameNested compares values inside arrays and tables, where RabbitMQ
// compares their types too.
func sameNested(a, b any) bool {
	return fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b) && sameValue(a, b)
}

// flat returns a table as a map for internal/routing, its values, nested
// tables included, kept as the schema holds them for sameValue.
func flat(t schema.Table) map[string]any {
	m := make(map[string]any, len(t))
	for _, e := range t {
		m[e.Key] = e.Value
	}
	return m
}

func numberValue(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

func bytesValue(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	}
	return "", false
}
