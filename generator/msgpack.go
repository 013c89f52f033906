package generator

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/dave/jennifer/jen"

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
// order (genimpl.MsgpackAppender). A struct is a map of its fields; when
// omitempty may leave some out, room for the header is reserved and the
// header written once the fields are counted:
//
//	// AppendMsgpack appends m to dst as vmihailenco/msgpack encodes it ...
//	func (m *OrderCreated) AppendMsgpack(dst []byte) ([]byte, error) {
//		if m == nil {
//			return genimpl.AppendMsgpackNil(dst), nil
//		}
//		var err error
//		start := len(dst)
//		dst = genimpl.BeginMsgpackMap(dst, 6)
//		n := 3
//		dst = append(dst, "\xa8order_id"...)
//		dst = genimpl.AppendMsgpackString(dst, m.OrderID)
//		...
//		if m.Note != nil {
//			n++
//			dst = append(dst, "\xa4note"...)
//			dst = genimpl.AppendMsgpackString(dst, *m.Note)
//		}
//		return genimpl.EndMsgpackMap(dst, start, 6, n), nil
//	}
func (g *gen) genAppendMsgpack(goName string, fields []*gomodel.Field) {
	w := &msgpackMethod{}
	var body []jen.Code
	written, always := 0, 0
	for _, f := range fields {
		mf := msgpackFieldOf(f)
		written++
		if !mf.omitEmpty {
			always++
		}
		body = append(body, w.field(f, mf)...)
	}
	head := []jen.Code{
		jen.If(jen.Id(gomodel.Receiver).Op("==").Nil()).Block(jen.Return(jen.Qual(genimplPkg, "AppendMsgpackNil").Call(jen.Id(gomodel.Dst)), jen.Nil())),
	}
	if w.usesErr {
		head = append(head, jen.Var().Err().Error())
	}
	end := jen.Return(jen.Id(gomodel.Dst), jen.Nil())
	if always == written {
		head = append(head, jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, "AppendMsgpackMapLen").Call(jen.Id(gomodel.Dst), jen.Lit(written)))
	} else {
		head = append(head,
			jen.Id(gomodel.Start).Op(":=").Len(jen.Id(gomodel.Dst)),
			jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, "BeginMsgpackMap").Call(jen.Id(gomodel.Dst), jen.Lit(written)),
			jen.Id(gomodel.Count).Op(":=").Lit(always),
		)
		end = jen.Return(jen.Qual(genimplPkg, "EndMsgpackMap").Call(jen.Id(gomodel.Dst), jen.Id(gomodel.Start), jen.Lit(written), jen.Id(gomodel.Count)), jen.Nil())
	}
	body = append(append(head, body...), end)
	g.f.Comment("AppendMsgpack appends m to dst as vmihailenco/msgpack encodes it, map entries")
	g.f.Comment("in key order, without reflection: the msgpack serializer calls it")
	g.f.Comment("(genimpl.MsgpackAppender).")
	g.f.Func().Params(jen.Id(gomodel.Receiver).Op("*").Id(goName)).Id("AppendMsgpack").
		Params(jen.Id(gomodel.Dst).Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(body...)
	g.f.Line()
}

// msgpackField is how vmihailenco/msgpack encodes a field, as it reads the
// msgpack tag fieldDecl writes (msgpackTag): its key is the field's name,
// and it is left out when empty unless required.
type msgpackField struct {
	key       string // the key, encoded
	omitEmpty bool
}

func msgpackFieldOf(f *gomodel.Field) msgpackField {
	return msgpackField{key: msgpackStr(f.Name), omitEmpty: !f.Required}
}

// msgpackStr encodes s as a msgpack str, as genimpl.AppendMsgpackString
// does.
func msgpackStr(s string) string {
	var head []byte
	switch n := len(s); {
	case n < 32:
		head = []byte{0xa0 | byte(n)}
	case n <= math.MaxUint8:
		head = []byte{0xd9, byte(n)}
	case n <= math.MaxUint16:
		head = binary.BigEndian.AppendUint16([]byte{0xda}, uint16(n))
	default:
		head = binary.BigEndian.AppendUint32([]byte{0xdb}, uint32(n))
	}
	return string(head) + s
}

