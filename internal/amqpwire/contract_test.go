package amqpwire_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	amqp "github.com/rabbitmq/amqp091-go"
	"go.uber.org/goleak"

	"github.com/kombugen/kombugen/internal/amqpwire"
	"github.com/kombugen/kombugen/internal/fakebroker"
)

// TestMain fails the package's tests when a goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// dial connects amqp091-go to b through the shims.
func dial(t *testing.T, b *fakebroker.Broker, url string) *amqp.Connection {
	t.Helper()
	conn, _ := dialConn(t, b, url)
	return conn
}

// dialConn is dial, also returning the shims' Conn.
func dialConn(t *testing.T, b *fakebroker.Broker, url string) (*amqp.Connection, *amqpwire.Conn) {
	t.Helper()
	d := amqpwire.Dialer{NetDial: b.DialContext}
	h := d.Handshake(context.Background())
	conn, err := amqp.DialConfig(url, amqp.Config{Dial: h.Dial})
	if err := h.End(); err != nil {
		t.Fatalf("End: %v", err)
	}
	if err != nil {
		t.Fatalf("DialConfig: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, h.Conn()
}

// properties is what a consumer reads of a message's properties.
type properties struct {
	ContentType, ContentEncoding string
	Headers                      amqp.Table
	DeliveryMode, Priority       uint8
	CorrelationID, ReplyTo       string
	Expiration, MessageID        string
	Timestamp                    time.Time
	Type, UserID, AppID          string
}

func delivered(d amqp.Delivery) properties {
	return properties{
		d.ContentType, d.ContentEncoding, d.Headers, d.DeliveryMode, d.Priority, d.CorrelationId,
		d.ReplyTo, d.Expiration, d.MessageId, d.Timestamp, d.Type, d.UserId, d.AppId,
	}
}

// publishing sets the properties in subset (a bit per property, in the
// order of the content header) to values none of which amqp091-go leaves
// out; headers is the headers table, when set.
func publishing(subset int, headers amqp.Table) (amqp.Publishing, properties) {
	var p amqp.Publishing
	var want properties
	has := func(i int) bool { return subset&(1<<i) != 0 }
	if has(0) {
		p.ContentType, want.ContentType = "application/json", "application/json"
	}
	if has(1) {
		p.ContentEncoding, want.ContentEncoding = "utf-8", "utf-8"
	}
	want.Headers = amqp.Table{} // completed when absent
	if has(2) {
		p.Headers, want.Headers = headers, headers
	}
	if has(3) {
		p.DeliveryMode, want.DeliveryMode = 2, 2
	}
	if has(4) {
		p.Priority, want.Priority = 7, 7
	}
	if has(5) {
		p.CorrelationId, want.CorrelationID = "corr-"+strconv.Itoa(subset), "corr-"+strconv.Itoa(subset)
	}
	if has(6) {
		p.ReplyTo, want.ReplyTo = "amq.rabbitmq.reply-to", "amq.rabbitmq.reply-to"
	}
	if has(7) {
		p.Expiration, want.Expiration = "1500", "1500"
	}
	if has(8) {
		p.MessageId, want.MessageID = "id-"+strconv.Itoa(subset), "id-"+strconv.Itoa(subset)
	}
	if has(9) {
		p.Timestamp, want.Timestamp = time.Unix(1700000000, 0), time.Unix(1700000000, 0)
	}
	if has(10) {
		p.Type, want.Type = "order.created", "order.created"
	}
	if has(11) {
		p.UserId, want.UserID = "guest", "guest"
	}
	if has(12) {
		p.AppId, want.AppID = "kombugen", "kombugen"
	}
	p.Body = []byte(strconv.Itoa(subset))
	return p, want
}

const allProperties = 1 << 13

// TestContract publishes a message with every subset of the basic
// properties through amqp091-go's frame writer and the shims, has the
// broker deliver the content header it received, byte for byte, back to
// an amqp091-go consumer, and checks that amqp091-go's reader decodes what
// was published, with an empty headers table and priority 0 added where
// absent, and nothing else changed. The second round's headers table is
// larger than amqp091-go's write buffer, so its header frames reach the
// socket split across writes.
func TestContract(t *testing.T) {
	// Every field type amqp091-go reads back as the Go type it wrote.
	small := amqp.Table{
		"t": true, "b": int8(-1), "B": uint8(2), "s": int16(-3), "u": uint16(4), "I": int32(-5), "i": uint32(6),
		"l": int64(-7), "f": float32(1.5), "d": 2.5, "D": amqp.Decimal{Scale: 2, Value: 314}, "S": "text",
		"x": []byte{0, 1}, "T": time.Unix(1700000000, 0), "V": nil,
		"A": []any{"x", int64(2), amqp.Table{"in": "array"}}, "F": amqp.Table{"n": 1.5},
	}
	large := amqp.Table{"big": strings.Repeat("x", 6000), "i": int32(1)}
	for _, round := range []struct {
		name    string
		headers amqp.Table
	}{{"small headers", small}, {"headers larger than a write", large}} {
		t.Run(round.name, func(t *testing.T) {
			// 16384 messages on a shared machine: a generous guard.
			b := fakebroker.New(t, fakebroker.Options{Timeout: 5 * time.Minute})
			conn := dial(t, b, "amqp://guest:guest@fake/")
			pub, err := conn.Channel()
			if err != nil {
				t.Fatal(err)
			}
			sub, err := conn.Channel()
			if err != nil {
				t.Fatal(err)
			}
			deliveries, err := sub.Consume("q", "", true, false, false, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			consumer := b.AwaitSent(fakebroker.Is[*fakebroker.BasicConsumeOK]()).Method.(*fakebroker.BasicConsumeOK).ConsumerTag

			published := make(chan error, 1)
			go func() {
				for subset := range allProperties {
					p, _ := publishing(subset, round.headers)
					if err := pub.PublishWithContext(context.Background(), "ex", "key", false, false, p); err != nil {
						published <- err
						return
					}
				}
				published <- nil
			}()
			if err := <-published; err != nil {
				t.Fatal(err)
			}
			last := strconv.Itoa(allProperties - 1)
			b.Await(fakebroker.Is[*fakebroker.BasicPublish](func(p *fakebroker.BasicPublish) bool { return string(p.Content.Body) == last }))
			events := fakebroker.Filter(b.Received(), fakebroker.Is[*fakebroker.BasicPublish]())
			if len(events) != allProperties {
				t.Fatalf("broker received %d publishes, want %d", len(events), allProperties)
			}

			go func() {
				for _, ev := range events {
					p := ev.Publish()
					b.Conn(0).Deliver(&fakebroker.BasicDeliver{
						ConsumerTag: consumer, Exchange: p.Exchange, RoutingKey: p.RoutingKey,
						Content: &fakebroker.Content{Header: p.Content.Header, Body: p.Content.Body},
					})
				}
			}()
			for subset, ev := range events {
				p, want := publishing(subset, round.headers)
				got := ev.Publish().Content
				// At the broker: the flags of amqp091-go, plus headers and
				// priority.
				if wantFlags := flags(p) | fakebroker.FlagHeaders | fakebroker.FlagPriority; got.Flags != wantFlags {
					t.Fatalf("subset %#x: flags %#x at the broker, want %#x", subset, got.Flags, wantFlags)
				}
				if size, err := amqpwire.HeaderFrameSize(&p, 0); err != nil || size != len(got.Header)+8 {
					t.Fatalf("subset %#x: HeaderFrameSize = %d, %v; the frame has %d bytes", subset, size, err, len(got.Header)+8)
				}
				// At the consumer: what was published.
				var d amqp.Delivery
				select {
				case d = <-deliveries:
				case <-time.After(5 * time.Minute):
					t.Fatalf("subset %#x: no delivery", subset)
				}
				if string(d.Body) != string(p.Body) {
					t.Fatalf("delivery of %q, want %q", d.Body, p.Body)
				}
				if diff := cmp.Diff(want, delivered(d)); diff != "" {
					t.Fatalf("subset %#x: properties (-want +got):\n%s", subset, diff)
				}
			}
		})
	}
}

// flags returns the property flags amqp091-go sets for p.
func flags(p amqp.Publishing) uint16 {
	var f uint16
	for _, prop := range []struct {
		flag uint16
		set  bool
	}{
		{fakebroker.FlagContentType, p.ContentType != ""},
		{fakebroker.FlagContentEncoding, p.ContentEncoding != ""},
		{fakebroker.FlagHeaders, len(p.Headers) > 0},
		{fakebroker.FlagDeliveryMode, p.DeliveryMode != 0},
		{fakebroker.FlagPriority, p.Priority != 0},
		{fakebroker.FlagCorrelationID, p.CorrelationId != ""},
		{fakebroker.FlagReplyTo, p.ReplyTo != ""},
		{fakebroker.FlagExpiration, p.Expiration != ""},
		{fakebroker.FlagMessageID, p.MessageId != ""},
		{fakebroker.FlagTimestamp, !p.Timestamp.IsZero()},
		{fakebroker.FlagType, p.Type != ""},
		{fakebroker.FlagUserID, p.UserId != ""},
		{fakebroker.FlagAppID, p.AppId != ""},
	} {
		if prop.set {
			f |= prop.flag
		}
	}
	return f
}

// TestStartOKCapability checks the start-ok as the broker decodes it, and
// that a refusal of credentials then comes as the broker's 403 rather than
// a closed socket.
func TestStartOKCapability(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{Authenticate: func(m *fakebroker.ConnectionStartOK) bool {
		return m.Response == "\x00guest\x00guest"
	}})
	dial(t, b, "amqp://guest:guest@fake/")
	start := b.Await(fakebroker.Is[*fakebroker.ConnectionStartOK]()).Method.(*fakebroker.ConnectionStartOK)
	want := amqp.Table{
		"connection.blocked": true, "consumer_cancel_notify": true, "basic.nack": true,
		"publisher_confirms": true, amqpwire.FailureCloseCapability: true,
	}
	if diff := cmp.Diff(want, start.ClientProperties["capabilities"]); diff != "" {
		t.Errorf("capabilities (-want +got):\n%s", diff)
	}
	if start.ClientProperties["product"] == nil || start.Mechanism != "PLAIN" || start.Locale == "" {
		t.Errorf("start-ok = %+v", start)
	}

	d := amqpwire.Dialer{NetDial: b.DialContext}
	h := d.Handshake(context.Background())
	_, err := amqp.DialConfig("amqp://guest:wrong@fake/", amqp.Config{Dial: h.Dial})
	h.End()
	var ae *amqp.Error
	if !errors.As(err, &ae) || ae.Code != 403 || !ae.Server {
		t.Errorf("DialConfig with a wrong password = %v, want the broker's 403", err)
	}
}

// TestFrameMaxNeverExceeded publishes header frames at frame_max: one that
// completion brings to frame_max exactly is completed, one already at
// frame_max leaves as it is; the broker, which closes the connection on a
// frame over frame_max, takes both. HeaderFrameSize refuses the second.
func TestFrameMaxNeverExceeded(t *testing.T) {
	const frameMax = 4096
	b := fakebroker.New(t, fakebroker.Options{FrameMax: frameMax})
	conn, wire := dialConn(t, b, "amqp://guest:guest@fake/")
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	// amqp091-go's header frame for headers {"pad": string of n}: 8 +
	// 14 + 4 + 9 + n bytes, with no priority.
	pad := func(frame int) amqp.Publishing {
		return amqp.Publishing{Headers: amqp.Table{"pad": strings.Repeat("p", frame-35)}}
	}
	for _, tt := range []struct {
		amqp091, want int
		err           error
	}{
		{frameMax - 1, frameMax, nil},
		{frameMax, frameMax, amqpwire.ErrFrameTooLarge},
	} {
		p := pad(tt.amqp091)
		if _, err := amqpwire.HeaderFrameSize(&p, frameMax); !errors.Is(err, tt.err) {
			t.Errorf("HeaderFrameSize of a %d-byte frame = %v, want %v", tt.amqp091, err, tt.err)
		}
		dc, err := ch.PublishWithDeferredConfirm("", "q", false, false, p)
		if err != nil {
			t.Fatal(err)
		}
		if !dc.Wait() {
			t.Fatal("nacked")
		}
		got := b.Await(fakebroker.Is[*fakebroker.BasicPublish]()).Publish().Content
		if len(got.Header)+8 != tt.want {
			t.Errorf("a %d-byte header frame left with %d bytes, want %d", tt.amqp091, len(got.Header)+8, tt.want)
		}
	}
	if conn.IsClosed() {
		t.Error("the connection closed")
	}
	if got := wire.FrameMax(); got != frameMax {
		t.Errorf("FrameMax() = %d, want %d", got, frameMax)
	}
}

// TestCloseOKReachesBroker closes the connection from the broker's side:
// amqp091-go's close-ok, written just before it closes the socket, arrives.
func TestCloseOKReachesBroker(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	conn := dial(t, b, "amqp://guest:guest@fake/")
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	b.Conn(0).Close(320, "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'")
	b.Conn(0).Await(fakebroker.Is[*fakebroker.ConnectionCloseOK]())
	if err := <-closed; err == nil || err.Code != 320 {
		t.Errorf("connection closed with %v, want the broker's 320", err)
	}
}

// TestNestingLimitIsTheReaders delivers headers nested as deep as
// HeaderFrameSize allows, and one level deeper, to an amqp091-go consumer:
// it reads the first and fails on the second.
func TestNestingLimitIsTheReaders(t *testing.T) {
	nest := func(n int) amqp.Table {
		t := amqp.Table{}
		for range n {
			t = amqp.Table{"t": t}
		}
		return t
	}
	for _, tt := range []struct {
		depth int
		read  bool
	}{{32, true}, {33, false}} {
		p := amqp.Publishing{Headers: nest(tt.depth)}
		if _, err := amqpwire.HeaderFrameSize(&p, 0); (err == nil) != tt.read {
			t.Errorf("HeaderFrameSize of headers %d deep = %v", tt.depth, err)
		}
		b := fakebroker.New(t, fakebroker.Options{})
		conn := dial(t, b, "amqp://guest:guest@fake/")
		ch, err := conn.Channel()
		if err != nil {
			t.Fatal(err)
		}
		deliveries, err := ch.Consume("q", "", true, false, false, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		consumer := b.AwaitSent(fakebroker.Is[*fakebroker.BasicConsumeOK]()).Method.(*fakebroker.BasicConsumeOK).ConsumerTag
		content := fakebroker.NewContent(fakebroker.Properties{Headers: p.Headers}, []byte("deep"))
		b.Conn(0).Deliver(&fakebroker.BasicDeliver{ConsumerTag: consumer, Content: content})
		_, read := <-deliveries
		if read != tt.read {
			t.Errorf("headers %d deep: read %v, want %v", tt.depth, read, tt.read)
		}
	}
}
