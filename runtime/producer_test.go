package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/internal/declared"
)

// fakeTransport is a Transport that records what reaches it. It remembers
// declarations as one connection does (with a declared.Cache), counts
// every Declare and MaybeDeclare per entity key, and can be told to fail the
// next publishes or declares. A failure matching ErrConnectionLost drops the
// declare memory, as losing a real connection does.
type fakeTransport struct {
	mu        sync.Mutex
	published []*runtime.Publishing
	// calls is every call in order: "publish", "declare E|x" (Declare) or
	// "maybe E|x" (MaybeDeclare).
	calls []string
	// declared counts the declares that reached the "broker": every Declare
	// and the MaybeDeclares the cache did not skip.
	declared map[string]int
	maybe    map[string]int // MaybeDeclare calls
	forced   map[string]int // Declare calls
	attempts int            // Publish calls, failed ones included
	cache    declared.Cache

	publishErrs []error // returned by the next publishes, in order
	declareErrs []error // returned by the next Declare/MaybeDeclare calls
}

func newFakeTransport() *fakeTransport {
	return &fakeTransport{declared: map[string]int{}, maybe: map[string]int{}, forced: map[string]int{}}
}

// failPublishes makes the next n publishes fail with err.
func (f *fakeTransport) failPublishes(n int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.publishErrs = append(f.publishErrs, err)
	}
}

// failDeclares makes the next n declares fail with err.
func (f *fakeTransport) failDeclares(n int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.declareErrs = append(f.declareErrs, err)
	}
}

// popErr returns the next queued error from q; f.mu is held.
func (f *fakeTransport) popErr(q *[]error) error {
	if len(*q) == 0 {
		return nil
	}
	err := (*q)[0]
	*q = (*q)[1:]
	if errors.Is(err, runtime.ErrConnectionLost) {
		f.cache.Reset()
	}
	return err
}

func (f *fakeTransport) Publish(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	for _, e := range msg.Declare {
		if _, err := f.MaybeDeclare(ctx, e); err != nil {
			return settledWith(err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	f.calls = append(f.calls, "publish")
	if err := f.popErr(&f.publishErrs); err != nil {
		return settledWith(err)
	}
	f.published = append(f.published, msg)
	return settledWith(nil)
}

// settledWith returns a confirmation done with err, as a transport that
// settles at once returns.
func settledWith(err error) *runtime.Confirmation {
	return runtime.Settled(err)
}

func (f *fakeTransport) Declare(ctx context.Context, e runtime.Entity) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := e.DeclareKey()
	f.calls = append(f.calls, "declare "+key)
	f.forced[key]++
	if err := f.popErr(&f.declareErrs); err != nil {
		return err
	}
	f.declared[key]++
	f.cache.Add(e)
	return nil
}

func (f *fakeTransport) MaybeDeclare(ctx context.Context, e runtime.Entity) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := e.DeclareKey()
	f.calls = append(f.calls, "maybe "+key)
	f.maybe[key]++
	if err := f.popErr(&f.declareErrs); err != nil {
		return false, err
	}
	if f.cache.Has(e) {
		return false, nil
	}
	f.declared[key]++
	f.cache.Add(e)
	return true, nil
}

// only returns the one message published, failing the test otherwise.
func (f *fakeTransport) only(t *testing.T) *runtime.Publishing {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.published) != 1 {
		t.Fatalf("published %d messages, want 1", len(f.published))
	}
	return f.published[0]
}

// callLog returns a copy of the calls so far.
func (f *fakeTransport) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// requireUntouched fails the test when anything reached f.
func (f *fakeTransport) requireUntouched(t *testing.T) {
	t.Helper()
	if calls := f.callLog(); len(calls) != 0 {
		t.Fatalf("transport got %v, want nothing", calls)
	}
}

// publishOne publishes body with a fresh producer and returns what reached
// the transport.
func publishOne(t *testing.T, body any, opts ...runtime.PublishOption) *runtime.Publishing {
	t.Helper()
	f := newFakeTransport()
	p := runtime.NewProducer(f)
	if err := p.Publish(context.Background(), body, opts...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return f.only(t)
}

// publishInvalid publishes body with a fresh producer, requires an error
// matching ErrInvalidMessage and that nothing reached the transport, and
// returns the error.
func publishInvalid(t *testing.T, body any, opts ...runtime.PublishOption) error {
	t.Helper()
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(&runtime.Exchange{Name: "orders", Type: "topic"}))
	err := p.Publish(context.Background(), body, opts...)
	if !errors.Is(err, runtime.ErrInvalidMessage) {
		t.Fatalf("Publish error = %v, want one matching ErrInvalidMessage", err)
	}
	f.requireUntouched(t)
	return err
}

