package schema

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

var (
	typeKeys  = []string{"enum", "fields", "description"}
	fieldKeys = []string{"type", "required", "description", "enum", "min_length", "max_length", "pattern", "minimum", "maximum"}
)

// scalarKinds are the built-in field types by their schema names.
var scalarKinds = map[string]Kind{
	"string": KindString, "bool": KindBool, "int": KindInt, "int32": KindInt32,
	"int64": KindInt64, "uint32": KindUint32, "uint64": KindUint64,
	"float32": KindFloat32, "float64": KindFloat64, "bytes": KindBytes,
	"time": KindTime, "any": KindAny,
}

// scalarNames lists scalarKinds' keys in SPEC's order, for suggestions.
var scalarNames = []string{"string", "bool", "int", "int32", "int64", "uint32", "uint64", "float32", "float64", "bytes", "time", "any"}

// rawType is an entry of the types section.
type rawType struct {
	name        string
	pos         Pos
	description string
	enum        []val[string]
	enumAt      val[bool]
	fields      []*rawField
}

// rawField is a field as written.
type rawField struct {
	name        string
	pos         Pos
	ctx         string
	typ         val[string]
	required    bool
	description string
	enum        []val[string]
	enumAt      val[bool]
	minLength   val[int64]
	maxLength   val[int64]
	pattern     val[string]
	minimum     val[*yaml.Node]
	maximum     val[*yaml.Node]
}

// typeDecl reads an entry of the types section.
func (d *decoder) typeDecl(e entry) *rawType {
	ctx := fmt.Sprintf("type %q", e.name)
	if !isTypeName(e.name) {
		d.errorf(e.pos, ctx, "want a name of letters, digits and underscores starting with a letter, so fields can refer to it")
	} else if _, ok := scalarKinds[e.name]; ok {
		d.errorf(e.pos, ctx, "%q is a built-in type; choose another name", e.name)
	}
	k := d.keywords(ctx, e.pos, e.value, typeKeys...)
	t := &rawType{name: e.name, pos: e.pos, description: k.str("description").v, enumAt: k.at("enum")}
	switch fields := k.at("fields"); {
	case t.enumAt.set && fields.set:
		d.errorf(fields.pos, ctx, "want enum or fields, not both")
	case !t.enumAt.set && !fields.set && k.ok && !k.misspelt["enum"] && !k.misspelt["fields"]:
		d.errorf(e.pos, ctx, "missing key \"enum\" or \"fields\"; want enum: [values] or fields: {name: {type: T}}")
	}
	if e, ok := k.get("enum"); ok {
		t.enum = d.enumValues(ctx, e)
		if len(t.enum) == 0 {
			d.errorf(e.pos, join(ctx, "enum"), "want at least one value")
		}
	}
	t.fields = d.fields(k)
	return t
}

// isTypeName reports whether a type can be named name: a letter, then
// letters, digits and underscores.
func isTypeName(name string) bool {
	for i, r := range name {
		if !unicode.IsLetter(r) && (i == 0 || !unicode.IsDigit(r) && r != '_') {
			return false
		}
	}
	return name != ""
}

// enumValues reads a list of enum values, each any scalar as written, and
// reports repeated ones.
func (d *decoder) enumValues(ctx string, e entry) []val[string] {
	ctx = join(ctx, "enum")
	items, _ := d.list(ctx, e.value)
	first := make(map[string]Pos)
	var out []val[string]
	for _, item := range items {
		v := d.text(ctx, item, "a value")
		if !v.set {
			continue
		}
		if p, dup := first[v.v]; dup {
			d.errorf(v.pos, ctx, "duplicate value %q (first at %s); remove one", v.v, p.lineCol())
			continue
		}
		first[v.v] = v.pos
		out = append(out, v)
	}
	return out
}

// fields reads the fields key of a type or message.
func (d *decoder) fields(k keys) []*rawField {
	return d.fieldMap(k, "fields", "field")
}

// fieldMap reads key of k, a mapping of names to fields (a message's
// fields, a task's kwargs); noun names one of them in messages.
func (d *decoder) fieldMap(k keys, key, noun string) []*rawField {
	e, ok := k.get(key)
	if !ok {
		return nil
	}
	entries, _ := d.mapping(join(k.ctx, key), e.value, mapOptions{noun: noun, names: true, owner: k.ctx})
	out := make([]*rawField, 0, len(entries))
	for _, e := range entries {
		ctx := fmt.Sprintf("%s: %s %q", k.ctx, noun, e.name)
		out = append(out, d.field(e.name, e.pos, d.keywords(ctx, e.pos, e.value, fieldKeys...)))
	}
	return out
}

