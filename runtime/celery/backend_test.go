package celery

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/celerytest"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// fakeReplies is a ReplyConsumer in memory: the test delivers replies with
// reply, one at a time, as a transport's consumer goroutine does.
type fakeReplies struct {
	mu       sync.Mutex
	calls    int
	queue    *runtime.Queue
	deliver  func(runtime.Properties, []byte)
	done     chan struct{}
	failWith error
}

func (f *fakeReplies) Consume(ctx context.Context, q *runtime.Queue, deliver func(runtime.Properties, []byte)) (<-chan struct{}, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.failWith != nil {
		return nil, f.failWith
	}
	f.queue, f.deliver = q, deliver
	f.done = make(chan struct{})
	return f.done, nil
}

// reply delivers d as the transport's consumer goroutine would, while it
// consumes.
func (f *fakeReplies) reply(d delivery) {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.done:
	default:
		f.deliver(d.Properties, d.Body)
	}
}

// end stops consuming, as a transport that was closed does.
func (f *fakeReplies) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done == nil {
		return
	}
	select {
	case <-f.done:
	default:
		close(f.done)
	}
}

// consumeCalls returns how many times Consume was called.
func (f *fakeReplies) consumeCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// awaitedCalls returns how many calls f's backend waits for.
func awaitedCalls(f *fakeReplies) int {
	v, ok := backends.Load(f)
	if !ok {
		return 0
	}
	b := v.(*backend)
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiting)
}

// delivery is a message on the reply queue.
type delivery struct {
	runtime.Properties
	Body []byte
}

// jsonReply is a reply as Celery's rpc:// backend publishes it, in JSON.
func jsonReply(id TaskID, body string) delivery {
	return delivery{
		Properties: runtime.Properties{ContentType: "application/json", ContentEncoding: "utf-8", DeliveryMode: runtime.Transient, CorrelationID: string(id)},
		Body:       []byte(body),
	}
}

func newCaller(t *testing.T) (*runtime.Producer, *fakeReplies, *tape) {
	t.Helper()
	rb := &tape{}
	f := &fakeReplies{}
	t.Cleanup(f.end)
	return runtime.NewProducer(rb), f, rb
}

// resultsFacts is a testdata/facts/celery-*-results.json file: the replies
// workers of one Celery version published (see testdata/README.md).
type resultsFacts struct {
	Versions map[string]string `json:"versions"`
	Cases    []struct {
		Case    string `json:"case"`
		TaskID  string `json:"task_id"`
		Replies []struct {
			RoutingKey string         `json:"routing_key"`
			Properties map[string]any `json:"properties"`
			Headers    map[string]any `json:"headers"`
			BodyBase64 string         `json:"body_base64"`
		} `json:"replies"`
	} `json:"cases"`
}