func TestProducerPublishDefaults(t *testing.T) {
	type order struct {
		ID string `json:"id"`
	}
	msg := publishOne(t, order{ID: "A1"})

	checks := []struct {
		name      string
		got, want any
	}{
		{"exchange", msg.Exchange, ""},
		{"routing key", msg.RoutingKey, ""},
		{"content type", msg.ContentType, "application/json"},
		{"content encoding", msg.ContentEncoding, "utf-8"},
		{"delivery mode", msg.DeliveryMode, runtime.Persistent},
		{"priority", msg.Priority, uint8(0)},
		{"expiration", msg.Expiration, ""},
		{"confirm", msg.Confirm, true},
		{"mandatory", msg.Mandatory, false},
		{"headers is nil", msg.Headers == nil, false},
		{"headers length", len(msg.Headers), 0},
		{"body", string(msg.Body), `{"id":"A1"}`},
		{"on return set", msg.OnReturn != nil, false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestProducerPublishOptionsReachPublishing(t *testing.T) {
	ts := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	f := newFakeTransport()
	p := runtime.NewProducer(f,
		runtime.WithExchange(&runtime.Exchange{Name: "orders", Type: "topic"}),
		runtime.WithRoutingKey("default.key"),
		runtime.WithConfirm(false),
	)
	err := p.Publish(context.Background(), "hi",
		runtime.WithRoutingKey("order.created"),
		runtime.WithMandatory(true),
		runtime.WithCorrelationID("corr-1"),
		runtime.WithMessageID("msg-1"),
		runtime.WithReplyTo("replies"),
		runtime.WithType("order.created"),
		runtime.WithAppID("shop"),
		runtime.WithUserID("guest"),
		runtime.WithTimestamp(ts),
	)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	msg := f.only(t)
	checks := []struct {
		name      string
		got, want any
	}{
		{"exchange", msg.Exchange, "orders"},
		{"routing key", msg.RoutingKey, "order.created"},
		{"mandatory", msg.Mandatory, true},
		{"confirm", msg.Confirm, false},
		{"correlation id", msg.CorrelationID, "corr-1"},
		{"message id", msg.MessageID, "msg-1"},
		{"reply to", msg.ReplyTo, "replies"},
		{"type", msg.Type, "order.created"},
		{"app id", msg.AppID, "shop"},
		{"user id", msg.UserID, "guest"},
		{"timestamp", msg.Timestamp, ts},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestProducerPublishOverridesOnlyThatPublish(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithRoutingKey("default"), runtime.WithPriority(3))
	ctx := context.Background()
	if err := p.Publish(ctx, "a", runtime.WithRoutingKey("override"), runtime.WithPriority(9)); err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	got := [][2]any{{f.published[0].RoutingKey, f.published[0].Priority}, {f.published[1].RoutingKey, f.published[1].Priority}}
	want := [][2]any{{"override", uint8(9)}, {"default", uint8(3)}}
	if !slices.Equal(got, want) {
		t.Errorf("(routing key, priority) per publish = %v, want %v", got, want)
	}
}

func TestProducerOnReturnPassedToPublishing(t *testing.T) {
	f := newFakeTransport()
	var got []runtime.Return
	p := runtime.NewProducer(f, runtime.WithOnReturn(func(r runtime.Return) { got = append(got, r) }))
	if err := p.Publish(context.Background(), "x", runtime.WithMandatory(true)); err != nil {
		t.Fatal(err)
	}
	msg := f.only(t)
	if msg.OnReturn == nil {
		t.Fatal("Publishing.OnReturn is nil, want the producer's callback")
	}
	msg.OnReturn(runtime.Return{ReplyCode: 312, ReplyText: "NO_ROUTE"})
	if len(got) != 1 || got[0].ReplyCode != 312 {
		t.Errorf("callback got %v, want one return with code 312", got)
	}
}

func TestProducerExchangeAccessor(t *testing.T) {
	ex := &runtime.Exchange{Name: "orders"}
	if got := runtime.NewProducer(newFakeTransport(), runtime.WithExchange(ex)).Exchange(); got != ex {
		t.Errorf("Exchange() = %v, want the one given", got)
	}
	if got := runtime.NewProducer(newFakeTransport()).Exchange(); got == nil || got.Name != "" {
		t.Errorf("default Exchange() = %v, want the default exchange", got)
	}
}

func TestProducerConcurrentPublish(t *testing.T) {
	f := newFakeTransport()
	q := &runtime.Queue{Name: "q", Durable: true}
	p := runtime.NewProducer(f,
		runtime.WithExchange(&runtime.Exchange{Name: "orders", Type: "topic"}),
		runtime.WithDeclare(q),
		runtime.WithHeaders(runtime.Table{"a": 1}),
	)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			err := p.Publish(context.Background(), i,
				runtime.WithHeaders(runtime.Table{"n": i}),
				runtime.WithDeclare(&runtime.Queue{Name: fmt.Sprint("extra", i)}),
				runtime.WithCompression("zlib"))
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(f.published) != 50 {
		t.Fatalf("published %d, want 50", len(f.published))
	}
	for _, m := range f.published {
		var n int
		if err := consume.Decode(m.Properties, m.Body, &n); err != nil {
			t.Fatal(err)
		}
		if m.Headers["n"] != n || m.Headers["a"] != 1 || len(m.Headers) != 3 {
			t.Errorf("message %d has headers %v, want a=1, n=%d and compression", n, m.Headers, n)
		}
	}
	if f.declared["E|orders"] != 1 || f.declared["Q|q"] != 1 {
		t.Errorf("declared %v, want E|orders and Q|q once", f.declared)
	}
}

// Declaring.

var (
	declOrders = &runtime.Exchange{Name: "orders", Type: "topic", Durable: true}
	declQueue  = &runtime.Queue{Name: "billing", Durable: true, Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "order.#"}}}
)

func TestProducerDeclaresNothingAtConstruction(t *testing.T) {
	f := newFakeTransport()
	runtime.NewProducer(f, runtime.WithExchange(declOrders), runtime.WithDeclare(declQueue))
	f.requireUntouched(t)
}

func TestProducerAutoDeclareBeforeFirstPublish(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders), runtime.WithDeclare(declQueue))
	ctx := context.Background()
	for range 3 {
		if err := p.Publish(ctx, "x"); err != nil {
			t.Fatal(err)
		}
	}
	wantCalls := []string{
		"maybe E|orders", "maybe Q|billing", "publish",
		"maybe E|orders", "maybe Q|billing", "publish",
		"maybe E|orders", "maybe Q|billing", "publish",
	}
	if got := f.callLog(); !slices.Equal(got, wantCalls) {
		t.Errorf("calls = %v\nwant    %v", got, wantCalls)
	}
	if f.declared["E|orders"] != 1 || f.declared["Q|billing"] != 1 {
		t.Errorf("declared %v, want each once", f.declared)
	}
	if len(f.forced) != 0 {
		t.Errorf("Declare called %v, want only MaybeDeclare", f.forced)
	}
}

