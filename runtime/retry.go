package runtime

import (
	"context"
	"math"
	"time"
)

// RetryPolicy is kombu's retry_policy: how a publish that failed for a reason
// that may pass (the connection was lost, a confirm was lost) is tried again.
// It sleeps IntervalStart before the first retry, IntervalStep more before
// each next one, never more than IntervalMax, at most MaxRetries times, and
// never past Timeout (when not 0) or the context's deadline. Unlike kombu, the
// cap is IntervalMax itself, not IntervalMax + IntervalStart.
type RetryPolicy struct {
	MaxRetries    int
	IntervalStart time.Duration
	IntervalStep  time.Duration
	IntervalMax   time.Duration
	Timeout       time.Duration
	// Jitter adds a random wait in [0, Jitter) to every sleep, so that
	// publishers that failed together do not all come back at once. kombu
	// has none; it is 0 unless set.
	Jitter time.Duration
}

// The retry policies of kombu's retry=True and retry=False.
var (
	// DefaultRetryPolicy is the policy of a producer given none: three
	// retries, 0, 200 and 400 ms apart, as a schema's defaults are.
	DefaultRetryPolicy = RetryPolicy{MaxRetries: 3, IntervalStep: 200 * time.Millisecond, IntervalMax: time.Second}

	// NoRetry tries once.
	NoRetry = RetryPolicy{}
)

// Interval returns the sleep before retry number n (0 for the first retry).
func (p RetryPolicy) Interval(n int) time.Duration {
	d := p.IntervalStart
	if n > 0 && p.IntervalStep > 0 {
		if time.Duration(n) > (math.MaxInt64-max(d, 0))/p.IntervalStep {
			d = math.MaxInt64 // n steps would overflow: past any cap
		} else {
			d += time.Duration(n) * p.IntervalStep
		}
	}
	if p.IntervalMax > 0 && d > p.IntervalMax {
		d = p.IntervalMax
	}
	return d
}

// sleep returns the wait before retry number n: Interval(n) and its
// jitter, from random, which returns a number in [0, n).
func (p RetryPolicy) sleep(n int, random func(int64) int64) time.Duration {
	d := p.Interval(n)
	if p.Jitter > 0 {
		d += time.Duration(random(int64(p.Jitter)))
	}
	return d
}

// sleeper waits, so tests can record the sleeps instead of taking them.
type sleeper func(ctx context.Context, d time.Duration) error

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
