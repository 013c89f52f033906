package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/fakebroker"
)

// collector gathers what a subscription delivers.
type collector struct {
	mu   sync.Mutex
	got  []string
	more chan struct{}
}

func newCollector() *collector { return &collector{more: make(chan struct{}, 100)} }

func (c *collector) deliver(p Properties, body []byte) {
	c.mu.Lock()
	c.got = append(c.got, p.CorrelationID+"="+string(body))
	c.mu.Unlock()
	c.more <- struct{}{}
}

// await waits for n deliveries in all and returns them.
func (c *collector) await(t *testing.T, n int) []string {
	t.Helper()
	for {
		c.mu.Lock()
		got := append([]string(nil), c.got...)
		c.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-c.more:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d deliveries, want %d", len(got), n)
		}
	}
}

// consumerOn waits for the consumer connection i of the broker makes and
// returns its tag.
func consumerOn(t *testing.T, b *fakebroker.Broker, i int) string {
	t.Helper()
	ev := b.Await(fakebroker.All(fakebroker.OnConn(i), fakebroker.Is[*fakebroker.BasicConsume]()))
	return ev.Method.(*fakebroker.BasicConsume).ConsumerTag
}

// deliver sends the consumer tag on connection i a message.
func deliver(b *fakebroker.Broker, i int, tag, id string) {
	b.Conn(i).Deliver(&fakebroker.BasicDeliver{ConsumerTag: tag, RoutingKey: "replies",
		Content: fakebroker.NewContent(fakebroker.Properties{CorrelationID: id}, []byte("r"))})
}

// TestConsumeAcrossReconnects consumes a durable queue: messages come in
// order, the queue is declared and consumed again on a new connection
// after the first was lost, and consuming ends when ctx ends.
func TestConsumeAcrossReconnects(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	col := newCollector()
	done, err := c.Consume(ctx, &Queue{Name: "replies", Durable: true}, col.deliver)
	if err != nil {
		t.Fatal(err)
	}
	tag := consumerOn(t, b, 0)
	for i := range 3 {
		deliver(b, 0, tag, fmt.Sprint("a", i))
	}
	if got := col.await(t, 3); fmt.Sprint(got) != "[a0=r a1=r a2=r]" {
		t.Fatalf("delivered %v", got)
	}
	lose(t, b, c, 0)
	tag = consumerOn(t, b, 1)
	if n := len(fakebroker.Filter(b.Conn(1).Received(), fakebroker.Is[*fakebroker.QueueDeclare]())); n != 1 {
		t.Errorf("the queue was declared %d times on the new connection, want once", n)
	}
	deliver(b, 1, tag, "b0")
	if got := col.await(t, 4); got[3] != "b0=r" {
		t.Fatalf("delivered %v", got)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("consuming did not end with its ctx")
	}
}

// TestConsumeEndsWithItsQueue loses the connection under a consumer of an
// auto-delete queue: the queue and what was sent to it went with the
// connection, so consuming ends, and nothing is consumed on the next
// connection.
func TestConsumeEndsWithItsQueue(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	done, err := c.Consume(context.Background(), &Queue{Name: "replies", AutoDelete: true}, func(Properties, []byte) {})
	if err != nil {
		t.Fatal(err)
	}
	consumerOn(t, b, 0)
	lose(t, b, c, 0)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("consuming an auto-delete queue goes on after its connection was lost")
	}
	if err := c.Declare(context.Background(), &Exchange{Name: "x", Type: "direct"}); err != nil {
		t.Fatal(err)
	}
	if n := len(fakebroker.Filter(b.Received(), fakebroker.All(fakebroker.OnConn(1), fakebroker.Is[*fakebroker.BasicConsume]()))); n != 0 {
		t.Errorf("%d consumers made on the new connection", n)
	}
}

// TestConsumeEndsWithClose closes the Conn under a consumer: the channel
// Consume returned is closed, and nothing is left running.
func TestConsumeEndsWithClose(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	done, err := c.Consume(context.Background(), &Queue{Name: "replies", AutoDelete: true}, func(Properties, []byte) {})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	select {
	case <-done:
	default:
		t.Fatal("consuming goes on after Close")
	}
}

// TestConsumeRefused has the broker refuse the queue's declare: Consume
// returns the refusal, and consumes nothing.
func TestConsumeRefused(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	c := dialFake(t, b)
	h := b.Hold(fakebroker.Is[*fakebroker.QueueDeclare]())
	res := background(func() error {
		_, err := c.Consume(context.Background(), &Queue{Name: "q"}, func(Properties, []byte) {})
		return err
	})
	h.Event()
	h.CloseChannel(406, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/'")
	if err := outcome(t, res); !errors.Is(err, ErrPreconditionFailed) {
		t.Fatalf("Consume = %v, want ErrPreconditionFailed", err)
	}
	if n := len(fakebroker.Filter(b.Received(), fakebroker.Is[*fakebroker.BasicConsume]())); n != 0 {
		t.Errorf("%d consumers made", n)
	}
}