func TestProducerExchangeOverrideNotDeclared(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders))
	err := p.Publish(context.Background(), "x", runtime.WithExchangeName("other"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.only(t).Exchange; got != "other" {
		t.Errorf("published to %q, want the override %q", got, "other")
	}
	// As kombu: the producer's own exchange is still declared, the
	// override never.
	want := []string{"maybe E|orders", "publish"}
	if got := f.callLog(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestProducerPredeclaredExchangesNeverDeclared(t *testing.T) {
	for _, name := range []string{"", "amq.topic", "amq.direct", "amq.fanout", "amq.headers", "amq.match"} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			f := newFakeTransport()
			p := runtime.NewProducer(f, runtime.WithExchange(&runtime.Exchange{Name: name, Type: "topic"}))
			ctx := context.Background()
			if err := p.Publish(ctx, "x"); err != nil {
				t.Fatal(err)
			}
			if err := p.Declare(ctx); err != nil {
				t.Fatal(err)
			}
			if got := f.callLog(); !slices.Equal(got, []string{"publish"}) {
				t.Errorf("calls = %v, want only the publish", got)
			}
		})
	}
}

func TestProducerAutoDeclareOff(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders), runtime.WithDeclare(declQueue), runtime.WithAutoDeclare(false))
	ctx := context.Background()
	if err := p.Publish(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if got := f.callLog(); !slices.Equal(got, []string{"publish"}) {
		t.Fatalf("calls = %v, want the publish alone", got)
	}

	// The publish's own declare list is still declared.
	extra := &runtime.Queue{Name: "extra", Durable: true}
	if err := p.Publish(ctx, "x", runtime.WithDeclare(extra)); err != nil {
		t.Fatal(err)
	}
	want := []string{"publish", "maybe Q|extra", "publish"}
	if got := f.callLog(); !slices.Equal(got, want) {
		t.Fatalf("calls = %v, want %v", got, want)
	}

	// Declare declares the producer's own entities.
	if err := p.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	want = append(want, "declare E|orders", "declare Q|billing")
	if got := f.callLog(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestProducerPublishDeclareOption(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders), runtime.WithDeclare(declQueue))
	extra := &runtime.Queue{Name: "extra", Durable: true}
	ctx := context.Background()
	if err := p.Publish(ctx, "x", runtime.WithDeclare(extra)); err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"maybe E|orders", "maybe Q|billing", "maybe Q|extra", "publish",
		// The extra queue belongs to the first publish alone.
		"maybe E|orders", "maybe Q|billing", "publish",
	}
	if got := f.callLog(); !slices.Equal(got, want) {
		t.Errorf("calls = %v\nwant    %v", got, want)
	}
}

