package runtime

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/fakebroker"
)

// The tests in this file script the broker's side of each interleaving
// that once went wrong, so that each runs the same way every time.

// headerIs matches a basic.publish whose header h is v.
func headerIs(v int32) fakebroker.Match {
	return fakebroker.Is[*fakebroker.BasicPublish](func(p *fakebroker.BasicPublish) bool {
		return p.Content.Properties.Headers["h"] == v
	})
}

// TestReturnsPairedWithTheirPublish publishes two mandatory messages that
// differ only in a header, as to a headers exchange that routes one of
// them, in every order RabbitMQ may answer them: the returned one is
// ErrUnroutable and the other is confirmed, whichever came first.
func TestReturnsPairedWithTheirPublish(t *testing.T) {
	orders := []struct {
		name string
		// script answers the publish whose header is 1 (routed) and the
		// one whose header is 2 (returned).
		script func(routed, returned *fakebroker.Event)
	}{
		{"return, ack routed, ack returned", func(r, x *fakebroker.Event) { x.Return(312, "NO_ROUTE"); r.Ack(); x.Ack() }},
		{"ack routed, return, ack returned", func(r, x *fakebroker.Event) { r.Ack(); x.Return(312, "NO_ROUTE"); x.Ack() }},
		{"return, ack both at once", func(r, x *fakebroker.Event) { x.Return(312, "NO_ROUTE"); x.AckMultiple() }},
	}
	for _, order := range orders {
		for _, returnedFirst := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/returned published first=%v", order.name, returnedFirst), func(t *testing.T) {
				b := fakebroker.New(t, fakebroker.Options{})
				c := dialFake(t, b)
				var returns []Return
				p := NewProducer(c, WithExchange(&Exchange{Name: "hx", Type: "headers"}), WithMandatory(true),
					WithRetry(NoRetry), WithOnReturn(func(r Return) { returns = append(returns, r) }))
				ctx := context.Background()
				// The first publish to an exchange goes alone; after it
				// the channel carries many at once.
				if err := p.Publish(ctx, "warm-up"); err != nil {
					t.Fatal(err)
				}
				b.SetManualConfirms(true)
				var routed, returned *Confirmation
				if returnedFirst {
					returned = p.PublishAsync(ctx, "same", WithHeaders(Table{"h": 2}))
					routed = p.PublishAsync(ctx, "same", WithHeaders(Table{"h": 1}))
				} else {
					routed = p.PublishAsync(ctx, "same", WithHeaders(Table{"h": 1}))
					returned = p.PublishAsync(ctx, "same", WithHeaders(Table{"h": 2}))
				}
				r, x := b.Await(headerIs(1)), b.Await(headerIs(2))
				if returnedFirst {
					// RabbitMQ acks in order: returning the first means
					// acking it before the second.
					x.Return(312, "NO_ROUTE")
					x.Ack()
					r.Ack()
				} else {
					order.script(r, x)
				}
				if err := waitDone(t, routed); err != nil {
					t.Errorf("the routed message: %v, want it confirmed", err)
				}
				err := waitDone(t, returned)
				var re *ReturnError
				if !errors.As(err, &re) || re.Return.Headers["h"] != int32(2) {
					t.Errorf("the returned message: %v, want a *ReturnError for it", err)
				}
				if len(returns) != 1 || returns[0].Headers["h"] != int32(2) {
					t.Errorf("on-return saw %+v, want the returned message alone", returns)
				}
			})
		}
	}
}

