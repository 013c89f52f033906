package runtime

// These tests are internal so that they can replace the producer's sleeper
// and record the sleeps instead of taking them.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryPolicyInterval(t *testing.T) {
	tests := []struct {
		name   string
		policy RetryPolicy
		want   []time.Duration
	}{
		{"default", DefaultRetryPolicy, []time.Duration{0, 200 * time.Millisecond, 400 * time.Millisecond, 600 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}},
		{"start 1s step 1s max 3s", RetryPolicy{IntervalStart: time.Second, IntervalStep: time.Second, IntervalMax: 3 * time.Second},
			[]time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}},
		// kombu would give 1, 2, 2: its cap is IntervalMax + IntervalStart.
		{"kombu quirk not copied", RetryPolicy{IntervalStart: time.Second, IntervalStep: time.Second, IntervalMax: time.Second},
			[]time.Duration{time.Second, time.Second, time.Second}},
		{"no cap", RetryPolicy{IntervalStart: 2 * time.Second, IntervalStep: 2 * time.Second},
			[]time.Duration{2 * time.Second, 4 * time.Second, 6 * time.Second, 8 * time.Second}},
		{"constant", RetryPolicy{IntervalStart: 500 * time.Millisecond, IntervalMax: time.Second},
			[]time.Duration{500 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond}},
		{"start over max", RetryPolicy{IntervalStart: 5 * time.Second, IntervalMax: time.Second}, []time.Duration{time.Second, time.Second}},
		{"zero", NoRetry, []time.Duration{0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []time.Duration
			for n := range tt.want {
				got = append(got, tt.policy.Interval(n))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("intervals = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRetryPolicyIntervalOverflow(t *testing.T) {
	p := RetryPolicy{IntervalStart: time.Second, IntervalStep: time.Duration(1 << 62), IntervalMax: time.Minute}
	for _, n := range []int{1, 2, 3, 4, 1000, math.MaxInt} {
		if got := p.Interval(n); got != time.Minute {
			t.Errorf("Interval(%d) = %v, want the cap %v", n, got, time.Minute)
		}
	}
	// Without a cap an overflowing interval is the longest there is, not 0
	// (which would retry in a busy loop) nor negative.
	p.IntervalMax = 0
	for _, n := range []int{2, 4, 1000, math.MaxInt} {
		if got := p.Interval(n); got != math.MaxInt64 {
			t.Errorf("uncapped Interval(%d) = %v, want %v", n, got, time.Duration(math.MaxInt64))
		}
	}
	if got := p.Interval(1); got != time.Second+time.Duration(1<<62) {
		t.Errorf("uncapped Interval(1) = %v", got)
	}
}

// retryTransport fails publishes as told and records each attempt.
type retryTransport struct {
	mu       sync.Mutex
	errs     []error // returned by the next publishes, in order
	always   error   // returned once errs is used up, when set
	bodies   [][]byte
	headers  []Table
	declares int
}

func (r *retryTransport) Publish(ctx context.Context, msg *Publishing) *Confirmation {
	for _, e := range msg.Declare {
		r.MaybeDeclare(ctx, e)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, msg.Body)
	r.headers = append(r.headers, msg.Headers)
	if len(r.errs) > 0 {
		err := r.errs[0]
		r.errs = r.errs[1:]
		return failed(err)
	}
	return failed(r.always)
}

func (r *retryTransport) Declare(ctx context.Context, e Entity) error { return nil }

func (r *retryTransport) MaybeDeclare(ctx context.Context, e Entity) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.declares++
	return true, nil
}

func (r *retryTransport) attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

// newRetryProducer returns a producer over tr whose sleeps are recorded in
// *sleeps and not taken.
func newRetryProducer(tr Transport, sleeps *[]time.Duration, opts ...ProducerOption) *Producer {
	p := NewProducer(tr, opts...)
	p.sleep = func(ctx context.Context, d time.Duration) error {
		*sleeps = append(*sleeps, d)
		return ctx.Err()
	}
	return p
}

func TestRetrySleeps(t *testing.T) {
	s := time.Second
	tests := []struct {
		name   string
		policy *RetryPolicy // nil: the producer's default
		sleeps []time.Duration
	}{
		{"default", nil, []time.Duration{0, 200 * time.Millisecond, 400 * time.Millisecond}},
		{"start 1s step 1s max 3s", &RetryPolicy{MaxRetries: 6, IntervalStart: s, IntervalStep: s, IntervalMax: 3 * s},
			[]time.Duration{s, 2 * s, 3 * s, 3 * s, 3 * s, 3 * s}},
		{"kombu quirk not copied", &RetryPolicy{MaxRetries: 3, IntervalStart: s, IntervalStep: s, IntervalMax: s}, []time.Duration{s, s, s}},
		{"max retries 0", &RetryPolicy{IntervalStart: s}, nil},
		{"no retry", &NoRetry, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lost := fmt.Errorf("read tcp: %w", ErrConnectionLost)
			tr := &retryTransport{always: lost}
			var sleeps []time.Duration
			var opts []ProducerOption
			if tt.policy != nil {
				opts = append(opts, WithRetry(*tt.policy))
			}
			p := newRetryProducer(tr, &sleeps, opts...)
			err := p.Publish(context.Background(), "x")
			if !errors.Is(err, ErrConnectionLost) {
				t.Fatalf("Publish error = %v, want the last failure", err)
			}
			if !slices.Equal(sleeps, tt.sleeps) {
				t.Errorf("sleeps = %v, want %v", sleeps, tt.sleeps)
			}
			if got, want := tr.attempts(), len(tt.sleeps)+1; got != want {
				t.Errorf("attempts = %d, want %d", got, want)
			}
		})
	}
}

func TestRetryPolicyPerPublish(t *testing.T) {
	tr := &retryTransport{always: ErrConnectionLost}
	var sleeps []time.Duration
	p := newRetryProducer(tr, &sleeps, WithRetry(NoRetry))
	err := p.Publish(context.Background(), "x", WithRetry(RetryPolicy{MaxRetries: 2, IntervalStep: time.Millisecond}))
	if !errors.Is(err, ErrConnectionLost) {
		t.Fatal(err)
	}
	if want := []time.Duration{0, time.Millisecond}; !slices.Equal(sleeps, want) {
		t.Errorf("sleeps = %v, want %v", sleeps, want)
	}
}

func TestRetrySucceedsAfterFailures(t *testing.T) {
	tr := &retryTransport{errs: []error{ErrConnectionLost, ErrConfirmLost}}
	var sleeps []time.Duration
	p := newRetryProducer(tr, &sleeps)
	if err := p.Publish(context.Background(), "x"); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if tr.attempts() != 3 || len(sleeps) != 2 {
		t.Errorf("attempts %d, sleeps %v; want 3 attempts, 2 sleeps", tr.attempts(), sleeps)
	}
}

func TestRetryErrorClasses(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		retry bool
	}{
		{"connection lost", ErrConnectionLost, true},
		{"wrapped connection lost", fmt.Errorf("publish: %w", ErrConnectionLost), true},
		{"confirm lost", ErrConfirmLost, true},
		{"unreachable", fmt.Errorf("%w: dial: refused", ErrUnreachable), true},
		{"connection forced 320", &BrokerError{Code: 320, Reason: "CONNECTION_FORCED", Connection: true}, true},
		{"channel error 504", &BrokerError{Code: 504, Reason: "CHANNEL_ERROR"}, true},

		{"invalid message", ErrInvalidMessage, false},
		{"nacked", ErrNacked, false},
		{"unroutable", ErrUnroutable, false},
		{"return error", &ReturnError{Return: Return{ReplyCode: 312, ReplyText: "NO_ROUTE"}}, false},
		{"closed", ErrClosed, false},
		{"access refused 403", &BrokerError{Code: 403, Reason: "ACCESS_REFUSED"}, false},
		{"not found 404", &BrokerError{Code: 404, Reason: "NOT_FOUND - no exchange 'x'"}, false},
		{"precondition failed 406", &BrokerError{Code: 406, Reason: "PRECONDITION_FAILED"}, false},
		{"404 closing the connection", &BrokerError{Code: 404, Reason: "NOT_FOUND", Connection: true}, false},
		{"canceled", context.Canceled, false},
		{"deadline", context.DeadlineExceeded, false},
		{"canceled while reconnecting", fmt.Errorf("%w: %w", context.Canceled, ErrConnectionLost), false},
		{"closed while reconnecting", errors.Join(ErrConnectionLost, ErrClosed), false},
		{"unknown", errors.New("boom"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Retryable(tt.err); got != tt.retry {
				t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.retry)
			}
			tr := &retryTransport{always: tt.err}
			var sleeps []time.Duration
			p := newRetryProducer(tr, &sleeps, WithRetry(RetryPolicy{MaxRetries: 2}))
			err := p.Publish(context.Background(), "x")
			if !errors.Is(err, tt.err) {
				t.Errorf("Publish error = %v, want it to match %v", err, tt.err)
			}
			want := 1
			if tt.retry {
				want = 3
			}
			if got := tr.attempts(); got != want {
				t.Errorf("attempts = %d, want %d", got, want)
			}
		})
	}
	if Retryable(nil) {
		t.Error("Retryable(nil) = true")
	}
}