// TestCapturedReplies feeds the replies real workers of Celery 5.2 to 5.6
// published for each case to a waiting Call, with the call's id in place of
// the captured one, and checks what Wait makes of them.
func TestCapturedReplies(t *testing.T) {
	wantErr := func(state, typ, module, message string, traceback bool) func(t *testing.T, v any, err error) {
		return func(t *testing.T, v any, err error) {
			var te *TaskError
			if !errors.As(err, &te) {
				t.Fatalf("Wait = %v, %v; want a *TaskError", v, err)
			}
			if te.State != state || te.Type != typ || te.Module != module || te.Message != message || (te.Traceback != "") != traceback {
				t.Errorf("TaskError %+v, want %s %s.%s %q, traceback %v", te, state, module, typ, message, traceback)
			}
			if errors.Is(err, ErrRevoked) != (state == stateRevoked) {
				t.Errorf("errors.Is(%v, ErrRevoked) = %v", err, !(state == stateRevoked))
			}
		}
	}
	wantValue := func(want any) func(t *testing.T, v any, err error) {
		return func(t *testing.T, v any, err error) {
			if err != nil || fmt.Sprint(v) != fmt.Sprint(want) {
				t.Errorf("Wait = %v, %v; want %v", v, err, want)
			}
		}
	}
	check := map[string]func(t *testing.T, v any, err error){
		"success":                  wantValue(5),
		"after_ignore_result":      wantValue(2),
		"retry":                    wantValue("retried"),
		"runs celery-5.2 headers":  wantValue(9),
		"runs celery-5.3+ headers": wantValue(9),
		"echo": func(t *testing.T, v any, err error) {
			m, _ := v.(map[string]any)
			if err != nil || fmt.Sprint(m["args"]) != "[1 a]" {
				t.Errorf("Wait = %v, %v; want the echo of [1 a]", v, err)
			}
		},
		"failure":         wantErr(stateFailure, "ValueError", "builtins", "boom", true),
		"expired":         wantErr(stateRevoked, "TaskRevokedError", "celery.exceptions", "expired", false),
		"soft_time_limit": wantErr(stateFailure, "SoftTimeLimitExceeded", "billiard.exceptions", "", true),
		"time_limit":      wantErr(stateFailure, "TimeLimitExceeded", "billiard.exceptions", "1", false),
	}
	files, _ := filepath.Glob("testdata/facts/celery-*-results.json")
	if len(files) == 0 {
		t.Fatal("no results facts")
	}
	for _, file := range files {
		var facts resultsFacts
		readFacts(t, filepath.Base(file), &facts)
		for _, c := range facts.Cases {
			if len(c.Replies) == 0 {
				continue
			}
			t.Run(facts.Versions["celery"]+"/"+c.Case, func(t *testing.T) {
				p, f, _ := newCaller(t)
				res, err := Call[any](context.Background(), p, f, Task{Name: "kg." + c.Case})
				if err != nil {
					t.Fatal(err)
				}
				for i, r := range c.Replies {
					if r.RoutingKey != "" && len(r.Headers) != 0 {
						t.Errorf("reply %d has headers %v", i, r.Headers)
					}
					body, err := base64.StdEncoding.DecodeString(r.BodyBase64)
					if err != nil {
						t.Fatal(err)
					}
					body = bytes.ReplaceAll(body, []byte(c.TaskID), []byte(res.ID()))
					d := jsonReply(res.ID(), string(body))
					d.ContentType, _ = r.Properties["content_type"].(string)
					d.ContentEncoding, _ = r.Properties["content_encoding"].(string)
					select {
					case <-res.Done():
						t.Fatalf("done before reply %d of %d", i+1, len(c.Replies))
					default:
					}
					f.reply(d)
				}
				v, err := res.Wait(context.Background())
				fn := check[c.Case]
				if fn == nil {
					t.Fatalf("no check for case %q", c.Case)
				}
				fn(t, v, err)
			})
		}
	}
}