// field emits one field: its key and value, under the test of omitempty
// as vmihailenco/msgpack applies it, counting it in n when it may be left
// out.
func (w *msgpackMethod) field(f *gomodel.Field, mf msgpackField) []jen.Code {
	val := func() *jen.Statement { return jen.Id(gomodel.Receiver).Dot(f.GoName) }
	pointer := gomodel.IsPointer(f.Field)
	keyExpr := func() *jen.Statement { return jen.Append(jen.Id(gomodel.Dst), jen.Lit(mf.key).Op("...")) }
	key := jen.Id(gomodel.Dst).Op("=").Add(keyExpr())
	// Methods are called on a pointer to a struct itself, which writes nil
	// for nil; other pointers are followed.
	elem := val
	if pointer && f.Type.Kind != schema.KindStruct {
		elem = func() *jen.Statement { return jen.Op("*").Add(val()) }
	}
	switch {
	case mf.omitEmpty && f.Type.Kind == schema.KindAny:
		return w.failing(jen.List(jen.Id(gomodel.Dst), jen.Id(gomodel.Count), jen.Err()),
			jen.Qual(genimplPkg, "AppendMsgpackOmitEmptyAny").Call(jen.Id(gomodel.Dst), jen.Id(gomodel.Count), jen.Lit(mf.key), val()))
	case mf.omitEmpty && f.Type.Kind == schema.KindStruct && !pointer:
		return w.omitEmptyStruct(key, val, len(mf.key))
	case mf.omitEmpty:
		return []jen.Code{jen.If(msgpackPresent(f.Type, val, pointer)).Block(
			append([]jen.Code{jen.Id(gomodel.Count).Op("++")}, w.value(f.Type, elem, 0, false, keyExpr())...)...)}
	case pointer && f.Type.Kind != schema.KindStruct:
		return []jen.Code{key, jen.If(val().Op("==").Nil()).Block(
			jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, "AppendMsgpackNil").Call(jen.Id(gomodel.Dst)),
		).Else().Block(w.value(f.Type, elem, 0, false, nil)...)}
	}
	return w.value(f.Type, elem, 0, true, keyExpr())
}

