package definitions

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kombugen/kombugen/internal/orderedjson"
	"github.com/kombugen/kombugen/schema"
)

// table is an arguments object that keeps the schema's key order when
// written, where a Go map would sort it.
type table []field

type field struct {
	key   string
	value any // string, bool, int64, jsonFloat, []any or table
}

// jsonFloat is a float that is written so it reads back as a float.
type jsonFloat float64

// convertTable converts a schema table, recording each value the
// definitions format cannot carry in errs. ctx names the table in errors.
func convertTable(errs *schema.ErrorList, ctx string, t schema.Table) table {
	out := table{} // written as {}, never null
	for _, e := range t {
		v, err := convertValue(e.Value)
		if err != "" {
			*errs = append(*errs, &schema.Error{Pos: e.Pos, Msg: fmt.Sprintf("%s: %q: %s", ctx, e.Key, err)})
			continue
		}
		out = append(out, field{e.Key, v})
	}
	return out
}

// convertValue converts one value, or says why it cannot.
func convertValue(v any) (any, string) {
	switch v := v.(type) {
	case string, bool, int64:
		return v, ""
	case float64:
		return jsonFloat(v), ""
	case nil:
		return nil, "null cannot be imported as definitions (RabbitMQ's import fails with unhandled_type); remove it or give it a value"
	case []byte:
		return nil, "a !!binary value cannot be written as definitions, which have no byte-array type; use a string"
	case []any:
		list := make([]any, 0, len(v))
		for _, x := range v {
			c, err := convertValue(x)
			if err != "" {
				return nil, "in a list: " + err
			}
			list = append(list, c)
		}
		return list, ""
	case schema.Table:
		t := table{}
		for _, e := range v {
			c, err := convertValue(e.Value)
			if err != "" {
				return nil, fmt.Sprintf("%q: %s", e.Key, err)
			}
			t = append(t, field{e.Key, c})
		}
		return t, ""
	}
	return nil, fmt.Sprintf("a value of Go type %T cannot be written as definitions", v)
}

// MarshalJSON writes the table as an object in its own key order.
func (t table) MarshalJSON() ([]byte, error) {
	return orderedjson.MarshalObject(t, func(f field) (string, any) { return f.key, f.value })
}

// MarshalJSON writes f with a fraction or an exponent: 2.0 rather than
// 2, which RabbitMQ would read as an integer.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	s := strconv.FormatFloat(float64(f), 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return []byte(s), nil
}
