package generator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// genType emits an enum or a struct of the types section.
func (g *gen) genType(t *gomodel.Type) {
	if t.Kind == schema.KindEnum {
		g.genEnum(t)
		return
	}
	g.genStruct(t.GoName, fmt.Sprintf("%s is the type %q.", t.GoName, t.Name), t.Description, t.Fields, t.Encoders, t.Recursive)
}

// genEnum emits
//
//	type Region string
//
//	const (
//		RegionEU Region = "EU"
//	)
//
//	func (v Region) Valid() bool { ... }
//
// An integer enum is of its integer type (int64 for the types section's,
// the field's type for an enum written on a field), and is sent as a
// number.
func (g *gen) genEnum(t *gomodel.Type) {
	var values []string
	for _, v := range t.Values {
		values = append(values, v.Value)
	}
	what := fmt.Sprintf("the enum %q", t.Name)
	if t.Owner != "" {
		what = fmt.Sprintf("the enum of field %q of %q", t.Field, t.Owner)
	}
	g.f.Add(doc(fmt.Sprintf("%s is %s: one of %s.", t.GoName, what, strings.Join(values, ", ")), t.Description)).
		Type().Id(t.GoName).Add(scalarType(t.Base))
	g.f.Line()
	g.f.Comment(fmt.Sprintf("The values of %s.", t.GoName))
	var defs, cases []jen.Code
	for _, v := range t.Values {
		var lit jen.Code = jen.Lit(v.Value)
		if t.Base != schema.KindString {
			lit = jen.Op(strconv.FormatInt(v.Int, 10)) // an untyped constant
		}
		defs = append(defs, jen.Id(v.GoName).Id(t.GoName).Op("=").Add(lit))
		cases = append(cases, jen.Id(v.GoName))
	}
	g.f.Const().Defs(defs...)
	g.f.Line()
	g.f.Comment(fmt.Sprintf("Valid reports whether v is one of the values of %s.", t.GoName))
	g.f.Func().Params(jen.Id(gomodel.EnumReceiver).Id(t.GoName)).Id("Valid").Params().Bool().Block(
		jen.Switch(jen.Id(gomodel.EnumReceiver)).Block(jen.Case(cases...).Block(jen.Return(jen.True()))),
		jen.Return(jen.False()),
	)
	g.f.Line()
}

// genStruct emits a struct with its fields, its Validate method and the
// encoders of the serializers that publish it; recursive says it may hold
// itself.
func (g *gen) genStruct(goName, first, description string, fields []*gomodel.Field, e gomodel.Encoders, recursive bool) {
	var decls []jen.Code
	for _, f := range fields {
		decls = append(decls, g.fieldDecl(f))
	}
	g.f.Add(doc(first, description)).Type().Id(goName).Struct(decls...)
	g.f.Line()
	g.genValidate(goName, fields, recursive, "Publish")
	if e.JSON {
		g.genAppendJSON(goName, fields)
	}
	if e.Msgpack {
		g.genAppendMsgpack(goName, fields)
	}
}

// fieldTag is the value of a field's json, yaml and msgpack tags.
func fieldTag(f *gomodel.Field) string {
	if f.Required {
		return f.Name
	}
	return f.Name + ",omitempty"
}

// fieldDecl emits a struct field with its comment and tags.
func (g *gen) fieldDecl(f *gomodel.Field) jen.Code {
	tag := fieldTag(f)
	s := jen.Null()
	for _, l := range commentLines(f.Description) {
		for _, w := range wrap(l) {
			s.Comment(commentText(w)).Line()
		}
	}
	return s.Id(f.GoName).Add(g.fieldType(f)).Tag(map[string]string{"json": tag, "yaml": tag, "msgpack": msgpackTag(f)})
}

// msgpackTag is the value of a field's msgpack tag: vmihailenco/msgpack
// takes a colon in it for the start of an option, unless the name is
// quoted, so such a name is.
func msgpackTag(f *gomodel.Field) string {
	if !strings.Contains(f.Name, ":") {
		return fieldTag(f)
	}
	name := "'" + f.Name + "'"
	if f.Required {
		return name
	}
	return name + ",omitempty"
}

// fieldType is the Go type of a field, a pointer where gomodel.IsPointer
// says so.
func (g *gen) fieldType(f *gomodel.Field) *jen.Statement {
	if gomodel.IsPointer(f.Field) {
		return jen.Op("*").Add(g.goType(f.Type))
	}
	return g.goType(f.Type)
}

// enumBase returns the type of an enum's values and val converted to it,
// for the encoders, which write an enum as its base type: a string, or a
// number.
func enumBase(t *schema.TypeRef, val func() *jen.Statement) (*schema.TypeRef, func() *jen.Statement) {
	base := &schema.TypeRef{Kind: t.Base}
	return base, func() *jen.Statement { return scalarType(t.Base).Call(val()) }
}

// goType is the Go type of a schema type.
func (g *gen) goType(t *schema.TypeRef) *jen.Statement {
	switch t.Kind {
	case schema.KindEnum, schema.KindStruct:
		return jen.Id(g.model.Type(t.Name).GoName)
	case schema.KindSlice:
		return jen.Index().Add(g.goType(t.Elem))
	case schema.KindMap:
		return jen.Map(jen.String()).Add(g.goType(t.Elem))
	}
	return scalarType(t.Kind)
}

// scalarType is the Go type of a built-in type.
func scalarType(k schema.Kind) *jen.Statement {
	switch k {
	case schema.KindString:
		return jen.String()
	case schema.KindBool:
		return jen.Bool()
	case schema.KindInt:
		return jen.Int()
	case schema.KindInt32:
		return jen.Int32()
	case schema.KindInt64:
		return jen.Int64()
	case schema.KindUint32:
		return jen.Uint32()
	case schema.KindUint64:
		return jen.Uint64()
	case schema.KindFloat32:
		return jen.Float32()
	case schema.KindFloat64:
		return jen.Float64()
	case schema.KindBytes:
		return jen.Index().Byte()
	case schema.KindTime:
		return jen.Qual(timePkg, "Time")
	case schema.KindAny:
		return jen.Any()
	}
	panic(fmt.Sprintf("generator: type kind %v", k))
}
