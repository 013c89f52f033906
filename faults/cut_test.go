package faults

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/runtime"
)

// TestCut publishes thousands of confirmed messages from 8 goroutines
// through a proxy that cuts every connection at random every 100-500 ms.
func TestCut(t *testing.T) {
	e := newEnv(t)
	q := declareQueue(t, nil)
	proxy := e.proxy()
	var cuts, cutConns int
	f := e.run(scenario{
		name:           "cut",
		url:            proxy.URL(brokertest.URL()),
		goroutines:     8,
		perGoroutine:   1000,
		budget:         40 * time.Second,
		publishTimeout: 20 * time.Second,
		fault: func(l *load) {
			for l.sleep(100*time.Millisecond + rand.N(400*time.Millisecond)) {
				cutConns += proxy.Cut()
				cuts++
			}
			l.logf("publishers done after %d cuts (%d connections cut)", cuts, cutConns)
		},
	}, q)
	f.extra = append(f.extra, fmt.Sprintf("cuts=%d", cuts))
	report(t, f.line())
	if cutConns == 0 {
		t.Errorf("no connection was cut: the load ended before the first cut")
	}
	if f.connects < 2 {
		t.Errorf("the Conn connected %d times through %d cuts", f.connects, cuts)
	}
}

// TestCutThenClose closes the Conn while 8 goroutines publish through a
// proxy that cuts connections every 100-500 ms: Close returns in bounded
// time, every Publish under way returns soon after (ErrClosed, or its
// confirm), and nothing acked before is lost.
func TestCutThenClose(t *testing.T) {
	e := newEnv(t)
	q := declareQueue(t, nil)
	proxy := e.proxy()
	var cuts int
	var closeTook, drainTook time.Duration
	f := e.run(scenario{
		name:           "cut-then-close",
		url:            proxy.URL(brokertest.URL()),
		goroutines:     8,
		perGoroutine:   5000,
		budget:         40 * time.Second,
		publishTimeout: 20 * time.Second,
		allow:          []string{"closed"},
		fault: func(l *load) {
			deadline := time.Now().Add(3 * time.Second)
			for time.Now().Before(deadline) && l.sleep(100*time.Millisecond+rand.N(400*time.Millisecond)) {
				proxy.Cut()
				cuts++
			}
			l.logf("closing the Conn after %d cuts (acked so far: %d)", cuts, l.acked.Load())
			l.stop()
			begin := time.Now()
			if err := l.conn.Close(); err != nil {
				l.logf("Close: %v", err)
			}
			closeTook = time.Since(begin)
			// A publish asleep between retries notices the Close when
			// it wakes: at most IntervalMax and the jitter later.
			select {
			case <-l.done:
				drainTook = time.Since(begin)
			case <-time.After(closeTook + faultPolicy.IntervalMax + faultPolicy.Jitter + time.Second):
				l.t.Errorf("publishes still running %s after Close", time.Since(begin))
			}
			l.logf("Close took %s; every publish returned %s after it began", closeTook, drainTook)
		},
	}, q)
	f.extra = append(f.extra, fmt.Sprintf("cuts=%d close=%.3fs publishes-done-after-close=%.3fs", cuts, closeTook.Seconds(), drainTook.Seconds()))
	report(t, f.line())
	if closeTook > 6*time.Second {
		t.Errorf("Close took %s", closeTook)
	}
}

// TestCutDuringHandshake cuts the connections of a Conn and then the
// handshakes of the next connections: twice right after the client's
// connection.start-ok, which amqp091-go reports as refused credentials, and
// twice right after its connection.open, which it reports as a refused
// vhost. The broker accepted this URL's credentials before and refuses a
// vhost with words of its own: these are lost connections, and the publish
// must be retried until it succeeds, not fail with ACCESS_REFUSED.
func TestCutDuringHandshake(t *testing.T) {
	e := newEnv(t)
	q := declareQueue(t, nil)
	cutter := e.handshakeCutter()
	proxy := e.proxyTo(cutter.addr())
	conn := e.dial(proxy.URL(brokertest.URL()), "handshake")
	rec := newRecorder(conn)
	// The queue exists already: without auto-declare every attempt is one
	// Transport.Publish, which dials when the connection is gone.
	prod := runtime.NewProducer(rec, runtime.WithRoutingKey(q.Name), runtime.WithAutoDeclare(false), runtime.WithRetry(faultPolicy))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := prod.Publish(ctx, []byte("before"), runtime.WithMessageID("before")); err != nil {
		t.Fatalf("Publish before the cuts: %v", err)
	}
	rec.take()

	plan := []cutStage{afterStartOK, afterOpen, afterStartOK, afterOpen}
	cutter.arm(plan...)
	proxy.Cut()
	begin := time.Now()
	err := prod.Publish(ctx, []byte("after"), runtime.WithMessageID("after"))
	took := time.Since(begin)
	attempts, errs := rec.take()
	var attemptErrs []string
	for _, err := range errs {
		if err != nil {
			attemptErrs = append(attemptErrs, errorKind(err))
			if errors.Is(err, runtime.ErrAccessRefused) || !runtime.Retryable(err) {
				t.Errorf("attempt failed for good: %v", err)
			}
		}
	}
	if err != nil {
		t.Errorf("Publish through %d cut handshakes = %v (kind %s), want it retried until it succeeds", len(plan), err, errorKind(err))
	}
	if n := cutter.cut.Load(); n != int64(len(plan)) {
		t.Errorf("%d handshakes cut, want %d", n, len(plan))
	}
	if len(attempts) < len(plan)+1 {
		t.Errorf("%d attempts, want at least %d", len(attempts), len(plan)+1)
	}
	connects := e.log.connects()
	e.closeAll()
	d := drain(t, q.Name)
	gAfter := e.goroutinesAfter()
	report(t, fmt.Sprintf("handshake-cut: handshakes-cut=%d attempts=%d attempt-errors=%v result=%v took=%.2fs delivered[before=%d after=%d] connects=%d goroutines %d->%d",
		cutter.cut.Load(), len(attempts), attemptErrs, err, took.Seconds(), d.counts["before"], d.counts["after"], connects, e.before, gAfter))
	if d.counts["before"] != 1 || (err == nil && d.counts["after"] != 1) {
		t.Errorf("queue held %v", d.counts)
	}
}
