package matrix_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	amqp "github.com/rabbitmq/amqp091-go"
	"go.uber.org/goleak"

	"github.com/kombugen/kombugen/golden/matrix"
	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/interop"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/memory"
)

// TestMain fails the package's tests when a goroutine outlives them: the
// live test's connections must all be closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func ptr[T any](v T) *T { return &v }

// The bodies every message sends. record is converted to each of the 24
// struct messages, which share their fields; a required bool at false must
// still be sent. The tags hold strings YAML 1.1 (PyYAML) reads as others
// unless quoted.
var (
	record = matrix.JSONNone{
		ID:    "matrix-1 ✓",
		Count: 1 << 40,
		Price: ptr(2.5),
		Tags:  []string{"a", "yes", "off", "12:30", "=", "~", "ünï <&>"},
		Attrs: map[string]string{"k": "v", "empty": ""},
		Ok:    false,
	}
	rawBody  = []byte{0x00, 0x01, 0xfe, 0xff, 'k', 'o', 'm', 'b', 'u', 0x80}
	textBody = "héllo wörld ✓\nline two"
)

// recordWire is record as a consumer must decode it, written by hand with
// the schema's field names so that it does not depend on the generated
// struct tags it checks.
var recordWire = map[string]any{
	"id":    "matrix-1 ✓",
	"count": 1 << 40,
	"price": 2.5,
	"tags":  []any{"a", "yes", "off", "12:30", "=", "~", "ünï <&>"},
	"attrs": map[string]any{"k": "v", "empty": ""},
	"ok":    false,
}

// matrixCase is one message of the schema: its serializer and compression
// as the schema names them, and how to publish it.
type matrixCase struct {
	name, serializer, compression string
	publish                       func(context.Context, *matrix.MatrixProducer, ...runtime.PublishOption) error
}

// key is the message's routing key in the schema.
func (c matrixCase) key() string { return c.serializer + "." + c.compression }

// want is what a consumer decodes the body to.
func (c matrixCase) want() any {
	switch c.serializer {
	case "raw":
		return rawBody
	case "text":
		return textBody
	}
	return recordWire
}

