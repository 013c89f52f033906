package faults

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/runtime"
)

// slowPolicy would retry many times, sleeping a second first: a publish
// that returns sooner, after one attempt, was not retried.
var slowPolicy = runtime.RetryPolicy{MaxRetries: 20, IntervalStart: time.Second, IntervalStep: time.Second, IntervalMax: 2 * time.Second}

func publishCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 20*time.Second)
}

// TestNotRetried404 publishes to an exchange that does not exist: the
// broker closes the channel with 404, which concerns the request itself,
// so the producer gives up after exactly one attempt.
func TestNotRetried404(t *testing.T) {
	e := newEnv(t)
	q := declareQueue(t, nil)
	conn := e.dial(brokertest.URL(), "404")
	rec := newRecorder(conn)
	prod := runtime.NewProducer(rec, runtime.WithAutoDeclare(false), runtime.WithRetry(slowPolicy))
	missing := uniqueName(t, "missing")

	ctx, cancel := publishCtx()
	defer cancel()
	begin := time.Now()
	err := prod.Publish(ctx, []byte("m"), runtime.WithExchangeName(missing))
	took := time.Since(begin)
	attempts, _ := rec.take()
	if !errors.Is(err, runtime.ErrNotFound) || runtime.Retryable(err) {
		t.Errorf("Publish to a missing exchange = %v, want a final ErrNotFound", err)
	}
	if err != nil && !strings.Contains(err.Error(), missing) {
		t.Errorf("error %q does not name the exchange", err)
	}
	if len(attempts) != 1 {
		t.Errorf("%d attempts, want 1", len(attempts))
	}
	if took >= slowPolicy.IntervalStart {
		t.Errorf("Publish took %s: it slept for a retry", took)
	}
	// The Conn carries on: the next publish goes through, once.
	if err := prod.Publish(ctx, []byte("after"), runtime.WithRoutingKey(q.Name), runtime.WithMessageID("after")); err != nil {
		t.Errorf("Publish after the 404: %v", err)
	}
	after, _ := rec.take()
	e.closeAll()
	d := drain(t, q.Name)
	gAfter := e.goroutinesAfter()
	report(t, fmt.Sprintf("not-retried-404: attempts=%d took=%.3fs error=%q next-publish-attempts=%d delivered=%d goroutines %d->%d",
		len(attempts), took.Seconds(), err, len(after), d.counts["after"], e.before, gAfter))
	if d.counts["after"] != 1 || d.total != 1 {
		t.Errorf("queue held %v, want the one message published after the 404", d.counts)
	}
}

// TestNotRetried406 declares an exchange and a queue with other attributes
// than the broker has: PRECONDITION_FAILED, one attempt (the transport
// declares before it publishes), no message published, no retry.
func TestNotRetried406(t *testing.T) {
	e := newEnv(t)
	ex := uniqueName(t, "ex")
	err := withChannel(func(ch *amqp.Channel) error {
		return ch.ExchangeDeclare(ex, "topic", false, false, false, false, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		withChannel(func(ch *amqp.Channel) error { return ch.ExchangeDelete(ex, false, false) })
	})
	q := declareQueue(t, amqp.Table{"x-max-priority": int32(5)})
	conn := e.dial(brokertest.URL(), "406")

	cases := []struct {
		name   string
		entity runtime.Entity
		opts   []runtime.ProducerOption
		reason string
	}{
		{"exchange type", &runtime.Exchange{Name: ex, Type: "direct"},
			[]runtime.ProducerOption{runtime.WithExchange(&runtime.Exchange{Name: ex, Type: "direct"})}, "type"},
		{"queue arguments", &runtime.Queue{Name: q.Name, Durable: true, Arguments: runtime.Table{"x-max-priority": int32(10)}},
			[]runtime.ProducerOption{runtime.WithDeclare(&runtime.Queue{Name: q.Name, Durable: true, Arguments: runtime.Table{"x-max-priority": int32(10)}})}, "x-max-priority"},
	}
	var lines []string
	for _, c := range cases {
		rec := newRecorder(conn)
		prod := runtime.NewProducer(rec, append(c.opts, runtime.WithRetry(slowPolicy), runtime.WithRoutingKey(q.Name))...)
		ctx, cancel := publishCtx()
		begin := time.Now()
		err := prod.Publish(ctx, []byte("m"))
		took := time.Since(begin)
		cancel()
		attempts, _ := rec.take()
		published := queueDepth(t, q.Name)
		if !errors.Is(err, runtime.ErrPreconditionFailed) || runtime.Retryable(err) {
			t.Errorf("%s: Publish = %v, want a final ErrPreconditionFailed", c.name, err)
		} else if !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: error %q does not say %q", c.name, err, c.reason)
		}
		if len(attempts) != 1 || published != 0 {
			t.Errorf("%s: %d attempts and %d messages published, want one attempt and none published", c.name, len(attempts), published)
		}
		if took >= slowPolicy.IntervalStart {
			t.Errorf("%s: Publish took %s: it slept for a retry", c.name, took)
		}
		lines = append(lines, fmt.Sprintf("%s: attempts=%d published=%d took=%.3fs", c.name, len(attempts), published, took.Seconds()))
	}
	gAfter := e.goroutinesAfter()
	report(t, fmt.Sprintf("not-retried-406: %s goroutines %d->%d", strings.Join(lines, "; "), e.before, gAfter))
}

