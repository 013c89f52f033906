package gomodel

import "github.com/kombugen/kombugen/schema"

// IsPointer reports whether a field's Go type is a pointer: that of an
// optional scalar, enum, time or struct, so that "not set" differs from
// the zero value (and a struct may refer to itself). Optional bytes, any,
// slices and maps are not: empty is not set.
func IsPointer(f *schema.Field) bool {
	if f.Required || f.Type == nil {
		return false
	}
	switch f.Type.Kind {
	case schema.KindBytes, schema.KindAny, schema.KindSlice, schema.KindMap:
		return false
	}
	return true
}

// TypeString returns the Go type the generated code writes for t:
// []map[string]Money.
func TypeString(t *schema.TypeRef) string {
	switch t.Kind {
	case schema.KindBytes:
		return "[]byte"
	case schema.KindTime:
		return "time.Time"
	case schema.KindEnum, schema.KindStruct:
		return GoName(t.Name)
	case schema.KindSlice:
		return "[]" + TypeString(t.Elem)
	case schema.KindMap:
		return "map[string]" + TypeString(t.Elem)
	}
	// The other scalars are written as Go spells them.
	return t.Kind.String()
}

// FieldTypeString returns the Go type of a struct field, a pointer where
// IsPointer says so, or "" when the field's type is unknown.
func FieldTypeString(f *schema.Field) string {
	switch {
	case f.Type == nil:
		return ""
	case IsPointer(f):
		return "*" + TypeString(f.Type)
	}
	return TypeString(f.Type)
}
