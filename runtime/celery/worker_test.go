package celery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/celerytest"
	"github.com/kombugen/kombugen/runtime"
)

// The tests in this file run real Celery workers (Debian's python3-celery,
// testdata/kgtasks.py) and need KOMBUGEN_CELERY_TESTS=1; see
// internal/celerytest.

// liveCaller dials the broker and returns a producer on it and the
// consumer of its replies.
func liveCaller(t *testing.T) (*runtime.Producer, *celerytest.CountingConn) {
	t.Helper()
	cc := celerytest.DialCounting(t)
	return runtime.NewProducer(cc.Conn), cc
}

// replyQueueOf returns the name of the reply queue of rc's calls.
func replyQueueOf(rc ReplyConsumer) string {
	return backendOf(rc).queue.Name
}

// testQueue returns a fresh queue name, and deletes the queue and the
// exchange of the same name (Celery declares both) when t ends.
func testQueue(t *testing.T, what string) string {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	name := "kgtest." + what + "." + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		conn, err := amqp.Dial(brokertest.URL())
		if err != nil {
			return
		}
		defer conn.Close()
		if ch, err := conn.Channel(); err == nil {
			ch.QueueDelete(name, false, false, false)
			ch.ExchangeDelete(name, false, false)
		}
	})
	return name
}