// TestCallDeclaresAndSends checks what a Call puts on the wire and
// subscribes to: the reply queue as Celery's rpc:// backend declares it,
// and a task whose reply_to names it.
func TestCallDeclaresAndSends(t *testing.T) {
	p, f, rb := newCaller(t)
	res, err := Call[int](context.Background(), p, f, Task{Name: "kg.add", Args: []any{2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	q := f.queue
	if q.Durable || !q.AutoDelete || q.Exclusive || len(q.Bindings) != 0 || fmt.Sprint(q.Arguments) != "map[x-expires:86400000]" {
		t.Errorf("reply queue %+v, want Celery's: not durable, auto-delete, x-expires one day, no bindings", q)
	}
	sent := rb.Published()
	if len(sent) != 1 {
		t.Fatalf("%d published", len(sent))
	}
	if sent[0].ReplyTo != q.Name || sent[0].CorrelationID != string(res.ID()) || !sent[0].Mandatory || !sent[0].Confirm {
		t.Errorf("published reply_to %q correlation_id %q mandatory %v confirm %v; want %q %q true true",
			sent[0].ReplyTo, sent[0].CorrelationID, sent[0].Mandatory, sent[0].Confirm, q.Name, res.ID())
	}
	if err := checkWellFormed(&sent[0]); err != nil {
		t.Error(err)
	}
	f.reply(jsonReply(res.ID(), `{"task_id": "x", "status": "SUCCESS", "result": 5, "traceback": null, "children": []}`))
	if v, err := res.Wait(context.Background()); v != 5 || err != nil {
		t.Errorf("Wait = %v, %v; want 5", v, err)
	}
	if _, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"}); err != nil {
		t.Fatal(err)
	}
	if n := f.consumeCalls(); n != 1 {
		t.Errorf("Consume called %d times for two calls, want once", n)
	}
}

// TestManyCallsInFlight runs 1,000 calls from 32 goroutines against a fake
// worker that answers in its own order, with STARTED before each result:
// every call gets its own result.
func TestManyCallsInFlight(t *testing.T) {
	_, f, _ := newCaller(t)
	w := &fakeWorker{tasks: make(chan *runtime.Publishing, 1000)}
	p := runtime.NewProducer(w)
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		w.run(f, 1000)
	}()

	celerytest.ManyCalls(t, 32, 1000, func(i int) error {
		res, err := Call[int](context.Background(), p, f, Task{Name: "kg.add", Args: []any{i, 1000}})
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if v, err := res.Wait(ctx); err != nil || v != i+1000 {
			return fmt.Errorf("call %d: got %d, %v", i, v, err)
		}
		return nil
	})
	<-workerDone
	if n := awaitedCalls(f); n != 0 {
		t.Errorf("%d calls still awaited", n)
	}
}

// fakeWorker is a Transport that takes each task and answers it, in
// batches shuffled out of order, with STARTED and then SUCCESS (x + y).
type fakeWorker struct {
	tasks chan *runtime.Publishing
}

func (w *fakeWorker) Publish(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	w.tasks <- msg
	return runtime.Settled(nil)
}
func (w *fakeWorker) Declare(context.Context, runtime.Entity) error { return nil }
func (w *fakeWorker) MaybeDeclare(context.Context, runtime.Entity) (bool, error) {
	return true, nil
}

func (w *fakeWorker) run(f *fakeReplies, n int) {
	var batch []*runtime.Publishing
	answer := func() {
		rand.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
		for _, msg := range batch {
			var body []any
			consume.Decode(msg.Properties, msg.Body, &body)
			args := body[0].([]any)
			id := TaskID(msg.CorrelationID)
			f.reply(jsonReply(id, `{"status": "STARTED", "result": {"pid": 1}}`))
			f.reply(jsonReply(id, fmt.Sprintf(`{"status": "SUCCESS", "result": %v}`, args[0].(float64)+args[1].(float64))))
		}
		batch = batch[:0]
	}
	for range n {
		batch = append(batch, <-w.tasks)
		if len(batch) == 16 || len(w.tasks) == 0 {
			answer()
		}
	}
	answer()
}

func TestRepliesInEverySerializer(t *testing.T) {
	for _, ser := range []string{"json", "msgpack", "yaml"} {
		t.Run(ser, func(t *testing.T) {
			p, f, _ := newCaller(t)
			type info struct {
				Width int    `json:"width" msgpack:"width" yaml:"width"`
				Name  string `json:"name" msgpack:"name" yaml:"name"`
			}
			res, err := Call[info](context.Background(), p, f, Task{Name: "kg.info"})
			if err != nil {
				t.Fatal(err)
			}
			fail, err := Call[info](context.Background(), p, f, Task{Name: "kg.fail"})
			if err != nil {
				t.Fatal(err)
			}
			s, err := consume.Serializer(ser)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []struct {
				id   TaskID
				body map[string]any
			}{
				{res.ID(), map[string]any{"task_id": string(res.ID()), "status": "SUCCESS", "result": map[string]any{"width": 640, "name": "cat"}, "traceback": nil, "children": []any{}}},
				{fail.ID(), map[string]any{"task_id": string(fail.ID()), "status": "FAILURE", "result": map[string]any{"exc_type": "KeyError", "exc_message": []any{"k", 2}, "exc_module": "builtins"}, "traceback": "Traceback...", "children": []any{}}},
			} {
				body, err := s.Marshal(r.body)
				if err != nil {
					t.Fatal(err)
				}
				f.reply(delivery{Properties: runtime.Properties{ContentType: s.ContentType(), ContentEncoding: s.ContentEncoding(), CorrelationID: string(r.id)}, Body: body})
			}
			if v, err := res.Wait(context.Background()); err != nil || v != (info{640, "cat"}) {
				t.Errorf("Wait = %+v, %v", v, err)
			}
			_, err = fail.Wait(context.Background())
			var te *TaskError
			if !errors.As(err, &te) || te.Type != "KeyError" || te.Message != "('k', 2)" || te.Traceback != "Traceback..." {
				t.Errorf("Wait = %v (%+v), want KeyError ('k', 2)", err, te)
			}
		})
	}
}

func TestReplyRouting(t *testing.T) {
	p, f, _ := newCaller(t)
	ctx := context.Background()
	first, err := Call[string](ctx, p, f, Task{Name: "kg.echo"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Call[string](ctx, p, f, Task{Name: "kg.echo"})
	if err != nil {
		t.Fatal(err)
	}
	// A reply without a correlation_id is routed by its task_id, as
	// Celery does; a reply no call awaits is dropped; custom states are
	// not the result.
	noCorrelation := jsonReply("", fmt.Sprintf(`{"task_id": %q, "status": "SUCCESS", "result": "second"}`, second.ID()))
	f.reply(jsonReply(first.ID(), `{"status": "PROGRESS", "result": {"done": 50}}`))
	f.reply(jsonReply("someone-else", `{"status": "SUCCESS", "result": "not ours"}`))
	f.reply(noCorrelation)
	f.reply(jsonReply(first.ID(), `{"status": "SUCCESS", "result": "first"}`))
	if v, err := first.Wait(ctx); v != "first" || err != nil {
		t.Errorf("first: %q, %v", v, err)
	}
	if v, err := second.Wait(ctx); v != "second" || err != nil {
		t.Errorf("second: %q, %v", v, err)
	}
	// A second reply for a finished call changes nothing.
	f.reply(jsonReply(first.ID(), `{"status": "SUCCESS", "result": "again"}`))
	if v, _ := first.Wait(ctx); v != "first" {
		t.Errorf("first after a repeated reply: %q", v)
	}
}

func TestWaitGivesUpAndWaitsAgain(t *testing.T) {
	p, f, _ := newCaller(t)
	res, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := res.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a cancelled context = %v", err)
	}
	f.reply(jsonReply(res.ID(), `{"status": "SUCCESS", "result": 7}`))
	if v, err := res.Wait(context.Background()); v != 7 || err != nil {
		t.Errorf("Wait again = %v, %v", v, err)
	}
}

func TestUndecodableReply(t *testing.T) {
	p, f, _ := newCaller(t)
	res, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"})
	if err != nil {
		t.Fatal(err)
	}
	wrongType, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"})
	if err != nil {
		t.Fatal(err)
	}
	f.reply(delivery{Properties: runtime.Properties{ContentType: "application/x-python-serialize", CorrelationID: string(res.ID())}, Body: []byte("\x80\x04")})
	f.reply(jsonReply(wrongType.ID(), `{"status": "SUCCESS", "result": "five"}`))
	if _, err := res.Wait(context.Background()); err == nil || !strings.Contains(err.Error(), "undecodable reply") {
		t.Errorf("pickled reply: Wait = %v", err)
	}
	if _, err := wrongType.Wait(context.Background()); err == nil || !strings.Contains(err.Error(), "decode result") {
		t.Errorf("result of another type: Wait = %v", err)
	}
}

// TestConsumingEnds: when the transport stops consuming the reply queue
// (it was closed), no reply can come: waiting calls fail at once with
// ErrResultLost, and the next Call consumes a new reply queue.
func TestConsumingEnds(t *testing.T) {
	p, f, _ := newCaller(t)
	res, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"})
	if err != nil {
		t.Fatal(err)
	}
	first := f.queue.Name
	f.end()
	if _, err := res.Wait(context.Background()); !errors.Is(err, ErrResultLost) {
		t.Errorf("Wait = %v, want ErrResultLost", err)
	}
	again, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.consumeCalls(); n != 2 || f.queue.Name == first {
		t.Errorf("Consume called %d times, reply queue %q; want a second queue", n, f.queue.Name)
	}
	f.reply(jsonReply(again.ID(), `{"status": "SUCCESS", "result": 3}`))
	if v, err := again.Wait(context.Background()); v != 3 || err != nil {
		t.Errorf("Wait = %v, %v", v, err)
	}
}

func TestCallRefusals(t *testing.T) {
	p, f, rb := newCaller(t)
	ctx := context.Background()
	if _, err := Call[int](ctx, p, f, Task{Name: "kg.add"}, WithIgnoreResult(true)); !errors.Is(err, runtime.ErrInvalidMessage) {
		t.Errorf("Call with ignore_result = %v, want ErrInvalidMessage", err)
	}
	if n := f.consumeCalls(); n != 0 {
		t.Errorf("an invalid Call consumed the reply queue")
	}
	if _, err := Call[int](ctx, p, f, Task{Name: "kg.add"}, WithTaskID("same")); err != nil {
		t.Fatal(err)
	}
	if _, err := Call[int](ctx, p, f, Task{Name: "kg.add"}, WithTaskID("same")); !errors.Is(err, runtime.ErrInvalidMessage) {
		t.Errorf("a second Call awaiting the same id = %v, want ErrInvalidMessage", err)
	}
	if n := len(rb.Published()); n != 1 {
		t.Errorf("%d published, want 1", n)
	}

	f2 := &fakeReplies{failWith: errors.New("no consumer for you")}
	t.Cleanup(f2.end)
	if _, err := Call[int](ctx, p, f2, Task{Name: "kg.add"}); err == nil || !strings.Contains(err.Error(), "no consumer for you") {
		t.Errorf("Call when the reply queue cannot be consumed = %v", err)
	}
	if n := len(rb.Published()); n != 1 {
		t.Errorf("%d published, want nothing more when no reply could be received", n)
	}
	f2.mu.Lock()
	f2.failWith = nil
	f2.mu.Unlock()
	if _, err := Call[int](ctx, p, f2, Task{Name: "kg.add"}); err != nil {
		t.Errorf("Call once the reply queue can be consumed = %v", err)
	}
}

// TestFailedPublishIsNotAwaited: a Call whose publish fails leaves nothing
// waiting.
func TestFailedPublishIsNotAwaited(t *testing.T) {
	_, f, _ := newCaller(t)
	// No queue takes the task: a mandatory task comes back.
	p := runtime.NewProducer(&tape{err: &runtime.ReturnError{}}, runtime.WithRetry(runtime.NoRetry))
	_, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"})
	if !errors.Is(err, runtime.ErrUnroutable) {
		t.Fatalf("Call to a queue that does not exist = %v, want ErrUnroutable", err)
	}
	if n := awaitedCalls(f); n != 0 {
		t.Errorf("%d calls awaited after a failed publish", n)
	}
}

// TestDroppedResultIsForgotten: a Result dropped before its reply stops
// being waited for once it is garbage collected.
func TestDroppedResultIsForgotten(t *testing.T) {
	p, f, _ := newCaller(t)
	for range 10 {
		if _, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"}); err != nil {
			t.Fatal(err)
		}
	}
	for range 100 {
		goruntime.GC()
		if awaitedCalls(f) == 0 {
			return
		}
		goruntime.Gosched()
	}
	t.Error("dropped Results are still awaited after 100 collections")
}

// TestConcurrentFirstCallsSubscribeOnce: calls that start together share
// one subscription.
func TestConcurrentFirstCallsSubscribeOnce(t *testing.T) {
	p, f, _ := newCaller(t)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Call[int](context.Background(), p, f, Task{Name: "kg.add"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.consumeCalls(); n != 1 {
		t.Errorf("Consume called %d times, want once", n)
	}
}
