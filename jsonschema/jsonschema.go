// Package jsonschema writes a JSON Schema (draft 2020-12) of each
// message's body, for the consumers' side: a Python consumer validates
// what it decodes with the jsonschema package, so a schema change the
// producers shipped and the consumers did not is caught where the message
// arrives.
//
//	s, err := schema.Load("orders.kombugen.yaml", schema.Options{})
//	...
//	err = jsonschema.Write(os.Stdout, s, jsonschema.OnSkip(func(sk jsonschema.Skip) {
//		fmt.Fprintln(os.Stderr, sk)
//	}))
//
// Write writes one JSON object holding a schema per message, keyed by the
// message's name; WriteMessage writes one message's schema alone. Each
// schema stands by itself, with the types it uses under $defs. A message
// is described as its policy's serializer sends it, or as the one the
// Serializer option names.
//
// # What a schema says
//
// A schema describes the body as a consumer's message.decode() gives it
// (docs/schema.md, On the wire), under the message's serializer. For json
// every value is JSON: bytes are a base64 string (contentEncoding base64),
// times an RFC 3339 string (format date-time). Under yaml bytes are a list
// of integers from 0 to 255, and under yaml and msgpack a time is a
// datetime or msgpack.Timestamp and msgpack bytes are bytes, which are no
// JSON types: the schema leaves their type open and says so in a
// description. A text message's body is a string. Raw messages (bytes) and
// go_type messages (a Go type the schema does not describe) have no
// schema; Write reports each through OnSkip.
//
// Fields: a required field is in required and, as kombugen's Validate
// checks, not empty (a required string, bytes, list or map has at least
// one element; a required time is not Go's zero time). An optional field
// that is not set is left out, never null. enum, pattern, min_length,
// max_length, minimum and maximum become enum, pattern, minLength,
// maxLength (for bytes in base64, the lengths of the base64 string that
// many bytes take), minItems and maxItems (lists), minProperties and
// maxProperties (maps), minimum and maximum; integer types carry their
// range. Other keys are allowed (no additionalProperties), so a consumer
// with an older schema still takes a message with a field added since.
package jsonschema

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/kombugen/kombugen/internal/orderedjson"
	"github.com/kombugen/kombugen/schema"
)

// Draft is the JSON Schema dialect of every schema Write writes.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Skip is a message Write writes no schema for, and why.
type Skip struct {
	Pos     schema.Pos
	Message string
	// Reason follows "message %q has no JSON Schema: ".
	Reason string
}

// String returns "FILE:LINE:COL: message "Name" has no JSON Schema: reason".
func (s Skip) String() string {
	return fmt.Sprintf("%s: message %q has no JSON Schema: %s", s.Pos, s.Message, s.Reason)
}

// Option tunes Write.
type Option func(*options)

type options struct {
	onSkip     func(Skip)
	serializer string
}

// OnSkip calls fn for each message Write leaves out, in file order.
func OnSkip(fn func(Skip)) Option {
	return func(o *options) { o.onSkip = fn }
}

// Serializer describes every message with fields as the serializer name
// (json, yaml or msgpack) sends it, whatever its policy says: for
// producers that choose the serializer when they publish
// (runtime.WithSerializer).
func Serializer(name string) Option {
	return func(o *options) { o.serializer = name }
}

// newOptions applies opts, checking them.
func newOptions(opts []Option) (options, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	switch o.serializer {
	case "", "json", "yaml", "msgpack":
		return o, nil
	}
	return o, fmt.Errorf("jsonschema: serializer %q: want json, yaml or msgpack", o.serializer)
}

// ErrNoSchema is returned, wrapped, by WriteMessage for a message that has
// no JSON Schema (a raw or go_type message).
var ErrNoSchema = errors.New("no JSON Schema")

// Write writes a JSON object with the schema of each message of s, keyed by
// the message's name, in file order.
func Write(w io.Writer, s *schema.Schema, opts ...Option) error {
	o, err := newOptions(opts)
	if err != nil {
		return err
	}
	all := object{}
	for _, m := range s.Messages {
		body, reason := messageSchema(s, m, o.serializer)
		if reason != "" {
			if o.onSkip != nil {
				o.onSkip(Skip{Pos: m.Pos, Message: m.Name, Reason: reason})
			}
			continue
		}
		all = append(all, member{m.Name, body})
	}
	return encode(w, all)
}

