package faults

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
)

// TestFailover gives the Conn a pair of URLs, two proxies in front of the
// broker. While 8 goroutines publish, the first proxy dies for good; the
// Conn must move to the second one. Then the second one's connections are
// cut a few times, so every reconnect tries the dead URL first (round-robin)
// and falls through to the live one.
func TestFailover(t *testing.T) {
	e := newEnv(t)
	q := declareQueue(t, nil)
	first, second := e.proxy(), e.proxy()
	var ackedAtDeath, ackedAfterDeath int64
	var secondConns, cuts int
	f := e.run(scenario{
		name:           "failover",
		url:            first.URL(brokertest.URL()) + ";" + second.URL(brokertest.URL()),
		goroutines:     8,
		perGoroutine:   5000,
		budget:         40 * time.Second,
		publishTimeout: 20 * time.Second,
		fault: func(l *load) {
			defer l.stop()
			if !l.waitAcked(500, 15*time.Second) {
				l.t.Errorf("only %d publishes acked before the first proxy died", l.acked.Load())
				return
			}
			if n := first.Conns(); n != 1 || second.Conns() != 0 {
				l.t.Errorf("before the failover: %d connections through the first URL, %d through the second; want 1 and 0", n, second.Conns())
			}
			ackedAtDeath = l.acked.Load()
			first.Close()
			l.logf("first proxy closed (acked so far: %d)", ackedAtDeath)
			if !l.waitAcked(ackedAtDeath+500, 20*time.Second) {
				l.t.Errorf("only %d publishes acked after the first proxy died", l.acked.Load()-ackedAtDeath)
				return
			}
			for range 3 {
				if !l.sleep(200*time.Millisecond + rand.N(300*time.Millisecond)) {
					return
				}
				cuts += second.Cut()
			}
			l.logf("second proxy's connections cut %d times", cuts)
			at := l.acked.Load()
			if !l.waitAcked(at+500, 20*time.Second) {
				l.t.Errorf("only %d publishes acked after the cuts", l.acked.Load()-at)
			}
			ackedAfterDeath = l.acked.Load() - ackedAtDeath
			secondConns = second.Conns()
			l.logf("%d acked since the first proxy died; %d connections through the second", ackedAfterDeath, secondConns)
		},
	}, q)
	f.extra = append(f.extra, fmt.Sprintf("acked-before-death=%d acked-after-death=%d cuts-on-second=%d",
		ackedAtDeath, ackedAfterDeath, cuts))
	report(t, f.line())
	if secondConns != 1 {
		t.Errorf("%d connections through the second URL at the end, want 1", secondConns)
	}
	if f.connects < 2 {
		t.Errorf("the Conn connected %d times, want a failover", f.connects)
	}
}