func TestRetryTimeoutStopsBeforeSleepPassesIt(t *testing.T) {
	const (
		interval = 100 * time.Millisecond
		timeout  = 450 * time.Millisecond
		// slack covers the few instructions between the producer's clock
		// reads and ours, not the sleeps: the checks hold however late
		// the timers fire on a loaded machine.
		slack = 20 * time.Millisecond
	)
	tr := &retryTransport{always: ErrConnectionLost}
	p := NewProducer(tr, WithRetry(RetryPolicy{MaxRetries: 100, IntervalStart: interval, Timeout: timeout}))
	var sleptAt []time.Duration // when each sleep began, from start
	var start time.Time
	p.sleep = func(ctx context.Context, d time.Duration) error {
		if d != interval {
			t.Errorf("sleep of %v, want %v", d, interval)
		}
		sleptAt = append(sleptAt, time.Since(start))
		return sleepContext(ctx, d)
	}
	start = time.Now()
	err := p.Publish(context.Background(), "x")
	stopped := time.Since(start)

	if !errors.Is(err, ErrConnectionLost) || !strings.Contains(err.Error(), "timeout") {
		t.Errorf("Publish error = %v, want a timeout wrapping the last failure", err)
	}
	if len(sleptAt) == 0 || len(sleptAt) > int(timeout/interval) {
		t.Fatalf("slept %d times, want 1 to %d", len(sleptAt), timeout/interval)
	}
	if got, want := tr.attempts(), len(sleptAt)+1; got != want {
		t.Errorf("attempts = %d, want one more than the %d sleeps", got, len(sleptAt))
	}
	// Every sleep taken ended by the timeout...
	for i, at := range sleptAt {
		if at+interval > timeout+slack {
			t.Errorf("sleep %d began at %v and would end past the %v timeout", i+1, at, timeout)
		}
	}
	// ...and the producer gave up only when the next one would not have.
	if stopped+interval <= timeout-slack {
		t.Errorf("gave up at %v, though a %v sleep still fitted in %v", stopped, interval, timeout)
	}
	if stopped > timeout+time.Second {
		t.Errorf("Publish took %v with a %v timeout", stopped, timeout)
	}
}