// TestIdenticalMandatoryMessagesTakeTurns publishes two mandatory messages
// identical in every byte: a return could not tell them apart, so the
// second is written only once the first is settled.
func TestIdenticalMandatoryMessagesTakeTurns(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	p := NewProducer(c, WithExchange(&Exchange{Name: "x", Type: "direct"}), WithMandatory(true), WithRetry(NoRetry))
	ctx := context.Background()
	if err := p.Publish(ctx, "warm-up"); err != nil {
		t.Fatal(err)
	}
	b.SetManualConfirms(true)
	first := p.PublishAsync(ctx, "twin")
	second := p.PublishAsync(ctx, "twin")
	other := p.PublishAsync(ctx, "other")
	e1 := b.Await(publishOf("twin"))
	e1.Return(312, "NO_ROUTE")
	e1.Ack()
	ack := b.AwaitSent(fakebroker.Is[*fakebroker.BasicAck]())
	e2 := b.Await(publishOf("twin"))
	if e2.Seq < ack.Seq {
		t.Errorf("the twin was written (event %d) before the first was settled (event %d)", e2.Seq, ack.Seq)
	}
	e2.Ack()
	b.Await(publishOf("other")).Ack()
	if err := waitDone(t, first); !errors.Is(err, ErrUnroutable) {
		t.Errorf("first twin: %v, want ErrUnroutable", err)
	}
	if err := waitDone(t, second); err != nil {
		t.Errorf("second twin: %v, want it confirmed", err)
	}
	if err := waitDone(t, other); err != nil {
		t.Errorf("other: %v", err)
	}
}

// TestAbandonedDeclareLeavesTheChannelClean gives up on a declare whose
// answer is late: the next declare waits for it on the same channel and
// succeeds, and no channel is closed under a pending RPC.
func TestAbandonedDeclareLeavesTheChannelClean(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	h := b.Hold(fakebroker.Is[*fakebroker.ExchangeDeclare](func(d *fakebroker.ExchangeDeclare) bool { return d.Exchange == "late" }))
	ctx, cancel := context.WithCancel(context.Background())
	first := background(func() error { return c.Declare(ctx, &Exchange{Name: "late", Type: "direct"}) })
	lateEv := h.Event()
	cancel()
	if err := outcome(t, first); !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoned declare: %v, want context.Canceled", err)
	}
	second := background(func() error { return c.Declare(context.Background(), &Exchange{Name: "next", Type: "direct"}) })
	pendingFor(t, second, "the late answer")
	h.Release()
	if err := outcome(t, second); err != nil {
		t.Fatalf("next declare: %v", err)
	}
	next := b.Await(fakebroker.Is[*fakebroker.ExchangeDeclare](func(d *fakebroker.ExchangeDeclare) bool { return d.Exchange == "next" }))
	if next.Channel != lateEv.Channel {
		t.Errorf("next declare on channel %d, the late one on %d: want the same channel", next.Channel, lateEv.Channel)
	}
	if closes := fakebroker.Filter(b.Received(), fakebroker.Is[*fakebroker.ChannelClose]()); len(closes) != 0 {
		t.Errorf("the client closed a channel: %v", closes)
	}
	if b.Dials() != 1 {
		t.Errorf("%d dials, want 1", b.Dials())
	}
	// The abandoned declare succeeded after all: it is remembered.
	if declared, err := c.MaybeDeclare(context.Background(), &Exchange{Name: "late", Type: "direct"}); err != nil || declared {
		t.Errorf("MaybeDeclare(late) = %v, %v; want it remembered", declared, err)
	}
}

// lose severs the Conn's connection and waits until the Conn knows.
func lose(t *testing.T, b *fakebroker.Broker, c *Conn, i int) {
	t.Helper()
	c.mu.Lock()
	s := c.sess
	c.mu.Unlock()
	b.Conn(i).Sever()
	<-s.lost
}

// TestDialOutlivesItsFirstCaller reconnects under a caller whose ctx ends
// while the handshake is held: that caller gets its ctx's error, and one
// waiting with a longer ctx gets the connection.
func TestDialOutlivesItsFirstCaller(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	lose(t, b, c, 0)
	h := b.Hold(fakebroker.All(fakebroker.OnConn(1), fakebroker.Is[*fakebroker.ConnectionOpen]()))
	ctx, cancel := context.WithCancel(context.Background())
	first := background(func() error { return c.Declare(ctx, &Exchange{Name: "a", Type: "direct"}) })
	h.Event() // the dial is under way, started for the first caller
	second := background(func() error { return c.Declare(context.Background(), &Exchange{Name: "b", Type: "direct"}) })
	cancel()
	if err := outcome(t, first); !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v, want context.Canceled", err)
	}
	pendingFor(t, second, "the handshake ended")
	h.Release()
	if err := outcome(t, second); err != nil {
		t.Fatalf("second caller: %v, want the new connection", err)
	}
	if b.Dials() != 2 {
		t.Errorf("%d dials, want 2", b.Dials())
	}
}

