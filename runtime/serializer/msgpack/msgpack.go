// Package msgpack registers kombu's msgpack serializer (content type
// application/x-msgpack) with the runtime when it is imported:
//
//	import _ "github.com/kombugen/kombugen/runtime/serializer/msgpack"
//
// It writes strings as str and []byte as bin, as Python's msgpack does
// with use_bin_type=True, which kombu sets. Generated types published with
// msgpack encode themselves (AppendMsgpack) without reflection; other
// values go through vmihailenco/msgpack.
package msgpack

import (
	"bytes"
	"sync"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/bodyenc"
)

func init() {
	runtime.RegisterSerializer(codecs.Msgpack.Name, serializer{})
	bodyenc.EncodeMsgpack = encodeSorted
}

type serializer struct{}

func (serializer) ContentType() string     { return codecs.Msgpack.ContentType }
func (serializer) ContentEncoding() string { return codecs.Msgpack.ContentEncoding }

func (serializer) Unmarshal(body []byte, v any) error { return msgpack.Unmarshal(body, v) }

// Marshal calls the value's AppendMsgpack method when it has one
// (generated types do), and vmihailenco/msgpack otherwise: the bytes are
// the same but for the order of map entries, which msgpack.Marshal leaves
// to chance and both write here in key order. A value holding a cycle, a
// func, a chan or another value no consumer can decode is refused
// (runtime.ErrInvalidMessage): vmihailenco/msgpack would overflow the
// stack, or panic.
func (serializer) Marshal(v any) ([]byte, error) {
	if body, ok, err := bodyenc.Append(v, bodyenc.MsgpackAppender.AppendMsgpack); ok {
		return body, bodyenc.Mark(err, runtime.ErrInvalidMessage)
	}
	b, err := encodeSorted(v)
	return b, bodyenc.Mark(err, runtime.ErrInvalidMessage)
}

// buffers keep the encoder's scratch space between values.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encodeSorted encodes v with an Encoder set up as msgpack.Marshal sets
// it up, but for map entries written in key order, after checking that
// it can. It is also how the AppendMsgpack methods of generated types
// write what they cannot write themselves, the values of any fields
// (runtime/genimpl).
func encodeSorted(v any) ([]byte, error) {
	if err := bodyenc.Check(v); err != nil {
		return nil, err
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	enc := msgpack.GetEncoder()
	defer msgpack.PutEncoder(enc)
	enc.Reset(buf)
	enc.SetSortMapKeys(true)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}
