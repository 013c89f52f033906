package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/kombugen/kombugen/internal/fakebroker"
)

// TestPublishAsyncReturnsBeforeTheConfirm publishes asynchronously with
// confirms held: PublishAsync returns at once, the confirmation is done
// when the broker acks, and Publish is PublishAsync's Wait.
func TestPublishAsyncReturnsBeforeTheConfirm(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	p := NewProducer(c, WithRoutingKey("q"))
	ctx := context.Background()
	if err := p.Publish(ctx, "warm-up"); err != nil {
		t.Fatal(err)
	}
	b.SetManualConfirms(true)
	conf := p.PublishAsync(ctx, "m")
	ev := b.Await(publishOf("m"))
	if settledNow(conf) {
		t.Fatalf("done before the broker answered: %v", conf.Err())
	}
	short, cancel := context.WithCancel(ctx)
	cancel()
	if err := conf.Wait(short); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with an ended ctx = %v, want context.Canceled", err)
	}
	ev.Ack()
	if err := waitDone(t, conf); err != nil {
		t.Errorf("confirmation = %v", err)
	}
	if err := conf.Wait(ctx); err != nil {
		t.Errorf("Wait after done = %v", err)
	}

	nacked := p.PublishAsync(ctx, "nacked")
	b.Await(publishOf("nacked")).Nack()
	if err := waitDone(t, nacked); !errors.Is(err, ErrNacked) {
		t.Errorf("nacked = %v, want ErrNacked", err)
	}
}

// TestPublishAsyncInvalidIsDoneAtOnce publishes an invalid message: the
// confirmation is done before PublishAsync returns, and nothing is sent.
func TestPublishAsyncInvalidIsDoneAtOnce(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	p := NewProducer(c, WithRoutingKey("q"))
	conf := p.PublishAsync(context.Background(), "m", WithPriority(300))
	if !settledNow(conf) || !errors.Is(conf.Err(), ErrInvalidMessage) {
		t.Fatalf("confirmation done=%v err=%v, want done with ErrInvalidMessage", settledNow(conf), conf.Err())
	}
	if n := len(fakebroker.Filter(b.Received(), fakebroker.Is[*fakebroker.BasicPublish]())); n != 0 {
		t.Errorf("%d publishes reached the broker", n)
	}
}

// TestPublishAsyncBlocksOnAFullWindow fills a window of two: the third
// publish waits for room, no longer than its ctx, and gets it when a
// confirm comes.
func TestPublishAsyncBlocksOnAFullWindow(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b, WithConfirmWindow(2))
	p := NewProducer(c, WithRoutingKey("q"))
	ctx := context.Background()
	if err := p.Publish(ctx, "warm-up"); err != nil {
		t.Fatal(err)
	}
	b.SetManualConfirms(true)
	first, second := p.PublishAsync(ctx, "1"), p.PublishAsync(ctx, "2")
	e1 := b.Await(publishOf("1"))
	b.Await(publishOf("2"))

	short, cancel := context.WithCancel(ctx)
	blocked := make(chan *Confirmation, 1)
	go func() { blocked <- p.PublishAsync(short, "3") }()
	select {
	case c := <-blocked:
		t.Fatalf("PublishAsync returned with the window full: %v", c.Err())
	default:
	}
	cancel()
	third := <-blocked
	if err := waitDone(t, third); !errors.Is(err, context.Canceled) {
		t.Errorf("third with its ctx ended = %v, want context.Canceled", err)
	}

	fourth := make(chan *Confirmation, 1)
	go func() { fourth <- p.PublishAsync(ctx, "4") }()
	e1.Ack()
	e4 := b.Await(publishOf("4"))
	e4.AckMultiple()
	for i, conf := range []*Confirmation{first, second, <-fourth} {
		if err := waitDone(t, conf); err != nil {
			t.Errorf("publish %d: %v", i, err)
		}
	}
	if n := len(fakebroker.Filter(b.Received(), publishOf("3"))); n != 0 {
		t.Errorf("the publish whose ctx ended was sent %d times", n)
	}
}

// TestPublishAsyncKeepsOrder publishes many messages with one key from one
// goroutine: the broker receives them in order.
func TestPublishAsyncKeepsOrder(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b, WithPublishChannels(4), WithConfirmWindow(16))
	p := NewProducer(c, WithRoutingKey("q"))
	ctx := context.Background()
	var confs []*Confirmation
	for i := range 200 {
		confs = append(confs, p.PublishAsync(ctx, fmt.Sprint(i)))
	}
	for i, conf := range confs {
		if err := waitDone(t, conf); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	publishes := fakebroker.Filter(b.Received(), fakebroker.Is[*fakebroker.BasicPublish]())
	for i, ev := range publishes {
		if got := string(ev.Method.(*fakebroker.BasicPublish).Content.Body); got != fmt.Sprint(i) {
			t.Fatalf("publish %d reached the broker as %q: out of order", i, got)
		}
	}
}

// TestPublishAsyncRetriesBeforeDone loses the connection with a message
// in flight: its confirmation is done only once it was sent again on a
// new connection and confirmed there.
func TestPublishAsyncRetriesBeforeDone(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{ManualConfirms: true})
	c := dialFake(t, b)
	p := NewProducer(c, WithRoutingKey("q"))
	ctx := context.Background()
	conf := p.PublishAsync(ctx, "m")
	b.Await(publishOf("m"))
	b.Conn(0).Sever()
	again := b.Await(publishOf("m"))
	if again.Conn.Index() != 1 {
		t.Fatalf("sent again on connection %d, want the second", again.Conn.Index())
	}
	if settledNow(conf) {
		t.Fatalf("done before the second try was confirmed: %v", conf.Err())
	}
	again.Ack()
	if err := waitDone(t, conf); err != nil {
		t.Errorf("confirmation = %v", err)
	}
}

// TestCloseWhilePublishing closes the Conn while goroutines publish and
// open channels: every publish ends, with success or ErrClosed, and the
// Conn leaves no goroutine behind (TestMain checks).
func TestCloseWhilePublishing(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b, WithPublishChannels(8))
	var wg sync.WaitGroup
	errs := make(chan error, 64*20)
	for g := range 64 {
		wg.Go(func() {
			p := NewProducer(c, WithRoutingKey(fmt.Sprint("q", g)), WithConfirm(g%2 == 0))
			for range 20 {
				errs <- p.Publish(context.Background(), "m")
			}
		})
	}
	c.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && !errors.Is(err, ErrClosed) {
			t.Errorf("Publish = %v, want nil or ErrClosed", err)
		}
	}
}

// TestUnconfirmedHandedToTheConnection publishes without confirms while the
// broker does not read: Publish returns once the message is queued for the
// connection, and the message is written when the broker reads again,
// whatever became of the publisher's ctx.
func TestUnconfirmedHandedToTheConnection(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	p := NewProducer(c, WithRoutingKey("q"), WithConfirm(false))
	if err := p.Publish(context.Background(), "warm-up"); err != nil {
		t.Fatal(err)
	}
	b.Await(publishOf("warm-up"))
	b.Conn(0).StopReading()
	ctx, cancel := context.WithCancel(context.Background())
	for i := range 3 {
		if err := p.Publish(ctx, fmt.Sprint("m", i)); err != nil {
			t.Fatalf("Publish = %v", err)
		}
	}
	cancel()
	b.Conn(0).ResumeReading()
	for i := range 3 {
		b.Await(publishOf(fmt.Sprint("m", i)))
	}
}