// TestCallerContextNeverClosesTheConnection ends a publisher's ctx while
// its write waits in a socket the broker does not read: the publisher gets
// its ctx's error at once, and the connection, and every other publish on
// it, carries on once the broker reads again.
func TestCallerContextNeverClosesTheConnection(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	p := NewProducer(c, WithRoutingKey("q"), WithRetry(NoRetry))
	ctx := context.Background()
	if err := p.Publish(ctx, "warm-up"); err != nil {
		t.Fatal(err)
	}
	writing := make(chan struct{})
	big := string(make([]byte, 4<<20)) // more than the socket and the write buffer take
	testHookBeforeWrite = func(msg *Publishing) {
		if len(msg.Body) == len(big) {
			close(writing)
		}
	}
	t.Cleanup(func() { testHookBeforeWrite = nil })
	b.Conn(0).StopReading()
	ctxA, cancelA := context.WithCancel(ctx)
	a := background(func() error { return p.Publish(ctxA, big) })
	<-writing
	other := background(func() error { return p.Publish(ctx, "other") })
	cancelA()
	if err := outcome(t, a); !errors.Is(err, context.Canceled) {
		t.Fatalf("publisher whose ctx ended: %v, want context.Canceled", err)
	}
	pendingFor(t, other, "the broker read again")
	b.Conn(0).ResumeReading()
	if err := outcome(t, other); err != nil {
		t.Fatalf("the other publisher: %v", err)
	}
	if b.Dials() != 1 {
		t.Errorf("%d dials, want 1: the connection was dropped", b.Dials())
	}
	if n := len(fakebroker.Filter(b.Received(), publishOf(big))); n != 1 {
		t.Errorf("the big message reached the broker %d times, want once", n)
	}
}

// TestAbandonedBeforeWrittenIsNotSent ends a publisher's ctx while its
// message waits behind another: it is never written.
func TestAbandonedBeforeWrittenIsNotSent(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	p := NewProducer(c, WithRoutingKey("q"), WithRetry(NoRetry))
	ctx := context.Background()
	if err := p.Publish(ctx, "warm-up"); err != nil {
		t.Fatal(err)
	}
	writing := make(chan struct{})
	big := string(make([]byte, 4<<20))
	testHookBeforeWrite = func(msg *Publishing) {
		if len(msg.Body) == len(big) {
			close(writing)
		}
	}
	t.Cleanup(func() { testHookBeforeWrite = nil })
	b.Conn(0).StopReading()
	first := background(func() error { return p.Publish(ctx, big) })
	<-writing
	ctxA, cancelA := context.WithCancel(ctx)
	a := p.PublishAsync(ctxA, "abandoned")
	cancelA()
	b.Conn(0).ResumeReading()
	if err := outcome(t, first); err != nil {
		t.Fatal(err)
	}
	if err := waitDone(t, a); !errors.Is(err, context.Canceled) {
		t.Errorf("abandoned publish: %v, want context.Canceled", err)
	}
	if err := p.Publish(ctx, "after"); err != nil {
		t.Fatal(err)
	}
	if n := len(fakebroker.Filter(b.Received(), publishOf("abandoned"))); n != 0 {
		t.Errorf("the abandoned message was written %d times", n)
	}
}

