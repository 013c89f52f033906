package tasks_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/golden/tasks"
	"github.com/kombugen/kombugen/internal/celerytest"
	"github.com/kombugen/kombugen/runtime/celery"

	// The codecs the serializer and compression matrix sends with, beyond
	// those the schema's tasks use.
	_ "github.com/kombugen/kombugen/runtime/compression/brotli"
	_ "github.com/kombugen/kombugen/runtime/compression/bzip2"
	_ "github.com/kombugen/kombugen/runtime/compression/lzma"
	_ "github.com/kombugen/kombugen/runtime/compression/zstd"
)

// The tests in this file call the schema's tasks through the generated
// producer on real Celery workers (Debian's python3-celery running
// runtime/celery/testdata/kgtasks.py) and need KOMBUGEN_CELERY_TESTS=1;
// see internal/celerytest.

// dial connects to the broker and returns the schema's producer on it.
func dial(t *testing.T) (*tasks.WorkerProducer, *celerytest.CountingConn) {
	t.Helper()
	cc := celerytest.DialCounting(t)
	return tasks.NewWorkerProducer(cc), cc
}

// The queues of the schema's tasks, which the tests delete before and
// after they run.
var taskQueues = []string{"kg.tasks", "kg.prefork", "kg.priority", "kg.routed"}

func startWorker(t *testing.T, cfg celerytest.Config) *celerytest.Worker {
	t.Helper()
	cfg.Dir, cfg.App = celerytest.TasksDir(t), "kgtasks"
	return celerytest.Start(t, cfg)
}

