package runtime_test

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

func TestPrepareExpiration(t *testing.T) {
	tests := []struct {
		ttl  time.Duration
		want string
	}{
		{0, ""},
		{time.Millisecond, "1"},
		{1500 * time.Millisecond, "1500"},
		{10 * time.Second, "10000"},
		{24 * time.Hour, "86400000"},
		{3650 * 24 * time.Hour, "315360000000"}, // RabbitMQ's largest
	}
	for _, tt := range tests {
		t.Run(tt.ttl.String(), func(t *testing.T) {
			if got := publishOne(t, "x", runtime.WithTTL(tt.ttl)).Expiration; got != tt.want {
				t.Errorf("expiration = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPrepareExpirationRejected(t *testing.T) {
	for _, ttl := range []time.Duration{
		time.Nanosecond, 999 * time.Microsecond, -time.Millisecond, -time.Hour,
		// kombu would truncate to whole milliseconds (int(expiration*1000));
		// the schema refuses a fraction, and so does the runtime.
		1500 * time.Microsecond, time.Second + 999*time.Microsecond,
		3650*24*time.Hour + time.Millisecond, // RabbitMQ refuses it, closing the channel
	} {
		t.Run(ttl.String(), func(t *testing.T) {
			err := publishInvalid(t, "x", runtime.WithTTL(ttl))
			if !strings.Contains(err.Error(), "ttl") {
				t.Errorf("error %q does not name the ttl", err)
			}
		})
	}
}

func TestPreparePriority(t *testing.T) {
	for _, p := range []int{0, 1, 9, 254, 255} {
		if got := publishOne(t, "x", runtime.WithPriority(p)).Priority; int(got) != p {
			t.Errorf("WithPriority(%d): priority = %d", p, got)
		}
	}
	for _, p := range []int{-1, 256, 1000} {
		err := publishInvalid(t, "x", runtime.WithPriority(p))
		if !strings.Contains(err.Error(), "priority") {
			t.Errorf("WithPriority(%d): error %q does not name the priority", p, err)
		}
	}
}

func TestPrepareDeliveryMode(t *testing.T) {
	tests := []struct {
		name string
		opts []runtime.PublishOption
		want runtime.DeliveryMode
	}{
		{"default", nil, 2},
		{"persistent", []runtime.PublishOption{runtime.WithDeliveryMode(runtime.Persistent)}, 2},
		{"transient", []runtime.PublishOption{runtime.WithDeliveryMode(runtime.Transient)}, 1},
		{"unset", []runtime.PublishOption{runtime.WithDeliveryMode(0)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := publishOne(t, "x", tt.opts...).DeliveryMode; got != tt.want {
				t.Errorf("delivery mode = %d, want %d", got, tt.want)
			}
		})
	}
	for _, m := range []runtime.DeliveryMode{3, 255} {
		publishInvalid(t, "x", runtime.WithDeliveryMode(m))
	}
}

func TestPrepareTransientProducerDefault(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithDeliveryMode(runtime.Transient))
	if err := p.Publish(t.Context(), "x"); err != nil {
		t.Fatal(err)
	}
	if got := f.only(t).DeliveryMode; got != runtime.Transient {
		t.Errorf("delivery mode = %d, want the producer's transient", got)
	}
}

func TestPrepareDeliveryModeString(t *testing.T) {
	for m, want := range map[runtime.DeliveryMode]string{1: "transient", 2: "persistent", 0: "invalid", 7: "invalid"} {
		if got := m.String(); got != want {
			t.Errorf("DeliveryMode(%d).String() = %q, want %q", m, got, want)
		}
	}
}

func TestPrepareHeadersNeverNil(t *testing.T) {
	for name, opts := range map[string][]runtime.PublishOption{
		"no headers":  nil,
		"nil headers": {runtime.WithHeaders(nil)},
		"empty":       {runtime.WithHeaders(runtime.Table{})},
	} {
		t.Run(name, func(t *testing.T) {
			h := publishOne(t, "x", opts...).Headers
			if h == nil || len(h) != 0 {
				t.Errorf("headers = %#v, want an empty, non-nil table", h)
			}
		})
	}
}

func TestPrepareHeadersLayering(t *testing.T) {
	producerHeaders := runtime.Table{"source": "producer", "x-version": 1}
	first := runtime.Table{"x-version": 2, "trace": "abc"}
	second := runtime.Table{"trace": "def"}
	snapshot := func(ts ...runtime.Table) []runtime.Table {
		var out []runtime.Table
		for _, t := range ts {
			out = append(out, maps.Clone(t))
		}
		return out
	}
	before := snapshot(producerHeaders, first, second)

	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithHeaders(producerHeaders))
	ctx := t.Context()
	if err := p.Publish(ctx, "x", runtime.WithHeaders(first), runtime.WithHeaders(second), runtime.WithCompression("zlib")); err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(ctx, "x"); err != nil {
		t.Fatal(err)
	}

	want := runtime.Table{"source": "producer", "x-version": 2, "trace": "def", "compression": "application/x-gzip"}
	if got := f.published[0].Headers; !maps.Equal(got, want) {
		t.Errorf("first publish headers = %v, want %v", got, want)
	}
	// Neither the compression header nor the first publish's layers stay
	// behind in the producer's defaults.
	want = runtime.Table{"source": "producer", "x-version": 1}
	if got := f.published[1].Headers; !maps.Equal(got, want) {
		t.Errorf("second publish headers = %v, want %v", got, want)
	}
	for i, after := range snapshot(producerHeaders, first, second) {
		if !maps.Equal(after, before[i]) {
			t.Errorf("caller's header map %d changed: %v, was %v", i, after, before[i])
		}
	}
	// Each publish gets a table of its own.
	f.published[0].Headers["mutated"] = true
	if _, ok := f.published[1].Headers["mutated"]; ok {
		t.Error("two publishes share one headers table")
	}
	if _, ok := producerHeaders["mutated"]; ok {
		t.Error("a Publishing's headers alias the producer's map")
	}
}

func TestPrepareCompressionHeaderDoesNotLeak(t *testing.T) {
	h := runtime.Table{"x-a": 1}
	msg := publishOne(t, "x", runtime.WithHeaders(h), runtime.WithCompression("bzip2"))
	if _, ok := h["compression"]; ok || len(h) != 1 {
		t.Errorf("caller's headers became %v", h)
	}
	if msg.Headers["compression"] != "application/x-bz2" {
		t.Errorf("headers = %v, want the compression header", msg.Headers)
	}
}

func TestPrepareHeaderValueTypes(t *testing.T) {
	ok := runtime.Table{
		"nil": nil, "bool": true, "int8": int8(-1), "uint8": uint8(1), "int16": int16(-2),
		"uint16": uint16(2), "int32": int32(-3), "uint32": uint32(3), "int64": int64(-4), "int": 5,
		"float32": float32(1.5), "float64": 2.5, "string": "s", "bytes": []byte{1},
		"time": time.Unix(1700000000, 0), "list": []any{1, "a", []any{true}, runtime.Table{"k": "v"}},
		"table": runtime.Table{"inner": runtime.Table{"deep": int64(1)}},
	}
	if got := publishOne(t, "x", runtime.WithHeaders(ok)).Headers; len(got) != len(ok) {
		t.Errorf("headers = %v, want all of %v", got, ok)
	}

	type point struct{ X int }
	tests := []struct {
		name    string
		headers runtime.Table
		path    string
	}{
		{"uint64", runtime.Table{"big": uint64(1)}, "headers.big"},
		{"uint", runtime.Table{"u": uint(1)}, "headers.u"},
		{"struct", runtime.Table{"p": point{1}}, "headers.p"},
		{"map of strings", runtime.Table{"m": map[string]string{"a": "b"}}, "headers.m"},
		{"slice of strings", runtime.Table{"s": []string{"a"}}, "headers.s"},
		{"in a list", runtime.Table{"list": []any{1, "ok", uint64(2)}}, "headers.list[2]"},
		{"in a nested table", runtime.Table{"outer": runtime.Table{"inner": runtime.Table{"bad": point{}}}}, "headers.outer.inner.bad"},
		{"table in a list", runtime.Table{"list": []any{runtime.Table{"c": complex(1, 1)}}}, "headers.list[0].c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := publishInvalid(t, "x", runtime.WithHeaders(tt.headers))
			if !strings.Contains(err.Error(), tt.path+":") {
				t.Errorf("error %q does not name the path %q", err, tt.path)
			}
		})
	}
}

func TestPrepareHeaderKeyTooLong(t *testing.T) {
	publishInvalid(t, "x", runtime.WithHeaders(runtime.Table{strings.Repeat("k", 256): 1}))
	publishOne(t, "x", runtime.WithHeaders(runtime.Table{strings.Repeat("k", 255): 1}))
}

func TestPrepareShortStrings(t *testing.T) {
	long := strings.Repeat("a", 256)
	longest := strings.Repeat("a", 255)
	const bad = "order.\xff"
	tests := []struct {
		name string
		opt  runtime.PublishOption
	}{
		{"long routing key", runtime.WithRoutingKey(long)},
		{"long exchange", runtime.WithExchangeName(long)},
		{"long message id", runtime.WithMessageID(long)},
		{"long correlation id", runtime.WithCorrelationID(long)},
		{"long content type", runtime.WithContentType(long)},
		{"invalid UTF-8 routing key", runtime.WithRoutingKey(bad)},
		{"invalid UTF-8 exchange", runtime.WithExchangeName(bad)},
		{"invalid UTF-8 type", runtime.WithType(bad)},
		{"invalid UTF-8 reply to", runtime.WithReplyTo(bad)},
		{"invalid UTF-8 app id", runtime.WithAppID(bad)},
		{"invalid UTF-8 user id", runtime.WithUserID(bad)},
		{"invalid UTF-8 content encoding", runtime.WithContentEncoding(bad)}, // with the content type below
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A content encoding counts only with a content type.
			publishInvalid(t, "x", runtime.WithContentType("text/plain"), tt.opt)
		})
	}
	msg := publishOne(t, "x", runtime.WithRoutingKey(longest), runtime.WithExchangeName(longest))
	if len(msg.RoutingKey) != 255 || len(msg.Exchange) != 255 {
		t.Errorf("255-byte names not kept: %d, %d bytes", len(msg.RoutingKey), len(msg.Exchange))
	}
	if got := publishOne(t, "x", runtime.WithRoutingKey("commande.créée")).RoutingKey; got != "commande.créée" {
		t.Errorf("UTF-8 routing key = %q", got)
	}
}