// TestRefusalIsFinal has the broker refuse a publish by closing its
// channel, as RabbitMQ does, with reply texts the old matching by text got
// wrong: each refusal is final, whatever its text, and sent once.
func TestRefusalIsFinal(t *testing.T) {
	long := string(make([]byte, 0))
	for len(long) < 240 {
		long += "very-long-exchange-name."
	}
	tests := []struct {
		name     string
		exchange string
		code     uint16
		text     string
		want     error
	}{
		{"403 on the default exchange", "", 403, "ACCESS_REFUSED - write access to exchange 'amq.default' in vhost '/' refused for user 'guest'", ErrAccessRefused},
		{"404 with the text cut", long, 404, ("NOT_FOUND - no exchange '" + long + "' in vhost '/'")[:255], ErrNotFound},
		{"406 message size", "x", 406, "PRECONDITION_FAILED - message size 134217729 is larger than configured max size 134217728", ErrPreconditionFailed},
		{"406 anything", "x", 406, "PRECONDITION_FAILED - something new", ErrPreconditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fakebroker.New(t, fakebroker.Options{})
			c := dialFake(t, b)
			h := b.Hold(publishOf("refused"))
			p := NewProducer(c, WithExchange(&Exchange{Name: tt.exchange}), WithAutoDeclare(false), WithRoutingKey("k"))
			res := background(func() error { return p.Publish(context.Background(), "refused") })
			h.Event()
			h.CloseChannel(tt.code, tt.text)
			err := outcome(t, res)
			if !errors.Is(err, tt.want) || Retryable(err) {
				t.Fatalf("Publish = %v, want a final %v", err, tt.want)
			}
			if n := len(fakebroker.Filter(b.Received(), publishOf("refused"))); n != 1 {
				t.Errorf("sent %d times, want once", n)
			}
		})
	}
}

// refusalProducer returns a fake broker, a Conn to it and a producer to
// exchange "x", warmed up so that the exchange is known to exist and its
// publishes are no longer written alone.
func refusalProducer(t *testing.T) (*fakebroker.Broker, *Conn, *Producer) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	p := NewProducer(c, WithExchange(&Exchange{Name: "x"}), WithAutoDeclare(false), WithRoutingKey("k"))
	if err := p.Publish(context.Background(), "warm-up"); err != nil {
		t.Fatal(err)
	}
	return b, c, p
}

// refuseOneOfTwo publishes "innocent" and "culprit" with the broker's
// confirms held back, then has the broker close their channel with a 406,
// which does not say which of the two it refused.
func refuseOneOfTwo(b *fakebroker.Broker, p *Producer) (innocent, culprit *Confirmation) {
	b.SetManualConfirms(true)
	ctx := context.Background()
	innocent = p.PublishAsync(ctx, "innocent")
	culprit = p.PublishAsync(ctx, "culprit")
	b.Await(publishOf("innocent"))
	ev := b.Await(publishOf("culprit"))
	b.Conn(0).CloseChannel(ev.Channel, 406, "PRECONDITION_FAILED - refused")
	return innocent, culprit
}

// TestAmbiguousRefusalFindsItsCulprit has the broker close a channel with
// two publishes pending: each is written again alone, the one refused
// again fails for good and the other is confirmed.
func TestAmbiguousRefusalFindsItsCulprit(t *testing.T) {
	b, _, p := refusalProducer(t)
	innocent, culprit := refuseOneOfTwo(b, p)

	again := b.Await(publishOf("innocent"))
	again.Ack()
	ack := b.AwaitSent(fakebroker.Is[*fakebroker.BasicAck](func(a *fakebroker.BasicAck) bool { return a.DeliveryTag == again.Tag() }))
	retried := b.Await(publishOf("culprit"))
	if retried.Seq < ack.Seq {
		t.Errorf("the second was written again before the first was settled: not alone")
	}
	b.Conn(0).CloseChannel(retried.Channel, 406, "PRECONDITION_FAILED - refused")
	if err := waitDone(t, innocent); err != nil {
		t.Errorf("innocent: %v, want it confirmed", err)
	}
	if err := waitDone(t, culprit); !errors.Is(err, ErrPreconditionFailed) || Retryable(err) {
		t.Errorf("culprit: %v, want a final ErrPreconditionFailed", err)
	}
	if n := len(fakebroker.Filter(b.Received(), publishOf("culprit"))); n != 2 {
		t.Errorf("culprit written %d times, want twice (the second alone)", n)
	}
}

