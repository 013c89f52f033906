package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/kombugen/kombugen/internal/orderedjson"
)

// JSONSchema returns a JSON Schema (draft 2020-12) of the schema file, for
// editors: with a first line such as
//
//	# yaml-language-server: $schema=../schema/kombugen.schema.json
//
// yaml-language-server (VS Code's YAML extension and others) completes,
// documents and checks a schema as it is typed. schema/kombugen.schema.json
// is its output, kept current by a test (go test ./schema -update
// rewrites it).
//
// It is made from the tables the parser reads with: the keys each mapping
// takes (keys.go's callers: topKeys, exchangeKeys, policyKeys, ...) and the
// lists of serializers, compressions, delivery modes, exchange types,
// queue types and field types, so the two cannot drift; jsonSchemaKeys
// says what each key holds, and JSONSchema fails when a key has no entry
// there or an entry no key. It checks what a file looks like: keys,
// types, enums, ranges and the shape of names and durations. What needs
// the whole file (references, Go names, routing keys) is left to Parse.
func JSONSchema() ([]byte, error) {
	defs := jsObject{}
	for _, d := range jsonSchemaDefs() {
		def, err := d.build()
		if err != nil {
			return nil, err
		}
		defs = append(defs, jsField{d.name, def})
	}
	root := jsObject{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"title", "kombugen schema"},
		{"description", "A kombugen schema (version 1): AMQP exchanges, queues, bindings, message types and publishing policies, compiled into typed Go producers. Keys beginning with x- are extensions and ignored."},
		{"$ref", "#/$defs/file"},
		{"$defs", defs},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsDef is one mapping of the schema file, as a JSON Schema object.
type jsDef struct {
	name string
	desc string
	// keys are the keys the parser takes, in its order.
	keys []string
	// spec says what each key holds.
	spec map[string]jsObject
	// nullable is set for mappings the parser reads null as empty.
	nullable bool
	// extra holds further keywords, such as required.
	extra jsObject
}

// build makes the JSON Schema object of d, checking that spec describes
// exactly d's keys.
func (d jsDef) build() (jsObject, error) {
	props := jsObject{}
	for _, k := range d.keys {
		s, ok := d.spec[k]
		if !ok {
			return nil, fmt.Errorf("schema: JSON Schema of %s: the parser takes key %q, which jsonSchemaKeys does not describe", d.name, k)
		}
		props = append(props, jsField{k, s})
	}
	for k := range d.spec {
		if !slices.Contains(d.keys, k) {
			return nil, fmt.Errorf("schema: JSON Schema of %s: jsonSchemaKeys describes key %q, which the parser does not take", d.name, k)
		}
	}
	typ := any("object")
	if d.nullable {
		typ = []string{"object", "null"}
	}
	obj := jsObject{
		{"description", d.desc},
		{"type", typ},
		{"properties", props},
		// Every mapping of keywords takes extension keys, as the parser
		// drops them before looking.
		{"patternProperties", jsObject{{extensionPattern, true}}},
		{"additionalProperties", false},
	}
	return append(obj, d.extra...), nil
}

// extensionPattern matches extension keys, which the parser ignores.
const extensionPattern = "^x-"

// jsObject is a JSON object that keeps its keys in order.
type jsObject []jsField

type jsField struct {
	key   string
	value any
}

// MarshalJSON writes the object in its own key order.
func (o jsObject) MarshalJSON() ([]byte, error) {
	return orderedjson.MarshalObject(o, func(f jsField) (string, any) { return f.key, f.value })
}
