package orders_test

import (
	"testing"

	"github.com/kombugen/kombugen/golden/orders"
	"github.com/kombugen/kombugen/internal/encodetest"
	"github.com/kombugen/kombugen/runtime/genimpl"
)

// TestEncoders checks that the generated AppendJSON methods write what
// encoding/json writes, byte for byte, for random values of every struct.
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

// TestEncodersOnlyForSerializersUsed checks that the generated types have
// the encoders of the serializers that publish them only: json publishes
// every message of this schema, so none has AppendMsgpack.
func TestEncodersOnlyForSerializersUsed(t *testing.T) {
	for _, v := range []any{new(orders.OrderCreated), new(orders.LineItem), new(orders.Money)} {
		if _, ok := v.(genimpl.JSONAppender); !ok {
			t.Errorf("%T has no AppendJSON", v)
		}
		if _, ok := v.(genimpl.MsgpackAppender); ok {
			t.Errorf("%T has AppendMsgpack, though no message is published with msgpack", v)
		}
	}
}
