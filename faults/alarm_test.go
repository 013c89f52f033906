package faults

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/runtime"
)

// TestAlarm raises a memory alarm (rabbitmqctl set_vm_memory_high_watermark
// 0), which makes the broker block publishing connections. A Publish with a
// 2s deadline returns context.DeadlineExceeded within 2.5s, also from 8
// goroutines at once; a Conn dialed WithFailWhenBlocked returns ErrBlocked
// at once; closing blocked Conns takes Close's 5s and no more, and ends the
// publishes waiting in them; a Publish with time to spare waits the alarm
// out. When the watermark is restored publishing resumes on the same Conn,
// over the same connection. The watermark read before the test is restored
// even when the test fails.
func TestAlarm(t *testing.T) {
	const (
		deadline = 2 * time.Second
		bound    = 2500 * time.Millisecond
		// closeBound is Close's own 5s wait for the broker, and slack.
		closeBound = 6 * time.Second
		// closing is how many blocked Conns are closed at once.
		closing = 3
		// closeHeartbeat is theirs. The broker keeps sending its
		// heartbeats (every half interval) while it reads nothing, and
		// amqp091-go moves the socket's read deadline on at each, so
		// Close's 5s deadline held only for writes: Close ended at the
		// first heartbeat written after it, up to an interval later
		// (see session.close). Closing at a fixed phase of their
		// heartbeat ticks makes that reproducible: 7s, before the fix.
		closeHeartbeat = 5 * time.Second
	)
	e := newEnv(t)
	st := requireRabbitmqctl(t)
	if len(st.Alarms) > 0 {
		t.Fatalf("the broker already has alarms %s; clear them first", st.Alarms)
	}
	restoreArgs, err := st.watermarkArgs()
	if err != nil {
		t.Fatal(err)
	}
	q := declareQueue(t, nil)
	restored := false
	restore := func() {
		if restored {
			return
		}
		restored = true
		args := append([]string{"set_vm_memory_high_watermark"}, restoreArgs...)
		if out, err := rabbitmqctl(time.Minute, args...); err != nil {
			t.Errorf("restoring the watermark: rabbitmqctl %s: %v: %s", strings.Join(args, " "), err, out)
			return
		}
		st, err := waitMemoryAlarm(false, 30*time.Second)
		if err != nil {
			t.Errorf("after restoring the watermark: %v", err)
		} else if got, _ := st.watermarkArgs(); strings.Join(got, " ") != strings.Join(restoreArgs, " ") {
			t.Errorf("watermark restored to %v, want %v", got, restoreArgs)
		}
	}
	t.Cleanup(restore)

	start := time.Now()
	conn := e.dial(brokertest.URL(), "alarm")
	failFast := e.dial(brokertest.URL(), "alarm-failfast", runtime.WithFailWhenBlocked())
	var closers []*runtime.Conn
	closersDialed := time.Now() // their heartbeats tick from here on
	for i := range closing {
		closers = append(closers, e.dial(brokertest.URL(), fmt.Sprintf("alarm-close-%d", i), runtime.WithHeartbeat(closeHeartbeat)))
	}
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q.Name), runtime.WithDeclare(q), runtime.WithRetry(faultPolicy))
	fastProd := runtime.NewProducer(failFast, runtime.WithRoutingKey(q.Name), runtime.WithDeclare(q), runtime.WithRetry(faultPolicy))
	var closeProds []*runtime.Producer
	for _, c := range closers {
		closeProds = append(closeProds, runtime.NewProducer(c, runtime.WithRoutingKey(q.Name), runtime.WithDeclare(q), runtime.WithRetry(faultPolicy)))
	}
	publish := func(p *runtime.Producer, id string, timeout time.Duration) (time.Duration, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		begin := time.Now()
		err := p.Publish(ctx, []byte(id), runtime.WithMessageID(id))
		return time.Since(begin), err
	}

	acked := map[string]bool{}
	failed := map[string]bool{}
	kindsSeen := map[string]int{}
	var maxBlocked time.Duration
	before := map[string]*runtime.Producer{"before-alarm": prod, "before-alarm-failfast": fastProd}
	for i, p := range closeProds {
		before[fmt.Sprintf("before-alarm-close-%d", i)] = p
	}
	for id, p := range before {
		if _, err := publish(p, id, 10*time.Second); err != nil {
			t.Fatalf("Publish before the alarm: %v", err)
		}
		acked[id] = true
	}

	t.Logf("%6.2fs rabbitmqctl set_vm_memory_high_watermark 0 (was %s)", time.Since(start).Seconds(), strings.Join(restoreArgs, " "))
	if out, err := rabbitmqctl(time.Minute, "set_vm_memory_high_watermark", "0"); err != nil {
		t.Fatalf("rabbitmqctl set_vm_memory_high_watermark 0: %v: %s", err, out)
	}
	if _, err := waitMemoryAlarm(true, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	t.Logf("%6.2fs memory alarm on", time.Since(start).Seconds())

	// Publishes with a 2s deadline during the alarm: each must end with
	// DeadlineExceeded within 2.5s.
	var mu sync.Mutex
	blocked := func(p *runtime.Producer, id string) {
		took, err := publish(p, id, deadline)
		mu.Lock()
		defer mu.Unlock()
		failed[id] = true
		kindsSeen[errorKind(err)]++
		maxBlocked = max(maxBlocked, took)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: Publish during the alarm = %v, want context.DeadlineExceeded", id, err)
		}
		if took > bound {
			t.Errorf("%s: Publish with a %s deadline returned after %s", id, deadline, took)
		}
	}
	// The broker blocks a connection when it next publishes: the first
	// message is written and never confirmed, the Conn learns it is
	// blocked, and the next ones wait for the unblock.
	blocked(prod, "blocked-first")
	t.Logf("%6.2fs first blocked publish returned", time.Since(start).Seconds())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			blocked(prod, fmt.Sprintf("blocked-g%d", g))
		}()
	}
	wg.Wait()
	t.Logf("%6.2fs 8 concurrent blocked publishes returned", time.Since(start).Seconds())

	// WithFailWhenBlocked: once the Conn knows it is blocked, Publish
	// fails at once with ErrBlocked. It learns it from the broker's
	// connection.blocked, sent when it first publishes during the alarm.
	blocked(fastProd, "blocked-failfast-first")
	took, err := publish(fastProd, "blocked-failfast", deadline)
	failed["blocked-failfast"] = true
	kindsSeen[errorKind(err)]++
	if !errors.Is(err, runtime.ErrBlocked) || runtime.Retryable(err) {
		t.Errorf("Publish WithFailWhenBlocked during the alarm = %v, want a final ErrBlocked", err)
	}
	if took > 500*time.Millisecond {
		t.Errorf("Publish WithFailWhenBlocked returned ErrBlocked after %s, want at once", took)
	}
	failFastTook := took

	// Closing a blocked Conn takes no longer than Close's 5s, and the
	// publishes waiting in it end with it. Each Conn has a message
	// written and unconfirmed, and one waiting for the unblock.
	closeWaiters := make(chan error, 2*closing)
	for _, stage := range []string{"written", "waiting"} {
		for i, p := range closeProds {
			id := fmt.Sprintf("close-%d-%s", i, stage)
			failed[id] = true
			go func() {
				_, err := publish(p, id, 30*time.Second)
				closeWaiters <- err
			}()
		}
		time.Sleep(300 * time.Millisecond)
	}
	phase := time.Since(closersDialed) % closeHeartbeat
	time.Sleep((closeHeartbeat + 500*time.Millisecond - phase) % closeHeartbeat)
	closeTook := make([]time.Duration, closing)
	closeErrs := make([]error, closing)
	begin := time.Now()
	var closeWG sync.WaitGroup
	for i, c := range closers {
		closeWG.Add(1)
		go func() {
			defer closeWG.Done()
			closeErrs[i] = c.Close()
			closeTook[i] = time.Since(begin)
		}()
	}
	closeWG.Wait()
	maxClose := slices.Max(closeTook)
	for i, took := range closeTook {
		if took > closeBound {
			t.Errorf("Close of blocked Conn %d took %s (%v)", i, took, closeErrs[i])
		}
	}
	for range 2 * closing {
		select {
		case err := <-closeWaiters:
			kindsSeen[errorKind(err)]++
			if !errors.Is(err, runtime.ErrClosed) {
				t.Errorf("a Publish waiting in a blocked Conn that was closed = %v, want ErrClosed", err)
			}
		case <-time.After(faultPolicy.IntervalMax + faultPolicy.Jitter + time.Second):
			t.Fatalf("a Publish waiting in a blocked Conn still runs %s after Close", time.Since(begin))
		}
	}
	t.Logf("%6.2fs %d blocked Conns closed in %v", time.Since(start).Seconds(), closing, closeTook)

	// A publisher with time to spare waits the alarm out.
	patient := make(chan error, 1)
	go func() {
		_, err := publish(prod, "patient", 30*time.Second)
		patient <- err
	}()
	time.Sleep(500 * time.Millisecond)

	t.Logf("%6.2fs restoring the watermark", time.Since(start).Seconds())
	restore()
	t.Logf("%6.2fs memory alarm off", time.Since(start).Seconds())
	if err := <-patient; err != nil {
		t.Errorf("a Publish started during the alarm, with 30s to spare: %v", err)
	} else {
		acked["patient"] = true
	}
	// Publishing resumes on the same Conn.
	var resumedTook time.Duration
	for i := range 20 {
		id := fmt.Sprintf("resumed-%02d", i)
		took, err := publish(prod, id, 20*time.Second)
		resumedTook = max(resumedTook, took)
		if err != nil {
			t.Errorf("%s: Publish after the alarm cleared: %v", id, err)
			continue
		}
		acked[id] = true
	}
	if _, err := publish(fastProd, "resumed-failfast", 20*time.Second); err != nil {
		t.Errorf("Publish WithFailWhenBlocked after the alarm cleared: %v", err)
	} else {
		acked["resumed-failfast"] = true
	}
	elapsed := time.Since(start)
	// One connect per Conn: the alarm dropped neither connection.
	connects := e.log.connects()

	e.closeAll()
	d := drain(t, q.Name)
	deleteQueue(q.Name)
	gAfter := e.goroutinesAfter()
	var lost []string
	for id := range acked {
		if d.counts[id] == 0 {
			lost = append(lost, id)
		}
	}
	duplicates, inDoubt := 0, 0
	for id, n := range d.counts {
		duplicates += n - 1
		if failed[id] {
			inDoubt++
		}
	}
	errorsN := 0
	for _, n := range kindsSeen {
		errorsN += n
	}
	report(t, fmt.Sprintf("alarm: acked=%d errors=%d lost=%d duplicates=%d elapsed=%.1fs goroutines %d->%d | error-kinds[%s] max-blocked-publish=%.2fs (deadline %s, bound %s) failfast-ErrBlocked=%.3fs close-blocked-max=%.2fs in-doubt-delivered=%d max-resumed-publish=%.2fs connects=%d",
		len(acked), errorsN, len(lost), duplicates, elapsed.Seconds(), e.before, gAfter,
		kinds(kindsSeen), maxBlocked.Seconds(), deadline, bound, failFastTook.Seconds(), maxClose.Seconds(), inDoubt, resumedTook.Seconds(), connects))
	if len(lost) > 0 {
		t.Errorf("acked but not in the queue: %v", lost)
	}
	if want := 2 + closing; connects != want {
		t.Errorf("the %d Conns connected %d times, want once each: the alarm dropped a connection\n%s", want, connects, e.log.tail())
	}
}