// TestNotRetried404UnderLoad publishes to a missing exchange again and
// again while 8 goroutines publish to a queue over the same channels. Each
// 404 closes a channel under confirms in flight: the 404 is final after one
// attempt, the others' lost confirms are retried, and nothing acked is lost.
func TestNotRetried404UnderLoad(t *testing.T) {
	e := newEnv(t)
	q := declareQueue(t, nil)
	var bad, badAttempts, badWrong atomic.Int64
	var firstWrong atomic.Value
	f := e.run(scenario{
		name:           "404-under-load",
		url:            brokertest.URL(),
		goroutines:     8,
		perGoroutine:   400,
		budget:         40 * time.Second,
		publishTimeout: 20 * time.Second,
		fault: func(l *load) {
			rec := newRecorder(l.conn)
			prod := runtime.NewProducer(rec, runtime.WithAutoDeclare(false), runtime.WithRetry(slowPolicy))
			missing := runtime.WithExchangeName(uniqueName(t, "missing"))
			for l.sleep(20*time.Millisecond + rand.N(30*time.Millisecond)) {
				ctx, cancel := publishCtx()
				err := prod.Publish(ctx, []byte("bad"), missing)
				cancel()
				attempts, _ := rec.take()
				bad.Add(1)
				badAttempts.Add(int64(len(attempts)))
				if !errors.Is(err, runtime.ErrNotFound) || len(attempts) != 1 {
					badWrong.Add(1)
					firstWrong.CompareAndSwap(nil, fmt.Sprintf("%d attempts, error %v", len(attempts), err))
				}
			}
		},
	}, q)
	f.extra = append(f.extra, fmt.Sprintf("bad-publishes=%d bad-attempts=%d", bad.Load(), badAttempts.Load()))
	report(t, f.line())
	if bad.Load() == 0 {
		t.Error("no publish went to the missing exchange")
	}
	if n := badWrong.Load(); n > 0 {
		t.Errorf("%d of %d publishes to the missing exchange did not end with one attempt and ErrNotFound; first: %v", n, bad.Load(), firstWrong.Load())
	}
}

