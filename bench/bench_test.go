package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/bench"
	"github.com/kombugen/kombugen/bench/benchmsg"
	"github.com/kombugen/kombugen/generator"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/schema"
)

// compressions are the compressions the publish benchmarks cover, as the
// broker benchmark does.
var compressions = []string{"none", "zlib", "zstd"}

// payloads are made once: building the 64 KiB one marshals it many times.
var payloads = func() map[string]*bench.Payload {
	m := map[string]*bench.Payload{}
	for _, s := range bench.Sizes {
		m[s.Name] = bench.NewPayload(s)
	}
	return m
}()

func BenchmarkPublishGenerated(b *testing.B) {
	for _, s := range bench.Sizes {
		for _, c := range compressions {
			b.Run(fmt.Sprintf("size=%s/compression=%s", s.Name, c), func(b *testing.B) {
				bench.PublishGenerated(b, payloads[s.Name], c)
			})
		}
	}
}

func BenchmarkPublishHandwritten(b *testing.B) {
	for _, s := range bench.Sizes {
		for _, c := range compressions {
			b.Run(fmt.Sprintf("size=%s/compression=%s", s.Name, c), func(b *testing.B) {
				bench.PublishHandwritten(b, payloads[s.Name], c)
			})
		}
	}
}

func BenchmarkSerializer(b *testing.B) {
	for _, name := range []string{"json", "yaml", "msgpack"} {
		for _, s := range []bench.Size{bench.Size1KiB, bench.Size64KiB} {
			b.Run(fmt.Sprintf("%s/size=%s", name, s.Name), func(b *testing.B) {
				bench.Serializer(b, payloads[s.Name], name)
			})
		}
	}
	for _, s := range []bench.Size{bench.Size1KiB, bench.Size64KiB} {
		b.Run("encoding-json/size="+s.Name, func(b *testing.B) {
			bench.EncodingJSON(b, payloads[s.Name])
		})
	}
}

func BenchmarkCompressor(b *testing.B) {
	for _, name := range []string{"zlib", "bzip2", "lzma", "brotli", "zstd"} {
		for _, s := range []bench.Size{bench.Size1KiB, bench.Size64KiB} {
			b.Run(fmt.Sprintf("%s/size=%s", name, s.Name), func(b *testing.B) {
				bench.Compressor(b, payloads[s.Name], name)
			})
		}
	}
}

// TestPayloadSizes keeps each payload's JSON within 10% of its size's name.
func TestPayloadSizes(t *testing.T) {
	for _, s := range bench.Sizes {
		n := len(payloads[s.Name].JSON())
		if lo, hi := s.Target*9/10, s.Target*11/10; n < lo || n > hi {
			t.Errorf("%s payload is %d bytes of JSON, want %d..%d", s.Name, n, lo, hi)
		}
	}
}