var cases = []matrixCase{
	{"JsonNone", "json", "none", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishJSONNone(ctx, matrix.JSONNone(record), o...)
	}},
	{"JsonZlib", "json", "zlib", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishJSONZlib(ctx, matrix.JSONZlib(record), o...)
	}},
	{"JsonGzip", "json", "gzip", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishJSONGzip(ctx, matrix.JSONGzip(record), o...)
	}},
	{"JsonBzip2", "json", "bzip2", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishJSONBzip2(ctx, matrix.JSONBzip2(record), o...)
	}},
	{"JsonLzma", "json", "lzma", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishJSONLzma(ctx, matrix.JSONLzma(record), o...)
	}},
	{"JsonXz", "json", "xz", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishJSONXz(ctx, matrix.JSONXz(record), o...)
	}},
	{"JsonBrotli", "json", "brotli", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishJSONBrotli(ctx, matrix.JSONBrotli(record), o...)
	}},
	{"JsonZstd", "json", "zstd", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishJSONZstd(ctx, matrix.JSONZstd(record), o...)
	}},
	{"YamlNone", "yaml", "none", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishYamlNone(ctx, matrix.YamlNone(record), o...)
	}},
	{"YamlZlib", "yaml", "zlib", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishYamlZlib(ctx, matrix.YamlZlib(record), o...)
	}},
	{"YamlGzip", "yaml", "gzip", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishYamlGzip(ctx, matrix.YamlGzip(record), o...)
	}},
	{"YamlBzip2", "yaml", "bzip2", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishYamlBzip2(ctx, matrix.YamlBzip2(record), o...)
	}},
	{"YamlLzma", "yaml", "lzma", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishYamlLzma(ctx, matrix.YamlLzma(record), o...)
	}},
	{"YamlXz", "yaml", "xz", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishYamlXz(ctx, matrix.YamlXz(record), o...)
	}},
	{"YamlBrotli", "yaml", "brotli", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishYamlBrotli(ctx, matrix.YamlBrotli(record), o...)
	}},
	{"YamlZstd", "yaml", "zstd", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishYamlZstd(ctx, matrix.YamlZstd(record), o...)
	}},
	{"MsgpackNone", "msgpack", "none", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishMsgpackNone(ctx, matrix.MsgpackNone(record), o...)
	}},
	{"MsgpackZlib", "msgpack", "zlib", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishMsgpackZlib(ctx, matrix.MsgpackZlib(record), o...)
	}},
	{"MsgpackGzip", "msgpack", "gzip", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishMsgpackGzip(ctx, matrix.MsgpackGzip(record), o...)
	}},
	{"MsgpackBzip2", "msgpack", "bzip2", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishMsgpackBzip2(ctx, matrix.MsgpackBzip2(record), o...)
	}},
	{"MsgpackLzma", "msgpack", "lzma", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishMsgpackLzma(ctx, matrix.MsgpackLzma(record), o...)
	}},
	{"MsgpackXz", "msgpack", "xz", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishMsgpackXz(ctx, matrix.MsgpackXz(record), o...)
	}},
	{"MsgpackBrotli", "msgpack", "brotli", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishMsgpackBrotli(ctx, matrix.MsgpackBrotli(record), o...)
	}},
	{"MsgpackZstd", "msgpack", "zstd", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishMsgpackZstd(ctx, matrix.MsgpackZstd(record), o...)
	}},
	{"RawNone", "raw", "none", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishRawNone(ctx, matrix.RawNone(rawBody), o...)
	}},
	{"RawZlib", "raw", "zlib", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishRawZlib(ctx, matrix.RawZlib(rawBody), o...)
	}},
	{"RawGzip", "raw", "gzip", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishRawGzip(ctx, matrix.RawGzip(rawBody), o...)
	}},
	{"RawBzip2", "raw", "bzip2", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishRawBzip2(ctx, matrix.RawBzip2(rawBody), o...)
	}},
	{"RawLzma", "raw", "lzma", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishRawLzma(ctx, matrix.RawLzma(rawBody), o...)
	}},
	{"RawXz", "raw", "xz", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishRawXz(ctx, matrix.RawXz(rawBody), o...)
	}},
	{"RawBrotli", "raw", "brotli", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishRawBrotli(ctx, matrix.RawBrotli(rawBody), o...)
	}},
	{"RawZstd", "raw", "zstd", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishRawZstd(ctx, matrix.RawZstd(rawBody), o...)
	}},
	{"TextNone", "text", "none", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishTextNone(ctx, matrix.TextNone(textBody), o...)
	}},
	{"TextZlib", "text", "zlib", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishTextZlib(ctx, matrix.TextZlib(textBody), o...)
	}},
	{"TextGzip", "text", "gzip", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishTextGzip(ctx, matrix.TextGzip(textBody), o...)
	}},
	{"TextBzip2", "text", "bzip2", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishTextBzip2(ctx, matrix.TextBzip2(textBody), o...)
	}},
	{"TextLzma", "text", "lzma", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishTextLzma(ctx, matrix.TextLzma(textBody), o...)
	}},
	{"TextXz", "text", "xz", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishTextXz(ctx, matrix.TextXz(textBody), o...)
	}},
	{"TextBrotli", "text", "brotli", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishTextBrotli(ctx, matrix.TextBrotli(textBody), o...)
	}},
	{"TextZstd", "text", "zstd", func(ctx context.Context, p *matrix.MatrixProducer, o ...runtime.PublishOption) error {
		return p.PublishTextZstd(ctx, matrix.TextZstd(textBody), o...)
	}},
}

// The properties SPEC gives each serializer and compression.
var (
	contentOf = map[string][2]string{
		"json":    {"application/json", "utf-8"},
		"yaml":    {"application/x-yaml", "utf-8"},
		"msgpack": {"application/x-msgpack", "binary"},
		"raw":     {"application/data", "binary"},
		"text":    {"text/plain", "utf-8"},
	}
	compressionHeader = map[string]string{
		"zlib": "application/x-gzip", "gzip": "application/x-gzip",
		"bzip2": "application/x-bz2",
		"lzma":  "application/x-lzma", "xz": "application/x-lzma",
		"brotli": "application/x-brotli",
		"zstd":   "application/zstd",
	}
	magic = map[string][]byte{
		"zlib": {0x78, 0x9c}, "gzip": {0x78, 0x9c},
		"bzip2": []byte("BZh"),
		"lzma":  {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}, "xz": {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00},
		"zstd": {0x28, 0xb5, 0x2f, 0xfd},
	}
)

// TestMatrixCases checks the table covers each serializer with each
// compression, once.
func TestMatrixCases(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.key()] {
			t.Errorf("%s twice", c.key())
		}
		seen[c.key()] = true
	}
	for ser := range contentOf {
		for _, comp := range []string{"none", "zlib", "gzip", "bzip2", "lzma", "xz", "brotli", "zstd"} {
			if !seen[ser+"."+comp] {
				t.Errorf("no case for %s.%s", ser, comp)
			}
		}
	}
	if len(cases) != 40 {
		t.Errorf("%d cases, want 40", len(cases))
	}
}

