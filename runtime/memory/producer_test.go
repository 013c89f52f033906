package memory_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/memory"
)

// The tests here publish through runtime.NewProducer, as generated code
// does, and check what reaches the broker.

var (
	orders  = &runtime.Exchange{Name: "orders", Type: "topic", Durable: true}
	billing = &runtime.Queue{Name: "billing.order-events", Durable: true,
		Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "order.*"}}}
	// fastRetry retries at once, so tests do not sleep.
	fastRetry = runtime.WithRetry(runtime.RetryPolicy{MaxRetries: 3})
)

type order struct {
	ID  string `json:"id" yaml:"id" msgpack:"id"`
	Qty int    `json:"qty" yaml:"qty" msgpack:"qty"`
}

func TestProducerDeclareOnce(t *testing.T) {
	b := newBroker(t)
	ctx := context.Background()
	p := runtime.NewProducer(b, runtime.WithExchange(orders), runtime.WithDeclare(billing),
		runtime.WithRoutingKey("order.created"))
	if d := b.Declarations(); len(d) != 0 {
		t.Fatalf("NewProducer declared %v: kombu declares at the first publish", d)
	}
	for range 5 {
		if err := p.Publish(ctx, order{ID: "A1", Qty: 1}); err != nil {
			t.Fatal(err)
		}
	}
	checkCounts(t, b, map[string]int{"E|orders": 1, "Q|billing.order-events": 1})
	if n := b.Len(billing.Name); n != 5 {
		t.Errorf("%s holds %d messages, want 5", billing.Name, n)
	}

	b.Disconnect()
	for range 3 {
		if err := p.Publish(ctx, order{ID: "A2"}); err != nil {
			t.Fatal(err)
		}
	}
	checkCounts(t, b, map[string]int{"E|orders": 2, "Q|billing.order-events": 2})

	// Producer.Declare declares whether or not it was before.
	if err := p.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, b, map[string]int{"E|orders": 3, "Q|billing.order-events": 3})
}

// TestProducerDeclaresVolatileEveryTime: entities the broker may delete on
// its own are declared before every publish (kombu's
// can_cache_declaration).
func TestProducerDeclaresVolatileEveryTime(t *testing.T) {
	b := newBroker(t)
	events := &runtime.Exchange{Name: "events", Type: "fanout", AutoDelete: true}
	volatile := []runtime.Entity{
		&runtime.Queue{Name: "auto", AutoDelete: true, Bindings: []runtime.Binding{{Exchange: "events"}}},
		&runtime.Queue{Name: "expiring", Arguments: runtime.Table{"x-expires": 60000},
			Bindings: []runtime.Binding{{Exchange: "events"}}},
		&runtime.Queue{Name: "mine", Exclusive: true, Bindings: []runtime.Binding{{Exchange: "events"}}},
		&runtime.Queue{Name: "kept", Durable: true, Bindings: []runtime.Binding{{Exchange: "events"}}},
	}
	p := runtime.NewProducer(b, runtime.WithExchange(events), runtime.WithDeclare(volatile...))
	for range 4 {
		if err := p.Publish(context.Background(), "hello"); err != nil {
			t.Fatal(err)
		}
	}
	checkCounts(t, b, map[string]int{"E|events": 4, "Q|auto": 4, "Q|expiring": 4, "Q|mine": 4, "Q|kept": 1})
	for _, q := range []string{"auto", "expiring", "mine", "kept"} {
		if n := b.Len(q); n != 4 {
			t.Errorf("%s holds %d messages, want 4", q, n)
		}
	}
}

func checkCounts(t *testing.T, b *memory.Broker, want map[string]int) {
	t.Helper()
	for key, n := range want {
		if got := b.DeclareCount(key); got != n {
			t.Errorf("DeclareCount(%q) = %d, want %d", key, got, n)
		}
	}
}

