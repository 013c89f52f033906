package runtime

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestRetryJitterStaysWithinBounds(t *testing.T) {
	p := RetryPolicy{MaxRetries: 5, IntervalStep: 100 * time.Millisecond, IntervalMax: time.Second, Jitter: 50 * time.Millisecond}
	for n := range 5 {
		base := p.Interval(n)
		if got := p.sleep(n, func(int64) int64 { return 0 }); got != base {
			t.Errorf("sleep(%d) without jitter = %s, want %s", n, got, base)
		}
		var asked int64
		got := p.sleep(n, func(m int64) int64 { asked = m; return m - 1 })
		if asked != int64(p.Jitter) || got != base+p.Jitter-1 {
			t.Errorf("sleep(%d) = %s (asked for [0,%d)), want %s", n, got, asked, base+p.Jitter-1)
		}
	}
	noJitter := RetryPolicy{IntervalStart: time.Second}
	if got := noJitter.sleep(0, func(int64) int64 { panic("no random number is needed") }); got != time.Second {
		t.Errorf("sleep = %s", got)
	}
}

// idRecorder records the message id of every attempt.
type idRecorder struct {
	ids  []string
	fail int
}

func (r *idRecorder) Publish(_ context.Context, msg *Publishing) *Confirmation {
	r.ids = append(r.ids, msg.MessageID)
	if len(r.ids) <= r.fail {
		return failed(ErrConnectionLost)
	}
	return failed(nil)
}
func (r *idRecorder) Declare(context.Context, Entity) error { return nil }
func (r *idRecorder) MaybeDeclare(context.Context, Entity) (bool, error) {
	return false, nil
}

func TestAutoMessageIDIsStableAcrossRetries(t *testing.T) {
	r := &idRecorder{fail: 2}
	p := NewProducer(r, WithAutoMessageID())
	p.sleep = func(context.Context, time.Duration) error { return nil }
	if err := p.Publish(context.Background(), "m"); err != nil {
		t.Fatal(err)
	}
	if len(r.ids) != 3 || len(r.ids[0]) != 32 || r.ids[0] != r.ids[1] || r.ids[1] != r.ids[2] {
		t.Fatalf("ids per attempt = %q, want one 32-digit id three times", r.ids)
	}
	if err := p.Publish(context.Background(), "m"); err != nil {
		t.Fatal(err)
	}
	if r.ids[3] == r.ids[0] {
		t.Error("two publishes got the same id")
	}
	if err := p.Publish(context.Background(), "m", WithMessageID("mine")); err != nil || r.ids[4] != "mine" {
		t.Errorf("a given id was replaced: %q, %v", r.ids[4], err)
	}
	plain := &idRecorder{}
	if err := NewProducer(plain).Publish(context.Background(), "m"); err != nil || plain.ids[0] != "" {
		t.Errorf("without the option a message id was set: %q", plain.ids)
	}
}

func TestConnURLOrder(t *testing.T) {
	c := &Conn{urls: make([]brokerURL, 3)}
	if got := c.order(1); !slices.Equal(got, []int{1, 2, 0}) {
		t.Errorf("round-robin from 1 = %v", got)
	}
	c.cfg.shuffle = true
	seen := map[int]bool{}
	for range 50 {
		got := c.order(0)
		sorted := slices.Sorted(slices.Values(got))
		if !slices.Equal(sorted, []int{0, 1, 2}) {
			t.Fatalf("shuffled order %v is not a permutation", got)
		}
		seen[got[0]] = true
	}
	if len(seen) < 2 {
		t.Errorf("50 shuffles always started with the same URL")
	}
}
