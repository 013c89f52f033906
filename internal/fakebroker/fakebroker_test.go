package fakebroker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	amqp "github.com/rabbitmq/amqp091-go"
	"go.uber.org/goleak"

	"github.com/kombugen/kombugen/internal/fakebroker"
)

// TestMain fails the package's tests when a goroutine outlives them: the
// broker's and amqp091-go's end with the test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// dial connects amqp091-go's client to b.
func dial(t *testing.T, b *fakebroker.Broker) *amqp.Connection {
	t.Helper()
	conn, err := amqp.DialConfig("amqp://guest:guest@fake/", amqp.Config{Dial: b.Dial})
	if err != nil {
		t.Fatalf("DialConfig: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func channel(t *testing.T, conn *amqp.Connection, confirm bool) *amqp.Channel {
	t.Helper()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("Channel: %v", err)
	}
	if confirm {
		if err := ch.Confirm(false); err != nil {
			t.Fatalf("Confirm: %v", err)
		}
	}
	return ch
}

// result runs f on a goroutine of its own, for calls the broker holds.
func result(f func() error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	return done
}

func wait[T any](t *testing.T, c <-chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("no result")
		panic("unreachable")
	}
}

// notWaiting fails if c has a value: a call the broker holds has not
// returned.
func notWaiting[T any](t *testing.T, c <-chan T, what string) {
	t.Helper()
	select {
	case v := <-c:
		t.Fatalf("%s returned %v while held", what, v)
	default:
	}
}

