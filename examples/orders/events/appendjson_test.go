package events_test

import (
	"testing"
	"time"

	"github.com/kombugen/kombugen/examples/orders/events"
	"github.com/kombugen/kombugen/internal/encodetest"
)

// created is the OrderCreated the example publishes, with a second item
// and a note.
func created() *events.OrderCreated {
	eur := func(cents int64) events.Money { return events.Money{Amount: cents, Currency: events.CurrencyEUR} }
	note := "ring twice, s'il vous plaît"
	return &events.OrderCreated{
		OrderID:    "A-1001",
		CustomerID: "c-42",
		Items: []events.LineItem{
			{SKU: "TEA-0001", Quantity: 2, UnitPrice: eur(450)},
			{SKU: "CUP-0002", Quantity: 1, UnitPrice: eur(1200)},
		},
		Total:    eur(2100),
		PlacedAt: time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC),
		Note:     &note,
	}
}

// TestEncoders checks that the generated AppendJSON methods write what
// encoding/json writes, byte for byte, for the example's order and for
// random values of every message with fields.
func TestEncoders(t *testing.T) {
	encodetest.Check(t, created())
	for _, tt := range []struct {
		name     string
		newValue func() encodetest.Value
	}{
		{"OrderCreated", func() encodetest.Value { return new(events.OrderCreated) }},
		{"OrderPaid", func() encodetest.Value { return new(events.OrderPaid) }},
		{"OrderCancelled", func() encodetest.Value { return new(events.OrderCancelled) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Run("json", func(t *testing.T) { encodetest.CheckRandom(t, 4, 1000, tt.newValue, encodetest.CheckJSON) })
		})
	}
}

// BenchmarkOrderCreatedJSON compares encoding/json with the generated
// AppendJSON, alone and through the json serializer, on the example's OrderCreated.
func BenchmarkOrderCreatedJSON(b *testing.B) {
	encodetest.BenchmarkJSON(b, created())
}