// TestRewrittenMessageWaitsForItsNewConfirm has the broker close a channel
// with two publishes pending, so that each is written again alone on a new
// channel: as the owner writes the first again, the listener must not see
// the confirmation of its first write, which amqp091-go settled as a nack
// when the channel closed; resolving the message by it would report the
// innocent message nacked.
func TestRewrittenMessageWaitsForItsNewConfirm(t *testing.T) {
	b, c, p := refusalProducer(t)
	s, err := c.session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	l := s.confirms[0]
	s.mu.Unlock()
	writes := 0
	stale := make(chan bool, 1)
	testHookBeforeWrite = func(msg *Publishing) {
		if string(msg.Body) != "innocent" {
			return
		}
		if writes++; writes == 2 {
			// The second write of innocent, pending and not yet written:
			// what the listener would wait on now.
			l.mu.Lock()
			head := l.pending.peek()
			stale <- head != nil && head.dc != nil
			l.mu.Unlock()
		}
	}
	t.Cleanup(func() { testHookBeforeWrite = nil })
	innocent, culprit := refuseOneOfTwo(b, p)
	if <-stale {
		t.Error("the message written again holds the confirmation of its first write")
	}
	b.Await(publishOf("innocent")).Ack()
	retried := b.Await(publishOf("culprit"))
	b.Conn(0).CloseChannel(retried.Channel, 406, "PRECONDITION_FAILED - refused")
	if err := waitDone(t, innocent); err != nil {
		t.Errorf("innocent: %v, want it confirmed", err)
	}
	if err := waitDone(t, culprit); !errors.Is(err, ErrPreconditionFailed) {
		t.Errorf("culprit: %v, want ErrPreconditionFailed", err)
	}
}

// TestRedialAfterConnectionException has the broker close the connection
// over a declare (503, as for an unknown exchange type): the declare gets
// the broker's error and the next call connects again.
func TestRedialAfterConnectionException(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	ctx := context.Background()
	h := b.Hold(fakebroker.Is[*fakebroker.ExchangeDeclare]())
	res := background(func() error { return c.Declare(ctx, &Exchange{Name: "bogus", Type: "x-bogus"}) })
	h.Event()
	h.CloseConnection(503, "COMMAND_INVALID - unknown exchange type 'x-bogus'")
	err := outcome(t, res)
	var be *BrokerError
	if !errors.As(err, &be) || be.Code != 503 || Retryable(err) {
		t.Fatalf("Declare = %v, want the broker's final 503", err)
	}
	if err := c.Declare(ctx, &Exchange{Name: "good", Type: "direct"}); err != nil {
		t.Fatalf("next Declare = %v, want it on a new connection", err)
	}
	p := NewProducer(c, WithRoutingKey("q"), WithRetry(NoRetry))
	if err := p.Publish(ctx, "m"); err != nil {
		t.Fatalf("Publish = %v", err)
	}
	if b.Dials() != 2 {
		t.Errorf("%d dials, want 2", b.Dials())
	}
}

// declaresOf counts the declares of entity name (exchange or queue) the
// broker received.
func declaresOf(b *fakebroker.Broker, name string) int {
	return len(fakebroker.Filter(b.Received(), fakebroker.Any(
		fakebroker.Is[*fakebroker.ExchangeDeclare](func(d *fakebroker.ExchangeDeclare) bool { return d.Exchange == name }),
		fakebroker.Is[*fakebroker.QueueDeclare](func(d *fakebroker.QueueDeclare) bool { return d.Queue == name }),
	)))
}

