package encodetest

import (
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/genimpl"
)

// BenchmarkJSON compares the json serializer's two ways to encode v:
// encoding/json as the serializer uses it for other values (StdJSON), and
// the generated AppendJSON through the serializer (into a reused buffer,
// copied out); AppendJSON alone appends into one reused buffer.
func BenchmarkJSON(b *testing.B, v genimpl.JSONAppender) {
	b.Run("encoding-json", func(b *testing.B) { benchMarshal(b, func() ([]byte, error) { return StdJSON(v) }) })
	benchSerializer(b, "json", v)
	b.Run("AppendJSON", func(b *testing.B) { benchAppend(b, v.AppendJSON) })
}

// BenchmarkMsgpack compares the msgpack serializer's two ways to encode
// v: msgpack.Marshal, as the serializer uses it for other values, and the
// generated AppendMsgpack through the serializer; AppendMsgpack alone
// appends into one reused buffer.
func BenchmarkMsgpack(b *testing.B, v genimpl.MsgpackAppender) {
	b.Run("vmihailenco-msgpack", func(b *testing.B) { benchMarshal(b, func() ([]byte, error) { return msgpack.Marshal(v) }) })
	benchSerializer(b, "msgpack", v)
	b.Run("AppendMsgpack", func(b *testing.B) { benchAppend(b, v.AppendMsgpack) })
}

func benchSerializer(b *testing.B, name string, v any) {
	s, err := consume.Serializer(name)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("serializer", func(b *testing.B) { benchMarshal(b, func() ([]byte, error) { return s.Marshal(v) }) })
}

func benchMarshal(b *testing.B, marshal func() ([]byte, error)) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAppend(b *testing.B, appendTo func([]byte) ([]byte, error)) {
	var dst []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if dst, err = appendTo(dst[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
