package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/bench/benchmsg"
	"github.com/kombugen/kombugen/runtime"
)

// Size is one of the body sizes the benchmarks publish.
type Size struct {
	// Name is how tables and flags call the size: 100B, 1KiB, 64KiB.
	Name string
	// Target is the JSON body size aimed at, in bytes.
	Target int
	// Message is the bench schema's message of this size.
	Message string
}

// The sizes, smallest first.
var (
	Size100B  = Size{Name: "100B", Target: 100, Message: "Tick"}
	Size1KiB  = Size{Name: "1KiB", Target: 1 << 10, Message: "Order"}
	Size64KiB = Size{Name: "64KiB", Target: 64 << 10, Message: "Batch"}
)

// Sizes lists every size, smallest first.
var Sizes = []Size{Size100B, Size1KiB, Size64KiB}

// LookupSize returns the size named name (100B, 1KiB or 64KiB; case does not
// matter).
func LookupSize(name string) (Size, error) {
	for _, s := range Sizes {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	names := make([]string, len(Sizes))
	for i, s := range Sizes {
		names[i] = s.Name
	}
	return Size{}, fmt.Errorf("unknown size %q (have %s)", name, strings.Join(names, ", "))
}

// Payload is one message of a size, ready to publish either way.
type Payload struct {
	Size Size
	// Value points at the generated message struct (*benchmsg.Tick,
	// *benchmsg.Order or *benchmsg.Batch): what the hand-written code
	// marshals and the serializer benchmarks encode.
	Value any
	// Msgpack points at the same message as its msgpack twin
	// (*benchmsg.TickMsgpack, ...), whose generated type encodes itself
	// for msgpack.
	Msgpack any
	// publish and publishAsync send the message through a generated
	// producer, by its typed methods; prepare hands it to the baseline, by
	// value, as typed code would.
	publish      func(ctx context.Context, p *benchmsg.BenchProducer) error
	publishAsync func(ctx context.Context, p *benchmsg.BenchProducer) *runtime.Confirmation
	prepare      func(h *Handwritten) (amqp.Publishing, error)
}

// Publish sends the payload through p's generated method for its message
// (PublishTick, PublishOrder or PublishBatch).
func (pl *Payload) Publish(ctx context.Context, p *benchmsg.BenchProducer) error {
	return pl.publish(ctx, p)
}

// PublishAsync sends the payload through p's generated asynchronous method
// for its message (PublishTickAsync, PublishOrderAsync or PublishBatchAsync)
// and returns its confirmation.
func (pl *Payload) PublishAsync(ctx context.Context, p *benchmsg.BenchProducer) *runtime.Confirmation {
	return pl.publishAsync(ctx, p)
}

// PrepareHandwritten builds the payload's publishing with the hand-written
// baseline h. Like typed code calling json.Marshal(msg), it passes the
// message struct by value.
func (pl *Payload) PrepareHandwritten(h *Handwritten) (amqp.Publishing, error) {
	return pl.prepare(h)
}

// JSON returns the payload as encoding/json writes it: the body of an
// uncompressed publish.
func (pl *Payload) JSON() []byte {
	b, err := json.Marshal(pl.Value)
	if err != nil {
		panic(fmt.Sprintf("bench payload %s does not marshal: %v", pl.Size.Name, err))
	}
	return b
}

// NewPayload returns the payload of size s. The same size always gives the
// same contents.
func NewPayload(s Size) *Payload {
	// A fixed seed: every run, every implementation, the same bytes.
	rng := rand.New(rand.NewPCG(uint64(s.Target), 0x6b6f6d6275))
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	switch s.Message {
	case "Tick":
		m := newTick(rng, at)
		return &Payload{
			Size:    s,
			Value:   &m,
			Msgpack: ptr(benchmsg.TickMsgpack(m)),
			publish: func(ctx context.Context, p *benchmsg.BenchProducer) error { return p.PublishTick(ctx, m) },
			publishAsync: func(ctx context.Context, p *benchmsg.BenchProducer) *runtime.Confirmation {
				return p.PublishTickAsync(ctx, m)
			},
			prepare: func(h *Handwritten) (amqp.Publishing, error) { return h.Prepare(m) },
		}
	case "Order":
		m := newOrder(rng, at, s.Target)
		return &Payload{
			Size:    s,
			Value:   &m,
			Msgpack: ptr(benchmsg.OrderMsgpack(m)),
			publish: func(ctx context.Context, p *benchmsg.BenchProducer) error { return p.PublishOrder(ctx, m) },
			publishAsync: func(ctx context.Context, p *benchmsg.BenchProducer) *runtime.Confirmation {
				return p.PublishOrderAsync(ctx, m)
			},
			prepare: func(h *Handwritten) (amqp.Publishing, error) { return h.Prepare(m) },
		}
	case "Batch":
		m := newBatch(rng, at, s.Target)
		return &Payload{
			Size:    s,
			Value:   &m,
			Msgpack: ptr(benchmsg.BatchMsgpack(m)),
			publish: func(ctx context.Context, p *benchmsg.BenchProducer) error { return p.PublishBatch(ctx, m) },
			publishAsync: func(ctx context.Context, p *benchmsg.BenchProducer) *runtime.Confirmation {
				return p.PublishBatchAsync(ctx, m)
			},
			prepare: func(h *Handwritten) (amqp.Publishing, error) { return h.Prepare(m) },
		}
	}
	panic(fmt.Sprintf("bench: no message for size %s", s.Name))
}

func ptr[T any](v T) *T { return &v }

func newTick(rng *rand.Rand, at time.Time) benchmsg.Tick {
	return benchmsg.Tick{
		ID:     fmt.Sprintf("tick-%08d", rng.IntN(1e8)),
		Seq:    rng.Int64N(1e9),
		At:     at.Add(time.Duration(rng.Int64N(int64(time.Hour)))).Truncate(time.Second),
		Sensor: "gh3/temp",
		Value:  float64(rng.IntN(40000)) / 1000,
	}
}

var products = []string{
	"Stainless steel water bottle, 750 ml",
	"Organic cotton t-shirt, navy, size M",
	"USB-C charging cable, braided, 2 m",
	"Ceramic coffee mug with lid",
	"Noise-cancelling earbuds, charcoal",
	"Recycled paper notebook, A5, dotted",
	"Bamboo cutting board, large",
	"LED desk lamp with dimmer",
}

// newOrder returns an order with as many line items as bring its JSON to
// about target bytes.
func newOrder(rng *rand.Rand, at time.Time, target int) benchmsg.Order {
	note := "Leave the parcel with the neighbour at number 12 if nobody answers."
	m := benchmsg.Order{
		OrderID:    fmt.Sprintf("ORD-%06d", rng.IntN(1e6)),
		CustomerID: fmt.Sprintf("cus_%016x", rng.Uint64()),
		PlacedAt:   at,
		Tags:       map[string]string{"channel": "web", "region": "eu-west", "campaign": "spring-sale"},
		Note:       &note,
	}
	var total int64
	for jsonSize(&m) < target-60 {
		it := benchmsg.LineItem{
			SKU:       fmt.Sprintf("SKU-%05d", rng.IntN(1e5)),
			Title:     products[rng.IntN(len(products))],
			Quantity:  int32(1 + rng.IntN(5)),
			UnitPrice: benchmsg.Money{Amount: int64(199 + rng.IntN(9800)), Currency: benchmsg.CurrencyEUR},
		}
		total += it.UnitPrice.Amount * int64(it.Quantity)
		m.Items = append(m.Items, it)
		m.Total = benchmsg.Money{Amount: total, Currency: benchmsg.CurrencyEUR}
	}
	return m
}

var units = []benchmsg.Unit{benchmsg.UnitCelsius, benchmsg.UnitPercent, benchmsg.UnitPascal, benchmsg.UnitVolt}

// newBatch returns a batch with as many readings as bring its JSON to about
// target bytes.
func newBatch(rng *rand.Rand, at time.Time, target int) benchmsg.Batch {
	m := benchmsg.Batch{BatchID: fmt.Sprintf("batch-%08d", rng.IntN(1e8)), Source: "plant-7/line-2"}
	one, _ := json.Marshal(newReading(rng, at))
	for range (target - 60) / (len(one) + 1) {
		m.Readings = append(m.Readings, newReading(rng, at))
	}
	for jsonSize(&m) < target-60 {
		m.Readings = append(m.Readings, newReading(rng, at))
	}
	return m
}

func newReading(rng *rand.Rand, at time.Time) benchmsg.Reading {
	r := benchmsg.Reading{
		Sensor: fmt.Sprintf("hall-%02d/sensor-%03d", rng.IntN(20), rng.IntN(500)),
		At:     at.Add(time.Duration(rng.Int64N(int64(time.Hour)))).Truncate(time.Millisecond),
		Value:  float64(rng.IntN(10000000)) / 100,
		Unit:   units[rng.IntN(len(units))],
	}
	if rng.IntN(4) > 0 {
		q := int32(rng.IntN(101))
		r.Quality = &q
	}
	return r
}

func jsonSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return len(b)
}

// ProducerOptions are the options a generated producer is made with for a
// run: the compression (none, zlib, zstd, ...) and whether it waits for
// confirms.
func ProducerOptions(compression string, confirm bool) []runtime.ProducerOption {
	return []runtime.ProducerOption{runtime.WithCompression(compression), runtime.WithConfirm(confirm)}
}
