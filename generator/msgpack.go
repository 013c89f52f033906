package generator

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/dave/jennifer/jen"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// msgpackMethod writes the AppendMsgpack method of one struct. It records
// whether the body needs the err variable.
type msgpackMethod struct {
	usesErr bool
}

// genAppendMsgpack emits the reflection-free msgpack encoder of a struct,
// which writes what vmihailenco/msgpack writes for it, map entries in key
// order (runtime.MsgpackAppender). A struct is a map of its fields; when
// omitempty may leave some out, room for the header is reserved and the
// header written once the fields are counted:
//
//	// AppendMsgpack appends m to dst as vmihailenco/msgpack encodes it ...
//	func (m *OrderCreated) AppendMsgpack(dst []byte) ([]byte, error) {
//		if m == nil {
//			return runtime.AppendMsgpackNil(dst), nil
//		}
//		var err error
//		start := len(dst)
//		dst = runtime.BeginMsgpackMap(dst, 6)
//		n := 3
//		dst = append(dst, "\xa8order_id"...)
//		dst = runtime.AppendMsgpackString(dst, m.OrderID)
//		...
//		if m.Note != nil {
//			n++
//			dst = append(dst, "\xa4note"...)
//			dst = runtime.AppendMsgpackString(dst, *m.Note)
//		}
//		return runtime.EndMsgpackMap(dst, start, 6, n), nil
//	}
func (g *gen) genAppendMsgpack(goName string, fields []*gomodel.Field) {
	w := &msgpackMethod{}
	var body []jen.Code
	written, always := 0, 0
	for _, f := range fields {
		mf := msgpackFieldOf(f)
		if mf.skipped {
			continue
		}
		written++
		if !mf.omitEmpty {
			always++
		}
		body = append(body, w.field(f, mf)...)
	}
	head := []jen.Code{
		jen.If(jen.Id(gomodel.Receiver).Op("==").Nil()).Block(jen.Return(jen.Qual(runtimePkg, "AppendMsgpackNil").Call(jen.Id(gomodel.Dst)), jen.Nil())),
	}
	if w.usesErr {
		head = append(head, jen.Var().Err().Error())
	}
	end := jen.Return(jen.Id(gomodel.Dst), jen.Nil())
	if always == written {
		head = append(head, jen.Id(gomodel.Dst).Op("=").Qual(runtimePkg, "AppendMsgpackMapLen").Call(jen.Id(gomodel.Dst), jen.Lit(written)))
	} else {
		head = append(head,
			jen.Id(gomodel.Start).Op(":=").Len(jen.Id(gomodel.Dst)),
			jen.Id(gomodel.Dst).Op("=").Qual(runtimePkg, "BeginMsgpackMap").Call(jen.Id(gomodel.Dst), jen.Lit(written)),
			jen.Id(gomodel.Count).Op(":=").Lit(always),
		)
		end = jen.Return(jen.Qual(runtimePkg, "EndMsgpackMap").Call(jen.Id(gomodel.Dst), jen.Id(gomodel.Start), jen.Lit(written), jen.Id(gomodel.Count)), jen.Nil())
	}
	body = append(append(head, body...), end)
	g.f.Comment("AppendMsgpack appends m to dst as vmihailenco/msgpack encodes it, map entries")
	g.f.Comment("in key order, without reflection: the msgpack serializer calls it")
	g.f.Comment("(runtime.MsgpackAppender).")
	g.f.Func().Params(jen.Id(gomodel.Receiver).Op("*").Id(goName)).Id("AppendMsgpack").
		Params(jen.Id(gomodel.Dst).Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(body...)
	g.f.Line()
}

// msgpackField is how vmihailenco/msgpack encodes a field, as it reads the
// msgpack tag fieldDecl writes: its tag parser takes a colon for the start
// of an option and trims spaces, so that the key is the field's name only
// most of the time; and omitempty may be read where it is not meant, or
// missed.
type msgpackField struct {
	key       string // the key, encoded
	omitEmpty bool
	skipped   bool // never encoded
}

// msgpackFieldOf asks vmihailenco/msgpack how it encodes a field with the
// field's Go name and msgpack tag.
func msgpackFieldOf(f *gomodel.Field) msgpackField {
	typ := reflect.StructOf([]reflect.StructField{{
		Name: f.GoName,
		Type: reflect.TypeFor[bool](),
		Tag:  reflect.StructTag("msgpack:" + strconv.Quote(fieldTag(f))),
	}})
	v := reflect.New(typ)
	zero, err := msgpack.Marshal(v.Interface())
	if err != nil {
		panic(fmt.Sprintf("generator: msgpack encoding a field %q: %v", f.Name, err))
	}
	v.Elem().Field(0).SetBool(true)
	set, err := msgpack.Marshal(v.Interface())
	if err != nil {
		panic(fmt.Sprintf("generator: msgpack encoding a field %q: %v", f.Name, err))
	}
	// An empty map when left out, else a map of one entry: the key, then
	// true.
	if len(set) == 1 {
		return msgpackField{skipped: true}
	}
	return msgpackField{key: string(set[1 : len(set)-1]), omitEmpty: len(zero) == 1}
}

// field emits one field: its key and value, under the test of omitempty
// as vmihailenco/msgpack applies it, counting it in n when it may be left
// out.
func (w *msgpackMethod) field(f *gomodel.Field, mf msgpackField) []jen.Code {
	val := func() *jen.Statement { return jen.Id(gomodel.Receiver).Dot(f.GoName) }
	pointer := gomodel.IsPointer(f.Field)
	key := jen.Id(gomodel.Dst).Op("=").Append(jen.Id(gomodel.Dst), jen.Lit(mf.key).Op("..."))
	// Methods are called on a pointer to a struct itself, which writes nil
	// for nil; other pointers are followed.
	elem := val
	if pointer && f.Type.Kind != schema.KindStruct {
		elem = func() *jen.Statement { return jen.Op("*").Add(val()) }
	}
	switch {
	case mf.omitEmpty && f.Type.Kind == schema.KindAny:
		return w.failing(jen.List(jen.Id(gomodel.Dst), jen.Id(gomodel.Count), jen.Err()),
			jen.Qual(runtimePkg, "AppendMsgpackOmitEmptyAny").Call(jen.Id(gomodel.Dst), jen.Id(gomodel.Count), jen.Lit(mf.key), val()))
	case mf.omitEmpty && f.Type.Kind == schema.KindStruct && !pointer:
		return w.omitEmptyStruct(key, val, len(mf.key))
	case mf.omitEmpty:
		return []jen.Code{jen.If(msgpackPresent(f.Type, val, pointer)).Block(
			append([]jen.Code{jen.Id(gomodel.Count).Op("++"), key}, w.value(f.Type, elem, 0, false)...)...)}
	case pointer && f.Type.Kind != schema.KindStruct:
		return []jen.Code{key, jen.If(val().Op("==").Nil()).Block(
			jen.Id(gomodel.Dst).Op("=").Qual(runtimePkg, "AppendMsgpackNil").Call(jen.Id(gomodel.Dst)),
		).Else().Block(w.value(f.Type, elem, 0, false)...)}
	}
	return append([]jen.Code{key}, w.value(f.Type, elem, 0, true)...)
}

// msgpackPresent is the test that vmihailenco/msgpack writes a field with
// omitempty: not nil, a zero time, a zero number, false, or empty.
func msgpackPresent(t *schema.TypeRef, val func() *jen.Statement, pointer bool) jen.Code {
	switch {
	case t.Kind == schema.KindTime && pointer:
		return jen.Op("!").Qual(runtimePkg, "IsMsgpackEmptyTime").Call(val())
	case pointer:
		return val().Op("!=").Nil()
	}
	switch t.Kind {
	case schema.KindString, schema.KindEnum, schema.KindBytes, schema.KindSlice, schema.KindMap:
		return jen.Len(val()).Op("!=").Lit(0)
	case schema.KindBool:
		return val()
	case schema.KindTime:
		return jen.Op("!").Add(val()).Dot("IsZero").Call()
	}
	return val().Op("!=").Lit(0) // a number
}

// omitEmptyStruct emits a struct value with omitempty, which
// vmihailenco/msgpack leaves out when it has no field to write: the
// struct is written, then taken back if it is an empty map.
//
//	{
//		mark := len(dst)
//		dst = append(dst, "\xa5total"...)
//		if dst, err = m.Total.AppendMsgpack(dst); err != nil {
//			return dst, err
//		}
//		if len(dst) == mark+6+1 && dst[len(dst)-1] == 0x80 {
//			dst = dst[:mark]
//		} else {
//			n++
//		}
//	}
func (w *msgpackMethod) omitEmptyStruct(key jen.Code, val func() *jen.Statement, keyLen int) []jen.Code {
	out := []jen.Code{jen.Id(gomodel.Mark).Op(":=").Len(jen.Id(gomodel.Dst)), key}
	out = append(out, w.failing(jen.List(jen.Id(gomodel.Dst), jen.Err()), val().Dot("AppendMsgpack").Call(jen.Id(gomodel.Dst)))...)
	empty := jen.Len(jen.Id(gomodel.Dst)).Op("==").Id(gomodel.Mark).Op("+").Lit(keyLen).Op("+").Lit(1).Op("&&").
		Id("dst").Index(jen.Len(jen.Id(gomodel.Dst)).Op("-").Lit(1)).Op("==").Lit(0x80)
	out = append(out, jen.If(empty).Block(
		jen.Id(gomodel.Dst).Op("=").Id(gomodel.Dst).Index(jen.Empty(), jen.Id(gomodel.Mark)),
	).Else().Block(jen.Id(gomodel.Count).Op("++")))
	return []jen.Code{jen.Block(out...)}
}

// value emits the statements that append val, of type t, to dst. depth
// names the loop variables of nested slices and maps; mayBeNil says
// whether a slice, map or bytes may be nil here, which is written as nil.
func (w *msgpackMethod) value(t *schema.TypeRef, val func() *jen.Statement, depth int, mayBeNil bool) []jen.Code {
	set := func(name string, v jen.Code) []jen.Code {
		return []jen.Code{jen.Id(gomodel.Dst).Op("=").Qual(runtimePkg, name).Call(jen.Id(gomodel.Dst), v)}
	}
	switch t.Kind {
	case schema.KindString:
		return set("AppendMsgpackString", val())
	case schema.KindEnum:
		return set("AppendMsgpackString", jen.String().Call(val()))
	case schema.KindBool:
		return set("AppendMsgpackBool", val())
	case schema.KindInt:
		return set("AppendMsgpackInt", jen.Int64().Call(val()))
	case schema.KindInt32:
		return set("AppendMsgpackInt32", val())
	case schema.KindInt64:
		return set("AppendMsgpackInt64", val())
	case schema.KindUint32:
		return set("AppendMsgpackUint32", val())
	case schema.KindUint64:
		return set("AppendMsgpackUint64", val())
	case schema.KindFloat32:
		return set("AppendMsgpackFloat32", val())
	case schema.KindFloat64:
		return set("AppendMsgpackFloat64", val())
	case schema.KindBytes:
		return set("AppendMsgpackBytes", val())
	case schema.KindTime:
		return set("AppendMsgpackTime", val())
	case schema.KindAny:
		return w.failing(jen.List(jen.Id(gomodel.Dst), jen.Err()), jen.Qual(runtimePkg, "AppendMsgpackAny").Call(jen.Id(gomodel.Dst), val()))
	case schema.KindStruct:
		return w.failing(jen.List(jen.Id(gomodel.Dst), jen.Err()), val().Dot("AppendMsgpack").Call(jen.Id(gomodel.Dst)))
	case schema.KindSlice:
		return nilWhenNil(val, mayBeNil, w.slice(t, val, depth))
	case schema.KindMap:
		return nilWhenNil(val, mayBeNil, w.msgpackMap(t, val, depth))
	}
	panic(fmt.Sprintf("generator: type kind %v", t.Kind))
}

// failing emits a call that can fail, assigning its results to vars:
//
//	if dst, err = runtime.AppendMsgpackAny(dst, m.Anything); err != nil {
//		return dst, err
//	}
func (w *msgpackMethod) failing(vars *jen.Statement, call jen.Code) []jen.Code {
	w.usesErr = true
	return []jen.Code{jen.If(vars.Op("=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id(gomodel.Dst), jen.Err()))}
}

// nilWhenNil emits
//
//	if m.Tags == nil {
//		dst = runtime.AppendMsgpackNil(dst)
//	} else {
//		...
//	}
//
// or only what is in the else branch when the value cannot be nil.
func nilWhenNil(val func() *jen.Statement, mayBeNil bool, write []jen.Code) []jen.Code {
	if !mayBeNil {
		return write
	}
	return []jen.Code{jen.If(val().Op("==").Nil()).Block(
		jen.Id(gomodel.Dst).Op("=").Qual(runtimePkg, "AppendMsgpackNil").Call(jen.Id(gomodel.Dst)),
	).Else().Block(write...)}
}

// slice emits
//
//	dst = runtime.AppendMsgpackArrayLen(dst, len(m.Items))
//	for _, e := range m.Items {
//		...
//	}
func (w *msgpackMethod) slice(t *schema.TypeRef, val func() *jen.Statement, depth int) []jen.Code {
	e := gomodel.LoopVar(gomodel.LoopElem, depth)
	return []jen.Code{
		jen.Id(gomodel.Dst).Op("=").Qual(runtimePkg, "AppendMsgpackArrayLen").Call(jen.Id(gomodel.Dst), jen.Len(val())),
		jen.For(jen.List(jen.Id("_"), jen.Id(e)).Op(":=").Range().Add(val())).Block(
			w.value(t.Elem, func() *jen.Statement { return jen.Id(e) }, depth+1, true)...),
	}
}

// msgpackMap emits a map with its keys sorted:
//
//	dst = runtime.AppendMsgpackMapLen(dst, len(m.Tags))
//	for _, k := range runtime.SortedKeys(m.Tags) {
//		dst = runtime.AppendMsgpackString(dst, k)
//		e := m.Tags[k]
//		...
//	}
func (w *msgpackMethod) msgpackMap(t *schema.TypeRef, val func() *jen.Statement, depth int) []jen.Code {
	k, e := gomodel.LoopVar(gomodel.LoopKey, depth), gomodel.LoopVar(gomodel.LoopElem, depth)
	body := []jen.Code{
		jen.Id(gomodel.Dst).Op("=").Qual(runtimePkg, "AppendMsgpackString").Call(jen.Id(gomodel.Dst), jen.Id(k)),
		jen.Id(e).Op(":=").Add(val()).Index(jen.Id(k)),
	}
	body = append(body, w.value(t.Elem, func() *jen.Statement { return jen.Id(e) }, depth+1, true)...)
	return []jen.Code{
		jen.Id(gomodel.Dst).Op("=").Qual(runtimePkg, "AppendMsgpackMapLen").Call(jen.Id(gomodel.Dst), jen.Len(val())),
		jen.For(jen.List(jen.Id("_"), jen.Id(k)).Op(":=").Range().Qual(runtimePkg, "SortedKeys").Call(val())).Block(body...),
	}
}
