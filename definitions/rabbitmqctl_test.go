package definitions_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// rabbitmqctl's JSON formatter writes a row's arguments as a list of
// [key, AMQP type, value] triples, and an AMQP array as an object of
// "type": value pairs, the same type as often as it occurs. This file
// decodes that losslessly and turns it into plain values.

// object is a JSON object with its keys in order, repeated keys kept.
type object []pair

type pair struct {
	key   string
	value any
}

// decodeOrdered decodes one JSON value: objects as object, numbers as
// json.Number.
func decodeOrdered(dec *json.Decoder) (any, error) {
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('['):
		list := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := dec.Token() // ]
		return list, err
	case json.Delim('{'):
		obj := object{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			obj = append(obj, pair{k.(string), v})
		}
		_, err := dec.Token() // }
		return obj, err
	}
	return tok, nil
}

// row is one row of a list command.
type row object

func (r row) get(key string) any {
	for _, p := range r {
		if p.key == key {
			return p.value
		}
	}
	return nil
}

func (r row) str(key string) string { s, _ := r.get(key).(string); return s }
func (r row) bool(key string) bool  { b, _ := r.get(key).(bool); return b }

// args returns the row's arguments as plain values.
func (r row) args(t *testing.T) map[string]any {
	t.Helper()
	m, err := amqpTable(r.get("arguments"))
	if err != nil {
		t.Fatalf("arguments of %v: %v", r, err)
	}
	return m
}

// amqpTable converts a list of [key, type, value] triples.
func amqpTable(v any) (map[string]any, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list of triples, got %T", v)
	}
	m := make(map[string]any)
	for _, item := range list {
		triple, ok := item.([]any)
		if !ok || len(triple) != 3 {
			return nil, fmt.Errorf("want a [key, type, value] triple, got %v", item)
		}
		key, _ := triple[0].(string)
		typ, _ := triple[1].(string)
		val, err := amqpValue(typ, triple[2])
		if err != nil {
			return nil, fmt.Errorf("%q: %w", key, err)
		}
		m[key] = val
	}
	return m, nil
}

// amqpValue converts a value of the AMQP type typ as rabbitmqctl writes it.
func amqpValue(typ string, v any) (any, error) {
	switch typ {
	case "longstr", "shortstr", "bool", "void":
		return v, nil
	case "long", "signedint", "short", "byte", "unsignedbyte", "unsignedshort", "unsignedint", "timestamp":
		return v.(json.Number).Int64()
	case "double", "float":
		return v.(json.Number).Float64()
	case "table":
		return amqpTable(v)
	case "array":
		list := []any{}
		obj, _ := v.(object) // an empty array may come as []
		for _, p := range obj {
			x, err := amqpValue(p.key, p.value)
			if err != nil {
				return nil, err
			}
			list = append(list, x)
		}
		return list, nil
	}
	return nil, fmt.Errorf("unknown AMQP type %q", typ)
}
