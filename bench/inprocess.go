package bench

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/kombugen/kombugen/bench/benchmsg"
	"github.com/kombugen/kombugen/runtime/consume"
)

// The in-process benchmark bodies. bench_test.go runs them under go test
// -bench; kombubench runs them with testing.Benchmark to print them beside
// the broker numbers. None touches the network.

// SinkBytes keeps benchmark results alive, so the compiler cannot drop the
// work. It is typed: storing a []byte in an interface would cost the
// benchmark an allocation of its own.
var SinkBytes []byte

// PublishGenerated publishes pl b.N times through the generated producer
// over Discard, with the compression given and confirms on (the schema's
// default; Discard ignores them).
func PublishGenerated(b *testing.B, pl *Payload, compression string) {
	ctx := context.Background()
	p := benchmsg.NewBenchProducer(Discard{}, ProducerOptions(compression, true)...)
	b.SetBytes(int64(len(pl.JSON())))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := pl.Publish(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// PublishHandwritten prepares pl b.N times as the hand-written baseline does
// before amqp091-go's Publish: marshal, compress, build the amqp.Publishing,
// then drops it.
func PublishHandwritten(b *testing.B, pl *Payload, compression string) {
	h, err := NewHandwritten(compression)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pl.JSON())))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		msg, err := pl.PrepareHandwritten(h)
		if err != nil {
			b.Fatal(err)
		}
		SinkBytes = msg.Body
	}
}

// Serializer encodes pl's message b.N times with the runtime's serializer
// name (json, yaml, msgpack), as Publish does; msgpack encodes the
// message's msgpack twin, which encodes itself for it.
func Serializer(b *testing.B, pl *Payload, name string) {
	ser, err := consume.Serializer(name)
	if err != nil {
		b.Fatal(err)
	}
	v := pl.Value
	if name == "msgpack" {
		v = pl.Msgpack
	}
	b.SetBytes(int64(len(pl.JSON())))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := ser.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		SinkBytes = out
	}
}

// EncodingJSON encodes pl's message b.N times with encoding/json's Marshal:
// the yardstick for the json serializer.
func EncodingJSON(b *testing.B, pl *Payload) {
	b.SetBytes(int64(len(pl.JSON())))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := json.Marshal(pl.Value)
		if err != nil {
			b.Fatal(err)
		}
		SinkBytes = out
	}
}

// Compressor compresses pl's JSON body b.N times with the runtime's
// compressor name (zlib, bzip2, lzma, brotli, zstd). It reports the
// compressed size over the original as the metric "ratio".
func Compressor(b *testing.B, pl *Payload, name string) {
	c, err := consume.Compressor(name)
	if err != nil {
		b.Fatal(err)
	}
	body := pl.JSON()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	var out []byte
	for b.Loop() {
		if out, err = c.Compress(body); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out))/float64(len(body)), "ratio")
}