// TestPayloadsAreValid makes sure the generated side publishes rather than
// stopping at Validate.
func TestPayloadsAreValid(t *testing.T) {
	p := benchmsg.NewBenchProducer(bench.Discard{})
	for _, s := range bench.Sizes {
		if err := payloads[s.Name].Publish(context.Background(), p); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
}

// TestPublishAsyncSendsTheSame checks that a payload's asynchronous publish
// hands the transport the message its synchronous publish does, and returns
// the transport's confirmation.
func TestPublishAsyncSendsTheSame(t *testing.T) {
	for _, s := range bench.Sizes {
		pl := payloads[s.Name]
		waited, async := &capture{}, &capture{}
		if err := pl.Publish(context.Background(), benchmsg.NewBenchProducer(waited)); err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		conf := pl.PublishAsync(context.Background(), benchmsg.NewBenchProducer(async))
		if err := conf.Wait(context.Background()); err != nil {
			t.Fatalf("%s: async: %v", s.Name, err)
		}
		if async.got == nil {
			t.Fatalf("%s: the async publish reached no transport", s.Name)
		}
		if !bytes.Equal(async.got.Body, waited.got.Body) || async.got.RoutingKey != waited.got.RoutingKey ||
			fmt.Sprint(async.got.Headers) != fmt.Sprint(waited.got.Headers) {
			t.Errorf("%s: async published %s/%v %.60q, sync %s/%v %.60q", s.Name,
				async.got.RoutingKey, async.got.Headers, async.got.Body, waited.got.RoutingKey, waited.got.Headers, waited.got.Body)
		}
	}
}

// capture is a Transport that keeps what it is given.
type capture struct {
	bench.Discard
	got *runtime.Publishing
}

func (c *capture) Publish(_ context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	c.got = msg
	return runtime.Settled(nil)
}

// TestSameWork checks that the hand-written baseline and the generated
// producer produce the same message: the same properties and headers, and
// bodies that decompress to the same JSON value. Otherwise the benchmarks
// would compare different work.
func TestSameWork(t *testing.T) {
	for _, s := range bench.Sizes {
		for _, c := range compressions {
			t.Run(s.Name+"/"+c, func(t *testing.T) {
				pl := payloads[s.Name]
				tr := &capture{}
				p := benchmsg.NewBenchProducer(tr, bench.ProducerOptions(c, false)...)
				if err := pl.Publish(context.Background(), p); err != nil {
					t.Fatal(err)
				}
				gen := tr.got
				h, err := bench.NewHandwritten(c)
				if err != nil {
					t.Fatal(err)
				}
				hand, err := pl.PrepareHandwritten(h)
				if err != nil {
					t.Fatal(err)
				}
				if gen.Exchange != "kombubench" || gen.RoutingKey != "bench" {
					t.Errorf("generated publishes to %q/%q, the baseline to kombubench/bench", gen.Exchange, gen.RoutingKey)
				}
				if gen.ContentType != hand.ContentType || gen.ContentEncoding != hand.ContentEncoding {
					t.Errorf("content type/encoding: generated %q/%q, hand-written %q/%q",
						gen.ContentType, gen.ContentEncoding, hand.ContentType, hand.ContentEncoding)
				}
				if uint8(gen.DeliveryMode) != hand.DeliveryMode || gen.Priority != hand.Priority {
					t.Errorf("delivery mode/priority: generated %d/%d, hand-written %d/%d",
						gen.DeliveryMode, gen.Priority, hand.DeliveryMode, hand.Priority)
				}
				if len(gen.Headers) != len(hand.Headers) {
					t.Errorf("headers: generated %v, hand-written %v", gen.Headers, hand.Headers)
				}
				for k, v := range hand.Headers {
					if fmt.Sprint(gen.Headers[k]) != fmt.Sprint(v) {
						t.Errorf("header %q: generated %v, hand-written %v", k, gen.Headers[k], v)
					}
				}
				genJSON, handJSON := decode(t, gen.Body, c), decode(t, hand.Body, c)
				if !jsonEqual(t, genJSON, handJSON) {
					t.Errorf("bodies decode to different JSON:\ngenerated   %.200s\nhand-written %.200s", genJSON, handJSON)
				}
				if !bytes.Equal(handJSON, pl.JSON()) {
					t.Errorf("hand-written body is not the payload's JSON")
				}
			})
		}
	}
}

func decode(t *testing.T, body []byte, compression string) []byte {
	t.Helper()
	cmp, err := consume.Compressor(compression)
	if err != nil {
		t.Fatal(err)
	}
	if cmp == nil {
		return body
	}
	out, err := cmp.Decompress(body)
	if err != nil {
		t.Fatalf("decompress %s: %v", compression, err)
	}
	return out
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// TestHandwrittenIsAMQP checks the baseline's headers are a table amqp091-go
// sends.
func TestHandwrittenIsAMQP(t *testing.T) {
	h, err := bench.NewHandwritten("zstd")
	if err != nil {
		t.Fatal(err)
	}
	msg, err := payloads["1KiB"].PrepareHandwritten(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := msg.Headers.Validate(); err != nil {
		t.Fatal(err)
	}
	var _ amqp.Publishing = msg
}

// BenchmarkGenerate parses a schema of n messages (a tenth as many
// exchanges) and generates its Go code, in process: what kombugen generate
// does between reading the schema and writing the file.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("messages=%d", n), func(b *testing.B) {
			src := bench.ScaleSchema(n, max(1, n/10))
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := generate(src); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/message")
		})
	}
}

func generate(src []byte) ([]byte, error) {
	s, err := schema.Parse("scale.kombugen.yaml", src, schema.Options{})
	if err != nil {
		return nil, err
	}
	return generator.Generate(s, generator.Options{})
}

// TestScaleSchema checks that the scale schemas are ones kombugen accepts,
// with the messages and exchanges asked for.
func TestScaleSchema(t *testing.T) {
	src := bench.ScaleSchema(20, 2)
	s, err := schema.Parse("scale.kombugen.yaml", src, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Messages) != 20 || len(s.Exchanges) != 2 {
		t.Errorf("schema has %d messages and %d exchanges, want 20 and 2", len(s.Messages), len(s.Exchanges))
	}
	code, err := generator.Generate(s, generator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(code, []byte("func (p *P0001Producer) PublishEvent00019(")) {
		t.Errorf("generated code lacks PublishEvent00019 on P0001Producer")
	}
}