func startWorker(t *testing.T, queue string, cfg celerytest.Config) *celerytest.Worker {
	t.Helper()
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dir, cfg.App, cfg.Queues = dir, "kgtasks", []string{queue}
	return celerytest.Start(t, cfg)
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// echoed is what kg.echo returns: its arguments and the request as the
// worker read it.
type echoed struct {
	Args    []any          `json:"args"`
	Kwargs  map[string]any `json:"kwargs"`
	Request struct {
		ID           string    `json:"id"`
		Task         string    `json:"task"`
		ETA          *string   `json:"eta"`
		Expires      *string   `json:"expires"`
		Retries      int       `json:"retries"`
		TimeLimit    []*string `json:"-"`
		RawTimeLimit []any     `json:"timelimit"`
		RootID       string    `json:"root_id"`
		ParentID     *string   `json:"parent_id"`
		IgnoreResult bool      `json:"ignore_result"`
		ReplyTo      string    `json:"reply_to"`
		Priority     *int      `json:"priority"`
		RanAt        float64   `json:"ran_at"`
	} `json:"request"`
}

func (e echoed) ranAt() time.Time {
	sec, frac := math.Modf(e.Request.RanAt)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// TestWorker runs a solo worker and calls it every way: every serializer
// and compression, countdown, eta, expires, a task that raises, every
// header it reads, ignore_result, and 1,000 calls at once.
func TestWorker(t *testing.T) {
	celerytest.Require(t)
	queue := testQueue(t, "solo")
	p, b := liveCaller(t)
	w := startWorker(t, queue, celerytest.Config{})
	ctx := waitCtx(t)

	t.Run("serializers and compressions", func(t *testing.T) {
		compressions := []string{"none", "zlib", "bzip2", "lzma", "brotli"}
		if celerytest.HasModule("zstandard") {
			compressions = append(compressions, "zstd")
		} else {
			t.Log("python3-zstandard is missing: zstd is not tried (a worker without it cannot read zstd)")
		}
		args := []any{"text é ☃", 1.5, true, nil, []any{int64(1), "two"}}
		kwargs := map[string]any{"k": map[string]any{"n": int64(1)}}
		for _, ser := range []string{"json", "msgpack", "yaml"} {
			for _, comp := range compressions {
				res, err := Call[echoed](ctx, p, b, Task{Name: "kg.echo", Args: args, Kwargs: kwargs},
					WithQueue(queue), WithSerializer(ser), WithCompression(comp))
				if err != nil {
					t.Fatal(err)
				}
				got, err := res.Wait(ctx)
				if err != nil {
					t.Fatalf("%s+%s: %v", ser, comp, err)
				}
				if fmt.Sprint(got.Args) != fmt.Sprint(args) || fmt.Sprint(got.Kwargs) != fmt.Sprint(kwargs) {
					t.Errorf("%s+%s: the worker got %v %v, want %v %v", ser, comp, got.Args, got.Kwargs, args, kwargs)
				}
			}
		}
	})

	t.Run("every header", func(t *testing.T) {
		parent, root := NewTaskID(), NewTaskID()
		id := NewTaskID()
		res, err := Call[echoed](ctx, p, b, Task{Name: "kg.echo", Args: []any{1}},
			WithQueue(queue), WithTaskID(id), WithParentID(parent), WithRootID(root),
			WithTimeLimit(30*time.Second), WithSoftTimeLimit(2500*time.Millisecond),
			WithExpires(time.Hour), WithPriority(3))
		if err != nil {
			t.Fatal(err)
		}
		got, err := res.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := got.Request
		if r.ID != string(id) || r.Task != "kg.echo" || r.RootID != string(root) || r.ParentID == nil || *r.ParentID != string(parent) ||
			r.Retries != 0 || r.IgnoreResult || r.ReplyTo != replyQueueOf(b) || r.Expires == nil || r.ETA != nil {
			t.Errorf("the worker read %+v", r)
		}
		if fmt.Sprint(r.RawTimeLimit) != "[30 2.5]" {
			t.Errorf("the worker read timelimit %v, want [hard, soft] = [30 2.5]", r.RawTimeLimit)
		}
	})

	t.Run("countdown and eta", func(t *testing.T) {
		// A whole-second eta is written without a fraction, as Python
		// writes it.
		eta := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
		before := time.Now()
		countdown, err := Call[echoed](ctx, p, b, Task{Name: "kg.echo", Args: []any{"countdown"}}, WithQueue(queue), WithCountdown(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		atETA, err := Call[echoed](ctx, p, b, Task{Name: "kg.echo", Args: []any{"eta"}}, WithQueue(queue), WithETA(eta))
		if err != nil {
			t.Fatal(err)
		}
		got, err := countdown.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ran := got.ranAt(); ran.Before(before.Add(2 * time.Second)) {
			t.Errorf("a task with a countdown of 2s sent at %s ran at %s", before.Format(time.StampMicro), ran.Format(time.StampMicro))
		}
		got, err = atETA.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ran := got.ranAt(); ran.Before(eta) {
			t.Errorf("a task with eta %s ran at %s", eta.Format(time.StampMicro), ran.Format(time.StampMicro))
		}
		if got.Request.ETA == nil || *got.Request.ETA != isoformat(eta) {
			t.Errorf("the worker read eta %v, want %s", got.Request.ETA, isoformat(eta))
		}
	})

	t.Run("expires", func(t *testing.T) {
		// The worker holds the task until its countdown is over, and by
		// then it has expired.
		res, err := Call[echoed](ctx, p, b, Task{Name: "kg.echo", Args: []any{"expired"}},
			WithQueue(queue), WithCountdown(2*time.Second), WithExpires(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		_, err = res.Wait(ctx)
		var te *TaskError
		if !errors.Is(err, ErrRevoked) || !errors.As(err, &te) || te.Type != "TaskRevokedError" || te.Message != "expired" {
			t.Fatalf("Wait = %v, want REVOKED: expired", err)
		}
		if strings.Contains(w.Log(), string(res.ID())+"] succeeded") {
			t.Errorf("the expired task ran:\n%s", w.Log())
		}
	})

	t.Run("raises", func(t *testing.T) {
		res, err := Call[int](ctx, p, b, Task{Name: "kg.fail", Args: []any{"boom"}}, WithQueue(queue))
		if err != nil {
			t.Fatal(err)
		}
		_, err = res.Wait(ctx)
		var te *TaskError
		if !errors.As(err, &te) {
			t.Fatalf("Wait = %v, want a *TaskError", err)
		}
		if te.State != "FAILURE" || te.Type != "ValueError" || te.Module != "builtins" || te.Message != "boom" ||
			!strings.Contains(te.Traceback, "ValueError: boom") || errors.Is(err, ErrRevoked) {
			t.Errorf("TaskError %+v", te)
		}
	})

	t.Run("ignore_result", func(t *testing.T) {
		// Sent with a reply_to, which the API never pairs with
		// ignore_result, to see that the worker honours the header.
		m, err := buildTo(Task{Name: "kg.add", Args: []any{1, 2}}, []Option{WithQueue(queue), WithIgnoreResult(true)}, time.Now(), "")
		if err != nil {
			t.Fatal(err)
		}
		m.replyTo = replyQueueOf(b)
		if err := m.publish(ctx, p); err != nil {
			t.Fatal(err)
		}
		after, err := Call[int](ctx, p, b, Task{Name: "kg.add", Args: []any{1, 1}}, WithQueue(queue))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := after.Wait(ctx); v != 2 || err != nil {
			t.Fatalf("Wait = %v, %v", v, err)
		}
		// The solo worker ran the two tasks in order.
		if n := b.Replies(string(m.id)); n != 0 {
			t.Errorf("%d replies for a task sent with ignore_result", n)
		}
		if !w.WaitLog(ctx, string(m.id)+"] succeeded") {
			t.Errorf("the task sent with ignore_result did not run:\n%s", w.Log())
		}
	})

	t.Run("1000 calls from 32 goroutines", func(t *testing.T) {
		celerytest.ManyCalls(t, 32, 1000, func(i int) error {
			res, err := Call[int](ctx, p, b, Task{Name: "kg.add", Args: []any{i, 1000}}, WithQueue(queue))
			if err != nil {
				return err
			}
			if v, err := res.Wait(ctx); v != i+1000 || err != nil {
				return fmt.Errorf("call %d: %d, %v", i, v, err)
			}
			return nil
		})
	})
}

// TestWorkerPriority queues tasks of every priority into a queue with
// x-max-priority while no worker runs, then starts one: it runs them
// highest priority first.
func TestWorkerPriority(t *testing.T) {
	celerytest.Require(t)
	queue := testQueue(t, "priority")
	p, b := liveCaller(t)
	ctx := waitCtx(t)
	declare := []runtime.Entity{
		&runtime.Exchange{Name: queue, Type: "direct", Durable: true},
		&runtime.Queue{Name: queue, Durable: true, Arguments: runtime.Table{"x-max-priority": 10},
			Bindings: []runtime.Binding{{Exchange: queue, RoutingKey: queue}}},
	}
	priorities := []uint8{3, 0, 9, 5, 1, 7, 2, 8, 6, 4}
	var results []*Result[echoed]
	for _, prio := range priorities {
		res, err := Call[echoed](ctx, p, b, Task{Name: "kg.echo", Args: []any{int(prio)}},
			WithQueue(queue), WithDeclare(declare...), WithPriority(prio))
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	startWorker(t, queue, celerytest.Config{Env: []string{"KG_PRIORITY_QUEUE=" + queue}})
	type run struct {
		prio int
		at   float64
	}
	var runs []run
	for i, res := range results {
		got, err := res.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Request.Priority == nil || *got.Request.Priority != int(priorities[i]) {
			t.Errorf("the worker read priority %v, want %d", got.Request.Priority, priorities[i])
		}
		runs = append(runs, run{int(priorities[i]), got.Request.RanAt})
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].at < runs[j].at })
	var order []int
	for _, r := range runs {
		order = append(order, r.prio)
	}
	if !slices.IsSortedFunc(order, func(a, b int) int { return b - a }) {
		t.Errorf("tasks ran in priority order %v, want highest first", order)
	}
}

// TestWorkerTimeLimits runs tasks past their time limits on a prefork pool
// (the solo pool ignores them).
func TestWorkerTimeLimits(t *testing.T) {
	celerytest.Require(t)
	queue := testQueue(t, "prefork")
	p, b := liveCaller(t)
	ctx := waitCtx(t)
	startWorker(t, queue, celerytest.Config{Pool: "prefork", Concurrency: 2})
	soft, err := Call[float64](ctx, p, b, Task{Name: "kg.sleep", Args: []any{5}}, WithQueue(queue), WithSoftTimeLimit(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	hard, err := Call[float64](ctx, p, b, Task{Name: "kg.sleep", Args: []any{5}}, WithQueue(queue), WithTimeLimit(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		res      *Result[float64]
		typ, msg string
	}{{soft, "SoftTimeLimitExceeded", ""}, {hard, "TimeLimitExceeded", "1"}} {
		_, err := c.res.Wait(ctx)
		var te *TaskError
		if !errors.As(err, &te) || te.State != "FAILURE" || te.Type != c.typ || te.Module != "billiard.exceptions" || te.Message != c.msg {
			t.Errorf("Wait = %v (%+v), want FAILURE %s", err, te, c.typ)
		}
	}
}
