package matrix_test

import (
	"strings"
	"testing"

	"github.com/kombugen/kombugen/golden/matrix"
	"github.com/kombugen/kombugen/internal/encodetest"
)

// TestEncoders checks that the generated AppendJSON and AppendMsgpack methods
// write what encoding/json and vmihailenco/msgpack write, byte for byte
// (msgpack's map entries in any order), for random values of each of the
// struct messages of json and msgpack; yaml's have no encoder of their own.
func TestEncoders(t *testing.T) {
	for _, tt := range []struct {
		name     string
		newValue func() encodetest.Value
	}{
		{"JSONNone", func() encodetest.Value { return new(matrix.JSONNone) }},
		{"JSONZlib", func() encodetest.Value { return new(matrix.JSONZlib) }},
		{"JSONGzip", func() encodetest.Value { return new(matrix.JSONGzip) }},
		{"JSONBzip2", func() encodetest.Value { return new(matrix.JSONBzip2) }},
		{"JSONLzma", func() encodetest.Value { return new(matrix.JSONLzma) }},
		{"JSONXz", func() encodetest.Value { return new(matrix.JSONXz) }},
		{"JSONBrotli", func() encodetest.Value { return new(matrix.JSONBrotli) }},
		{"JSONZstd", func() encodetest.Value { return new(matrix.JSONZstd) }},
		{"MsgpackNone", func() encodetest.Value { return new(matrix.MsgpackNone) }},
		{"MsgpackZlib", func() encodetest.Value { return new(matrix.MsgpackZlib) }},
		{"MsgpackGzip", func() encodetest.Value { return new(matrix.MsgpackGzip) }},
		{"MsgpackBzip2", func() encodetest.Value { return new(matrix.MsgpackBzip2) }},
		{"MsgpackLzma", func() encodetest.Value { return new(matrix.MsgpackLzma) }},
		{"MsgpackXz", func() encodetest.Value { return new(matrix.MsgpackXz) }},
		{"MsgpackBrotli", func() encodetest.Value { return new(matrix.MsgpackBrotli) }},
		{"MsgpackZstd", func() encodetest.Value { return new(matrix.MsgpackZstd) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			check := encodetest.CheckJSON
			if strings.HasPrefix(tt.name, "Msgpack") {
				check = encodetest.CheckMsgpack
			}
			encodetest.CheckRandom(t, 3, 500, tt.newValue, check)
		})
	}
}
