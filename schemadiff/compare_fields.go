package schemadiff

import (
	"fmt"
	"slices"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// A field is two things: on the wire, a key of the encoded body (its
// schema name); in Go, a struct field (its Go name and Go type). The two
// are compared apart, so renaming order_id to orderId breaks consumers
// but no Go code (both are OrderID), and making a string optional breaks
// Go code (string becomes *string) as well as consumers.

func (c *comparer) compareTypes() {
	pair(c.old.Types, c.new.Types, typeName, c.typeRemoved, c.typeAdded, c.typeChanged)
}

func (c *comparer) typeRemoved(t *schema.Type) {
	// Fields that used it have changed type; they say so themselves.
	if hasGoName(c.gn, c.new.Types, c.gn.of(t)) {
		return
	}
	what := "the generated type " + c.gn.of(t) + " is"
	if t.Kind == schema.KindEnum {
		what = "the generated type " + c.gn.of(t) + " and its constants are"
	}
	c.add(removedAt(fmt.Sprintf("type %q", t.Name), t.Pos), GoAPI, Breaking, "removed: %s gone", what)
}

func (c *comparer) typeAdded(t *schema.Type) {
	c.add(addedAt(fmt.Sprintf("type %q", t.Name), t.Pos), GoAPI, Compatible, "new %s type %s", t.Kind, c.gn.of(t))
}

func (c *comparer) typeChanged(o, n *schema.Type) {
	s := changedAt(fmt.Sprintf("type %q", n.Name), n.Pos, o.Pos)
	used := usedNote(c.typeUsers(n.Name))
	if o.Kind != n.Kind {
		c.add(s, Wire, Breaking, "%s -> %s: values of it encode differently%s", o.Kind, n.Kind, used)
		c.add(s, GoAPI, Breaking, "%s -> %s: the Go type %s changes shape, and code using it stops compiling", o.Kind, n.Kind, c.gn.of(n))
		return
	}
	if n.Kind == schema.KindEnum {
		c.compareEnumValues(s, o, n, used)
	} else {
		c.compareFields(s, c.gn.of(n), o.Fields, n.Fields)
	}
	c.describeChange(s, o.Description, n.Description)
}

// compareEnumValues reports the values added to and removed from an enum
// type.
func (c *comparer) compareEnumValues(s site, o, n *schema.Type, used string) {
	pair(o.Values, n.Values, enumValue,
		func(v *schema.EnumValue) {
			vs := s.sub(Removed, fmt.Sprintf("value %q", v.Value), schema.Pos{}, v.Pos)
			c.add(vs, Wire, Breaking, "removed: messages already queued, or sent by other producers, may still carry %q, and consumers updated to this schema reject it%s", v.Value, used)
			if !hasGoName(c.gn, n.Values, c.gn.of(v)) {
				c.add(vs, GoAPI, Breaking, "removed: the constant %s is gone", c.gn.of(v))
			}
		},
		func(v *schema.EnumValue) {
			c.add(s.sub(Added, fmt.Sprintf("value %q", v.Value), v.Pos, schema.Pos{}), Wire, Warning,
				"new value (constant %s): consumers that know only %s may reject %q%s", c.gn.of(v), quoteList(values(o)), v.Value, used)
		},
		func(_, _ *schema.EnumValue) {})
}

// values returns the values of an enum type.
func values(t *schema.Type) []string {
	out := make([]string, len(t.Values))
	for i, v := range t.Values {
		out[i] = v.Value
	}
	return out
}

// usedNote says which messages use a type, for changes to it.
func usedNote(users []string) string {
	if len(users) == 0 {
		return " (no message uses it)"
	}
	return "; used by " + plural(len(users), "message") + " " + quoteList(users)
}

// typeUsers returns the messages of the new schema whose body or routing
// key uses the type name, directly or through other types.
func (c *comparer) typeUsers(name string) []string {
	var out []string
	for _, m := range c.new.Messages {
		uses := slices.ContainsFunc(m.Params, func(p *schema.Param) bool { return refersTo(c.new, p.Type, name, map[string]bool{}) })
		seen := map[string]bool{}
		uses = uses || slices.ContainsFunc(m.Fields, func(f *schema.Field) bool { return refersTo(c.new, f.Type, name, seen) })
		if uses {
			out = append(out, m.Name)
		}
	}
	return out
}

// refersTo reports whether t is or contains the type name.
func refersTo(s *schema.Schema, t *schema.TypeRef, name string, seen map[string]bool) bool {
	switch {
	case t == nil:
		return false
	case t.Elem != nil:
		return refersTo(s, t.Elem, name, seen)
	case t.Name == name:
		return true
	case t.Kind != schema.KindStruct || seen[t.Name]:
		return false
	}
	seen[t.Name] = true
	decl := s.Type(t.Name)
	return decl != nil && slices.ContainsFunc(decl.Fields, func(f *schema.Field) bool { return refersTo(s, f.Type, name, seen) })
}

// compareFields compares the fields of a message or struct type at s,
// whose Go struct is goStruct.
func (c *comparer) compareFields(s site, goStruct string, old, new []*schema.Field) {
	pair(old, new, fieldName,
		func(f *schema.Field) { c.fieldRemoved(s, f) },
		func(f *schema.Field) { c.fieldAdded(s, goStruct, f, old) },
		func(o, n *schema.Field) { c.fieldChanged(s, o, n) })
	pair(old, new, func(f *schema.Field) string { return c.gn.of(f) },
		func(f *schema.Field) {
			c.add(s.sub(Removed, fmt.Sprintf("field %q", f.Name), schema.Pos{}, f.Pos), GoAPI, Breaking,
				"removed: the Go field %s.%s is gone, and code setting or reading it stops compiling", goStruct, c.gn.of(f))
		},
		func(*schema.Field) {},
		func(o, n *schema.Field) {
			if ot, nt := gomodel.FieldTypeString(o), gomodel.FieldTypeString(n); ot != nt {
				c.add(s.sub(Changed, fmt.Sprintf("field %q", n.Name), n.Pos, o.Pos), GoAPI, Breaking,
					"Go type of %s.%s %s -> %s: code setting or reading it stops compiling", goStruct, c.gn.of(n), ot, nt)
			}
		})
}

func (c *comparer) fieldRemoved(s site, f *schema.Field) {
	fs := s.sub(Removed, fmt.Sprintf("field %q", f.Name), schema.Pos{}, f.Pos)
	if f.Required {
		c.add(fs, Wire, Breaking, "removed: it was required, and consumers reading key %q get nothing", f.Name)
		return
	}
	c.add(fs, Wire, Warning, "removed: it was optional, so consumers already cope without key %q, but they never get it again", f.Name)
}

// fieldAdded reports a key new on the wire. When an old field had its Go
// name, callers set it already: only the key changed.
func (c *comparer) fieldAdded(s site, goStruct string, f *schema.Field, old []*schema.Field) {
	fs := s.sub(Added, fmt.Sprintf("field %q", f.Name), f.Pos, schema.Pos{})
	goField := goStruct + "." + c.gn.of(f) + " " + gomodel.FieldTypeString(f)
	i := slices.IndexFunc(old, func(o *schema.Field) bool { return c.gn.of(o) == c.gn.of(f) })
	switch {
	case i >= 0:
		c.add(fs, Wire, Compatible, "new key %q, from the Go field %s that wrote key %q before: consumers that do not know it ignore it", f.Name, goField, old[i].Name)
	case !f.Required:
		c.add(fs, Wire, Compatible, "new optional field %s: consumers that do not know key %q ignore it", goField, f.Name)
	case zeroRejected(c.new, f, map[string]bool{}):
		c.add(fs, GoAPI, Breaking, "new required field %s: code that does not set it still compiles, but Publish rejects its messages (runtime.ErrInvalidMessage) until it does", goField)
	default:
		c.add(fs, GoAPI, Warning, "new required field %s: code that does not set it still compiles and sends the zero value", goField)
	}
}

func (c *comparer) fieldChanged(s site, o, n *schema.Field) {
	fs := s.sub(Changed, fmt.Sprintf("field %q", n.Name), n.Pos, o.Pos)
	c.compareRequired(fs, o, n)
	c.compareFieldType(fs, o, n)
	c.compareConstraints(fs, o, n)
	c.describeChange(fs, o.Description, n.Description)
}

// compareRequired reports a field made required or optional. Either
// breaks consumers: a required field may be missing from messages still
// queued or from other producers, and an optional one is left out.
func (c *comparer) compareRequired(fs site, o, n *schema.Field) {
	switch {
	case !o.Required && n.Required:
		c.add(fs, Wire, Breaking, "optional -> required: messages already queued, or sent by other producers, may lack key %q, and consumers that now rely on it break", n.Name)
	case o.Required && !n.Required:
		c.add(fs, Wire, Breaking, "required -> optional: key %q is now left out when not set, and consumers that expect it break", n.Name)
	}
}

// compareFieldType reports a field whose type encodes differently.
func (c *comparer) compareFieldType(fs site, o, n *schema.Field) {
	if o.Type == nil || n.Type == nil {
		return
	}
	if changed, sev, why := c.typeChange(o.Type, n.Type); changed {
		c.add(fs, Wire, sev, "type %s -> %s: %s", o.Type, n.Type, why)
	}
}