// TestMatrixMemory publishes every message over the memory broker and
// checks its routing, properties and compressed body, then decodes it back.
func TestMatrixMemory(t *testing.T) {
	ctx := context.Background()
	b := memory.New()
	p := matrix.NewMatrixProducer(b)
	if err := p.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		q := &runtime.Queue{Name: "tap." + c.name, Bindings: []runtime.Binding{{Exchange: "matrix", RoutingKey: c.key()}}}
		if err := b.Declare(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cases {
		if err := c.publish(ctx, p); err != nil {
			t.Fatalf("%s: publish: %v", c.name, err)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msgs := b.Messages("tap." + c.name)
			if len(msgs) != 1 {
				t.Fatalf("queue holds %d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if m.Exchange != "matrix" || m.RoutingKey != c.key() {
				t.Errorf("exchange %q key %q, want matrix %q", m.Exchange, m.RoutingKey, c.key())
			}
			wantHeaders := runtime.Table{}
			if h, ok := compressionHeader[c.compression]; ok {
				wantHeaders["compression"] = h
			}
			content := contentOf[c.serializer]
			wantProps := runtime.Properties{
				ContentType:     content[0],
				ContentEncoding: content[1],
				Headers:         wantHeaders,
				DeliveryMode:    runtime.Persistent,
			}
			if diff := cmp.Diff(wantProps, m.Properties); diff != "" {
				t.Errorf("properties (-want +got):\n%s", diff)
			}
			if mg := magic[c.compression]; !bytes.HasPrefix(m.Body, mg) {
				t.Errorf("body starts % x, want % x", m.Body[:min(len(m.Body), len(mg))], mg)
			}
			plain, err := consume.Decompress(m.Properties, m.Body)
			if err != nil {
				t.Fatalf("Decompress: %v", err)
			}
			if c.compression != "none" && bytes.Equal(plain, m.Body) {
				t.Error("body sent uncompressed")
			}
			switch want := c.want().(type) {
			case []byte:
				if !bytes.Equal(plain, want) {
					t.Errorf("body % x, want % x", plain, want)
				}
			case string:
				if string(plain) != want {
					t.Errorf("body %q, want %q", plain, want)
				}
			default:
				var got map[string]any
				if err := m.Decode(&got); err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if diff := cmp.Diff(normalize(t, want), normalize(t, got)); diff != "" {
					t.Errorf("decoded body (-want +got):\n%s", diff)
				}
			}
		})
	}
	if n := b.DeclareCount("E|matrix"); n != 1+len(cases) {
		t.Errorf("matrix exchange declared %d times, want %d: it is auto-delete, so before every publish", n, 1+len(cases))
	}
}

// normalize gives decoded values one shape, JSON's: numbers as float64,
// whatever integer type a decoder chose.
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// deleteQueues deletes the named queues over a connection of its own.
func deleteQueues(t *testing.T, names []string) {
	conn, err := amqp.Dial(brokertest.URL())
	if err != nil {
		t.Errorf("delete queues: %v", err)
		return
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Errorf("delete queues: %v", err)
		return
	}
	for _, name := range names {
		if _, err := ch.QueueDelete(name, false, false, false); err != nil {
			t.Errorf("delete queue %s: %v", name, err)
			return
		}
	}
}

// TestMatrixKombuInterop publishes every message through the generated
// producer over runtime.Dial to RabbitMQ, each to a queue of its own bound
// to the matrix exchange with the message's key, and has Python's kombu
// (interop/kombu_check.py) decode each one and compare its properties with
// what kombu's own Producer sends for the same serializer and compression.
func TestMatrixKombuInterop(t *testing.T) {
	interop.Require(t)
	brokertest.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := runtime.Dial(ctx, brokertest.URL())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() {
		if err := conn.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	p := matrix.NewMatrixProducer(conn)
	// The exchange first, so that the queues can bind to it. It is
	// auto-delete: it lives while they are bound, and goes when the cleanup
	// deletes them.
	if err := p.Declare(ctx); err != nil {
		t.Fatalf("Declare: %v", err)
	}

	run := fmt.Sprintf("%d.%d", os.Getpid(), time.Now().UnixNano())
	var (
		queues  []string
		icases  []interop.Case
		publish = map[string]matrixCase{}
	)
	t.Cleanup(func() { deleteQueues(t, queues) })
	for _, c := range cases {
		q := &runtime.Queue{
			Name: "kombugen.test.matrix." + c.name + "." + run,
			// Gone within minutes should the cleanup never run.
			Arguments: runtime.Table{"x-expires": int64(5 * 60 * 1000)},
			Bindings:  []runtime.Binding{{Exchange: "matrix", RoutingKey: c.key()}},
		}
		queues = append(queues, q.Name)
		if err := conn.Declare(ctx, q); err != nil {
			t.Fatalf("declare queue %s: %v", q.Name, err)
		}
		publish[c.name] = c
		icases = append(icases, interop.Case{
			Name:        c.name,
			Queue:       q.Name,
			Exchange:    "matrix",
			RoutingKey:  c.key(),
			Body:        c.want(),
			Serializer:  c.serializer,
			Compression: c.compression,
		})
	}
	interop.Run(t, icases, func(ic interop.Case) error {
		return publish[ic.Name].publish(ctx, p)
	})
}