// echoedRanAt is when the worker ran a task, on its clock.
func echoedRanAt(e tasks.Echoed) time.Time {
	if e.Request == nil || e.Request.RanAt == nil {
		return time.Time{}
	}
	sec, frac := math.Modf(*e.Request.RanAt)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// TestWorker calls the schema's tasks on a solo worker: every serializer
// and every compression the worker reads, countdown and eta, expires, a
// task that raises, a task routed through an exchange, ignore_result,
// and 1,000 calls from 32 goroutines, each getting its own result.
func TestWorker(t *testing.T) {
	celerytest.Require(t)
	celerytest.DeleteQueues(t, taskQueues...)
	p, conn := dial(t)
	ctx := waitCtx(t)
	// The queues exist before the worker starts: the first calls declare
	// them, the producer kg.routed.
	if err := p.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SendAdd(ctx, tasks.Add{X: 0, Y: 0}); err != nil {
		t.Fatal(err)
	}
	w := startWorker(t, celerytest.Config{Queues: []string{"kg.tasks", "kg.routed"}})

	t.Run("serializers and compressions", func(t *testing.T) {
		compressions := []string{"none", "zlib", "bzip2", "lzma", "brotli"}
		if celerytest.HasModule("zstandard") {
			compressions = append(compressions, "zstd")
		} else {
			t.Log("python3-zstandard is missing: zstd is not tried (a worker without it cannot read zstd)")
		}
		echo := tasks.Echo{Text: "text é ☃", Count: ptr[int32](3), Level: ptr(tasks.LevelHigh), Tags: []string{"a", "b"},
			Note: "n", Extra: map[string]any{"k": map[string]any{"n": int64(1)}}}
		for _, ser := range []string{"json", "msgpack", "yaml"} {
			for _, comp := range compressions {
				res, err := p.CallEcho(ctx, echo, celery.WithSerializer(ser), celery.WithCompression(comp))
				if err != nil {
					t.Fatal(err)
				}
				got, err := res.Wait(ctx)
				if err != nil {
					t.Fatalf("%s+%s: %v", ser, comp, err)
				}
				if fmt.Sprint(got.Args) != "[text é ☃ 3 high [a b]]" || fmt.Sprint(got.Kwargs) != "map[extra:map[k:map[n:1]] note:n]" {
					t.Errorf("%s+%s: the worker got %v %v", ser, comp, got.Args, got.Kwargs)
				}
			}
		}
	})

	t.Run("countdown and eta", func(t *testing.T) {
		// A whole-second eta is written without a fraction, as Python
		// writes it.
		eta := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
		before := time.Now()
		countdown, err := p.CallEcho(ctx, tasks.Echo{Text: "countdown", Note: "n"}, celery.WithCountdown(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		atETA, err := p.CallEcho(ctx, tasks.Echo{Text: "eta", Note: "n"}, celery.WithETA(eta))
		if err != nil {
			t.Fatal(err)
		}
		got, err := countdown.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ran := echoedRanAt(got); ran.Before(before.Add(2 * time.Second)) {
			t.Errorf("a task with a countdown of 2s sent at %s ran at %s", before.Format(time.StampMicro), ran.Format(time.StampMicro))
		}
		got, err = atETA.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ran := echoedRanAt(got); ran.Before(eta) {
			t.Errorf("a task with eta %s ran at %s", eta.Format(time.StampMicro), ran.Format(time.StampMicro))
		}
	})

	t.Run("expires", func(t *testing.T) {
		// The worker holds the task until its countdown is over, and by
		// then it has expired.
		res, err := p.CallEcho(ctx, tasks.Echo{Text: "expired", Note: "n"}, celery.WithCountdown(2*time.Second), celery.WithExpires(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		_, err = res.Wait(ctx)
		var te *celery.TaskError
		if !errors.Is(err, celery.ErrRevoked) || !errors.As(err, &te) || te.Type != "TaskRevokedError" || te.Message != "expired" {
			t.Fatalf("Wait = %v, want REVOKED: expired", err)
		}
		if strings.Contains(w.Log(), string(res.ID())+"] succeeded") {
			t.Errorf("the expired task ran:\n%s", w.Log())
		}
	})

	t.Run("raises", func(t *testing.T) {
		res, err := p.CallFail(ctx, tasks.Fail{Message: "boom"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = res.Wait(ctx)
		var te *celery.TaskError
		if !errors.As(err, &te) {
			t.Fatalf("Wait = %v, want a *celery.TaskError", err)
		}
		if te.State != "FAILURE" || te.Type != "ValueError" || te.Module != "builtins" || te.Message != "boom" ||
			!strings.Contains(te.Traceback, "ValueError: boom") || errors.Is(err, celery.ErrRevoked) {
			t.Errorf("TaskError %+v", te)
		}
	})

	t.Run("routed through an exchange", func(t *testing.T) {
		res, err := p.CallRouted(ctx, tasks.Routed{Value: "v"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := res.Wait(ctx)
		if err != nil || fmt.Sprint(got.Args) != "[v]" || got.Request == nil || got.Request.Task == nil || *got.Request.Task != "kg.routed" {
			t.Errorf("CallRouted: %+v, %v", got, err)
		}
	})

	t.Run("ignore_result", func(t *testing.T) {
		// Forget has ignore_result in the schema: it has no Call method,
		// and the worker sends nothing back even to a reply queue.
		id, err := p.SendForget(ctx, tasks.Forget{}, celery.WithQueue("kg.tasks"))
		if err != nil {
			t.Fatal(err)
		}
		after, err := p.CallAdd(ctx, tasks.Add{X: 1, Y: 1})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := after.Wait(ctx); v != 2 || err != nil {
			t.Fatalf("Wait = %v, %v", v, err)
		}
		// The solo worker ran the two tasks in order.
		if !w.WaitLog(ctx, string(id)+"] succeeded") {
			t.Errorf("the task sent with ignore_result did not run:\n%s", w.Log())
		}
		if n := conn.Replies(string(id)); n != 0 {
			t.Errorf("%d replies for a task sent with ignore_result", n)
		}
	})

	t.Run("1000 calls from 32 goroutines", func(t *testing.T) {
		celerytest.ManyCalls(t, 32, 1000, func(i int) error {
			res, err := p.CallAdd(ctx, tasks.Add{X: int64(i), Y: 1000, Z: ptr[int64](1)})
			if err != nil {
				return err
			}
			if v, err := res.Wait(ctx); v != int64(i)+1001 || err != nil {
				return fmt.Errorf("call %d: %d, %v", i, v, err)
			}
			return nil
		})
	})
}

// TestWorkerPriority queues Ranked tasks of every priority into kg.priority,
// which the schema declares with max_priority 10, while no worker runs,
// then starts one: it runs them highest priority first.
func TestWorkerPriority(t *testing.T) {
	celerytest.Require(t)
	celerytest.DeleteQueues(t, taskQueues...)
	p, _ := dial(t)
	ctx := waitCtx(t)
	priorities := []uint8{3, 0, 9, 5, 1, 7, 2, 8, 6, 4}
	var results []*celery.Result[tasks.Echoed]
	for _, prio := range priorities {
		res, err := p.CallRanked(ctx, tasks.Ranked{Rank: int(prio)}, celery.WithPriority(prio))
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	startWorker(t, celerytest.Config{Queues: []string{"kg.priority"}, Env: []string{"KG_PRIORITY_QUEUE=kg.priority"}})
	type run struct {
		prio int
		at   time.Time
	}
	var runs []run
	for i, res := range results {
		got, err := res.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Request == nil || got.Request.Priority == nil || *got.Request.Priority != int(priorities[i]) {
			t.Errorf("the worker read priority %v, want %d", got.Request, priorities[i])
		}
		runs = append(runs, run{int(priorities[i]), echoedRanAt(got)})
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].at.Before(runs[j].at) })
	var order []int
	for _, r := range runs {
		order = append(order, r.prio)
	}
	if !slices.IsSortedFunc(order, func(a, b int) int { return b - a }) {
		t.Errorf("tasks ran in priority order %v, want highest first", order)
	}
}

// TestWorkerTimeLimits runs Sleep past its time limits on a prefork pool
// (the solo pool ignores them): the schema's defaults (30s, 25s) give way
// to the call's options.
func TestWorkerTimeLimits(t *testing.T) {
	celerytest.Require(t)
	celerytest.DeleteQueues(t, taskQueues...)
	p, _ := dial(t)
	ctx := waitCtx(t)
	startWorker(t, celerytest.Config{Queues: []string{"kg.prefork"}, Pool: "prefork", Concurrency: 2})
	soft, err := p.CallSleep(ctx, tasks.Sleep{Seconds: 5}, celery.WithSoftTimeLimit(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	hard, err := p.CallSleep(ctx, tasks.Sleep{Seconds: 5}, celery.WithTimeLimit(time.Second), celery.WithSoftTimeLimit(0))
	if err != nil {
		t.Fatal(err)
	}
	// A hard limit below the soft one waits for it: the prefork pool
	// schedules the hard limit (hard - soft) after the soft one fires, at
	// once when that is negative. The task ends at the soft limit, failing
	// with SoftTimeLimitExceeded, or with TimeLimitExceeded when the kill
	// comes before the task reported (a race the pool's loop decides).
	late, err := p.CallSleep(ctx, tasks.Sleep{Seconds: 5}, celery.WithTimeLimit(time.Second), celery.WithSoftTimeLimit(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	type failure struct{ typ, msg string }
	softFailure, hardFailure := failure{"SoftTimeLimitExceeded", ""}, failure{"TimeLimitExceeded", "1"}
	for _, c := range []struct {
		name string
		res  *celery.Result[float64]
		want []failure
	}{
		{"soft", soft, []failure{softFailure}},
		{"hard", hard, []failure{hardFailure}},
		{"hard below soft", late, []failure{softFailure, hardFailure}},
	} {
		_, err := c.res.Wait(ctx)
		var te *celery.TaskError
		if !errors.As(err, &te) || te.State != "FAILURE" || te.Module != "billiard.exceptions" ||
			!slices.Contains(c.want, failure{te.Type, te.Message}) {
			t.Errorf("%s: Wait = %v (%+v), want FAILURE with one of %v", c.name, err, te, c.want)
		}
	}
	quick, err := p.CallSleep(ctx, tasks.Sleep{Seconds: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := quick.Wait(ctx); v != 0.1 || err != nil {
		t.Errorf("a task within its limits: %v, %v", v, err)
	}
}
