package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/faultproxy"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestConnPublishConfirmed(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, nil, "", "")

	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q))
	if err := prod.Publish(testContext(t), map[string]any{"hello": "world"}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	d := p.get(q)
	if d.ContentType != "application/json" || d.ContentEncoding != "utf-8" || d.DeliveryMode != 2 || d.Priority != 0 {
		t.Errorf("properties = %q %q %d %d", d.ContentType, d.ContentEncoding, d.DeliveryMode, d.Priority)
	}
	if d.Headers == nil {
		t.Errorf("headers table not sent")
	}
	if string(d.Body) != `{"hello":"world"}` {
		t.Errorf("body = %s", d.Body)
	}
}

func TestConnProperties(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, amqp.Table{"x-max-priority": int32(10)}, "", "")
	stamp := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q))
	err := prod.Publish(testContext(t), "text body",
		runtime.WithTTL(1500*time.Millisecond), runtime.WithPriority(7), runtime.WithDeliveryMode(runtime.Transient),
		runtime.WithHeaders(runtime.Table{"s": "v", "n": int64(42), "b": true, "f": 1.5, "nested": runtime.Table{"k": "v"}, "list": []any{int32(1), "two"}}),
		runtime.WithCorrelationID("corr"), runtime.WithMessageID("mid"), runtime.WithReplyTo("replies"),
		runtime.WithType("greeting"), runtime.WithAppID("tests"), runtime.WithUserID("guest"), runtime.WithTimestamp(stamp))
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	d := p.get(q)
	got := fmt.Sprintf("%s|%s|%d|%d|%s|%s|%s|%s|%s|%s|%s|%s", d.ContentType, d.ContentEncoding, d.DeliveryMode, d.Priority,
		d.Expiration, d.CorrelationId, d.MessageId, d.ReplyTo, d.Type, d.AppId, d.UserId, d.Timestamp.UTC().Format(time.RFC3339))
	want := "text/plain|utf-8|1|7|1500|corr|mid|replies|greeting|tests|guest|2026-11-25T10:00:00Z"
	if got != want {
		t.Errorf("properties\n got %s\nwant %s", got, want)
	}
	h := d.Headers
	if h["s"] != "v" || h["n"] != int32(42) || h["b"] != true || h["f"] != 1.5 {
		t.Errorf("headers = %#v", h)
	}
	if nested, _ := h["nested"].(amqp.Table); nested["k"] != "v" {
		t.Errorf("nested header = %#v", h["nested"])
	}
	if list, _ := h["list"].([]any); len(list) != 2 || list[0] != int32(1) || list[1] != "two" {
		t.Errorf("list header = %#v", h["list"])
	}
	if string(d.Body) != "text body" {
		t.Errorf("body = %q", d.Body)
	}
}

// TestConnSerializerCompressionMatrix sends every serializer with every
// compression through RabbitMQ and reads each back as a consumer would.
func TestConnSerializerCompressionMatrix(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, nil, "", "")
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q))

	bodies := map[string]any{
		"json": map[string]any{"id": "o-1", "n": 3.0}, "yaml": map[string]any{"id": "o-1", "n": 3},
		"msgpack": map[string]any{"id": "o-1", "n": int8(3)}, "raw": []byte{0, 1, 2, 0xff}, "text": "héllo",
	}
	contentTypes := map[string]string{"json": "application/json", "yaml": "application/x-yaml",
		"msgpack": "application/x-msgpack", "raw": "application/data", "text": "text/plain"}
	headers := map[string]string{"none": "", "zlib": "application/x-gzip", "gzip": "application/x-gzip",
		"bzip2": "application/x-bz2", "lzma": "application/x-lzma", "xz": "application/x-lzma",
		"brotli": "application/x-brotli", "zstd": "application/zstd"}
	for _, ser := range []string{"json", "yaml", "msgpack", "raw", "text"} {
		for _, comp := range []string{"none", "zlib", "gzip", "bzip2", "lzma", "xz", "brotli", "zstd"} {
			t.Run(ser+"/"+comp, func(t *testing.T) {
				ctx := testContext(t)
				if err := prod.Publish(ctx, bodies[ser], runtime.WithSerializer(ser), runtime.WithCompression(comp)); err != nil {
					t.Fatalf("Publish: %v", err)
				}
				d := p.get(q)
				if d.ContentType != contentTypes[ser] {
					t.Errorf("content type %q, want %q", d.ContentType, contentTypes[ser])
				}
				if h, _ := d.Headers["compression"].(string); h != headers[comp] {
					t.Errorf("compression header %q, want %q", h, headers[comp])
				}
				props := consume.Properties(&d)
				var got any
				if err := consume.Decode(props, d.Body, &got); err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if fmt.Sprint(got) != fmt.Sprint(bodies[ser]) {
					t.Errorf("decoded %v, want %v", got, bodies[ser])
				}
			})
		}
	}
}