func TestProducerRetry(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name     string
		failures int
		err      error
		wantErr  error // nil: the publish succeeds
		stored   int
		// redeclares counts the producer's declares: the test declared
		// first, so only a lost connection makes the producer declare.
		redeclares int
	}{
		{"connection lost once", 1, nil, nil, 1, 1},
		{"connection lost three times", 3, runtime.ErrConnectionLost, nil, 1, 3},
		{"connection lost more than the policy retries", 4, nil, runtime.ErrConnectionLost, 0, 3},
		// A lost confirm may hide a delivered message: at least once.
		{"confirm lost", 1, runtime.ErrConfirmLost, nil, 2, 0},
		{"not retryable", 1, boom, boom, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			declare(t, b, orders, billing)
			p := runtime.NewProducer(b, runtime.WithExchange(orders), fastRetry, runtime.WithRoutingKey("order.paid"))
			b.FailNext(tt.failures, tt.err)
			err := p.Publish(context.Background(), order{ID: "A1"})
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("publish: %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("publish: err = %v, want %v", err, tt.wantErr)
			}
			if n := b.Len(billing.Name); n != tt.stored {
				t.Errorf("%s holds %d messages, want %d", billing.Name, n, tt.stored)
			}
			if n := b.DeclareCount("E|orders") - 1; n != tt.redeclares {
				t.Errorf("orders declared %d times by the producer, want %d", n, tt.redeclares)
			}
		})
	}
}

func TestFailNextCancel(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q"})
	b.FailNext(5, nil)
	b.FailNext(0, nil)
	publish(t, b, "", "q", "m")
}

func TestProducerMandatory(t *testing.T) {
	b := newBroker(t)
	var returned []runtime.Return
	p := runtime.NewProducer(b, runtime.WithExchange(orders), runtime.WithMandatory(true),
		runtime.WithOnReturn(func(r runtime.Return) { returned = append(returned, r) }))
	err := p.Publish(context.Background(), order{ID: "lost"}, runtime.WithRoutingKey("order.lost"))
	if !errors.Is(err, runtime.ErrUnroutable) {
		t.Fatalf("err = %v, want ErrUnroutable", err)
	}
	if runtime.Retryable(err) {
		t.Error("an unroutable message is retryable")
	}
	if len(returned) != 1 || returned[0].RoutingKey != "order.lost" || returned[0].ReplyCode != 312 {
		t.Fatalf("returns = %+v, want one for order.lost", returned)
	}
	var got order
	if err := consume.Decode(returned[0].Properties, returned[0].Body, &got); err != nil || got.ID != "lost" {
		t.Errorf("returned body decodes to %+v, %v", got, err)
	}
	// Without confirms the callback is still called, and Publish succeeds.
	err = p.Publish(context.Background(), order{ID: "lost"}, runtime.WithRoutingKey("x"), runtime.WithConfirm(false))
	if err != nil || len(returned) != 2 {
		t.Errorf("unconfirmed: err = %v, %d returns; want nil and 2", err, len(returned))
	}
}

