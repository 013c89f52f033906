package orders_test

import (
	"testing"

	"github.com/kombugen/kombugen/golden/orders"
	"github.com/kombugen/kombugen/internal/encodetest"
)

// TestEncoders checks that the generated AppendJSON and AppendMsgpack methods
// write what encoding/json and vmihailenco/msgpack write, byte for byte
// (msgpack's map entries in any order), for random values of every struct.
func TestEncoders(t *testing.T) {
	for _, tt := range []struct {
		name     string
		newValue func() encodetest.Value
	}{
		{"OrderCreated", func() encodetest.Value { return new(orders.OrderCreated) }},
		{"LineItem", func() encodetest.Value { return new(orders.LineItem) }},
		{"Money", func() encodetest.Value { return new(orders.Money) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Run("json", func(t *testing.T) { encodetest.CheckRandom(t, 2, 3000, tt.newValue, encodetest.CheckJSON) })
			t.Run("msgpack", func(t *testing.T) { encodetest.CheckRandom(t, 2, 3000, tt.newValue, encodetest.CheckMsgpack) })
		})
	}
}

// TestEncodersExamples checks the orders the other tests publish.
func TestEncodersExamples(t *testing.T) {
	for _, m := range []orders.OrderCreated{minimalOrder(), fullOrder()} {
		encodetest.Check(t, &m)
	}
}

// BenchmarkOrderCreatedJSON compares encoding/json with the generated
// AppendJSON, alone and through the json serializer, on an OrderCreated with items, tags and a note.
func BenchmarkOrderCreatedJSON(b *testing.B) {
	m := fullOrder()
	encodetest.BenchmarkJSON(b, &m)
}

// BenchmarkOrderCreatedMsgpack compares vmihailenco/msgpack with the
// generated AppendMsgpack, alone and through the msgpack serializer, on
// the same order.
func BenchmarkOrderCreatedMsgpack(b *testing.B) {
	m := fullOrder()
	encodetest.BenchmarkMsgpack(b, &m)
}
