package faults

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
)

// TestRestart stops the broker (rabbitmqctl stop_app) while 8 goroutines
// publish confirmed persistent messages to a durable queue, starts it again
// a second later, and lets the publishers carry on until they have
// published a good deal through the new connection.
func TestRestart(t *testing.T) {
	e := newEnv(t)
	requireRabbitmqctl(t)
	q := declareQueue(t, nil)
	// Registered after the queue's deletion, so it runs first: the queue
	// can only be deleted once the broker is back.
	var down atomic.Bool
	t.Cleanup(func() {
		if down.Load() {
			ensureAppRunning(t)
		}
	})

	var stopTook, startTook time.Duration
	var ackedAtStop, ackedAtStart, ackedAfter int64
	f := e.run(scenario{
		name:           "restart",
		url:            brokertest.URL(),
		goroutines:     8,
		perGoroutine:   5000,
		budget:         50 * time.Second,
		publishTimeout: 30 * time.Second,
		fault: func(l *load) {
			defer l.stop()
			if !l.waitAcked(500, 15*time.Second) {
				l.t.Errorf("only %d publishes acked before the restart", l.acked.Load())
				return
			}
			ackedAtStop = l.acked.Load()
			l.logf("rabbitmqctl stop_app (acked so far: %d)", ackedAtStop)
			begin := time.Now()
			down.Store(true)
			if out, err := rabbitmqctl(2*time.Minute, "stop_app"); err != nil {
				l.t.Errorf("rabbitmqctl stop_app: %v: %s", err, out)
				return
			}
			stopTook = time.Since(begin)
			l.logf("broker stopped (stop_app took %.1fs); down for 1s", stopTook.Seconds())
			time.Sleep(time.Second)
			begin = time.Now()
			out, err := rabbitmqctl(2*time.Minute, "start_app")
			if err == nil {
				out, err = rabbitmqctl(2*time.Minute, "await_startup", "--timeout", "90")
			}
			if err != nil {
				l.t.Errorf("restarting the broker: %v: %s", err, out)
				return
			}
			down.Store(false)
			startTook = time.Since(begin)
			ackedAtStart = l.acked.Load()
			l.logf("broker started (start_app + await_startup took %.1fs; acked so far: %d)", startTook.Seconds(), ackedAtStart)
			if !l.waitAcked(ackedAtStart+800, 30*time.Second) {
				l.t.Errorf("only %d publishes acked after the restart", l.acked.Load()-ackedAtStart)
			}
			ackedAfter = l.acked.Load() - ackedAtStart
			l.logf("%d acked after the restart: stopping the publishers", ackedAfter)
		},
	}, q)
	f.extra = append(f.extra, fmt.Sprintf("acked-before-stop=%d acked-after-start=%d stop_app=%.1fs start_app=%.1fs",
		ackedAtStop, ackedAfter, stopTook.Seconds(), startTook.Seconds()))
	report(t, f.line())
	if f.connects < 2 {
		t.Errorf("the Conn connected %d times across a broker restart", f.connects)
	}
}