func TestConnConcurrentConfirms(t *testing.T) {
	conn := dialTest(t, runtime.WithConfirmWindow(64), runtime.WithPublishChannels(2))
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, nil, "", "")
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q))
	ctx := testContext(t)

	const goroutines, each = 32, 100
	var wg sync.WaitGroup
	var failed atomic.Int64
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := prod.Publish(ctx, map[string]int{"g": g, "i": i}); err != nil {
					t.Errorf("Publish: %v", err)
					failed.Add(1)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := p.count(q); n != goroutines*each {
		t.Errorf("queue holds %d messages, want %d (%d publishes failed)", n, goroutines*each, failed.Load())
	}
}

func TestConnNack(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	q := uniqueName(t, "q")
	// A full queue with reject-publish makes the broker nack what comes next.
	p.queue(q, amqp.Table{"x-max-length": int32(1), "x-overflow": "reject-publish"}, "", "")
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q), runtime.WithRetry(runtime.NoRetry))
	ctx := testContext(t)
	if err := prod.Publish(ctx, "first"); err != nil {
		t.Fatalf("first Publish: %v", err)
	}
	err := prod.Publish(ctx, "second")
	if !errors.Is(err, runtime.ErrNacked) {
		t.Fatalf("second Publish = %v, want ErrNacked", err)
	}
	if errors.Is(err, runtime.ErrConfirmLost) {
		t.Errorf("a nack reported as a lost confirm: %v", err)
	}
}