func TestAutoModeAnswersEverything(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	conn := dial(t, b)
	ch := channel(t, conn, true)
	if err := ch.ExchangeDeclare("orders", "topic", true, false, false, false, amqp.Table{"alternate-exchange": "ae"}); err != nil {
		t.Fatal(err)
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(q.Name, "order.#", "orders", false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.ExchangeBind("dest", "key", "orders", false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDelete(q.Name, false, false, false); err != nil {
		t.Fatal(err)
	}
	if err := ch.ExchangeDelete("orders", false, false); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		dc, err := ch.PublishWithDeferredConfirm("orders", "order.created", true, false, amqp.Publishing{Body: []byte{byte(i)}})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := dc.WaitContext(context.Background()); !ok || err != nil {
			t.Fatalf("confirm %d = %v, %v; want an ack", i, ok, err)
		}
	}

	c := b.Conn(0)
	start := c.Await(fakebroker.Is[*fakebroker.ConnectionStartOK]()).Method.(*fakebroker.ConnectionStartOK)
	caps, _ := start.ClientProperties["capabilities"].(amqp.Table)
	if caps["publisher_confirms"] != true || caps["basic.nack"] != true {
		t.Errorf("start-ok capabilities = %v", caps)
	}
	if tune := c.Await(fakebroker.Is[*fakebroker.ConnectionTuneOK]()).Method.(*fakebroker.ConnectionTuneOK); tune.FrameMax != 131072 || c.FrameMax() != 131072 {
		t.Errorf("tune-ok frame_max = %d (FrameMax() %d), want 131072", tune.FrameMax, c.FrameMax())
	}
	decl := c.Await(fakebroker.Is[*fakebroker.ExchangeDeclare]()).Method.(*fakebroker.ExchangeDeclare)
	if want := (&fakebroker.ExchangeDeclare{Exchange: "orders", Type: "topic", Durable: true, Arguments: amqp.Table{"alternate-exchange": "ae"}}); !cmp.Equal(decl, want, cmp.AllowUnexported(fakebroker.ExchangeDeclare{})) {
		t.Errorf("exchange.declare = %+v, want %+v", decl, want)
	}
	qd := c.Await(fakebroker.Is[*fakebroker.QueueDeclare]()).Method.(*fakebroker.QueueDeclare)
	if qd.Queue != "" || !qd.Exclusive || !qd.AutoDelete || qd.Durable {
		t.Errorf("queue.declare = %+v", qd)
	}
	bind := c.Await(fakebroker.Is[*fakebroker.QueueBind]()).Method.(*fakebroker.QueueBind)
	if bind.Queue != q.Name || bind.Exchange != "orders" || bind.RoutingKey != "order.#" {
		t.Errorf("queue.bind = %+v, want the server-named queue %q", bind, q.Name)
	}
	for i := range 3 {
		ev := c.Await(fakebroker.Is[*fakebroker.BasicPublish]())
		p := ev.Publish()
		if p.Exchange != "orders" || p.RoutingKey != "order.created" || !p.Mandatory || ev.Tag() != uint64(i+1) || p.Content.Body[0] != byte(i) {
			t.Errorf("publish %d = %+v tag %d", i, p, ev.Tag())
		}
	}
	var names []string
	for _, ev := range c.Sent() {
		names = append(names, ev.Method.Name())
	}
	want := []string{
		"connection.start", "connection.tune", "connection.open-ok", "channel.open-ok", "confirm.select-ok",
		"exchange.declare-ok", "queue.declare-ok", "queue.bind-ok", "exchange.bind-ok", "queue.delete-ok",
		"exchange.delete-ok", "basic.ack", "basic.ack", "basic.ack",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// TestContentDecoded publishes every property and reads them back as the
// broker decoded them.
func TestContentDecoded(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	ch := channel(t, dial(t, b), false)
	ts := time.Unix(1700000000, 0)
	headers := amqp.Table{
		"s": "text", "i": int32(-7), "l": int64(1 << 40), "b": true, "f": 1.5, "x": []byte{1, 2},
		"n": nil, "a": []any{"one", int32(2)}, "t": amqp.Table{"nested": "yes"}, "d": amqp.Decimal{Scale: 2, Value: 314},
		"ts": ts,
	}
	pub := amqp.Publishing{
		ContentType: "application/json", ContentEncoding: "utf-8", Headers: headers, DeliveryMode: 2,
		Priority: 5, CorrelationId: "corr", ReplyTo: "reply", Expiration: "1500", MessageId: "id",
		Timestamp: ts, Type: "kind", UserId: "guest", AppId: "app", Body: []byte(`{"k":1}`),
	}
	if err := ch.PublishWithContext(context.Background(), "ex", "key", false, false, pub); err != nil {
		t.Fatal(err)
	}
	ev := b.Await(fakebroker.Is[*fakebroker.BasicPublish]())
	got := ev.Publish().Content
	want := fakebroker.Properties{
		ContentType: "application/json", ContentEncoding: "utf-8", Headers: headers, DeliveryMode: 2,
		Priority: 5, CorrelationID: "corr", ReplyTo: "reply", Expiration: "1500", MessageID: "id",
		Timestamp: ts, Type: "kind", UserID: "guest", AppID: "app",
	}
	if diff := cmp.Diff(want, got.Properties); diff != "" {
		t.Errorf("properties (-want +got):\n%s", diff)
	}
	if got.Flags != 0xfff8 || got.Class != 60 || got.BodySize != uint64(len(pub.Body)) || string(got.Body) != string(pub.Body) {
		t.Errorf("content = flags %#x class %d size %d body %q", got.Flags, got.Class, got.BodySize, got.Body)
	}
	if len(got.Header) == 0 {
		t.Error("the raw header payload is missing")
	}
}

func TestHoldThenAnswer(t *testing.T) {
	declare := func(ch *amqp.Channel) func() error {
		return func() error { return ch.ExchangeDeclare("x", "direct", true, false, false, false, nil) }
	}
	tests := []struct {
		name    string
		resolve func(*fakebroker.Hold)
		check   func(t *testing.T, err error, conn *amqp.Connection, ch *amqp.Channel)
	}{
		{
			name:    "release",
			resolve: (*fakebroker.Hold).Release,
			check: func(t *testing.T, err error, _ *amqp.Connection, _ *amqp.Channel) {
				if err != nil {
					t.Errorf("declare = %v", err)
				}
			},
		},
		{
			name:    "reply",
			resolve: func(h *fakebroker.Hold) { h.Reply(&fakebroker.ExchangeDeclareOK{}) },
			check: func(t *testing.T, err error, _ *amqp.Connection, _ *amqp.Channel) {
				if err != nil {
					t.Errorf("declare = %v", err)
				}
			},
		},
		{
			name:    "channel close",
			resolve: func(h *fakebroker.Hold) { h.CloseChannel(406, "PRECONDITION_FAILED - inequivalent arg 'durable'") },
			check: func(t *testing.T, err error, conn *amqp.Connection, ch *amqp.Channel) {
				var ae *amqp.Error
				if !errors.As(err, &ae) || ae.Code != 406 || !ae.Server {
					t.Errorf("declare = %v, want the broker's 406", err)
				}
				if !ch.IsClosed() || conn.IsClosed() {
					t.Errorf("channel closed %v, connection closed %v; want the channel only", ch.IsClosed(), conn.IsClosed())
				}
				// The connection still works.
				if _, err := conn.Channel(); err != nil {
					t.Errorf("a new channel: %v", err)
				}
			},
		},
		{
			name:    "connection close",
			resolve: func(h *fakebroker.Hold) { h.CloseConnection(503, "COMMAND_INVALID - unknown exchange type 'x'") },
			check: func(t *testing.T, err error, conn *amqp.Connection, _ *amqp.Channel) {
				var ae *amqp.Error
				if !errors.As(err, &ae) || ae.Code != 503 {
					t.Errorf("declare = %v, want the broker's 503", err)
				}
				<-conn.NotifyClose(make(chan *amqp.Error, 1))
			},
		},
		{
			name:    "sever",
			resolve: (*fakebroker.Hold).Sever,
			check: func(t *testing.T, err error, conn *amqp.Connection, _ *amqp.Channel) {
				if err == nil {
					t.Error("declare succeeded on a severed connection")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fakebroker.New(t, fakebroker.Options{})
			conn := dial(t, b)
			ch := channel(t, conn, false)
			h := b.Hold(fakebroker.Is[*fakebroker.ExchangeDeclare]())
			done := result(declare(ch))
			if got := h.Event().Method.(*fakebroker.ExchangeDeclare).Exchange; got != "x" {
				t.Fatalf("held exchange.declare of %q", got)
			}
			notWaiting(t, done, "declare")
			tt.resolve(h)
			tt.check(t, wait(t, done), conn, ch)
		})
	}
}

// TestHoldKeepsChannelOrder holds a declare: a publish after it on its
// channel waits behind it, one on another channel does not.
func TestHoldKeepsChannelOrder(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	conn := dial(t, b)
	held, other := channel(t, conn, true), channel(t, conn, true)
	h := b.Hold(fakebroker.Is[*fakebroker.ExchangeDeclare]())
	declared := result(func() error { return held.ExchangeDeclare("x", "direct", true, false, false, false, nil) })
	h.Event()
	dc, err := other.PublishWithDeferredConfirm("", "q", false, false, amqp.Publishing{Body: []byte("other")})
	if err != nil {
		t.Fatal(err)
	}
	if !dc.Wait() {
		t.Fatal("publish on another channel nacked")
	}
	notWaiting(t, declared, "declare")
	h.Release()
	if err := wait(t, declared); err != nil {
		t.Fatal(err)
	}
	sent := fakebroker.Filter(b.Sent(), fakebroker.Any(fakebroker.Is[*fakebroker.BasicAck](), fakebroker.Is[*fakebroker.ExchangeDeclareOK]()))
	if len(sent) != 2 || sent[0].Method.Name() != "basic.ack" || sent[1].Method.Name() != "exchange.declare-ok" {
		t.Errorf("sent %v, want the other channel's ack before the declare-ok", sent)
	}
}

func TestDropLeavesCallWaiting(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	conn := dial(t, b)
	ch := channel(t, conn, false)
	h := b.Hold(fakebroker.Is[*fakebroker.QueueDeclare]())
	done := result(func() error { _, err := ch.QueueDeclare("q", true, false, false, false, nil); return err })
	h.Drop()
	// Nothing answers the declare: it waits until the connection goes.
	notWaiting(t, done, "dropped declare")
	b.Conn(0).Close(320, "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'")
	if err := wait(t, done); err == nil {
		t.Fatal("a dropped declare returned nil")
	}
	if got := fakebroker.Filter(b.Sent(), fakebroker.Is[*fakebroker.QueueDeclareOK]()); len(got) != 0 {
		t.Errorf("sent %v for a dropped declare", got)
	}
}

// TestHandshakeHolds holds each step of the handshake.
func TestHandshakeHolds(t *testing.T) {
	for _, step := range []struct {
		name  string
		match fakebroker.Match
	}{
		{"connection.start", fakebroker.Is[*fakebroker.ProtocolHeader]()},
		{"connection.tune", fakebroker.Is[*fakebroker.ConnectionStartOK]()},
		{"connection.open-ok", fakebroker.Is[*fakebroker.ConnectionOpen]()},
	} {
		t.Run(step.name, func(t *testing.T) {
			b := fakebroker.New(t, fakebroker.Options{})
			h := b.Hold(step.match)
			dialed := make(chan *amqp.Connection, 1)
			failed := result(func() error {
				conn, err := amqp.DialConfig("amqp://guest:guest@fake/", amqp.Config{Dial: b.Dial})
				dialed <- conn
				return err
			})
			h.Event()
			notWaiting(t, failed, "DialConfig")
			h.Release()
			if err := wait(t, failed); err != nil {
				t.Fatal(err)
			}
			(<-dialed).Close()
		})
		t.Run(step.name+" severed", func(t *testing.T) {
			b := fakebroker.New(t, fakebroker.Options{})
			h := b.Hold(step.match)
			failed := result(func() error {
				conn, err := amqp.DialConfig("amqp://guest:guest@fake/", amqp.Config{Dial: b.Dial})
				if err == nil {
					conn.Close()
				}
				return err
			})
			h.Sever()
			if err := wait(t, failed); err == nil {
				t.Fatal("DialConfig succeeded over a severed connection")
			}
		})
	}
}

func TestDialsRefusedAndCounted(t *testing.T) {
	refused := errors.New("connection refused")
	b := fakebroker.New(t, fakebroker.Options{OnDial: func(n int) error {
		if n == 1 {
			return refused
		}
		return nil
	}})
	if _, err := amqp.DialConfig("amqp://fake/", amqp.Config{Dial: b.Dial}); !errors.Is(err, refused) {
		t.Fatalf("first dial = %v, want %v", err, refused)
	}
	dial(t, b)
	dial(t, b)
	if got := b.Dials(); got != 3 {
		t.Errorf("Dials() = %d, want 3", got)
	}
	if got := len(b.Conns()); got != 2 {
		t.Errorf("%d connections, want 2", got)
	}
	if b.Conn(1).Index() != 1 {
		t.Error("Conn(1) is not the second connection")
	}
}

// TestAuthenticationRefused refuses credentials: amqp091-go does not
// declare authentication_failure_close, so the broker closes the socket.
func TestAuthenticationRefused(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{Authenticate: func(m *fakebroker.ConnectionStartOK) bool {
		return m.Response == "\x00guest\x00right"
	}})
	_, err := amqp.DialConfig("amqp://guest:wrong@fake/", amqp.Config{Dial: b.Dial})
	if !errors.Is(err, amqp.ErrCredentials) {
		t.Errorf("DialConfig with a wrong password = %v, want %v", err, amqp.ErrCredentials)
	}
	<-b.Conn(0).Done()
	conn, err := amqp.DialConfig("amqp://guest:right@fake/", amqp.Config{Dial: b.Dial})
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

// TestConfirmsUnderTestControl publishes two mandatory messages and has
// the broker return the second, then ack the first, then the second, as
// RabbitMQ may.
func TestConfirmsUnderTestControl(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{ManualConfirms: true})
	conn := dial(t, b)
	ch := channel(t, conn, true)
	returns := ch.NotifyReturn(make(chan amqp.Return, 2))
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 2))
	for _, h := range []int32{1, 2} {
		err := ch.PublishWithContext(context.Background(), "match", "", true, false, amqp.Publishing{Headers: amqp.Table{"h": h}, Body: []byte("same")})
		if err != nil {
			t.Fatal(err)
		}
	}
	header := func(h int32) fakebroker.Match {
		return fakebroker.Is[*fakebroker.BasicPublish](func(p *fakebroker.BasicPublish) bool {
			return p.Content.Properties.Headers["h"] == h
		})
	}
	first, second := b.Await(header(1)), b.Await(header(2))
	second.Return(312, "NO_ROUTE")
	first.Ack()
	second.Ack()

	ret := wait(t, returns)
	if ret.ReplyCode != 312 || ret.Headers["h"] != int32(2) || string(ret.Body) != "same" {
		t.Errorf("return = %d %v %q, want 312 for h=2", ret.ReplyCode, ret.Headers, ret.Body)
	}
	for _, want := range []uint64{1, 2} {
		if c := wait(t, confirms); c.DeliveryTag != want || !c.Ack {
			t.Errorf("confirm = %+v, want an ack of %d", c, want)
		}
	}
	var order []string
	for _, ev := range fakebroker.Filter(b.Sent(), fakebroker.OnChannel(1))[2:] {
		order = append(order, ev.Method.Name())
	}
	if diff := cmp.Diff([]string{"basic.return", "basic.ack", "basic.ack"}, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestConfirmsMultipleAndNack(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{ManualConfirms: true})
	ch := channel(t, dial(t, b), true)
	var dcs []*amqp.DeferredConfirmation
	for range 5 {
		dc, err := ch.PublishWithDeferredConfirm("", "q", false, false, amqp.Publishing{})
		if err != nil {
			t.Fatal(err)
		}
		dcs = append(dcs, dc)
	}
	var evs []*fakebroker.Event
	for range 5 {
		evs = append(evs, b.Await(fakebroker.Is[*fakebroker.BasicPublish]()))
	}
	evs[1].AckMultiple() // 1 and 2
	evs[3].Nack()        // 4
	evs[4].Ack()         // 5
	evs[2].Nack()        // 3
	want := []bool{true, true, false, false, true}
	for i, dc := range dcs {
		if got := dc.Wait(); got != want[i] {
			t.Errorf("publish %d acked %v, want %v", i+1, got, want[i])
		}
	}
	acks := fakebroker.Filter(b.Sent(), fakebroker.Is[*fakebroker.BasicAck]())
	if m := acks[0].Method.(*fakebroker.BasicAck); !m.Multiple || m.DeliveryTag != 2 {
		t.Errorf("first ack = %+v, want multiple up to 2", m)
	}
}

// TestSetManualConfirmsOff acks what was held, in order.
func TestSetManualConfirmsOff(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{ManualConfirms: true})
	ch := channel(t, dial(t, b), true)
	dc, err := ch.PublishWithDeferredConfirm("", "q", false, false, amqp.Publishing{})
	if err != nil {
		t.Fatal(err)
	}
	b.Await(fakebroker.Is[*fakebroker.BasicPublish]())
	b.SetManualConfirms(false)
	if !dc.Wait() {
		t.Fatal("nacked")
	}
	// Now the broker confirms by itself.
	dc, err = ch.PublishWithDeferredConfirm("", "q", false, false, amqp.Publishing{})
	if err != nil || !dc.Wait() {
		t.Fatalf("second publish: %v", err)
	}
}

func TestUnroutableReturnedBeforeAck(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{Unroutable: func(e *fakebroker.Event) bool {
		return e.Publish().RoutingKey == "nowhere"
	}})
	ch := channel(t, dial(t, b), true)
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	dc, err := ch.PublishWithDeferredConfirm("", "nowhere", true, false, amqp.Publishing{Body: []byte("lost")})
	if err != nil {
		t.Fatal(err)
	}
	if !dc.Wait() {
		t.Fatal("nacked")
	}
	select {
	case r := <-returns:
		if r.RoutingKey != "nowhere" || string(r.Body) != "lost" {
			t.Errorf("return = %+v", r)
		}
	default:
		t.Fatal("the ack came before the return")
	}
}

// misuse records the failures a broker reports, instead of failing.
type misuse struct {
	testing.TB
	errors []string
}

func (m *misuse) Errorf(format string, args ...any) {
	m.errors = append(m.errors, format)
}

func TestMisuseReported(t *testing.T) {
	tests := []struct {
		name string
		do   func(first, second *fakebroker.Event)
	}{
		{"return after the ack of a later publish", func(first, second *fakebroker.Event) { second.Ack(); first.Return(312, "NO_ROUTE") }},
		{"ack twice", func(first, _ *fakebroker.Event) { first.Ack(); first.Ack() }},
		{"ack within an earlier multiple", func(first, second *fakebroker.Event) { second.AckMultiple(); first.Ack() }},
		{"return twice", func(first, _ *fakebroker.Event) { first.Return(312, "NO_ROUTE"); first.Return(312, "NO_ROUTE") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &misuse{TB: t}
			b := fakebroker.New(tb, fakebroker.Options{ManualConfirms: true})
			ch := channel(t, dial(t, b), true)
			for range 2 {
				if _, err := ch.PublishWithDeferredConfirm("", "q", true, false, amqp.Publishing{}); err != nil {
					t.Fatal(err)
				}
			}
			first, second := b.Await(fakebroker.Is[*fakebroker.BasicPublish]()), b.Await(fakebroker.Is[*fakebroker.BasicPublish]())
			tt.do(first, second)
			if len(tb.errors) != 1 {
				t.Errorf("reported %q, want one misuse", tb.errors)
			}
		})
	}
}

func TestBrokerClosesChannelAndConnection(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	conn := dial(t, b)
	ch := channel(t, conn, true)
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	c := b.Conn(0)
	c.CloseChannel(1, 404, "NOT_FOUND - no exchange 'x' in vhost '/'")
	if err := wait(t, closed); err == nil || err.Code != 404 || err.Reason != "NOT_FOUND - no exchange 'x' in vhost '/'" {
		t.Errorf("channel closed with %v", err)
	}
	c.Await(fakebroker.All(fakebroker.OnChannel(1), fakebroker.Is[*fakebroker.ChannelCloseOK]()))

	connClosed := conn.NotifyClose(make(chan *amqp.Error, 1))
	c.Close(320, "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'")
	if err := wait(t, connClosed); err == nil || err.Code != 320 {
		t.Errorf("connection closed with %v", err)
	}
	c.Await(fakebroker.Is[*fakebroker.ConnectionCloseOK]())
	<-c.Done()
}

// TestClientClose checks that a connection.close is answered and the
// socket closed after.
func TestClientClose(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	conn := dial(t, b)
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	<-b.Conn(0).Done()
	if got := b.Conn(0).Sent(); got[len(got)-1].Method.Name() != "connection.close-ok" {
		t.Errorf("last sent %v", got[len(got)-1])
	}
}

func TestBlockedNotifications(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	conn := dial(t, b)
	blocked := conn.NotifyBlocked(make(chan amqp.Blocking, 2))
	b.Conn(0).Block("low on memory")
	b.Conn(0).Unblock()
	if got := wait(t, blocked); !got.Active || got.Reason != "low on memory" {
		t.Errorf("first notification %+v", got)
	}
	if got := wait(t, blocked); got.Active {
		t.Errorf("second notification %+v", got)
	}
}

func TestConsumeAndDeliver(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	ch := channel(t, dial(t, b), false)
	deliveries, err := ch.Consume("q", "", false, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if q := b.Await(fakebroker.Is[*fakebroker.BasicConsume]()).Method.(*fakebroker.BasicConsume).Queue; q != "q" {
		t.Errorf("consume from %q", q)
	}
	ok := b.AwaitSent(fakebroker.Is[*fakebroker.BasicConsumeOK]()).Method.(*fakebroker.BasicConsumeOK)
	content := fakebroker.NewContent(fakebroker.Properties{ContentType: "text/plain", Headers: amqp.Table{"k": "v"}}, []byte("hello"))
	b.Conn(0).Deliver(&fakebroker.BasicDeliver{ConsumerTag: ok.ConsumerTag, Exchange: "ex", RoutingKey: "rk", Content: content})
	d := wait(t, deliveries)
	if string(d.Body) != "hello" || d.ContentType != "text/plain" || d.Headers["k"] != "v" || d.DeliveryTag != 1 || d.Exchange != "ex" {
		t.Errorf("delivery = %+v", d)
	}
	if err := d.Ack(false); err != nil {
		t.Fatal(err)
	}
	if ack := b.Await(fakebroker.Is[*fakebroker.BasicAck]()).Method.(*fakebroker.BasicAck); ack.DeliveryTag != 1 {
		t.Errorf("consumer ack = %+v", ack)
	}
}

// TestStallWithClient stalls a connection amqp091-go uses: a publish
// blocks in its write, and goes through once the broker reads again.
func TestStallWithClient(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	ch := channel(t, dial(t, b), true)
	b.Conn(0).StopReading()
	published := result(func() error {
		dc, err := ch.PublishWithDeferredConfirm("", "q", false, false, amqp.Publishing{Body: make([]byte, 1<<16)})
		if err == nil && !dc.Wait() {
			err = errors.New("nacked")
		}
		return err
	})
	notWaiting(t, published, "publish")
	b.Conn(0).ResumeReading()
	if err := wait(t, published); err != nil {
		t.Fatal(err)
	}
}
