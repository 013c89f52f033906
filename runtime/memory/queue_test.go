package memory_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

type msgSpec struct {
	body       string
	priority   uint8
	expiration string
}

func (m msgSpec) publish(t *testing.T, b *memory.Broker, queue string) {
	t.Helper()
	publish(t, b, "", queue, m.body, func(p *runtime.Publishing) {
		p.Priority, p.Expiration = m.priority, m.expiration
	})
}

func TestPriority(t *testing.T) {
	tests := []struct {
		name string
		args runtime.Table
		msgs []msgSpec
		want []string
	}{
		{"highest first, FIFO within one", runtime.Table{"x-max-priority": 10},
			[]msgSpec{{"l1", 1, ""}, {"h1", 9, ""}, {"l2", 1, ""}, {"z1", 0, ""}, {"h2", 9, ""}, {"m1", 5, ""}},
			[]string{"h1", "h2", "m1", "l1", "l2", "z1"}},
		{"above the maximum counts as the maximum", runtime.Table{"x-max-priority": int64(5)},
			[]msgSpec{{"five", 5, ""}, {"nine", 9, ""}, {"two", 2, ""}, {"255", 255, ""}},
			[]string{"five", "nine", "255", "two"}},
		{"without x-max-priority priorities are ignored", nil,
			[]msgSpec{{"a", 1, ""}, {"b", 9, ""}, {"c", 0, ""}},
			[]string{"a", "b", "c"}},
		{"x-max-priority 0 ignores priorities", runtime.Table{"x-max-priority": 0},
			[]msgSpec{{"a", 1, ""}, {"b", 9, ""}},
			[]string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			declare(t, b, &runtime.Queue{Name: "q", Arguments: tt.args})
			for _, m := range tt.msgs {
				m.publish(t, b, "q")
			}
			if got := bodies(b, "q"); !slices.Equal(got, tt.want) {
				t.Fatalf("messages = %v, want %v", got, tt.want)
			}
			// Get delivers in the same order.
			var got []string
			for m, ok := b.Get("q"); ok; m, ok = b.Get("q") {
				got = append(got, string(m.Body))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Get order = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMaxLength(t *testing.T) {
	tests := []struct {
		name    string
		args    runtime.Table
		msgs    []msgSpec
		want    []string
		refused int // publishes nacked
	}{
		{"drop-head keeps the newest", runtime.Table{"x-max-length": 3},
			[]msgSpec{{"1", 0, ""}, {"2", 0, ""}, {"3", 0, ""}, {"4", 0, ""}, {"5", 0, ""}},
			[]string{"3", "4", "5"}, 0},
		{"max length 0 keeps nothing", runtime.Table{"x-max-length": int32(0)},
			[]msgSpec{{"1", 0, ""}}, nil, 0},
		{"drop-head drops the next to deliver", runtime.Table{"x-max-length": 2, "x-max-priority": 5},
			[]msgSpec{{"low", 1, ""}, {"high", 5, ""}, {"mid", 3, ""}},
			[]string{"mid", "low"}, 0},
		{"max length bytes", runtime.Table{"x-max-length-bytes": 10},
			[]msgSpec{{"aaaa", 0, ""}, {"bbbb", 0, ""}, {"cccc", 0, ""}},
			[]string{"bbbb", "cccc"}, 0},
		{"reject-publish refuses the newest", runtime.Table{"x-max-length": 2, "x-overflow": "reject-publish"},
			[]msgSpec{{"1", 0, ""}, {"2", 0, ""}, {"3", 0, ""}, {"4", 0, ""}},
			[]string{"1", "2"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			declare(t, b, &runtime.Queue{Name: "q", Arguments: tt.args})
			refused := 0
			for _, m := range tt.msgs {
				err := publishErr(b, context.Background(), publishing("", "q", m.body, func(p *runtime.Publishing) {
					p.Priority, p.Confirm = m.priority, true
				}))
				switch {
				case errors.Is(err, runtime.ErrNacked):
					refused++
				case err != nil:
					t.Fatal(err)
				}
			}
			if got := bodies(b, "q"); !slices.Equal(got, tt.want) {
				t.Errorf("messages = %v, want %v", got, tt.want)
			}
			if refused != tt.refused {
				t.Errorf("%d publishes nacked, want %d", refused, tt.refused)
			}
		})
	}
}

func TestRejectPublishWithoutConfirm(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-max-length": 1, "x-overflow": "reject-publish"}})
	publish(t, b, "", "q", "1")
	publish(t, b, "", "q", "2") // no confirm, so nothing to nack
	if got := bodies(b, "q"); !slices.Equal(got, []string{"1"}) {
		t.Errorf("messages = %v, want [1]", got)
	}
}

func TestTTL(t *testing.T) {
	tests := []struct {
		name    string
		args    runtime.Table
		msgs    []msgSpec
		advance time.Duration
		want    []string
		// behindHead counts the expired messages behind a live head,
		// which still count in Len.
		behindHead int
	}{
		{"queue ttl, not yet", runtime.Table{"x-message-ttl": 1000},
			[]msgSpec{{"a", 0, ""}}, 999 * time.Millisecond, []string{"a"}, 0},
		{"queue ttl, reached", runtime.Table{"x-message-ttl": 1000},
			[]msgSpec{{"a", 0, ""}}, time.Second, nil, 0},
		{"message expiration", nil,
			[]msgSpec{{"short", 0, "100"}, {"long", 0, "5000"}, {"none", 0, ""}}, time.Second, []string{"long", "none"}, 0},
		{"the sooner of queue and message ttl, message", runtime.Table{"x-message-ttl": int64(5000)},
			[]msgSpec{{"short", 0, "100"}, {"default", 0, ""}}, time.Second, []string{"default"}, 0},
		{"the sooner of queue and message ttl, queue", runtime.Table{"x-message-ttl": int64(500)},
			[]msgSpec{{"long", 0, "60000"}}, time.Second, nil, 0},
		{"expiration 0 expires at once", nil,
			[]msgSpec{{"gone", 0, "0"}, {"kept", 0, ""}}, 0, []string{"kept"}, 0},
		{"expired behind a live message", runtime.Table{"x-max-priority": 5},
			[]msgSpec{{"live", 5, ""}, {"dead", 1, "10"}}, time.Second, []string{"live"}, 1},
		{"expired at the head", runtime.Table{"x-max-priority": 5},
			[]msgSpec{{"dead", 5, "10"}, {"live", 1, ""}}, time.Second, []string{"live"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			b := newBroker(t, memory.WithClock(clk.Now))
			declare(t, b, &runtime.Queue{Name: "q", Arguments: tt.args})
			for _, m := range tt.msgs {
				m.publish(t, b, "q")
			}
			clk.Advance(tt.advance)
			if got := bodies(b, "q"); !slices.Equal(got, tt.want) {
				t.Errorf("Messages = %v, want %v", got, tt.want)
			}
			// A message expired behind a live head still counts.
			want := len(tt.want) + tt.behindHead
			if n := b.Len("q"); n != want {
				t.Errorf("Len = %d, want %d", n, want)
			}
			if qs := b.Queues(); qs[0].Messages != want {
				t.Errorf("Queues()[0].Messages = %d, want %d", qs[0].Messages, want)
			}
		})
	}
}

// TestTTLDoesNotCountAgainstMaxLength: an expired message no longer takes
// a place in a full queue.
func TestTTLDoesNotCountAgainstMaxLength(t *testing.T) {
	clk := newClock()
	b := newBroker(t, memory.WithClock(clk.Now))
	declare(t, b, &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-max-length": 2}})
	msgSpec{"old", 0, "10"}.publish(t, b, "q")
	msgSpec{"keep", 0, ""}.publish(t, b, "q")
	clk.Advance(time.Second)
	msgSpec{"new", 0, ""}.publish(t, b, "q")
	if got := bodies(b, "q"); !slices.Equal(got, []string{"keep", "new"}) {
		t.Errorf("messages = %v, want [keep new]", got)
	}
}

func TestDeadLettering(t *testing.T) {
	clk := newClock()
	b := newBroker(t, memory.WithClock(clk.Now))
	declare(t, b,
		&runtime.Exchange{Name: "dlx", Type: "direct"},
		&runtime.Exchange{Name: "work", Type: "direct"},
		queue("dead.expired", "dlx", "expired"),
		queue("dead.kept-key", "dlx", "job"),
		&runtime.Queue{Name: "wait", Arguments: runtime.Table{
			"x-message-ttl": 1000, "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "expired"},
			Bindings: []runtime.Binding{{Exchange: "work", RoutingKey: "wait"}}},
		&runtime.Queue{Name: "small", Arguments: runtime.Table{
			"x-max-length": 1, "x-dead-letter-exchange": "dlx"}},
		&runtime.Queue{Name: "nodlx", Arguments: runtime.Table{"x-max-length": 1}},
	)
	publish(t, b, "work", "wait", "late", func(p *runtime.Publishing) { p.Expiration = "500" })
	clk.Advance(time.Second)
	if n := b.Len("wait"); n != 0 {
		t.Fatalf("wait holds %d messages after its TTL", n)
	}
	dead := b.Messages("dead.expired")
	if len(dead) != 1 {
		t.Fatalf("dead.expired holds %d messages, want 1", len(dead))
	}
	m := dead[0]
	if m.Exchange != "dlx" || m.RoutingKey != "expired" || m.Expiration != "" || string(m.Body) != "late" {
		t.Errorf("dead-lettered message = %+v, want exchange dlx, key expired, no expiration", m)
	}
	checkDeath(t, m.Headers, "expired", "wait", "work", "wait", 1)
	if d := m.Headers["x-death"].([]any)[0].(runtime.Table); d["original-expiration"] != "500" {
		t.Errorf("x-death original-expiration = %v, want 500", d["original-expiration"])
	}

	// x-max-length drops the head to the dead-letter exchange, with the
	// message's own routing key when no dead-letter key is set.
	publish(t, b, "", "small", "first")
	publish(t, b, "", "small", "second")
	if got := bodies(b, "small"); !slices.Equal(got, []string{"second"}) {
		t.Errorf("small holds %v, want [second]", got)
	}
	if n := b.Len("dead.kept-key"); n != 0 {
		t.Errorf("dead.kept-key holds %d messages; the dropped one had key small", n)
	}
	declare(t, b, queue("dead.small", "dlx", "small"))
	publish(t, b, "", "small", "third")
	got := b.Messages("dead.small")
	if len(got) != 1 || string(got[0].Body) != "second" {
		t.Fatalf("dead.small holds %v, want [second]", got)
	}
	checkDeath(t, got[0].Headers, "maxlen", "small", "", "small", 1)

	// Without a dead-letter exchange dropped messages are just gone.
	publish(t, b, "", "nodlx", "1")
	publish(t, b, "", "nodlx", "2")
	if got := bodies(b, "nodlx"); !slices.Equal(got, []string{"2"}) {
		t.Errorf("nodlx holds %v, want [2]", got)
	}
}

func TestDeadLetterCycle(t *testing.T) {
	clk := newClock()
	b := newBroker(t, memory.WithClock(clk.Now))
	// retry expires into main through dlx; main expires back into retry:
	// a cycle with no rejection, which RabbitMQ breaks by dropping the
	// message when it would enter a queue it already died in.
	declare(t, b,
		&runtime.Exchange{Name: "dlx", Type: "direct"},
		&runtime.Queue{Name: "retry", Arguments: runtime.Table{
			"x-message-ttl": 100, "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "main"},
			Bindings: []runtime.Binding{{Exchange: "dlx", RoutingKey: "retry"}}},
		&runtime.Queue{Name: "main", Arguments: runtime.Table{
			"x-message-ttl": 100, "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "retry"},
			Bindings: []runtime.Binding{{Exchange: "dlx", RoutingKey: "main"}}},
	)
	publish(t, b, "", "retry", "m")
	clk.Advance(150 * time.Millisecond) // it left retry at 100ms, leaves main at 200ms
	ms := b.Messages("main")
	if len(ms) != 1 {
		t.Fatalf("main holds %d messages, want 1", len(ms))
	}
	checkDeath(t, ms[0].Headers, "expired", "retry", "", "retry", 1)
	clk.Advance(200 * time.Millisecond)
	if n, m := b.Len("retry"), b.Len("main"); n != 0 || m != 0 {
		t.Errorf("retry holds %d, main %d: the cycle was not broken", n, m)
	}
}

// TestDeadLetterCount: a message that died in the same queue for the same
// reason before (here republished by a consumer with its headers) gets
// that x-death entry's count raised and moved first, not a new entry.
func TestDeadLetterCount(t *testing.T) {
	clk := newClock()
	b := newBroker(t, memory.WithClock(clk.Now))
	declare(t, b,
		&runtime.Exchange{Name: "dlx", Type: "fanout"},
		&runtime.Queue{Name: "q", Arguments: runtime.Table{"x-message-ttl": 10, "x-dead-letter-exchange": "dlx"}},
		queue("dead", "dlx", ""),
	)
	earlier := []any{
		runtime.Table{"queue": "other", "reason": "maxlen", "count": int64(1)},
		runtime.Table{"queue": "q", "reason": "expired", "count": int64(2), "exchange": "", "routing-keys": []any{"q"},
			"time": clk.Now()},
	}
	publish(t, b, "", "q", "m", func(p *runtime.Publishing) {
		p.Headers = runtime.Table{"x-death": earlier, "x-first-death-reason": "maxlen", "x-first-death-queue": "other"}
	})
	clk.Advance(time.Second)
	ms := b.Messages("dead")
	if len(ms) != 1 {
		t.Fatalf("dead holds %d messages, want 1", len(ms))
	}
	checkDeath(t, ms[0].Headers, "expired", "q", "", "q", 3)
	if deaths := ms[0].Headers["x-death"].([]any); len(deaths) != 2 {
		t.Errorf("x-death has %d entries, want 2: %v", len(deaths), deaths)
	}
	if got := ms[0].Headers["x-first-death-queue"]; got != "other" {
		t.Errorf("x-first-death-queue = %v, want other: the first death stays", got)
	}
	if earlier[1].(runtime.Table)["count"] != int64(2) {
		t.Error("dead-lettering changed the publisher's header table")
	}
}

// TestDeadLetterOrder: a publish drops the head for x-max-length before it
// expires a message with TTL 0, as RabbitMQ's queue process does, and
// dead-letters them in that order.
func TestDeadLetterOrder(t *testing.T) {
	b := newBroker(t)
	declare(t, b,
		&runtime.Exchange{Name: "dlx", Type: "fanout"},
		&runtime.Queue{Name: "q", Arguments: runtime.Table{"x-max-length": 1, "x-dead-letter-exchange": "dlx"}},
		queue("dead", "dlx", ""),
	)
	publish(t, b, "", "q", "old")
	publish(t, b, "", "q", "new", func(p *runtime.Publishing) { p.Expiration = "0" })
	ms := b.Messages("dead")
	if len(ms) != 2 || string(ms[0].Body) != "old" || string(ms[1].Body) != "new" {
		t.Fatalf("dead holds %v, want old then new", bodies(b, "dead"))
	}
	checkDeath(t, ms[0].Headers, "maxlen", "q", "", "q", 1)
	checkDeath(t, ms[1].Headers, "expired", "q", "", "q", 1)
	if n := b.Len("q"); n != 0 {
		t.Errorf("q holds %d messages, want 0", n)
	}
}

// checkDeath checks the newest x-death entry and the x-first-death headers.
func checkDeath(t *testing.T, h runtime.Table, reason, queue, exchange, key string, count int64) {
	t.Helper()
	deaths, ok := h["x-death"].([]any)
	if !ok || len(deaths) == 0 {
		t.Fatalf("no x-death header in %v", h)
	}
	d := deaths[0].(runtime.Table)
	keys, _ := d["routing-keys"].([]any)
	if d["reason"] != reason || d["queue"] != queue || d["exchange"] != exchange ||
		d["count"] != count || len(keys) != 1 || keys[0] != key {
		t.Errorf("x-death[0] = %v, want reason %s, queue %s, exchange %q, key %s, count %d",
			d, reason, queue, exchange, key, count)
	}
	if _, ok := d["time"].(time.Time); !ok {
		t.Errorf("x-death[0] time = %#v, want a time.Time", d["time"])
	}
	if h["x-first-death-reason"] == nil || h["x-first-death-queue"] == nil {
		t.Errorf("no x-first-death headers in %v", h)
	}
}

func TestQueueExpires(t *testing.T) {
	clk := newClock()
	b := newBroker(t, memory.WithClock(clk.Now))
	q := &runtime.Queue{Name: "temp", Arguments: runtime.Table{"x-expires": 1000}}
	declare(t, b, q)
	publish(t, b, "", "temp", "m") // publishing is no use of the queue
	clk.Advance(600 * time.Millisecond)
	declare(t, b, q) // declaring again is
	clk.Advance(600 * time.Millisecond)
	if n := b.Len("temp"); n != 1 {
		t.Fatalf("temp holds %d messages, want 1: the redeclare should have kept it", n)
	}
	b.Get("temp") // so is a get
	clk.Advance(600 * time.Millisecond)
	if len(b.Queues()) != 1 {
		t.Fatal("temp gone: the get should have kept it")
	}
	clk.Advance(400 * time.Millisecond)
	if qs := b.Queues(); len(qs) != 0 {
		t.Errorf("queues = %v, want temp gone after x-expires", qs)
	}
}

func TestGetAndPurge(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Name: "q"})
	for i := range 3 {
		publish(t, b, "", "q", strconv.Itoa(i))
	}
	if m, ok := b.Get("q"); !ok || string(m.Body) != "0" || m.RoutingKey != "q" {
		t.Errorf("Get = %+v, %v; want message 0", m, ok)
	}
	if n := b.Purge("q"); n != 2 {
		t.Errorf("Purge = %d, want 2", n)
	}
	if _, ok := b.Get("q"); ok {
		t.Error("Get on an empty queue returned a message")
	}
	if _, ok := b.Get("missing"); ok {
		t.Error("Get on a missing queue returned a message")
	}
	if b.Messages("missing") != nil || b.Len("missing") != 0 || b.Purge("missing") != 0 {
		t.Error("a missing queue is not empty")
	}
}