func TestConnMandatory(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	ex := uniqueName(t, "ex")
	q := uniqueName(t, "q")
	p.exchange(ex, "direct")
	p.queue(q, nil, ex, "routed")

	var returns sync.Map // routing key -> count
	onReturn := func(r runtime.Return) {
		v, _ := returns.LoadOrStore(r.RoutingKey, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	prod := runtime.NewProducer(conn, runtime.WithExchange(&runtime.Exchange{Name: ex, Type: "direct"}),
		runtime.WithAutoDeclare(false), runtime.WithMandatory(true), runtime.WithOnReturn(onReturn))
	ctx := testContext(t)

	t.Run("unroutable", func(t *testing.T) {
		err := prod.Publish(ctx, "lost", runtime.WithRoutingKey("nowhere"))
		if !errors.Is(err, runtime.ErrUnroutable) {
			t.Fatalf("Publish = %v, want ErrUnroutable", err)
		}
		var re *runtime.ReturnError
		if !errors.As(err, &re) || re.Return.ReplyCode != 312 || string(re.Return.Body) != "lost" {
			t.Errorf("return = %+v", re)
		}
	})
	t.Run("routable", func(t *testing.T) {
		if err := prod.Publish(ctx, "kept", runtime.WithRoutingKey("routed")); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	})
	t.Run("concurrent mix", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := "routed"
				if i%2 == 1 {
					key = fmt.Sprintf("nowhere-%d", i)
				}
				err := prod.Publish(ctx, fmt.Sprintf("m%d", i), runtime.WithRoutingKey(key))
				if routable := i%2 == 0; routable != (err == nil) || (!routable && !errors.Is(err, runtime.ErrUnroutable)) {
					t.Errorf("message %d to %q: %v", i, key, err)
				}
			}()
		}
		wg.Wait()
	})
	t.Run("unconfirmed still calls on-return", func(t *testing.T) {
		if err := prod.Publish(ctx, "quiet", runtime.WithRoutingKey("nowhere-quiet"), runtime.WithConfirm(false)); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		waitFor(t, func() bool { v, ok := returns.Load("nowhere-quiet"); return ok && v.(*atomic.Int64).Load() == 1 })
	})
	if v, ok := returns.Load("nowhere"); !ok || v.(*atomic.Int64).Load() != 1 {
		t.Errorf("on-return for \"nowhere\" not called exactly once")
	}
	if _, ok := returns.Load("routed"); ok {
		t.Errorf("on-return called for a routed message")
	}
	if n := p.count(q); n != 101 {
		t.Errorf("queue holds %d, want 101", n)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConnPreconditionFailed(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	name := uniqueName(t, "ex")
	p.exchange(name, "topic")
	ctx := testContext(t)

	err := conn.Declare(ctx, &runtime.Exchange{Name: name, Type: "direct"})
	if !errors.Is(err, runtime.ErrPreconditionFailed) {
		t.Fatalf("Declare = %v, want ErrPreconditionFailed", err)
	}
	for _, want := range []string{fmt.Sprintf("declare exchange %q", name), "inequivalent arg 'type'", "406"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The channel the broker closed is replaced: the next declare works.
	if err := conn.Declare(ctx, &runtime.Exchange{Name: name, Type: "topic"}); err != nil {
		t.Errorf("Declare after a refused one: %v", err)
	}

	q := uniqueName(t, "q")
	p.queue(q, amqp.Table{"x-max-priority": int32(5)}, "", "")
	err = conn.Declare(ctx, &runtime.Queue{Name: q, Arguments: runtime.Table{"x-max-priority": int32(10)}})
	if !errors.Is(err, runtime.ErrPreconditionFailed) || !strings.Contains(err.Error(), "x-max-priority") {
		t.Errorf("queue redeclare = %v, want ErrPreconditionFailed naming x-max-priority", err)
	}
}

func TestConnPublishToMissingExchange(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, nil, "", "")
	ctx := testContext(t)
	missing := uniqueName(t, "missing")

	prod := runtime.NewProducer(conn, runtime.WithAutoDeclare(false))
	err := prod.Publish(ctx, "m", runtime.WithExchangeName(missing))
	if !errors.Is(err, runtime.ErrNotFound) || runtime.Retryable(err) {
		t.Fatalf("Publish = %v, want a final ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), missing) {
		t.Errorf("error %q does not name the exchange", err)
	}
	// The Conn recovers the channel for the next publish.
	for range 4 {
		if err := prod.Publish(ctx, "m", runtime.WithRoutingKey(q)); err != nil {
			t.Fatalf("Publish after the 404: %v", err)
		}
	}
}

// TestConnConfirmLost holds back the broker's confirm and cuts the
// connection: the publish reports a lost confirm, never a nack.
func TestConnConfirmLost(t *testing.T) {
	brokertest.Require(t)
	proxy, err := faultproxy.Start("127.0.0.1:5672")
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	ctx := testContext(t)
	// One publish channel, opened by the warm-up before the stall.
	conn, err := runtime.Dial(ctx, proxy.URL(brokertest.URL()), runtime.WithPublishChannels(1))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, nil, "", "")
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q), runtime.WithRetry(runtime.NoRetry))
	if err := prod.Publish(ctx, "warm-up"); err != nil {
		t.Fatal(err)
	}

	proxy.Stall()
	result := make(chan error, 1)
	go func() { result <- prod.Publish(ctx, "in flight") }()
	waitFor(t, func() bool { return p.count(q) == 2 })
	proxy.Cut()
	proxy.Resume()
	err = <-result
	if !errors.Is(err, runtime.ErrConfirmLost) || errors.Is(err, runtime.ErrNacked) {
		t.Fatalf("Publish = %v, want ErrConfirmLost", err)
	}
	if !runtime.Retryable(err) {
		t.Errorf("a lost confirm is not retryable: %v", err)
	}
}

