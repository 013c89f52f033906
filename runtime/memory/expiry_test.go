package memory_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// deathTimes returns the time of each x-death entry of m, newest first.
func deathTimes(t *testing.T, m memory.Message) []time.Time {
	t.Helper()
	var out []time.Time
	deaths, _ := m.Headers["x-death"].([]any)
	for _, d := range deaths {
		at, ok := d.(runtime.Table)["time"].(time.Time)
		if !ok {
			t.Fatalf("x-death entry %v has no time", d)
		}
		out = append(out, at)
	}
	return out
}

// TestMaxLengthCountsExpiredBehindHead: a message whose TTL ran out behind
// the head still takes its place in the queue, so a full queue drops its
// head for x-max-length first; the expired message then reaches the head
// and is dead-lettered as expired. RabbitMQ 3.10 ends with the queue
// holding [C] and the dead-letter queue [A (maxlen), B (expired)].
func TestMaxLengthCountsExpiredBehindHead(t *testing.T) {
	clk := newClock()
	start := clk.Now()
	b := newBroker(t, memory.WithClock(clk.Now))
	declare(t, b,
		&runtime.Exchange{Name: "dlx", Type: "fanout"},
		queue("dead", "dlx", ""),
		&runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{
			"x-max-length": 2, "x-dead-letter-exchange": "dlx"}},
	)
	msgSpec{"A", 0, "30000"}.publish(t, b, "q")
	msgSpec{"B", 0, "100"}.publish(t, b, "q")
	clk.Advance(500 * time.Millisecond)
	msgSpec{"C", 0, ""}.publish(t, b, "q")
	if got := bodies(b, "q"); !slices.Equal(got, []string{"C"}) {
		t.Errorf("q holds %v, want [C]", got)
	}
	dead := b.Messages("dead")
	if got := bodies(b, "dead"); !slices.Equal(got, []string{"A", "B"}) {
		t.Fatalf("dead holds %v, want [A B]", got)
	}
	checkDeath(t, dead[0].Headers, "maxlen", "q", "", "q", 1)
	checkDeath(t, dead[1].Headers, "expired", "q", "", "q", 1)
	for i, m := range dead {
		if at := deathTimes(t, m); !at[0].Equal(start) {
			// Both died at the publish of C, in its second.
			t.Errorf("dead[%d] died at %v, want %v", i, at[0], start)
		}
	}
}

// TestExpiredBehindHeadWaitsForHead: RabbitMQ drops expired messages only
// at the head of the queue. Behind a live message an expired one still
// counts, and it is dead-lettered when the head leaves, at that time.
func TestExpiredBehindHeadWaitsForHead(t *testing.T) {
	clk := newClock()
	b := newBroker(t, memory.WithClock(clk.Now))
	declare(t, b,
		&runtime.Exchange{Name: "dlx", Type: "fanout"},
		queue("dead", "dlx", ""),
		&runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-dead-letter-exchange": "dlx"}},
	)
	msgSpec{"A", 0, "30000"}.publish(t, b, "q")
	msgSpec{"B", 0, "100"}.publish(t, b, "q")
	clk.Advance(5 * time.Second)
	if n := b.Len("q"); n != 2 {
		t.Errorf("Len(q) = %d, want 2: B expired behind the head still counts", n)
	}
	if qs := b.Queues(); qs[1].Name != "q" || qs[1].Messages != 2 {
		t.Errorf("Queues() = %+v, want q with 2 messages", qs)
	}
	if got := bodies(b, "q"); !slices.Equal(got, []string{"A"}) {
		t.Errorf("Messages(q) = %v, want [A]: B will never be delivered", got)
	}
	if n := b.Len("dead"); n != 0 {
		t.Fatalf("dead holds %d messages before the head left, want 0", n)
	}
	m, ok := b.Get("q")
	if !ok || string(m.Body) != "A" {
		t.Fatalf("Get(q) = %q, %v; want A", m.Body, ok)
	}
	if n := b.Len("q"); n != 0 {
		t.Errorf("Len(q) = %d after A left, want 0", n)
	}
	dead := b.Messages("dead")
	if len(dead) != 1 || string(dead[0].Body) != "B" {
		t.Fatalf("dead holds %v, want [B]", bodies(b, "dead"))
	}
	checkDeath(t, dead[0].Headers, "expired", "q", "", "q", 1)
	if at := deathTimes(t, dead[0]); !at[0].Equal(clk.Now()) {
		t.Errorf("B died at %v, want %v, when A left", at[0], clk.Now())
	}
}

// TestDeadLetterChainUnderAdvancedClock: with the clock moved an hour on,
// a message passes through every hop of a chain of TTL queues, as it
// would have in that hour, each hop's death dated when its TTL ran out.
func TestDeadLetterChainUnderAdvancedClock(t *testing.T) {
	for _, names := range [][3]string{{"wait1", "wait2", "work"}, {"z-wait", "b-wait", "a-work"}} {
		t.Run(names[0], func(t *testing.T) {
			clk := newClock()
			start := clk.Now()
			b := newBroker(t, memory.WithClock(clk.Now))
			hop := func(name, next string) *runtime.Queue {
				return &runtime.Queue{Name: name, Durable: true, Arguments: runtime.Table{
					"x-message-ttl": 1000, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": next}}
			}
			declare(t, b, hop(names[0], names[1]), hop(names[1], names[2]), &runtime.Queue{Name: names[2], Durable: true})
			publish(t, b, "", names[0], "m")
			clk.Advance(time.Hour)
			var lens []int
			for _, n := range names {
				lens = append(lens, b.Len(n))
			}
			if !slices.Equal(lens, []int{0, 0, 1}) {
				t.Fatalf("queues hold %v, want [0 0 1]", lens)
			}
			m := b.Messages(names[2])[0]
			at := deathTimes(t, m)
			want := []time.Time{start.Add(2 * time.Second), start.Add(time.Second)}
			if !slices.EqualFunc(at, want, time.Time.Equal) {
				t.Errorf("x-death times = %v, want %v: each when its TTL ran out", at, want)
			}
		})
	}
}