func TestPrepareNegativeMaxRetriesRejected(t *testing.T) {
	publishInvalid(t, "x", runtime.WithRetry(runtime.RetryPolicy{MaxRetries: -1}))
}

func TestPrepareContentTypePassthrough(t *testing.T) {
	type note string
	type blob []byte
	tests := []struct {
		name         string
		body         any
		opts         []runtime.PublishOption
		wantType     string
		wantEncoding string
		wantBody     string
	}{
		{"string", "héllo", []runtime.PublishOption{runtime.WithContentType("text/x-custom")}, "text/x-custom", "utf-8", "héllo"},
		{"named string", note("n"), []runtime.PublishOption{runtime.WithContentType("text/x-custom")}, "text/x-custom", "utf-8", "n"},
		{"bytes", []byte{0, 1, 0xff}, []runtime.PublishOption{runtime.WithContentType("custom")}, "custom", "binary", "\x00\x01\xff"},
		{"named bytes", blob("b"), []runtime.PublishOption{runtime.WithContentType("custom")}, "custom", "binary", "b"},
		{"explicit encoding", []byte("x"), []runtime.PublishOption{runtime.WithContentType("custom"), runtime.WithContentEncoding("alien")}, "custom", "alien", "x"},
		{"explicit encoding on string", "x", []runtime.PublishOption{runtime.WithContentType("custom"), runtime.WithContentEncoding("latin-1")}, "custom", "latin-1", "x"},
		// Sent as they are: no serializer, even one named.
		{"json bytes", []byte(`{"a":1}`), []runtime.PublishOption{runtime.WithContentType("application/json"), runtime.WithSerializer("msgpack")}, "application/json", "binary", `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := publishOne(t, tt.body, tt.opts...)
			if msg.ContentType != tt.wantType || msg.ContentEncoding != tt.wantEncoding || string(msg.Body) != tt.wantBody {
				t.Errorf("got (%q, %q, %q), want (%q, %q, %q)",
					msg.ContentType, msg.ContentEncoding, msg.Body, tt.wantType, tt.wantEncoding, tt.wantBody)
			}
		})
	}
}

func TestPrepareSerializerSetsEncoding(t *testing.T) {
	// As kombu: without a content type, the serializer's encoding wins over
	// the caller's.
	msg := publishOne(t, map[string]int{"a": 1}, runtime.WithContentEncoding("latin-1"))
	if msg.ContentType != "application/json" || msg.ContentEncoding != "utf-8" {
		t.Errorf("content type, encoding = %q, %q; want application/json, utf-8", msg.ContentType, msg.ContentEncoding)
	}
}

func TestPrepareContentTypeNeedsBytes(t *testing.T) {
	for name, body := range map[string]any{"struct": struct{ A int }{1}, "int": 1, "nil": nil, "map": map[string]any{}} {
		t.Run(name, func(t *testing.T) {
			err := publishInvalid(t, body, runtime.WithContentType("custom"))
			if !strings.Contains(err.Error(), `"custom"`) {
				t.Errorf("error %q does not name the content type", err)
			}
		})
	}
}

// validatedOrder stands for a generated message type.
type validatedOrder struct {
	ID string `json:"id"`
}

var errMissingID = errors.New("order_id is required")

func (o *validatedOrder) Validate() error {
	if o.ID == "" {
		return errMissingID
	}
	return nil
}

// alreadyInvalid returns an error that matches ErrInvalidMessage itself, as
// generated Validate methods do.
type alreadyInvalid struct{}

func (alreadyInvalid) Validate() error {
	return errors.Join(runtime.ErrInvalidMessage, errors.New("field total: must be positive"))
}

func TestPrepareValidate(t *testing.T) {
	err := publishInvalid(t, &validatedOrder{})
	if !errors.Is(err, errMissingID) {
		t.Errorf("error %v does not keep Validate's error", err)
	}

	err = publishInvalid(t, alreadyInvalid{})
	if n := strings.Count(err.Error(), runtime.ErrInvalidMessage.Error()); n != 1 {
		t.Errorf("error %q says %q %d times, want once", err, runtime.ErrInvalidMessage, n)
	}

	msg := publishOne(t, &validatedOrder{ID: "A1"})
	if string(msg.Body) != `{"id":"A1"}` {
		t.Errorf("valid message body = %s", msg.Body)
	}
}

func TestPrepareValidateBeforeSerializing(t *testing.T) {
	c := registerCountingSerializer(t)
	publishInvalid(t, &validatedOrder{}, runtime.WithSerializer(c.name))
	if n := c.marshals.Load(); n != 0 {
		t.Errorf("Marshal called %d times for a message that failed Validate", n)
	}
}

func TestPrepareErrorNamesDestination(t *testing.T) {
	err := publishInvalid(t, "x", runtime.WithRoutingKey("order.created"), runtime.WithPriority(300))
	for _, want := range []string{`"orders"`, `"order.created"`, "300"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %s", err, want)
		}
	}
}