func TestRetryTimeoutShorterThanFirstSleep(t *testing.T) {
	tr := &retryTransport{always: ErrConnectionLost}
	var sleeps []time.Duration
	p := newRetryProducer(tr, &sleeps, WithRetry(RetryPolicy{MaxRetries: 5, IntervalStart: time.Second, Timeout: 50 * time.Millisecond}))
	err := p.Publish(context.Background(), "x")
	if !errors.Is(err, ErrConnectionLost) {
		t.Errorf("Publish error = %v", err)
	}
	if len(sleeps) != 0 || tr.attempts() != 1 {
		t.Errorf("sleeps %v, attempts %d; want none and 1", sleeps, tr.attempts())
	}
}

func TestRetryContextEndsDuringSleep(t *testing.T) {
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"canceled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(30*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 30*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &retryTransport{always: ErrConnectionLost}
			p := NewProducer(tr, WithRetry(RetryPolicy{MaxRetries: 3, IntervalStart: time.Hour}))
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			err := p.Publish(ctx, "x")
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("Publish returned after %v, want promptly after the context ended", elapsed)
			}
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrConnectionLost) {
				t.Errorf("Publish error = %v, want %v joined with the last failure", err, tt.want)
			}
			if tr.attempts() != 1 {
				t.Errorf("attempts = %d, want 1", tr.attempts())
			}
		})
	}
}