// TestSerializerCompressionRoundTrip publishes through the producer with
// every serializer and compression and reads the message back with
// Message.Decode, checking the properties SPEC section 5 fixes.
func TestSerializerCompressionRoundTrip(t *testing.T) {
	serializers := []struct {
		name, contentType, encoding string
		body                        any
		into                        func() any // a pointer to decode into
	}{
		{"json", "application/json", "utf-8", order{"A1", 2}, func() any { return new(order) }},
		{"yaml", "application/x-yaml", "utf-8", order{"A1", 2}, func() any { return new(order) }},
		{"msgpack", "application/x-msgpack", "binary", order{"A1", 2}, func() any { return new(order) }},
		{"raw", "application/data", "binary", []byte{0, 1, 2, 0xff}, func() any { return new([]byte) }},
		{"text", "text/plain", "utf-8", "héllo wörld", func() any { return new(string) }},
	}
	compressions := []struct {
		name, header string
		magic        []byte
	}{
		{"none", "", nil},
		{"zlib", "application/x-gzip", []byte{0x78, 0x9c}},
		{"gzip", "application/x-gzip", []byte{0x78, 0x9c}},
		{"bzip2", "application/x-bz2", []byte("BZh")},
		{"lzma", "application/x-lzma", []byte{0xfd, '7', 'z', 'X', 'Z', 0}},
		{"xz", "application/x-lzma", []byte{0xfd, '7', 'z', 'X', 'Z', 0}},
		{"brotli", "application/x-brotli", nil},
		{"zstd", "application/zstd", []byte{0x28, 0xb5, 0x2f, 0xfd}},
	}
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q"})
	p := runtime.NewProducer(b, runtime.WithRoutingKey("q"))
	for _, s := range serializers {
		for _, c := range compressions {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				err := p.Publish(context.Background(), s.body,
					runtime.WithSerializer(s.name), runtime.WithCompression(c.name))
				if err != nil {
					t.Fatal(err)
				}
				m, ok := b.Get("q")
				if !ok {
					t.Fatal("nothing in the queue")
				}
				if m.ContentType != s.contentType || m.ContentEncoding != s.encoding {
					t.Errorf("content type %q encoding %q, want %q %q", m.ContentType, m.ContentEncoding, s.contentType, s.encoding)
				}
				if got, _ := m.Headers["compression"].(string); got != c.header {
					t.Errorf("compression header %q, want %q", got, c.header)
				}
				if !bytes.HasPrefix(m.Body, c.magic) {
					t.Errorf("body starts % x, want % x", m.Body[:min(len(m.Body), 6)], c.magic)
				}
				got := s.into()
				if err := m.Decode(got); err != nil {
					t.Fatalf("decode: %v", err)
				}
				if v := reflect.ValueOf(got).Elem().Interface(); !reflect.DeepEqual(v, s.body) {
					t.Errorf("decoded %#v, want %#v", v, s.body)
				}
			})
		}
	}
}

// TestProducerProperties checks the properties SPEC section 5 says kombu
// always sends.
func TestProducerProperties(t *testing.T) {
	tests := []struct {
		name  string
		opts  []runtime.PublishOption
		check func(t *testing.T, m memory.Message)
	}{
		{"defaults", nil, func(t *testing.T, m memory.Message) {
			if m.DeliveryMode != runtime.Persistent || m.Priority != 0 || m.Expiration != "" {
				t.Errorf("delivery mode %d priority %d expiration %q, want 2, 0, none", m.DeliveryMode, m.Priority, m.Expiration)
			}
			if m.Headers == nil || len(m.Headers) != 0 {
				t.Errorf("headers = %#v, want an empty, non-nil table", m.Headers)
			}
		}},
		{"ttl 1.5s", []runtime.PublishOption{runtime.WithTTL(1500 * time.Millisecond)}, func(t *testing.T, m memory.Message) {
			if m.Expiration != "1500" {
				t.Errorf("expiration = %q, want 1500", m.Expiration)
			}
		}},
		{"transient", []runtime.PublishOption{runtime.WithDeliveryMode(runtime.Transient)}, func(t *testing.T, m memory.Message) {
			if m.DeliveryMode != runtime.Transient {
				t.Errorf("delivery mode = %d, want 1", m.DeliveryMode)
			}
		}},
		{"priority and headers", []runtime.PublishOption{runtime.WithPriority(7), runtime.WithHeaders(runtime.Table{"k": "v"}),
			runtime.WithCorrelationID("c"), runtime.WithMessageID("m"), runtime.WithReplyTo("r"), runtime.WithType("t"),
			runtime.WithAppID("a")}, func(t *testing.T, m memory.Message) {
			if m.Priority != 7 || m.Headers["k"] != "v" || m.CorrelationID != "c" || m.MessageID != "m" ||
				m.ReplyTo != "r" || m.Type != "t" || m.AppID != "a" {
				t.Errorf("properties = %+v", m.Properties)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			declare(t, b, &runtime.Queue{Name: "q"})
			p := runtime.NewProducer(b, runtime.WithRoutingKey("q"))
			if err := p.Publish(context.Background(), order{ID: "A1"}, tt.opts...); err != nil {
				t.Fatal(err)
			}
			ms := b.Messages("q")
			if len(ms) != 1 {
				t.Fatalf("q holds %d messages, want 1", len(ms))
			}
			if ms[0].Exchange != "" || ms[0].RoutingKey != "q" {
				t.Errorf("published to %q with key %q", ms[0].Exchange, ms[0].RoutingKey)
			}
			tt.check(t, ms[0])
		})
	}
}
