package schemadiff

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// valueEqual reports whether two AMQP table values are the same on the
// wire. Positions inside nested tables do not count, and neither does key
// order: an AMQP table is a map.
func valueEqual(a, b any) bool {
	switch a := a.(type) {
	case schema.Table:
		b, ok := b.(schema.Table)
		return ok && tableEqual(a, b)
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, valueEqual)
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	case string, bool, int64, float64, nil:
		// The broker tells integers from floats (100 is not 100.0 when it
		// compares arguments), so the Go types must match too.
		return a == b
	}
	return false
}

// tableEqual reports whether two tables hold the same keys and values.
func tableEqual(a, b schema.Table) bool {
	if len(a) != len(b) {
		return false
	}
	for _, e := range a {
		v, ok := b.Get(e.Key)
		if !ok || !valueEqual(e.Value, v) {
			return false
		}
	}
	return true
}

// entry returns the entry of t under key.
func entry(t schema.Table, key string) (schema.TableEntry, bool) {
	for _, e := range t {
		if e.Key == key {
			return e, true
		}
	}
	return schema.TableEntry{}, false
}

// tableKeys returns the keys of the tables, old's order first, then keys
// only new has.
func tableKeys(old, new schema.Table) []string {
	var keys []string
	for _, t := range []schema.Table{old, new} {
		for _, e := range t {
			if !slices.Contains(keys, e.Key) {
				keys = append(keys, e.Key)
			}
		}
	}
	return keys
}

// formatValue writes a table value as a schema would: strings quoted,
// tables in braces with their keys sorted, so the text is stable.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case []byte:
		return "!!binary " + base64.StdEncoding.EncodeToString(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatValue(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case schema.Table:
		return formatTable(v)
	}
	return fmt.Sprint(v)
}

// formatTable writes a table as {key: value, ...}, keys sorted.
func formatTable(t schema.Table) string {
	parts := make([]string, len(t))
	for i, e := range t {
		parts[i] = strconv.Quote(e.Key) + ": " + formatValue(e.Value)
	}
	slices.Sort(parts)
	return "{" + strings.Join(parts, ", ") + "}"
}

// quoteList writes names quoted and comma-separated: "a", "b".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// plural returns word, with an s when n is not 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// verb returns the form of a verb that agrees with n things.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pronoun refers back to n things.
func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// onOff writes a boolean attribute as a schema would.
func onOff(b bool) string { return strconv.FormatBool(b) }