func TestProducerDeclareIsUncached(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders), runtime.WithDeclare(declQueue))
	ctx := context.Background()
	for range 2 {
		if err := p.Declare(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"declare E|orders", "declare Q|billing", "declare E|orders", "declare Q|billing"}
	if got := f.callLog(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestProducerDeclareStopsAtFirstError(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders), runtime.WithDeclare(declQueue))
	denied := &runtime.BrokerError{Code: 403, Reason: "ACCESS_REFUSED"}
	f.failDeclares(1, denied)
	err := p.Declare(context.Background())
	if !errors.Is(err, runtime.ErrAccessRefused) {
		t.Fatalf("Declare error = %v, want ErrAccessRefused", err)
	}
	if got := f.callLog(); !slices.Equal(got, []string{"declare E|orders"}) {
		t.Errorf("calls = %v, want the exchange's declare alone", got)
	}
}

func TestProducerDeclareFailureStopsPublish(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders))
	f.failDeclares(1, &runtime.BrokerError{Code: 406, Reason: "PRECONDITION_FAILED - inequivalent arg 'type'"})
	err := p.Publish(context.Background(), "x")
	if !errors.Is(err, runtime.ErrPreconditionFailed) {
		t.Fatalf("Publish error = %v, want ErrPreconditionFailed", err)
	}
	if got := f.callLog(); !slices.Equal(got, []string{"maybe E|orders"}) {
		t.Errorf("calls = %v, want no publish after the failed declare", got)
	}
}

func TestProducerMaybeDeclare(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f)
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		did, err := p.MaybeDeclare(ctx, declQueue)
		if err != nil {
			t.Fatal(err)
		}
		if did != want {
			t.Errorf("MaybeDeclare #%d = %v, want %v", i+1, did, want)
		}
	}
}

func TestProducerRedeclaresAfterConnectionLoss(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders), runtime.WithDeclare(declQueue),
		runtime.WithRetry(runtime.RetryPolicy{MaxRetries: 3}))
	f.failPublishes(2, fmt.Errorf("write: %w", runtime.ErrConnectionLost))
	if err := p.Publish(context.Background(), "x"); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	// Each loss drops the fake's declare memory, so every attempt declares
	// again before publishing, as after a reconnect.
	want := slices.Repeat([]string{"maybe E|orders", "maybe Q|billing", "publish"}, 3)
	if got := f.callLog(); !slices.Equal(got, want) {
		t.Errorf("calls = %v\nwant    %v", got, want)
	}
	if f.declared["E|orders"] != 3 || f.declared["Q|billing"] != 3 {
		t.Errorf("declared %v, want each 3 times", f.declared)
	}
}

func TestProducerRetriesFailedDeclare(t *testing.T) {
	f := newFakeTransport()
	p := runtime.NewProducer(f, runtime.WithExchange(declOrders), runtime.WithRetry(runtime.RetryPolicy{MaxRetries: 2}))
	f.failDeclares(1, runtime.ErrConnectionLost)
	if err := p.Publish(context.Background(), "x"); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	want := []string{"maybe E|orders", "maybe E|orders", "publish"}
	if got := f.callLog(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}