func TestRetrySleepContext(t *testing.T) {
	if err := sleepContext(context.Background(), 0); err != nil {
		t.Errorf("zero sleep: %v", err)
	}
	if err := sleepContext(context.Background(), time.Millisecond); err != nil {
		t.Errorf("1ms sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("zero sleep on a cancelled context: %v", err)
	}
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("long sleep on a cancelled context: %v", err)
	}
}

// retryCountingSerializer is JSON that counts its Marshal calls.
type retryCountingSerializer struct{ marshals *atomic.Int64 }

func (retryCountingSerializer) ContentType() string     { return "application/x-kombugen-retry-counting" }
func (retryCountingSerializer) ContentEncoding() string { return "utf-8" }
func (s retryCountingSerializer) Marshal(v any) ([]byte, error) {
	s.marshals.Add(1)
	return json.Marshal(v)
}
func (retryCountingSerializer) Unmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// retryCountingCompressor counts its Compress calls, and leaves bodies as
// they are.
type retryCountingCompressor struct{ compresses *atomic.Int64 }

func (retryCountingCompressor) ContentType() string { return "application/x-kombugen-retry-counting" }
func (c retryCountingCompressor) Compress(b []byte) ([]byte, error) {
	c.compresses.Add(1)
	return b, nil
}
func (retryCountingCompressor) Decompress(b []byte) ([]byte, error) { return b, nil }

func TestRetryPreparesOnce(t *testing.T) {
	ser := retryCountingSerializer{marshals: new(atomic.Int64)}
	comp := retryCountingCompressor{compresses: new(atomic.Int64)}
	RegisterSerializer("kombugen-retry-counting", ser)
	RegisterCompressor("kombugen-retry-counting", comp)

	tr := &retryTransport{errs: []error{ErrConnectionLost, ErrConfirmLost, ErrUnreachable}}
	var sleeps []time.Duration
	p := newRetryProducer(tr, &sleeps, WithExchange(&Exchange{Name: "orders"}))
	err := p.Publish(context.Background(), map[string]int{"n": 1},
		WithSerializer("kombugen-retry-counting"), WithCompression("kombugen-retry-counting"))
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if n := ser.marshals.Load(); n != 1 {
		t.Errorf("Marshal called %d times over %d attempts, want once", n, tr.attempts())
	}
	if n := comp.compresses.Load(); n != 1 {
		t.Errorf("Compress called %d times over %d attempts, want once", n, tr.attempts())
	}
	if tr.attempts() != 4 {
		t.Fatalf("attempts = %d, want 4", tr.attempts())
	}
	for i, b := range tr.bodies {
		if !bytes.Equal(b, tr.bodies[0]) {
			t.Errorf("attempt %d sent another body", i+1)
		}
		if tr.headers[i]["compression"] != "application/x-kombugen-retry-counting" {
			t.Errorf("attempt %d headers = %v", i+1, tr.headers[i])
		}
	}
	// The exchange is auto-declared on every attempt (the transport skips
	// it when its connection declared it already).
	if tr.declares != 4 {
		t.Errorf("MaybeDeclare called %d times, want once per attempt", tr.declares)
	}
}