func TestConnContextEndsConfirmWait(t *testing.T) {
	brokertest.Require(t)
	proxy, err := faultproxy.Start("127.0.0.1:5672")
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	conn, err := runtime.Dial(testContext(t), proxy.URL(brokertest.URL()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, nil, "", "")
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q))
	if err := prod.Publish(testContext(t), "warm-up"); err != nil {
		t.Fatal(err)
	}
	proxy.Stall()
	// With the broker silent, a deadline ends a wait for a confirm, for a
	// channel to open (the second publish channel is not open yet) and for
	// a declare's answer.
	for _, publish := range []func(ctx context.Context) error{
		func(ctx context.Context) error { return prod.Publish(ctx, "stalled") },
		func(ctx context.Context) error { return prod.Publish(ctx, "stalled") },
		func(ctx context.Context) error {
			return conn.Declare(ctx, &runtime.Exchange{Name: uniqueName(t, "ex")})
		},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		err := publish(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("returned %s after its 300ms deadline", elapsed)
		}
	}
}

func TestConnClose(t *testing.T) {
	conn := dialTest(t)
	ctx := testContext(t)
	if err := conn.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := conn.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	prod := runtime.NewProducer(conn)
	if err := prod.Publish(ctx, "m"); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Publish after Close = %v, want ErrClosed", err)
	}
	if err := conn.Declare(ctx, &runtime.Exchange{Name: "x"}); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Declare after Close = %v, want ErrClosed", err)
	}
	if _, err := conn.MaybeDeclare(ctx, &runtime.Exchange{Name: "x"}); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("MaybeDeclare after Close = %v, want ErrClosed", err)
	}
}

func TestDialErrorsHidePassword(t *testing.T) {
	brokertest.Require(t)
	ctx := testContext(t)
	tests := []struct {
		name, url string
		is        error
	}{
		{"wrong password", "amqp://guest:s3cret-pw@127.0.0.1:5672/", runtime.ErrAccessRefused},
		{"nothing listening", "amqp://guest:s3cret-pw@127.0.0.1:1/", runtime.ErrUnreachable},
		{"bad scheme", "http://guest:s3cret-pw@127.0.0.1:5672/", runtime.ErrInvalidURL},
		{"unparsable", "amqp://guest:s3cret-pw@[::1/", runtime.ErrInvalidURL},
		{"failover list", "amqp://a:s3cret-pw@127.0.0.1:1/;amqp://b:s3cret-pw@127.0.0.1:2/", runtime.ErrUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runtime.Dial(ctx, tt.url)
			if !errors.Is(err, tt.is) {
				t.Errorf("Dial = %v, want %v", err, tt.is)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestDialFailover(t *testing.T) {
	brokertest.Require(t)
	ctx := testContext(t)
	conn, err := runtime.Dial(ctx, "amqp://guest:guest@127.0.0.1:1/;"+brokertest.URL())
	if err != nil {
		t.Fatalf("Dial with a dead first URL: %v", err)
	}
	conn.Close()
}

// TestConnConsume consumes a queue of its own on RabbitMQ and gets back,
// in order and with their properties, the messages a producer sent it.
func TestConnConsume(t *testing.T) {
	c := dialTest(t)
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	q := &runtime.Queue{Name: uniqueName(t, "replies"), AutoDelete: true, Arguments: runtime.Table{"x-expires": 60000}}
	got := make(chan string, 10)
	done, err := c.Consume(ctx, q, func(p runtime.Properties, body []byte) { got <- p.CorrelationID + "=" + string(body) })
	if err != nil {
		t.Fatal(err)
	}
	p := runtime.NewProducer(c, runtime.WithRoutingKey(q.Name), runtime.WithDeliveryMode(runtime.Transient))
	for i := range 3 {
		if err := p.Publish(ctx, fmt.Sprint("r", i), runtime.WithCorrelationID(fmt.Sprint("id", i))); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		select {
		case g := <-got:
			if want := fmt.Sprintf("id%d=r%d", i, i); g != want {
				t.Errorf("delivery %d = %q, want %q", i, g, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("delivery %d never came", i)
		}
	}
	cancel()
	<-done
}