// field reads one field of a type or message, or an argument of a task,
// from its keys.
func (d *decoder) field(name string, pos Pos, k keys) *rawField {
	k.require("type", "type: string, int64, time, a name from types, []T or map[string]T")
	ctx := k.ctx
	f := &rawField{
		name:        name,
		pos:         pos,
		ctx:         ctx,
		typ:         k.str("type"),
		required:    k.boolean("required").v,
		description: k.str("description").v,
		enumAt:      k.at("enum"),
		minLength:   k.integer("min_length", 0, math.MaxInt32),
		maxLength:   k.integer("max_length", 0, math.MaxInt32),
		pattern:     d.pattern(k),
		minimum:     d.number(k, "minimum"),
		maximum:     d.number(k, "maximum"),
	}
	if e, ok := k.get("enum"); ok {
		f.enum = d.enumValues(ctx, e)
	}
	if f.minLength.set && f.maxLength.set && f.minLength.v > f.maxLength.v {
		d.errorf(f.minLength.pos, ctx, "min_length %d is greater than max_length %d, so no value fits; lower min_length or raise max_length", f.minLength.v, f.maxLength.v)
	}
	return f
}

// pattern reads an RE2 regular expression.
func (d *decoder) pattern(k keys) val[string] {
	v := k.str("pattern")
	if !v.set {
		return v
	}
	if _, err := regexp.Compile(v.v); err != nil {
		msg := err.Error()
		var serr *syntax.Error
		if errors.As(err, &serr) {
			msg = serr.Code.String()
		}
		d.errorf(v.pos, join(k.ctx, "pattern"), "invalid RE2 expression %q: %s; want a regular expression Go's regexp takes", v.v, msg)
		v.set = false
	}
	return v
}

// number reads a numeric bound, to be checked against the field's type.
func (d *decoder) number(k keys, key string) val[*yaml.Node] {
	e, ok := k.get(key)
	if !ok {
		return val[*yaml.Node]{}
	}
	ctx := join(k.ctx, key)
	n, ok := d.scalar(ctx, e.value, "a number")
	if !ok {
		return val[*yaml.Node]{}
	}
	if _, err := parseFloat(n); err != nil {
		d.errorf(d.pos(n), ctx, "want a number, got %s", describe(n))
		return val[*yaml.Node]{}
	}
	return val[*yaml.Node]{v: n, pos: d.pos(n), set: true}
}

// typeExpr resolves a type as written in a field or parameter: a scalar, a
// name from types, []T or map[string]T. It returns nil after reporting a
// problem.
func (r *resolver) typeExpr(ctx string, v val[string]) *TypeRef {
	return r.typeString(join(ctx, "type"), v.v, v.pos)
}

// typeString resolves s, the whole of a type expression or the element
// type of one.
func (r *resolver) typeString(ctx, s string, pos Pos) *TypeRef {
	switch {
	case strings.HasPrefix(s, "[]"):
		return wrap(KindSlice, r.typeString(ctx, s[len("[]"):], pos))
	case strings.HasPrefix(s, "map["):
		key, elem, ok := strings.Cut(s[len("map["):], "]")
		if !ok {
			r.errorf(pos, ctx, "malformed type %q; want map[string]T", s)
			return nil
		}
		if key != "string" {
			r.errorf(pos, ctx, "map keys must be string, got %q; want map[string]%s", key, elem)
			return nil
		}
		return wrap(KindMap, r.typeString(ctx, elem, pos))
	}
	if k, ok := scalarKinds[s]; ok {
		return &TypeRef{Kind: k}
	}
	if t, ok := r.types[s]; ok {
		ref := &TypeRef{Kind: KindStruct, Name: s}
		if t.enumAt.set {
			ref.Kind = KindEnum
		}
		return ref
	}
	r.unknownType(ctx, pos, s)
	return nil
}

func wrap(k Kind, elem *TypeRef) *TypeRef {
	if elem == nil {
		return nil
	}
	return &TypeRef{Kind: k, Elem: elem}
}

// unknownType reports a type name that is neither built in nor declared.
func (r *resolver) unknownType(ctx string, pos Pos, name string) {
	switch {
	case name == "":
		r.errorf(pos, ctx, "want a type, got \"\"")
	case r.messages[name] != nil:
		r.errorf(pos, ctx, "%q is a message; a field's type must be built in or from types", name)
	default:
		names := append(slices.Clone(scalarNames), r.typeNames...)
		r.errorf(pos, ctx, "unknown type %q%s", name, unknownHint(name, names, ""))
	}
}

// fieldList resolves the fields of a message or struct.
func (r *resolver) fieldList(raws []*rawField) []*Field {
	var fields []*Field
	for _, rf := range raws {
		fields = append(fields, r.field(rf))
	}
	return fields
}

