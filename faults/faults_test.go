package faults

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// figureLines collects every scenario's figure line, printed again together
// when the suite ends.
var figureLines struct {
	mu    sync.Mutex
	lines []string
}

func report(t *testing.T, line string) {
	t.Log(line)
	figureLines.mu.Lock()
	figureLines.lines = append(figureLines.lines, line)
	figureLines.mu.Unlock()
}

func TestMain(m *testing.M) {
	code := m.Run()
	figureLines.mu.Lock()
	if len(figureLines.lines) > 0 {
		fmt.Println("fault-injection figures:")
		for _, l := range figureLines.lines {
			fmt.Println("    " + l)
		}
	}
	figureLines.mu.Unlock()
	os.Exit(code)
}

// faultPolicy is the generous but bounded retry policy the scenarios
// publish with: about 15s of sleeps over 20 retries.
var faultPolicy = runtime.RetryPolicy{
	MaxRetries:    20,
	IntervalStart: 50 * time.Millisecond,
	IntervalStep:  100 * time.Millisecond,
	IntervalMax:   time.Second,
	Jitter:        50 * time.Millisecond,
}

// scenario is a load of confirmed publishes with a fault injected during it.
type scenario struct {
	name string
	// url is what the Conn dials: one URL or a ';'-separated list.
	url      string
	dialOpts []runtime.DialOption
	// goroutines publish up to perGoroutine messages each, until the
	// fault calls stop or budget has passed since the start.
	goroutines, perGoroutine int
	budget                   time.Duration
	// publishTimeout is each Publish's deadline.
	publishTimeout time.Duration
	// fault runs alongside the load and returns when it is done.
	fault func(l *load)
	// allow lists error kinds (see errorKind) this scenario's fault
	// explains besides lost connections and confirms, unreachable
	// brokers and deadlines.
	allow []string
}

// load is a running scenario, as its fault sees it.
type load struct {
	t     *testing.T
	conn  *runtime.Conn
	start time.Time
	acked atomic.Int64
	done  chan struct{} // closed when every publisher has returned

	stopOnce sync.Once
	stopCh   chan struct{}
}

// stop makes the publishers start no more publishes.
func (l *load) stop() { l.stopOnce.Do(func() { close(l.stopCh) }) }

// sleep waits d, reporting false if the publishers finished first.
func (l *load) sleep(d time.Duration) bool {
	select {
	case <-l.done:
		return false
	case <-time.After(d):
		return true
	}
}

// waitAcked waits until n publishes were acked, reporting false if the
// publishers finished or timeout passed first.
func (l *load) waitAcked(n int64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for l.acked.Load() < n {
		if time.Now().After(deadline) || !l.sleep(10*time.Millisecond) {
			return l.acked.Load() >= n
		}
	}
	return true
}

// logf logs a fault's step, timed from the start of the load.
func (l *load) logf(format string, args ...any) {
	l.t.Logf("%7.3fs %s", time.Since(l.start).Seconds(), fmt.Sprintf(format, args...))
}

// outcome is one publish's result.
type outcome struct {
	id   string
	err  error
	took time.Duration
}

// figures are a scenario's results.
type figures struct {
	name       string
	published  int // publishes that returned
	acked      int
	errors     int
	kinds      map[string]int
	lost       []string
	duplicates int
	// inDoubt counts publishes that returned an error but whose message
	// is in the queue: a confirm lost after the broker took the message.
	inDoubt     int
	maxPublish  time.Duration
	connects    int
	gBefore     int
	gAfter      int
	extra       []string
	publishSpan time.Duration // the load, from the first publish to the last
}

func (f *figures) line() string {
	s := fmt.Sprintf("%s: acked=%d errors=%d lost=%d duplicates=%d elapsed=%.1fs goroutines %d->%d | published=%d in-doubt-delivered=%d max-publish=%.2fs connects=%d",
		f.name, f.acked, f.errors, len(f.lost), f.duplicates, f.publishSpan.Seconds(), f.gBefore, f.gAfter,
		f.published, f.inDoubt, f.maxPublish.Seconds(), f.connects)
	if len(f.kinds) > 0 {
		s += " error-kinds[" + kinds(f.kinds) + "]"
	}
	if len(f.extra) > 0 {
		s += " " + strings.Join(f.extra, " ")
	}
	return s
}

