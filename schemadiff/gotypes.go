package schemadiff

import (
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// The Go API is compared as the generator writes it (SPEC section 4, the
// generator's types.go and producers.go): what matters to callers is the
// Go type of each field and the parameter types of each Publish method,
// not the schema's spelling of them.

// goType returns the Go type the generator writes for t.
func goType(t *schema.TypeRef) string {
	switch t.Kind {
	case schema.KindBytes:
		return "[]byte"
	case schema.KindTime:
		return "time.Time"
	case schema.KindEnum, schema.KindStruct:
		return t.GoName
	case schema.KindSlice:
		return "[]" + goType(t.Elem)
	case schema.KindMap:
		return "map[string]" + goType(t.Elem)
	}
	// The other scalars are written as Go spells them.
	return t.Kind.String()
}

// goFieldType returns the Go type of a struct field: an optional scalar,
// enum, time or struct is a pointer, so "not set" differs from the zero
// value; bytes, any, slices and maps are not.
func goFieldType(f *schema.Field) string {
	if f.Type == nil {
		return ""
	}
	if !f.Required && pointerWhenOptional(f.Type.Kind) {
		return "*" + goType(f.Type)
	}
	return goType(f.Type)
}

func pointerWhenOptional(k schema.Kind) bool {
	switch k {
	case schema.KindBytes, schema.KindAny, schema.KindSlice, schema.KindMap:
		return false
	}
	return true
}

// bodyGoType returns the Go type Publish takes for a message's body.
func bodyGoType(m *schema.Message) string {
	switch m.Body {
	case schema.BodyRaw:
		return m.GoName + " ([]byte)"
	case schema.BodyText:
		return m.GoName + " (string)"
	case schema.BodyGoType:
		if m.GoType != nil {
			return m.GoType.String()
		}
	}
	return m.GoName + " (struct)"
}

// paramTypes returns the Go types of a message's routing-key parameters,
// in the order Publish takes them.
func paramTypes(m *schema.Message) []string {
	out := make([]string, len(m.Params))
	for i, p := range m.Params {
		out[i] = goType(p.Type)
	}
	return out
}

// paramList writes a message's parameters as Publish declares them:
// "region Region, id string".
func paramList(m *schema.Message) string {
	parts := make([]string, len(m.Params))
	for i, p := range m.Params {
		parts[i] = p.VarName + " " + goType(p.Type)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// zeroRejected reports whether Validate rejects the zero value of a
// required field, so that code not setting it fails at Publish: required
// strings, bytes, slices, maps, times and anys must be set, enums valid,
// numbers within bounds that exclude 0, structs valid themselves.
func zeroRejected(s *schema.Schema, f *schema.Field, seen map[string]bool) bool {
	switch f.Type.Kind {
	case schema.KindString, schema.KindBytes, schema.KindSlice, schema.KindMap,
		schema.KindTime, schema.KindAny, schema.KindEnum:
		return true
	case schema.KindStruct:
		return structRejectsZero(s, f.Type.Name, seen)
	}
	if f.Type.Kind.IsNumber() {
		return f.Minimum != nil && f.Minimum.Float > 0 || f.Maximum != nil && f.Maximum.Float < 0
	}
	return false
}

// structRejectsZero reports whether the zero value of the struct type name
// fails its Validate.
func structRejectsZero(s *schema.Schema, name string, seen map[string]bool) bool {
	t := s.Type(name)
	if t == nil || seen[name] {
		return false
	}
	seen[name] = true
	for _, f := range t.Fields {
		if f.Required && f.Type != nil && zeroRejected(s, f, seen) {
			return true
		}
	}
	return false
}
