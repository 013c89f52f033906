package memory_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// TestMain fails the run if a test leaves a goroutine behind: the broker
// starts none, and must not start to.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newBroker returns a broker closed when the test ends.
func newBroker(t *testing.T, opts ...memory.Option) *memory.Broker {
	t.Helper()
	b := memory.New(opts...)
	t.Cleanup(func() { b.Close() })
	return b
}

// declare declares entities or fails the test.
func declare(t *testing.T, b *memory.Broker, entities ...runtime.Entity) {
	t.Helper()
	for _, e := range entities {
		if err := b.Declare(context.Background(), e); err != nil {
			t.Fatalf("declare %s: %v", e.DeclareKey(), err)
		}
	}
}

// queue returns a queue bound to exchange with each of keys.
func queue(name, exchange string, keys ...string) *runtime.Queue {
	q := &runtime.Queue{Name: name, Durable: true}
	for _, k := range keys {
		q.Bindings = append(q.Bindings, runtime.Binding{Exchange: exchange, RoutingKey: k})
	}
	return q
}

// publish publishes a message with body text, changed by edits, or fails
// the test.
func publish(t *testing.T, b *memory.Broker, exchange, key, text string, edits ...func(*runtime.Publishing)) {
	t.Helper()
	if err := publishErr(b, context.Background(), publishing(exchange, key, text, edits...)); err != nil {
		t.Fatalf("publish to %q with key %q: %v", exchange, key, err)
	}
}

func publishing(exchange, key, text string, edits ...func(*runtime.Publishing)) *runtime.Publishing {
	p := &runtime.Publishing{
		Exchange:   exchange,
		RoutingKey: key,
		Properties: runtime.Properties{ContentType: "text/plain", ContentEncoding: "utf-8",
			Headers: runtime.Table{}, DeliveryMode: runtime.Persistent},
		Body: []byte(text),
	}
	for _, e := range edits {
		e(p)
	}
	return p
}

// bodies returns the bodies queue holds, in delivery order.
func bodies(b *memory.Broker, queue string) []string {
	var out []string
	for _, m := range b.Messages(queue) {
		out = append(out, string(m.Body))
	}
	return out
}

// clock is a fake time source for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// publishErr publishes msg and returns its outcome: a memory broker settles
// every publish before Publish returns.
func publishErr(b *memory.Broker, ctx context.Context, msg *runtime.Publishing) error {
	return b.Publish(ctx, msg).Err()
}
