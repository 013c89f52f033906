package kitchen_test

import (
	"testing"

	"github.com/kombugen/kombugen/golden/kitchen"
	"github.com/kombugen/kombugen/internal/encodetest"
	"github.com/kombugen/kombugen/runtime/genimpl"
)

// TestEncoders checks that the generated AppendJSON and AppendMsgpack methods
// write what encoding/json and vmihailenco/msgpack write, byte for byte
// (msgpack's map entries in any order), for random values of every struct:
// Everything has a field of every type. Each struct has the encoders of
// the serializers that publish it: Everything msgpack's, EverythingJSON
// json's, the structs both hold both, Report (yaml) none.
func TestEncoders(t *testing.T) {
	for _, tt := range []struct {
		name     string
		newValue func() encodetest.Value
		json     bool
		msgpack  bool
	}{
		{"Everything", func() encodetest.Value { return new(kitchen.Everything) }, false, true},
		{"EverythingJSON", func() encodetest.Value { return new(kitchen.EverythingJSON) }, true, false},
		{"Point", func() encodetest.Value { return new(kitchen.Point) }, true, true},
		{"Node", func() encodetest.Value { return new(kitchen.Node) }, true, true},
		{"Report", func() encodetest.Value { return new(kitchen.Report) }, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.newValue()
			if _, ok := v.(genimpl.JSONAppender); ok != tt.json {
				t.Errorf("%T has AppendJSON: %v, want %v", v, ok, tt.json)
			}
			if _, ok := v.(genimpl.MsgpackAppender); ok != tt.msgpack {
				t.Errorf("%T has AppendMsgpack: %v, want %v", v, ok, tt.msgpack)
			}
			if tt.json {
				t.Run("json", func(t *testing.T) { encodetest.CheckRandom(t, 1, 3000, tt.newValue, encodetest.CheckJSON) })
			}
			if tt.msgpack {
				t.Run("msgpack", func(t *testing.T) { encodetest.CheckRandom(t, 1, 3000, tt.newValue, encodetest.CheckMsgpack) })
			}
		})
	}
}

// TestEncodersFull checks a hand-written Everything, every field set,
// with each serializer.
func TestEncodersFull(t *testing.T) {
	for _, m := range []kitchen.Everything{fullEverything(), validEverything()} {
		encodetest.Check(t, &m)
		j := kitchen.EverythingJSON(m)
		encodetest.Check(t, &j)
	}
}
