package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// jsonMethod writes the AppendJSON method of one struct. It records
// whether the body needs the err variable, which only calls that can fail
// use.
type jsonMethod struct {
	usesErr bool
}

// genAppendJSON emits the reflection-free JSON encoder of a struct, which
// writes what encoding/json writes for it (genimpl.JSONAppender):
//
//	// AppendJSON appends m to dst as encoding/json encodes it ...
//	func (m *OrderCreated) AppendJSON(dst []byte) ([]byte, error) {
//		if m == nil {
//			return append(dst, "null"...), nil
//		}
//		var err error
//		start := len(dst)
//		dst = append(dst, `,"order_id":`...)
//		dst = genimpl.AppendJSONString(dst, m.OrderID)
//		dst = append(dst, `,"total":`...)
//		if dst, err = m.Total.AppendJSON(dst); err != nil {
//			return dst, err
//		}
//		if len(m.Tags) != 0 {
//			dst = append(dst, `,"tags":`...)
//			...
//		}
//		return genimpl.CloseJSONObject(dst, start), nil
//	}
func (g *gen) genAppendJSON(goName string, fields []*gomodel.Field) {
	w := &jsonMethod{}
	var body []jen.Code
	for _, f := range fields {
		body = append(body, w.field(f)...)
	}
	head := []jen.Code{
		jen.If(jen.Id(gomodel.Receiver).Op("==").Nil()).Block(jen.Return(jen.Append(jen.Id(gomodel.Dst), jen.Lit("null").Op("...")), jen.Nil())),
	}
	if w.usesErr {
		head = append(head, jen.Var().Err().Error())
	}
	head = append(head, jen.Id(gomodel.Start).Op(":=").Len(jen.Id(gomodel.Dst)))
	body = append(head, body...)
	body = append(body, jen.Return(jen.Qual(genimplPkg, "CloseJSONObject").Call(jen.Id(gomodel.Dst), jen.Id(gomodel.Start)), jen.Nil()))
	g.f.Comment("AppendJSON appends m to dst as encoding/json encodes it with HTML escaping")
	g.f.Comment("off, without reflection: the json serializer calls it (genimpl.JSONAppender).")
	g.f.Func().Params(jen.Id(gomodel.Receiver).Op("*").Id(goName)).Id("AppendJSON").
		Params(jen.Id(gomodel.Dst).Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(body...)
	g.f.Line()
}

// field emits one field: its key and value, under the test of omitempty
// for an optional field (a nil pointer, an empty slice, map or bytes, a
// nil any), as encoding/json reads the struct tags fieldDecl writes.
//
// The key is appended in the call that appends the value, where there is
// one: dst = genimpl.AppendJSONString(append(dst, `,"sku":`...), m.SKU).
func (w *jsonMethod) field(f *gomodel.Field) []jen.Code {
	val := func() *jen.Statement { return jen.Id(gomodel.Receiver).Dot(f.GoName) }
	key := jen.Append(jen.Id(gomodel.Dst), jsonKey(f.Name).Op("..."))
	if f.Required {
		return w.value(f.Type, val, 0, true, key)
	}
	var present jen.Code
	var write []jen.Code
	switch {
	case f.Type.Kind == schema.KindAny:
		present = val().Op("!=").Nil()
		write = w.value(f.Type, val, 0, true, key)
	case !gomodel.IsPointer(f.Field):
		// A slice, map or bytes: empty is absent, so it is not nil here.
		present = jen.Len(val()).Op("!=").Lit(0)
		write = w.value(f.Type, val, 0, false, key)
	case f.Type.Kind == schema.KindStruct:
		// Methods are called on the pointer itself.
		present = val().Op("!=").Nil()
		write = w.value(f.Type, val, 0, false, key)
	case f.Type.Kind == schema.KindTime:
		present = val().Op("!=").Nil()
		write = w.failing(jen.Qual(genimplPkg, "AppendJSONTimePointer").Call(key, val()))
	default:
		present = val().Op("!=").Nil()
		write = w.value(f.Type, func() *jen.Statement { return jen.Op("*").Add(val()) }, 0, false, key)
	}
	return []jen.Code{jen.If(present).Block(write...)}
}

// jsonKey is the text before a field's value, the name escaped as
// encoding/json escapes it, in a raw string where it reads as it is:
// `,"order_id":`.
func jsonKey(name string) *jen.Statement {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(name); err != nil {
		panic(fmt.Sprintf("generator: encoding the field name %q: %v", name, err))
	}
	text := "," + strings.TrimSuffix(buf.String(), "\n") + ":"
	if strconv.CanBackquote(text) {
		return jen.Op("`" + text + "`")
	}
	return jen.Lit(text)
}

// value emits the statements that append val, of type t, to into: dst,
// or dst with a field's key appended. depth names the loop variables of
// nested slices and maps; mayBeNil says whether a slice, map or bytes may
// be nil here, which encoding/json writes as null.
func (w *jsonMethod) value(t *schema.TypeRef, val func() *jen.Statement, depth int, mayBeNil bool, into jen.Code) []jen.Code {
	set := func(call jen.Code) []jen.Code { return []jen.Code{jen.Id(gomodel.Dst).Op("=").Add(call)} }
	dst := into
	if dst == nil {
		dst = jen.Id(gomodel.Dst)
	}
	// A loop needs the key written first.
	keyFirst := func(write []jen.Code) []jen.Code {
		if into == nil {
			return write
		}
		return append([]jen.Code{jen.Id(gomodel.Dst).Op("=").Add(into)}, write...)
	}
	switch t.Kind {
	case schema.KindString:
		return set(jen.Qual(genimplPkg, "AppendJSONString").Call(dst, val()))
	case schema.KindEnum:
		base, conv := enumBase(t, val)
		return w.value(base, conv, depth, mayBeNil, into)
	case schema.KindBool:
		return set(jen.Qual("strconv", "AppendBool").Call(dst, val()))
	case schema.KindInt, schema.KindInt32:
		return set(jen.Qual("strconv", "AppendInt").Call(dst, jen.Int64().Call(val()), jen.Lit(10)))
	case schema.KindInt64:
		return set(jen.Qual("strconv", "AppendInt").Call(dst, val(), jen.Lit(10)))
	case schema.KindUint32:
		return set(jen.Qual("strconv", "AppendUint").Call(dst, jen.Uint64().Call(val()), jen.Lit(10)))
	case schema.KindUint64:
		return set(jen.Qual("strconv", "AppendUint").Call(dst, val(), jen.Lit(10)))
	case schema.KindFloat32:
		return w.failing(jen.Qual(genimplPkg, "AppendJSONFloat").Call(dst, jen.Float64().Call(val()), jen.Lit(32)))
	case schema.KindFloat64:
		return w.failing(jen.Qual(genimplPkg, "AppendJSONFloat").Call(dst, val(), jen.Lit(64)))
	case schema.KindBytes:
		return set(jen.Qual(genimplPkg, "AppendJSONBytes").Call(dst, val()))
	case schema.KindTime:
		return w.failing(jen.Qual(genimplPkg, "AppendJSONTime").Call(dst, val()))
	case schema.KindAny:
		return w.failing(jen.Qual(genimplPkg, "AppendJSONAny").Call(dst, val()))
	case schema.KindStruct:
		return w.failing(val().Dot("AppendJSON").Call(dst))
	case schema.KindSlice:
		switch t.Elem.Kind {
		case schema.KindStruct:
			return w.failing(jen.Qual(genimplPkg, "AppendJSONList").Call(dst, val()))
		case schema.KindString, schema.KindEnum:
			return set(jen.Qual(genimplPkg, "AppendJSONStrings").Call(dst, val()))
		}
		return keyFirst(nullWhenNil(val, mayBeNil, w.slice(t, val, depth)))
	case schema.KindMap:
		switch t.Elem.Kind {
		case schema.KindStruct:
			return w.failing(jen.Qual(genimplPkg, "AppendJSONMap").Call(dst, val()))
		case schema.KindString, schema.KindEnum:
			return set(jen.Qual(genimplPkg, "AppendJSONStringMap").Call(dst, val()))
		}
		return keyFirst(nullWhenNil(val, mayBeNil, w.jsonMap(t, val, depth)))
	}
	panic(fmt.Sprintf("generator: type kind %v", t.Kind))
}

// failing emits a call that can fail:
//
//	if dst, err = genimpl.AppendJSONTime(dst, m.PlacedAt); err != nil {
//		return dst, err
//	}
func (w *jsonMethod) failing(call jen.Code) []jen.Code {
	w.usesErr = true
	return []jen.Code{jen.If(jen.List(jen.Id(gomodel.Dst), jen.Err()).Op("=").Add(call), jen.Err().Op("!=").Nil()).Block(
		jen.Return(jen.Id(gomodel.Dst), jen.Err()))}
}

// nullWhenNil emits
//
//	if m.Tags == nil {
//		dst = append(dst, "null"...)
//	} else {
//		...
//	}
//
// or only what is in the else branch when the value cannot be nil.
func nullWhenNil(val func() *jen.Statement, mayBeNil bool, write []jen.Code) []jen.Code {
	if !mayBeNil {
		return write
	}
	return []jen.Code{jen.If(val().Op("==").Nil()).Block(
		jen.Id(gomodel.Dst).Op("=").Append(jen.Id(gomodel.Dst), jen.Lit("null").Op("...")),
	).Else().Block(write...)}
}

// slice emits
//
//	dst = append(dst, '[')
//	for i, e := range m.Items {
//		if i > 0 {
//			dst = append(dst, ',')
//		}
//		...
//	}
//	dst = append(dst, ']')
func (w *jsonMethod) slice(t *schema.TypeRef, val func() *jen.Statement, depth int) []jen.Code {
	i, e := gomodel.LoopVar(gomodel.LoopIndex, depth), gomodel.LoopVar(gomodel.LoopElem, depth)
	body := []jen.Code{comma(i)}
	body = append(body, w.value(t.Elem, func() *jen.Statement { return jen.Id(e) }, depth+1, true, nil)...)
	return []jen.Code{
		appendByte('['),
		jen.For(jen.List(jen.Id(i), jen.Id(e)).Op(":=").Range().Add(val())).Block(body...),
		appendByte(']'),
	}
}

// jsonMap emits a map with its keys sorted, as encoding/json writes it:
//
//	dst = append(dst, '{')
//	for i, k := range genimpl.SortedKeys(m.Tags) {
//		if i > 0 {
//			dst = append(dst, ',')
//		}
//		dst = genimpl.AppendJSONString(dst, k)
//		dst = append(dst, ':')
//		e := m.Tags[k]
//		...
//	}
//	dst = append(dst, '}')
func (w *jsonMethod) jsonMap(t *schema.TypeRef, val func() *jen.Statement, depth int) []jen.Code {
	i, k, e := gomodel.LoopVar(gomodel.LoopIndex, depth), gomodel.LoopVar(gomodel.LoopKey, depth), gomodel.LoopVar(gomodel.LoopElem, depth)
	body := []jen.Code{
		comma(i),
		jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, "AppendJSONString").Call(jen.Id(gomodel.Dst), jen.Id(k)),
		appendByte(':'),
		jen.Id(e).Op(":=").Add(val()).Index(jen.Id(k)),
	}
	body = append(body, w.value(t.Elem, func() *jen.Statement { return jen.Id(e) }, depth+1, true, nil)...)
	return []jen.Code{
		appendByte('{'),
		jen.For(jen.List(jen.Id(i), jen.Id(k)).Op(":=").Range().Qual(genimplPkg, "SortedKeys").Call(val())).Block(body...),
		appendByte('}'),
	}
}

// comma emits the comma before every element but the first.
func comma(i string) jen.Code {
	return jen.If(jen.Id(i).Op(">").Lit(0)).Block(appendByte(','))
}

// appendByte emits dst = append(dst, '['), the byte as a rune literal.
func appendByte(b byte) jen.Code {
	return jen.Id(gomodel.Dst).Op("=").Append(jen.Id(gomodel.Dst), jen.Op(strconv.QuoteRune(rune(b))))
}
