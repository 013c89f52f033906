// Package bodyenc is what the serializers of runtime and its serializer
// packages share to encode a body: the reflection-free encoders of
// generated types, run into pooled scratch space, and a check that a value
// can be encoded at all before a reflection-based encoder walks it, which
// for a cycle or a func would never return or would panic.
package bodyenc

import (
	"bytes"
	"reflect"
	"sync"
)

// JSONAppender is implemented by generated types: AppendJSON appends what
// encoding/json writes for the value (runtime/genimpl documents the
// contract).
type JSONAppender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// MsgpackAppender is implemented by generated types published with
// msgpack: AppendMsgpack appends what vmihailenco/msgpack writes for the
// value, map entries in key order (runtime/genimpl documents the
// contract).
type MsgpackAppender interface {
	AppendMsgpack(dst []byte) ([]byte, error)
}

// EncodeMsgpack encodes v as vmihailenco/msgpack does, map entries in key
// order. The msgpack serializer (runtime/serializer/msgpack) sets it when
// it is imported, for the values of generated any fields it cannot write
// itself; nil means it is not imported.
var EncodeMsgpack func(v any) ([]byte, error)

// scratch keeps the buffers that AppendJSON and AppendMsgpack methods
// write into between messages; the body is copied out, sized to fit.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

// maxKeptScratch is the largest buffer scratch keeps, so that one huge
// message does not pin its memory.
const maxKeptScratch = 1 << 20

// Append encodes v with encode, a method of the appender interface A,
// when v implements A, or a pointer to it does (a generated struct passed
// by value); ok is false when neither does. A value of a type that may
// hold a cycle (a recursive type, or one with an any field) is checked
// for one first: a generated encoder would recurse forever.
func Append[A any](v any, encode func(A, []byte) ([]byte, error)) (body []byte, ok bool, err error) {
	a, ok := v.(A)
	if !ok {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Struct || !reflect.PointerTo(rv.Type()).Implements(reflect.TypeFor[A]()) {
			return nil, false, nil
		}
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		a = p.Interface().(A)
	}
	if err := CheckCycles(v); err != nil {
		return nil, true, err
	}
	buf := scratch.Get().(*[]byte)
	defer scratch.Put(buf)
	b, err := encode(a, (*buf)[:0])
	if cap(b) <= maxKeptScratch {
		*buf = b[:0]
	}
	if err != nil {
		return nil, true, err
	}
	return bytes.Clone(b), true, nil
}
