package kitchen_test

import (
	"testing"

	"github.com/kombugen/kombugen/golden/kitchen"
	"github.com/kombugen/kombugen/internal/encodetest"
)

// TestEncoders checks that the generated AppendJSON and AppendMsgpack methods
// write what encoding/json and vmihailenco/msgpack write, byte for byte
// (msgpack's map entries in any order), for random values of every struct:
// Everything has a field of every type.
func TestEncoders(t *testing.T) {
	for _, tt := range []struct {
		name     string
		newValue func() encodetest.Value
	}{
		{"Everything", func() encodetest.Value { return new(kitchen.Everything) }},
		{"Point", func() encodetest.Value { return new(kitchen.Point) }},
		{"Node", func() encodetest.Value { return new(kitchen.Node) }},
		{"Report", func() encodetest.Value { return new(kitchen.Report) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Run("json", func(t *testing.T) { encodetest.CheckRandom(t, 1, 3000, tt.newValue, encodetest.CheckJSON) })
			t.Run("msgpack", func(t *testing.T) { encodetest.CheckRandom(t, 1, 3000, tt.newValue, encodetest.CheckMsgpack) })
		})
	}
}

// TestEncodersFull checks a hand-written Everything, every field set.
func TestEncodersFull(t *testing.T) {
	m := fullEverything()
	encodetest.Check(t, &m)
	m = validEverything()
	encodetest.Check(t, &m)
}
