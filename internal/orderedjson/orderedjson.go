// Package orderedjson writes JSON objects whose members keep the order
// they were given in, where a Go map would sort its keys: the documents
// kombugen writes for people (JSON Schemas, RabbitMQ definitions) read in
// the order of the schema they come from. Each package keeps its own
// member type, written as {key, value} literals; this package writes any
// of them.
package orderedjson

import (
	"bytes"
	"encoding/json"
)

// MarshalObject writes the members of o in order, compactly, each value
// as Marshal writes it; member says what key and value each holds. An
// empty or nil o is {}.
func MarshalObject[S ~[]M, M any](o S, member func(M) (string, any)) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, v := member(m)
		if err := write(&b, k); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := write(&b, v); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Marshal returns v as compact JSON with <, > and & as they are, which
// json.Marshal would escape: descriptions and names stay readable.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := write(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func write(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}