// run dials, publishes the scenario's load with its fault, closes, drains
// the queue and checks the figures: nothing acked is lost, every error is
// one that a fault explains, every publish returned in bounded time, and
// the goroutines are back to the baseline.
func (e *env) run(sc scenario, q *runtime.Queue) *figures {
	t := e.t
	t.Helper()
	conn := e.dial(sc.url, sc.name, sc.dialOpts...)
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q.Name), runtime.WithDeclare(q), runtime.WithRetry(faultPolicy))

	l := &load{t: t, conn: conn, start: time.Now(), done: make(chan struct{}), stopCh: make(chan struct{})}
	budget := time.AfterFunc(sc.budget, func() {
		l.logf("budget of %s spent: stopping the publishers", sc.budget)
		l.stop()
	})
	defer budget.Stop()

	results := make([][]outcome, sc.goroutines)
	var wg sync.WaitGroup
	for g := range sc.goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range sc.perGoroutine {
				select {
				case <-l.stopCh:
					return
				default:
				}
				id := fmt.Sprintf("%s-g%02d-%05d", sc.name, g, i)
				ctx, cancel := context.WithTimeout(context.Background(), sc.publishTimeout)
				begin := time.Now()
				err := prod.Publish(ctx, []byte(id), runtime.WithMessageID(id))
				took := time.Since(begin)
				cancel()
				results[g] = append(results[g], outcome{id: id, err: err, took: took})
				if err == nil {
					l.acked.Add(1)
				}
			}
		}()
	}
	faultDone := make(chan struct{})
	go func() {
		defer close(faultDone)
		sc.fault(l)
	}()
	wg.Wait()
	close(l.done)
	<-faultDone
	span := time.Since(l.start)

	f := &figures{name: sc.name, kinds: map[string]int{}, publishSpan: span, gBefore: e.before}
	f.connects = e.log.connects()
	acked := map[string]bool{}
	failed := map[string]bool{}
	samples := map[string]string{}
	for _, rs := range results {
		for _, o := range rs {
			f.published++
			f.maxPublish = max(f.maxPublish, o.took)
			if o.err == nil {
				f.acked++
				acked[o.id] = true
				continue
			}
			f.errors++
			failed[o.id] = true
			k := errorKind(o.err)
			f.kinds[k]++
			if _, ok := samples[k]; !ok {
				samples[k] = o.err.Error()
			}
		}
	}

	e.closeAll()
	d := drain(t, q.Name)
	deleteQueue(q.Name)
	f.gAfter = e.goroutinesAfter()

	var unknown []string
	for id, n := range d.counts {
		if n > 1 {
			f.duplicates += n - 1
		}
		if failed[id] {
			f.inDoubt++
		} else if !acked[id] {
			unknown = append(unknown, id)
		}
	}
	for id := range acked {
		if d.counts[id] == 0 {
			f.lost = append(f.lost, id)
		}
	}
	sort.Strings(f.lost)

	for k, s := range samples {
		t.Logf("first %s error: %s", k, s)
	}
	if len(f.lost) > 0 {
		t.Errorf("%d messages acked but not in the queue (lost), first: %v", len(f.lost), f.lost[:min(10, len(f.lost))])
	}
	if len(unknown) > 0 {
		t.Errorf("%d messages in the queue that no publish sent, first: %v", len(unknown), unknown[:min(10, len(unknown))])
	}
	for k, n := range f.kinds {
		switch {
		case k == "confirm-lost", k == "connection-lost", k == "unreachable", k == "ctx", slices.Contains(sc.allow, k):
			// Failures a fault explains, returned in bounded time.
		default:
			t.Errorf("%d publishes failed with an error no fault explains (%s): %s", n, k, samples[k])
		}
	}
	if limit := sc.publishTimeout + 2*time.Second; f.maxPublish > limit {
		t.Errorf("a Publish took %s, past its %s deadline", f.maxPublish, sc.publishTimeout)
	}
	if f.acked == 0 {
		t.Errorf("no publish succeeded")
	}
	if t.Failed() {
		t.Logf("the Conn's last log records:\n%s", e.log.tail())
	}
	return f
}