// TestRetryPolicyAgainstBroker runs the retry policy against a broker that
// refuses connections (a proxy that closes them at once): the attempts
// come MaxRetries+1 times, separated by the policy's sleeps; Timeout stops
// them before a sleep would pass it; and a broker that comes back in time
// gets the message, once.
func TestRetryPolicyAgainstBroker(t *testing.T) {
	const slack = 750 * time.Millisecond // attempt time and timer lateness on a loaded machine
	e := newEnv(t)
	q := declareQueue(t, nil)
	proxy := e.proxy()
	conn := e.dial(proxy.URL(brokertest.URL()), "retry")
	rec := newRecorder(conn)
	base := []runtime.ProducerOption{runtime.WithRoutingKey(q.Name), runtime.WithAutoDeclare(false)}
	ctx, cancel := publishCtx()
	defer cancel()
	if err := runtime.NewProducer(rec, base...).Publish(ctx, []byte("warm-up"), runtime.WithMessageID("warm-up")); err != nil {
		t.Fatalf("warm-up Publish: %v", err)
	}
	rec.take()
	refuse := func() {
		proxy.Refuse(true)
		proxy.Cut()
	}
	gaps := func(at []time.Time) []time.Duration {
		var g []time.Duration
		for i := 1; i < len(at); i++ {
			g = append(g, at[i].Sub(at[i-1]).Round(time.Millisecond))
		}
		return g
	}
	var lines []string

	// MaxRetries and the sleep sequence.
	refuse()
	policy := runtime.RetryPolicy{MaxRetries: 4, IntervalStart: 100 * time.Millisecond, IntervalStep: 200 * time.Millisecond, IntervalMax: 500 * time.Millisecond}
	want := []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond}
	begin := time.Now()
	err := runtime.NewProducer(rec, append(base, runtime.WithRetry(policy))...).Publish(ctx, []byte("refused"), runtime.WithMessageID("refused"))
	took := time.Since(begin)
	at, errs := rec.take()
	got := gaps(at)
	if !errors.Is(err, runtime.ErrUnreachable) || !runtime.Retryable(err) {
		t.Errorf("Publish to a refusing broker = %v, want ErrUnreachable", err)
	}
	if len(at) != policy.MaxRetries+1 {
		t.Errorf("%d attempts, want MaxRetries+1 = %d", len(at), policy.MaxRetries+1)
	}
	for i := range min(len(got), len(want)) {
		if got[i] < want[i] || got[i] > want[i]+slack {
			t.Errorf("attempt %d came %s after the one before, want a sleep of %s", i+2, got[i], want[i])
		}
	}
	for i, err := range errs {
		if !runtime.Retryable(err) {
			t.Errorf("attempt %d failed for good: %v", i+1, err)
		}
	}
	lines = append(lines, fmt.Sprintf("max-retries: attempts=%d gaps=%v want-sleeps=%v took=%.2fs", len(at), got, want, took.Seconds()))

	// Timeout: no sleep that would end past it.
	policy = runtime.RetryPolicy{MaxRetries: 100, IntervalStart: 200 * time.Millisecond, Timeout: 700 * time.Millisecond}
	begin = time.Now()
	err = runtime.NewProducer(rec, append(base, runtime.WithRetry(policy))...).Publish(ctx, []byte("timeout"), runtime.WithMessageID("timeout"))
	took = time.Since(begin)
	at, _ = rec.take()
	got = gaps(at)
	if !errors.Is(err, runtime.ErrUnreachable) || !strings.Contains(err.Error(), "timeout") {
		t.Errorf("Publish with a retry Timeout = %v, want ErrUnreachable after the timeout", err)
	}
	if len(at) < 2 || len(at) > 4 {
		t.Errorf("%d attempts in a %s timeout with %s sleeps, want 2 to 4", len(at), policy.Timeout, policy.IntervalStart)
	}
	for i, g := range got {
		if g < policy.IntervalStart {
			t.Errorf("attempt %d came %s after the one before, want a sleep of %s", i+2, g, policy.IntervalStart)
		}
	}
	if took > policy.Timeout+slack {
		t.Errorf("Publish took %s with a retry Timeout of %s", took, policy.Timeout)
	}
	lines = append(lines, fmt.Sprintf("timeout %s: attempts=%d gaps=%v took=%.2fs", policy.Timeout, len(at), got, took.Seconds()))

	// The broker comes back while the producer retries.
	policy = runtime.RetryPolicy{MaxRetries: 20, IntervalStart: 100 * time.Millisecond, IntervalStep: 100 * time.Millisecond, IntervalMax: 300 * time.Millisecond}
	back := time.AfterFunc(700*time.Millisecond, func() { proxy.Refuse(false) })
	defer back.Stop()
	begin = time.Now()
	err = runtime.NewProducer(rec, append(base, runtime.WithRetry(policy))...).Publish(ctx, []byte("recovered"), runtime.WithMessageID("recovered"))
	took = time.Since(begin)
	at, _ = rec.take()
	if err != nil {
		t.Errorf("Publish while the broker comes back: %v", err)
	}
	if len(at) < 2 {
		t.Errorf("%d attempts, want the first ones refused", len(at))
	}
	lines = append(lines, fmt.Sprintf("recovers: attempts=%d gaps=%v took=%.2fs", len(at), gaps(at), took.Seconds()))

	e.closeAll()
	d := drain(t, q.Name)
	gAfter := e.goroutinesAfter()
	if d.counts["warm-up"] != 1 || d.counts["recovered"] != 1 || d.counts["refused"] != 0 || d.counts["timeout"] != 0 {
		t.Errorf("queue held %v, want warm-up and recovered once each", d.counts)
	}
	report(t, fmt.Sprintf("retry-policy: %s goroutines %d->%d", strings.Join(lines, "; "), e.before, gAfter))
}
