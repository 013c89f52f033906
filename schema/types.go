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
	enum        []*rawEnumValue
	enumAt      val[bool]
	fields      []*rawField
}

// rawEnumValue is an enum value as written: a scalar, or a mapping of
// value and go_name.
type rawEnumValue struct {
	// text is the value as written; isInt says it is a YAML integer, int.
	text   val[string]
	isInt  bool
	int    int64
	goName string
}

// rawField is a field as written.
type rawField struct {
	name        string
	pos         Pos
	ctx         string
	owner       string // the message or type whose field it is
	typ         val[string]
	required    bool
	description string
	enum        []*rawEnumValue
	enumAt      val[bool]
	enumWritten int // items of enum, valid or not
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
		var written int
		t.enum, written = d.enumValues(ctx, e)
		if written == 0 {
			d.errorf(e.pos, join(ctx, "enum"), "want at least one value")
		}
	}
	t.fields = d.fields(k, e.name)
	return t
}

// isGoNamePart reports whether s can be an enum value's go_name: the end
// of an exported identifier.
func isGoNamePart(s string) bool {
	for i, r := range s {
		switch {
		case i == 0 && !unicode.IsUpper(r) && !unicode.IsDigit(r):
			return false
		case !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_':
			return false
		}
	}
	return s != ""
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

var enumValueKeys = []string{"value", "go_name"}

// enumValues reads a list of enum values, each a scalar as written or
// {value: V, go_name: NAME}, and reports repeated ones. written counts the
// items written, valid or not.
func (d *decoder) enumValues(ctx string, e entry) (values []*rawEnumValue, written int) {
	ctx = join(ctx, "enum")
	items, _ := d.list(ctx, e.value)
	first := make(map[string]Pos)
	var out []*rawEnumValue
	for _, item := range items {
		v := d.enumValue(ctx, item)
		if v == nil {
			continue
		}
		if p, dup := first[v.text.v]; dup {
			d.errorf(v.text.pos, ctx, "duplicate value %q (first at %s); remove one", v.text.v, p.lineCol())
			continue
		}
		first[v.text.v] = v.text.pos
		out = append(out, v)
	}
	return out, len(items)
}

// enumValue reads one enum value, or returns nil after reporting why not.
func (d *decoder) enumValue(ctx string, item *yaml.Node) *rawEnumValue {
	n := d.deref(item)
	v := &rawEnumValue{}
	if n != nil && n.Kind == yaml.MappingNode {
		k := d.keywords(ctx, d.pos(n), n, enumValueKeys...)
		k.require("value", "value: the value as sent, with go_name: the constant's name after the type's")
		if g := k.str("go_name"); g.set {
			if !isGoNamePart(g.v) {
				d.errorf(g.pos, join(ctx, "go_name"), "want letters, digits and underscores starting with an upper-case letter or a digit, which follow the type's name in the constant (RegionEU for EU), got %q", g.v)
			} else {
				v.goName = g.v
			}
		}
		e, ok := k.get("value")
		if !ok {
			return nil
		}
		n = d.deref(e.value)
	}
	v.text = d.text(ctx, n, "a value")
	if !v.text.set {
		return nil
	}
	if i, err := parseInt(n); err == nil {
		v.isInt, v.int = true, i
	}
	return v
}

// fields reads the fields key of the type or message named owner.
func (d *decoder) fields(k keys, owner string) []*rawField {
	return d.fieldMap(k, "fields", "field", owner)
}

// fieldMap reads key of k, a mapping of names to fields (a message's
// fields, a task's kwargs) of owner; noun names one of them in messages.
func (d *decoder) fieldMap(k keys, key, noun, owner string) []*rawField {
	e, ok := k.get(key)
	if !ok {
		return nil
	}
	entries, _ := d.mapping(join(k.ctx, key), e.value, mapOptions{noun: noun, names: true, owner: k.ctx})
	out := make([]*rawField, 0, len(entries))
	for _, e := range entries {
		ctx := fmt.Sprintf("%s: %s %q", k.ctx, noun, e.name)
		f := d.field(e.name, e.pos, d.keywords(ctx, e.pos, e.value, fieldKeys...))
		f.owner = owner
		out = append(out, f)
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
		f.enum, f.enumWritten = d.enumValues(ctx, e)
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
			ref.Kind, ref.Base = KindEnum, KindString
			if len(t.enum) > 0 && t.enum[0].isInt {
				ref.Base = KindInt64
			}
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
	if rf.minLength.set {
		f.MinLength = ptr(int(rf.minLength.v))
	}
	if rf.maxLength.set {
		f.MaxLength = ptr(int(rf.maxLength.v))
	}
	if f.Type != nil {
		r.constraints(rf, f)
	}
	if f.Type != nil && rf.enumAt.set {
		f.Type = r.inlineEnum(rf, f.Type)
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
		{"pattern", written(rf.pattern), isString, "a string"},
		{"min_length", written(rf.minLength), hasLength, "a string, bytes, slice or map"},
		{"max_length", written(rf.maxLength), hasLength, "a string, bytes, slice or map"},
		{"minimum", written(rf.minimum), k.IsNumber(), "a number"},
		{"maximum", written(rf.maximum), k.IsNumber(), "a number"},
	}
	for _, c := range checks {
		switch {
		case !c.at.set:
		case rf.enumAt.set:
			// The enum's values are all a value can be.
			r.errorf(c.at.pos, rf.ctx, "%s does not apply beside enum, whose values are all the field can hold; remove it", c.key)
		case !c.fits:
			r.errorf(c.at.pos, rf.ctx, "%s does not apply to type %s; it needs %s: remove it, or change the type", c.key, f.Type, c.wantFor)
		}
	}
	if !k.IsNumber() || rf.enumAt.set {
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
			t.Base, t.Values = r.enumOfValues(fmt.Sprintf("type %q: enum", rt.name), rt.enum)
		} else {
			t.Fields = r.fieldList(rt.fields)
		}
		types = append(types, t)
	}
	return types
}

// enumOfValues resolves the values of an enum of the types section: all
// integers make an integer enum (int64), sent as numbers; anything else a
// string enum. ctx is the enum's context.
func (r *resolver) enumOfValues(ctx string, raws []*rawEnumValue) (Kind, []*EnumValue) {
	base := KindString
	if len(raws) > 0 && raws[0].isInt {
		base = KindInt64
	}
	for _, v := range raws {
		if v.isInt != (base == KindInt64) {
			r.errorf(v.text.pos, ctx, "%q is %s, where the first value, %q, is %s; write only integers, or quote the integers to make them strings",
				v.text.v, intOrString(v.isInt), raws[0].text.v, intOrString(raws[0].isInt))
			break
		}
	}
	return base, enumValues(raws)
}

func intOrString(isInt bool) string {
	if isInt {
		return "an integer"
	}
	return "a string"
}

// enumValues returns the model's values of an enum.
func enumValues(raws []*rawEnumValue) []*EnumValue {
	values := make([]*EnumValue, 0, len(raws))
	for _, v := range raws {
		values = append(values, &EnumValue{Value: v.text.v, Int: v.int, GoName: v.goName, Pos: v.text.pos})
	}
	return values
}

// inlineEnum makes the enum type of a field with an enum of its own, t
// being the type the field declares: a string, whose values are the
// values' text, or an integer kind, whose values must be integers in its
// range. It returns nil after reporting a problem.
func (r *resolver) inlineEnum(rf *rawField, t *TypeRef) *TypeRef {
	ctx := join(rf.ctx, "enum")
	if t.Kind != KindString && !t.Kind.IsInteger() {
		r.errorf(rf.enumAt.pos, rf.ctx, "enum does not apply to type %s; it needs a string or an integer type: remove it, or change the type", t)
		return nil
	}
	if t.Kind.IsInteger() {
		rng := intRanges[t.Kind]
		for _, v := range rf.enum {
			if !v.isInt || v.int < rng[0] || v.int > rng[1] {
				r.errorf(v.text.pos, ctx, "want an integer from %d to %d for type %s, got %q", rng[0], rng[1], t.Kind, v.text.v)
				return nil
			}
		}
	}
	e := &Type{
		Name:  rf.owner + "." + rf.name,
		Pos:   rf.enumAt.pos,
		Kind:  KindEnum,
		Base:  t.Kind,
		Owner: rf.owner, Field: rf.name,
		Values: enumValues(rf.enum),
	}
	if rf.enumWritten == 0 {
		r.errorf(rf.enumAt.pos, ctx, "want at least one value")
		return nil
	}
	r.inlineEnums = append(r.inlineEnums, e)
	return &TypeRef{Kind: KindEnum, Base: t.Kind, Name: e.Name}
}

func ptr[T any](v T) *T { return &v }