// field resolves one field: its Go name, type and constraints.
func (r *resolver) field(rf *rawField) *Field {
	f := &Field{
		Name:        rf.name,
		Pos:         rf.pos,
		Description: rf.description,
		Required:    rf.required,
		Pattern:     rf.pattern.v,
	}
	if rf.typ.set {
		f.Type = r.typeExpr(rf.ctx, rf.typ)
	}
	for _, v := range rf.enum {
		f.Enum = append(f.Enum, v.v)
	}
	if rf.minLength.set {
		f.MinLength = ptr(int(rf.minLength.v))
	}
	if rf.maxLength.set {
		f.MaxLength = ptr(int(rf.maxLength.v))
	}
	if f.Type != nil {
		r.constraints(rf, f)
	}
	return f
}

// constraints checks that each constraint of a field fits its type, and
// reads its numeric bounds.
func (r *resolver) constraints(rf *rawField, f *Field) {
	k := f.Type.Kind
	isString := k == KindString
	hasLength := isString || k == KindBytes || k == KindSlice || k == KindMap
	checks := []struct {
		key     string
		at      val[bool]
		fits    bool
		wantFor string
	}{
		{"enum", rf.enumAt, isString, "a string"},
		{"pattern", written(rf.pattern), isString, "a string"},
		{"min_length", written(rf.minLength), hasLength, "a string, bytes, slice or map"},
		{"max_length", written(rf.maxLength), hasLength, "a string, bytes, slice or map"},
		{"minimum", written(rf.minimum), k.IsNumber(), "a number"},
		{"maximum", written(rf.maximum), k.IsNumber(), "a number"},
	}
	for _, c := range checks {
		if c.at.set && !c.fits {
			r.errorf(c.at.pos, rf.ctx, "%s does not apply to type %s; it needs %s: remove it, or change the type", c.key, f.Type, c.wantFor)
		}
	}
	if !k.IsNumber() {
		return
	}
	f.Minimum = r.bound(rf.ctx, "minimum", rf.minimum, k)
	f.Maximum = r.bound(rf.ctx, "maximum", rf.maximum, k)
	if f.Minimum != nil && f.Maximum != nil && f.Minimum.Float > f.Maximum.Float {
		r.errorf(rf.minimum.pos, rf.ctx, "minimum %s is greater than maximum %s, so no value fits; lower minimum or raise maximum", rf.minimum.v.Value, rf.maximum.v.Value)
	}
}

// written returns a val recording only whether and where v was written.
func written[T any](v val[T]) val[bool] { return val[bool]{v: v.set, pos: v.pos, set: v.set} }

// intRanges are the values each integer kind holds. uint64 is capped at the
// largest int64, as Number holds an int64.
var intRanges = map[Kind][2]int64{
	KindInt:    {math.MinInt64, math.MaxInt64},
	KindInt32:  {math.MinInt32, math.MaxInt32},
	KindInt64:  {math.MinInt64, math.MaxInt64},
	KindUint32: {0, math.MaxUint32},
	KindUint64: {0, math.MaxInt64},
}

// bound reads a minimum or maximum for a field of kind k: an integer within
// the kind's range for integers, a finite number within range for floats.
func (r *resolver) bound(ctx, key string, v val[*yaml.Node], k Kind) *Number {
	if !v.set {
		return nil
	}
	ctx = join(ctx, key)
	if k.IsInteger() {
		rng := intRanges[k]
		i, err := parseInt(v.v)
		if err != nil || i < rng[0] || i > rng[1] {
			r.errorf(v.pos, ctx, "want an integer from %d to %d for type %s, got %s", rng[0], rng[1], k, describe(v.v))
			return nil
		}
		return &Number{Int: i, Float: float64(i)}
	}
	f, _ := parseFloat(v.v)
	if k == KindFloat32 && math.Abs(f) > math.MaxFloat32 {
		r.errorf(v.pos, ctx, "%s is out of range for type float32", v.v.Value)
		return nil
	}
	return &Number{Float: f}
}

// resolveTypes resolves the types section.
func (r *resolver) resolveTypes() []*Type {
	var types []*Type
	for _, rt := range r.f.types {
		t := &Type{
			Name:        rt.name,
			Pos:         rt.pos,
			Description: rt.description,
			Kind:        KindStruct,
		}
		if rt.enumAt.set {
			t.Kind = KindEnum
			for _, v := range rt.enum {
				t.Values = append(t.Values, &EnumValue{Value: v.v, Pos: v.pos})
			}
		} else {
			t.Fields = r.fieldList(rt.fields)
		}
		types = append(types, t)
	}
	return types
}

func ptr[T any](v T) *T { return &v }