// TestDeclareOncePerConnection publishes through a producer with an
// exchange, a durable queue and an auto-delete one: the first two are
// declared once per connection, the third before every publish, and all
// of them again, before the first publish, on a new connection.
func TestDeclareOncePerConnection(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	ex := &Exchange{Name: "orders", Type: "topic", Durable: true}
	q := &Queue{Name: "billing", Durable: true, Bindings: []Binding{{Exchange: "orders", RoutingKey: "order.#"}}}
	temp := &Queue{Name: "temp", AutoDelete: true, Bindings: []Binding{{Exchange: "orders", RoutingKey: "#"}}}
	p := NewProducer(c, WithExchange(ex), WithDeclare(q, temp), WithRoutingKey("order.created"))
	ctx := context.Background()
	if n := declaresOf(b, "orders"); n != 0 {
		t.Fatalf("declared %d times before the first publish", n)
	}
	for range 5 {
		if err := p.Publish(ctx, "m"); err != nil {
			t.Fatal(err)
		}
	}
	if got := [3]int{declaresOf(b, "orders"), declaresOf(b, "billing"), declaresOf(b, "temp")}; got != [3]int{1, 1, 5} {
		t.Errorf("declares after 5 publishes = %v, want [1 1 5]", got)
	}
	// Everything is declared before the first publish, on the connection
	// the publish goes out on.
	first := b.Await(fakebroker.Is[*fakebroker.BasicPublish]())
	for _, d := range fakebroker.Filter(b.Received(), fakebroker.Any(fakebroker.Is[*fakebroker.ExchangeDeclare](), fakebroker.Is[*fakebroker.QueueDeclare]()))[:3] {
		if d.Seq > first.Seq {
			t.Errorf("%v came after the first publish", d)
		}
	}

	lose(t, b, c, 0)
	if err := p.Publish(ctx, "m"); err != nil {
		t.Fatalf("publish after reconnecting: %v", err)
	}
	if got := [3]int{declaresOf(b, "orders"), declaresOf(b, "billing"), declaresOf(b, "temp")}; got != [3]int{2, 2, 6} {
		t.Errorf("declares after a reconnect = %v, want [2 2 6]", got)
	}
	second := b.Await(fakebroker.All(fakebroker.OnConn(1), fakebroker.Is[*fakebroker.BasicPublish]()))
	ex2 := b.Await(fakebroker.All(fakebroker.OnConn(1), fakebroker.Is[*fakebroker.ExchangeDeclare]()))
	if ex2.Seq > second.Seq {
		t.Error("the exchange was declared again after the first publish on the new connection")
	}

	// Producer.Declare declares everything now, declared before or not.
	if err := p.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	if got := declaresOf(b, "orders"); got != 3 {
		t.Errorf("Declare made %d exchange declares in all, want 3", got)
	}
}

// TestStalledConnectionDetected has the broker stop answering and stop its
// heartbeats under a declare whose caller waits without a deadline: the
// connection notices by itself (missed heartbeats), the declare fails as a
// lost connection, which may be tried again, and the next call connects
// anew.
func TestStalledConnectionDetected(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{Timeout: 30 * time.Second})
	c := dialFake(t, b, WithHeartbeat(time.Second))
	h := b.Hold(fakebroker.Is[*fakebroker.ExchangeDeclare]())
	res := background(func() error { return c.Declare(context.Background(), &Exchange{Name: "x", Type: "direct"}) })
	h.Event()
	b.Conn(0).StopHeartbeats()
	h.Drop()
	select {
	case err := <-res:
		if !errors.Is(err, ErrConnectionLost) || !Retryable(err) {
			t.Fatalf("Declare = %v, want ErrConnectionLost", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the stalled connection was never noticed")
	}
	if err := c.Declare(context.Background(), &Exchange{Name: "y", Type: "direct"}); err != nil {
		t.Fatalf("next Declare = %v", err)
	}
	if b.Dials() != 2 {
		t.Errorf("%d dials, want 2", b.Dials())
	}
}

// TestMiddlewareHeadersChecked has middleware add a header value AMQP
// cannot carry after the message was checked: the Conn refuses it before
// the wire, as it would have refused it from the caller.
func TestMiddlewareHeadersChecked(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	nan := func(next PublishFunc) PublishFunc {
		return func(ctx context.Context, msg *Publishing) *Confirmation {
			msg.Headers["f"] = math.NaN()
			return next(ctx, msg)
		}
	}
	p := NewProducer(c, WithRoutingKey("q"), WithMiddleware(nan))
	if err := p.Publish(context.Background(), "m"); !errors.Is(err, ErrInvalidMessage) {
		t.Fatalf("Publish = %v, want ErrInvalidMessage", err)
	}
	if n := len(fakebroker.Filter(b.Received(), fakebroker.Is[*fakebroker.BasicPublish]())); n != 0 {
		t.Errorf("%d publishes reached the broker", n)
	}
}