// WriteMessage writes the schema of the message of s named name. Of the
// options, it heeds Serializer.
func WriteMessage(w io.Writer, s *schema.Schema, name string, opts ...Option) error {
	o, err := newOptions(opts)
	if err != nil {
		return err
	}
	m := s.Message(name)
	if m == nil {
		return fmt.Errorf("jsonschema: no message %q in %s", name, s.File)
	}
	body, reason := messageSchema(s, m, o.serializer)
	if reason != "" {
		return fmt.Errorf("jsonschema: message %q: %w: %s", name, ErrNoSchema, reason)
	}
	return encode(w, body)
}

// encode writes v as indented JSON, with <, > and & as they are.
func encode(w io.Writer, v any) error {
	b, err := orderedjson.Marshal(v)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// messageSchema returns the schema of m's body, or why it has none.
// serializer, when set, overrides the message's.
func messageSchema(s *schema.Schema, m *schema.Message, serializer string) (object, string) {
	head := object{{"$schema", Draft}, {"title", m.Name}}
	if m.Description != "" {
		head = append(head, member{"description", m.Description})
	}
	switch m.Body {
	case schema.BodyRaw:
		return nil, "its body is raw bytes (serializer raw)"
	case schema.BodyGoType:
		return nil, fmt.Sprintf("its body is the Go type %s, which the schema does not describe", m.GoType)
	case schema.BodyText:
		return append(head, member{"type", "string"}), ""
	}
	b := &builder{s: s, serializer: cmp.Or(serializer, m.Policy.Serializer), used: make(map[string]bool)}
	body := append(head, b.fields(m.Fields)...)
	if defs := b.defs(); len(defs) > 0 {
		body = append(body, member{"$defs", defs})
	}
	return body, ""
}

// builder makes the schemas of one message, collecting the types they use.
type builder struct {
	s          *schema.Schema
	serializer string
	used       map[string]bool
	order      []string
}

// fields returns the members of an object schema with fields.
func (b *builder) fields(fields []*schema.Field) object {
	props := object{}
	var required []string
	for _, f := range fields {
		props = append(props, member{f.Name, b.field(f)})
		if f.Required {
			required = append(required, f.Name)
		}
	}
	out := object{{"type", "object"}, {"properties", props}}
	if len(required) > 0 {
		out = append(out, member{"required", required})
	}
	return out
}

// field returns the schema of one field's value.
func (b *builder) field(f *schema.Field) object {
	v := b.typ(f.Type)
	if f.Description != "" {
		v = append(object{{"description", f.Description}}, v...)
	}
	if f.Pattern != "" {
		v = append(v, member{"pattern", f.Pattern})
	}
	minLen, maxLen := f.MinLength, f.MaxLength
	if f.Required && (minLen == nil || *minLen < 1) && nonEmpty(f.Type.Kind) {
		one := 1
		minLen = &one
	}
	v = append(v, b.lengths(f.Type.Kind, minLen, maxLen)...)
	if f.Minimum != nil {
		v = setMember(v, "minimum", number(f.Type.Kind, f.Minimum))
	}
	if f.Maximum != nil {
		v = setMember(v, "maximum", number(f.Type.Kind, f.Maximum))
	}
	if f.Required && f.Type.Kind == schema.KindTime && b.serializer == "json" {
		// Validate refuses Go's zero time, which encodes so.
		v = append(v, member{"not", object{{"const", "0001-01-01T00:00:00Z"}}})
	}
	return v
}

// nonEmpty reports whether a required value of kind k must not be empty.
func nonEmpty(k schema.Kind) bool {
	switch k {
	case schema.KindString, schema.KindBytes, schema.KindSlice, schema.KindMap:
		return true
	}
	return false
}

// lengths returns the keywords bounding a value's length.
func (b *builder) lengths(k schema.Kind, minLen, maxLen *int) object {
	var lo, hi string
	conv := func(n int) int { return n }
	switch k {
	case schema.KindString:
		lo, hi = "minLength", "maxLength"
	case schema.KindSlice:
		lo, hi = "minItems", "maxItems"
	case schema.KindMap:
		lo, hi = "minProperties", "maxProperties"
	case schema.KindBytes:
		switch b.serializer {
		case "json":
			lo, hi = "minLength", "maxLength"
			conv = func(n int) int { return 4 * ((n + 2) / 3) } // padded base64
		case "yaml":
			lo, hi = "minItems", "maxItems"
		default:
			return nil // bytes, no JSON type to bound
		}
	default:
		return nil
	}
	var out object
	if minLen != nil {
		out = append(out, member{lo, conv(*minLen)})
	}
	if maxLen != nil {
		out = append(out, member{hi, conv(*maxLen)})
	}
	return out
}

// number returns a bound as JSON writes it: an integer for integer kinds.
func number(k schema.Kind, n *schema.Number) any {
	if k.IsInteger() {
		return n.Int
	}
	return n.Float
}

// intRanges are the values each integer kind holds.
var intRanges = map[schema.Kind][2]any{
	schema.KindInt:    {int64(math.MinInt64), int64(math.MaxInt64)},
	schema.KindInt32:  {int64(math.MinInt32), int64(math.MaxInt32)},
	schema.KindInt64:  {int64(math.MinInt64), int64(math.MaxInt64)},
	schema.KindUint32: {0, uint64(math.MaxUint32)},
	schema.KindUint64: {0, uint64(math.MaxUint64)},
}

// typ returns the schema of a value of type t.
func (b *builder) typ(t *schema.TypeRef) object {
	switch t.Kind {
	case schema.KindString:
		return object{{"type", "string"}}
	case schema.KindBool:
		return object{{"type", "boolean"}}
	case schema.KindFloat32, schema.KindFloat64:
		return object{{"type", "number"}}
	case schema.KindAny:
		return object{}
	case schema.KindBytes:
		switch b.serializer {
		case "json":
			return object{{"type", "string"}, {"contentEncoding", "base64"}}
		case "yaml":
			return object{{"type", "array"}, {"items", object{{"type", "integer"}, {"minimum", 0}, {"maximum", 255}}}}
		}
		return object{{"description", "bytes (a Python bytes value: no JSON type)"}}
	case schema.KindTime:
		switch b.serializer {
		case "json":
			return object{{"type", "string"}, {"format", "date-time"}}
		case "yaml":
			return object{{"description", "a time (a Python datetime.datetime: no JSON type)"}}
		}
		return object{{"description", "a time (a msgpack.Timestamp: no JSON type)"}}
	case schema.KindSlice:
		return object{{"type", "array"}, {"items", b.typ(t.Elem)}}
	case schema.KindMap:
		return object{{"type", "object"}, {"additionalProperties", b.typ(t.Elem)}}
	case schema.KindEnum, schema.KindStruct:
		b.use(t.Name)
		return object{{"$ref", "#/$defs/" + t.Name}}
	}
	if r, ok := intRanges[t.Kind]; ok {
		return object{{"type", "integer"}, {"minimum", r[0]}, {"maximum", r[1]}}
	}
	panic(fmt.Sprintf("jsonschema: no schema for type %s", t))
}

// use records that the schema refers to the type named name, and to the
// types it uses in turn.
func (b *builder) use(name string) {
	if b.used[name] {
		return
	}
	b.used[name] = true
	b.order = append(b.order, name)
	if t := b.s.Type(name); t != nil && t.Kind == schema.KindStruct {
		b.fields(t.Fields) // to find the types its fields use
	}
}

// defs returns the definitions of the types used, in the schema's order.
func (b *builder) defs() object {
	var defs object
	for _, t := range b.s.Types {
		if !b.used[t.Name] {
			continue
		}
		var def object
		if t.Description != "" {
			def = append(def, member{"description", t.Description})
		}
		if t.Kind == schema.KindEnum {
			def = append(def, enumDef(t)...)
		} else {
			def = append(def, b.fields(t.Fields)...)
		}
		defs = append(defs, member{t.Name, def})
	}
	return defs
}

// enumDef returns the members of an enum's schema: its values, strings or
// integers.
func enumDef(t *schema.Type) object {
	if t.Base == schema.KindString {
		values := make([]string, len(t.Values))
		for i, v := range t.Values {
			values[i] = v.Value
		}
		return object{{"type", "string"}, {"enum", values}}
	}
	values := make([]int64, len(t.Values))
	for i, v := range t.Values {
		values[i] = v.Int
	}
	return object{{"type", "integer"}, {"enum", values}}
}

// object is a JSON object whose members keep their order.
type object []member

type member struct {
	key   string
	value any
}

// setMember sets key in o, replacing a member of that key.
func setMember(o object, key string, v any) object {
	if i := slices.IndexFunc(o, func(m member) bool { return m.key == key }); i >= 0 {
		o[i].value = v
		return o
	}
	return append(o, member{key, v})
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	return orderedjson.MarshalObject(o, func(m member) (string, any) { return m.key, m.value })
}
