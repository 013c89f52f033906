package schemadiff

import (
	"strings"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// bodyGoType returns the Go type Publish takes for a message's body.
func (c *comparer) bodyGoType(m *schema.Message) string {
	switch m.Body {
	case schema.BodyRaw:
		return c.gn.of(m) + " ([]byte)"
	case schema.BodyText:
		return c.gn.of(m) + " (string)"
	case schema.BodyGoType:
		if m.GoType != nil {
			return m.GoType.String()
		}
	}
	return c.gn.of(m) + " (struct)"
}

// paramTypes returns the Go types of a message's routing-key parameters,
// in the order Publish takes them.
func paramTypes(m *schema.Message) []string {
	out := make([]string, len(m.Params))
	for i, p := range m.Params {
		out[i] = gomodel.TypeString(p.Type)
	}
	return out
}

// paramList writes a message's parameters as Publish declares them:
// "region Region, id string".
func (c *comparer) paramList(m *schema.Message) string {
	parts := make([]string, len(m.Params))
	for i, p := range m.Params {
		parts[i] = c.gn.of(p) + " " + gomodel.TypeString(p.Type)
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