// msgpackPresent is the test that vmihailenco/msgpack writes a field with
// omitempty: not nil, a zero time, a zero number, false, or empty.
func msgpackPresent(t *schema.TypeRef, val func() *jen.Statement, pointer bool) jen.Code {
	switch {
	case t.Kind == schema.KindTime && pointer:
		return jen.Op("!").Qual(genimplPkg, "IsMsgpackEmptyTime").Call(val())
	case pointer:
		return val().Op("!=").Nil()
	}
	if t.Kind == schema.KindEnum {
		t, val = enumBase(t, val)
	}
	switch t.Kind {
	case schema.KindString, schema.KindBytes, schema.KindSlice, schema.KindMap:
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

// value emits the statements that append val, of type t, to into: dst,
// or dst with a field's key appended. depth names the loop variables of
// nested slices and maps; mayBeNil says whether a slice, map or bytes may
// be nil here, which is written as nil.
func (w *msgpackMethod) value(t *schema.TypeRef, val func() *jen.Statement, depth int, mayBeNil bool, into jen.Code) []jen.Code {
	dst := into
	if dst == nil {
		dst = jen.Id(gomodel.Dst)
	}
	set := func(name string, v jen.Code) []jen.Code {
		return []jen.Code{jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, name).Call(dst, v)}
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
		return set("AppendMsgpackString", val())
	case schema.KindEnum:
		base, conv := enumBase(t, val)
		return w.value(base, conv, depth, mayBeNil, into)
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
		return w.failing(jen.List(jen.Id(gomodel.Dst), jen.Err()), jen.Qual(genimplPkg, "AppendMsgpackAny").Call(dst, val()))
	case schema.KindStruct:
		return w.failing(jen.List(jen.Id(gomodel.Dst), jen.Err()), val().Dot("AppendMsgpack").Call(dst))
	case schema.KindSlice:
		switch t.Elem.Kind {
		case schema.KindStruct:
			return w.failing(jen.List(jen.Id(gomodel.Dst), jen.Err()), jen.Qual(genimplPkg, "AppendMsgpackList").Call(dst, val()))
		case schema.KindString, schema.KindEnum:
			return set("AppendMsgpackStrings", val())
		}
		return keyFirst(nilWhenNil(val, mayBeNil, w.slice(t, val, depth)))
	case schema.KindMap:
		switch t.Elem.Kind {
		case schema.KindStruct:
			return w.failing(jen.List(jen.Id(gomodel.Dst), jen.Err()), jen.Qual(genimplPkg, "AppendMsgpackMap").Call(dst, val()))
		case schema.KindString, schema.KindEnum:
			return set("AppendMsgpackStringMap", val())
		}
		return keyFirst(nilWhenNil(val, mayBeNil, w.msgpackMap(t, val, depth)))
	}
	panic(fmt.Sprintf("generator: type kind %v", t.Kind))
}

// failing emits a call that can fail, assigning its results to vars:
//
//	if dst, err = genimpl.AppendMsgpackAny(dst, m.Anything); err != nil {
//		return dst, err
//	}
func (w *msgpackMethod) failing(vars *jen.Statement, call jen.Code) []jen.Code {
	w.usesErr = true
	return []jen.Code{jen.If(vars.Op("=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id(gomodel.Dst), jen.Err()))}
}

// nilWhenNil emits
//
//	if m.Tags == nil {
//		dst = genimpl.AppendMsgpackNil(dst)
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
		jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, "AppendMsgpackNil").Call(jen.Id(gomodel.Dst)),
	).Else().Block(write...)}
}

// slice emits
//
//	dst = genimpl.AppendMsgpackArrayLen(dst, len(m.Items))
//	for _, e := range m.Items {
//		...
//	}
func (w *msgpackMethod) slice(t *schema.TypeRef, val func() *jen.Statement, depth int) []jen.Code {
	e := gomodel.LoopVar(gomodel.LoopElem, depth)
	return []jen.Code{
		jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, "AppendMsgpackArrayLen").Call(jen.Id(gomodel.Dst), jen.Len(val())),
		jen.For(jen.List(jen.Id("_"), jen.Id(e)).Op(":=").Range().Add(val())).Block(
			w.value(t.Elem, func() *jen.Statement { return jen.Id(e) }, depth+1, true, nil)...),
	}
}

// msgpackMap emits a map with its keys sorted:
//
//	dst = genimpl.AppendMsgpackMapLen(dst, len(m.Tags))
//	for _, k := range genimpl.SortedKeys(m.Tags) {
//		dst = genimpl.AppendMsgpackString(dst, k)
//		e := m.Tags[k]
//		...
//	}
func (w *msgpackMethod) msgpackMap(t *schema.TypeRef, val func() *jen.Statement, depth int) []jen.Code {
	k, e := gomodel.LoopVar(gomodel.LoopKey, depth), gomodel.LoopVar(gomodel.LoopElem, depth)
	body := []jen.Code{
		jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, "AppendMsgpackString").Call(jen.Id(gomodel.Dst), jen.Id(k)),
		jen.Id(e).Op(":=").Add(val()).Index(jen.Id(k)),
	}
	body = append(body, w.value(t.Elem, func() *jen.Statement { return jen.Id(e) }, depth+1, true, nil)...)
	return []jen.Code{
		jen.Id(gomodel.Dst).Op("=").Qual(genimplPkg, "AppendMsgpackMapLen").Call(jen.Id(gomodel.Dst), jen.Len(val())),
		jen.For(jen.List(jen.Id("_"), jen.Id(k)).Op(":=").Range().Qual(genimplPkg, "SortedKeys").Call(val())).Block(body...),
	}
}
