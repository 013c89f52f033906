package faults

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"go.uber.org/goleak"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/faultproxy"
	"github.com/kombugen/kombugen/runtime"
)

// enableVar turns the suite on.
const enableVar = "KOMBUGEN_FAULT_TESTS"

// runCommand is how to run the suite, for skip messages.
const runCommand = enableVar + "=1 go test -race -count=1 -timeout 10m -v ./faults/"

// brokerAddr is the broker's host:port, where the proxies forward to.
func brokerAddr(t testing.TB) string {
	u, err := url.Parse(brokertest.URL())
	if err != nil {
		t.Fatalf("broker URL: %v", err)
	}
	if u.Port() == "" {
		return net.JoinHostPort(u.Hostname(), "5672")
	}
	return u.Host
}

// requireFaults skips unless the suite was asked for, and checks that the
// broker answers.
func requireFaults(t testing.TB) {
	t.Helper()
	if os.Getenv(enableVar) != "1" {
		t.Skipf("fault-injection suite not enabled: it stops RabbitMQ and raises memory alarms, "+
			"disturbing other tests; run it on its own with %s", runCommand)
	}
	before := goruntime.NumGoroutine()
	brokertest.Require(t)
	// Let the check's connection wind down before anyone counts goroutines.
	waitGoroutinesSettle(before, 2*time.Second)
}

// requireRabbitmqctl checks that rabbitmqctl can control the broker: it is
// on PATH, the broker is local and answers rabbitmqctl status, whose answer
// it returns.
func requireRabbitmqctl(t testing.TB) *brokerStatus {
	t.Helper()
	if _, err := exec.LookPath("rabbitmqctl"); err != nil {
		brokertest.Unavailable(t, "rabbitmqctl not found (%v); the restart and alarm tests need it", err)
	}
	u, _ := url.Parse(brokertest.URL())
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		brokertest.Unavailable(t, "the broker at %s is not local: rabbitmqctl cannot control it", brokertest.Redacted(brokertest.URL()))
	}
	st, err := readStatus()
	if err != nil {
		brokertest.Unavailable(t, "%v", err)
	}
	return st
}

// rabbitmqctl runs rabbitmqctl with args, killing it after timeout.
func rabbitmqctl(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "rabbitmqctl", args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// brokerStatus is what the suite reads of rabbitmqctl status.
type brokerStatus struct {
	Alarms    []json.RawMessage          `json:"alarms"`
	Watermark map[string]json.RawMessage `json:"vm_memory_high_watermark_setting"`
}

func readStatus() (*brokerStatus, error) {
	out, err := rabbitmqctl(30*time.Second, "status", "--formatter", "json")
	if err != nil {
		return nil, fmt.Errorf("rabbitmqctl status: %v: %s", err, out)
	}
	// Keep only the JSON document: older versions print a banner first.
	if i := strings.Index(out, "{"); i > 0 {
		out = out[i:]
	}
	var st brokerStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		return nil, fmt.Errorf("rabbitmqctl status: %v", err)
	}
	return &st, nil
}

// memoryAlarm reports whether the broker has a memory alarm on.
func (st *brokerStatus) memoryAlarm() bool {
	for _, a := range st.Alarms {
		if bytes.Contains(a, []byte("memory")) {
			return true
		}
	}
	return false
}

// watermarkArgs returns the set_vm_memory_high_watermark arguments that set
// the watermark st shows: "0.4", or "absolute" and a number of bytes.
func (st *brokerStatus) watermarkArgs() ([]string, error) {
	value := func(raw json.RawMessage) string {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return string(raw) // a JSON number, exactly as the broker wrote it
	}
	if raw, ok := st.Watermark["relative"]; ok {
		return []string{value(raw)}, nil
	}
	if raw, ok := st.Watermark["absolute"]; ok {
		return []string{"absolute", value(raw)}, nil
	}
	return nil, fmt.Errorf("unknown vm_memory_high_watermark_setting %v", st.Watermark)
}

// waitMemoryAlarm polls the broker until its memory alarm is on (or off),
// and returns the status that showed it.
func waitMemoryAlarm(on bool, timeout time.Duration) (*brokerStatus, error) {
	deadline := time.Now().Add(timeout)
	for {
		st, err := readStatus()
		if err == nil && st.memoryAlarm() == on {
			return st, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("memory alarm not %v after %s (last error: %v)", on, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// ensureAppRunning starts the RabbitMQ application if it is stopped and
// waits for it to boot: the cleanup of anything that stops it.
func ensureAppRunning(t testing.TB) {
	t.Helper()
	if out, err := rabbitmqctl(2*time.Minute, "start_app"); err != nil {
		t.Errorf("restoring the broker: rabbitmqctl start_app: %v: %s", err, out)
	}
	if out, err := rabbitmqctl(2*time.Minute, "await_startup", "--timeout", "90"); err != nil {
		t.Errorf("restoring the broker: rabbitmqctl await_startup: %v: %s", err, out)
	}
}

var nameSeq atomic.Int64

// uniqueName returns a queue name no other test or run uses.
func uniqueName(t testing.TB, kind string) string {
	return fmt.Sprintf("kombugen.faults.%s.%s.%d.%d", strings.ReplaceAll(t.Name(), "/", "."), kind, os.Getpid(), nameSeq.Add(1))
}

// withChannel runs fn on a channel of a short-lived plain amqp091-go
// connection to the broker itself, never through a proxy.
func withChannel(fn func(ch *amqp.Channel) error) error {
	conn, err := amqp.DialConfig(brokertest.URL(), amqp.Config{Dial: amqp.DefaultDial(10 * time.Second)})
	if err != nil {
		return err
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	return fn(ch)
}

// declareQueue declares a durable classic queue, deleted when the test
// ends, and returns its runtime description for producers to declare too.
func declareQueue(t testing.TB, args amqp.Table) *runtime.Queue {
	t.Helper()
	name := uniqueName(t, "q")
	err := withChannel(func(ch *amqp.Channel) error {
		_, err := ch.QueueDeclare(name, true, false, false, false, args)
		return err
	})
	if err != nil {
		t.Fatalf("declare queue %s: %v", name, err)
	}
	t.Cleanup(func() { deleteQueue(name) })
	q := &runtime.Queue{Name: name, Durable: true}
	if args != nil {
		q.Arguments = runtime.Table(args)
	}
	return q
}

// queueDepth returns how many messages the queue holds.
func queueDepth(t testing.TB, name string) int {
	t.Helper()
	var n int
	err := withChannel(func(ch *amqp.Channel) error {
		q, err := ch.QueueDeclarePassive(name, true, false, false, false, nil)
		n = q.Messages
		return err
	})
	if err != nil {
		t.Fatalf("count queue %s: %v", name, err)
	}
	return n
}

func deleteQueue(name string) {
	withChannel(func(ch *amqp.Channel) error {
		_, err := ch.QueueDelete(name, false, false, false)
		return err
	})
}

// drained is what a queue held: how many copies of each message id.
type drained struct {
	counts map[string]int
	total  int
}

// drain consumes everything queue holds with a plain amqp091-go consumer,
// directly from the broker, and counts the copies of each message id. It
// reads until the queue's message count is reached and then nothing more
// comes for a moment.
func drain(t testing.TB, queue string) drained {
	t.Helper()
	d := drained{counts: map[string]int{}}
	err := withChannel(func(ch *amqp.Channel) error {
		if err := ch.Qos(1000, 0, false); err != nil {
			return err
		}
		q, err := ch.QueueDeclarePassive(queue, true, false, false, false, nil)
		if err != nil {
			return err
		}
		deliveries, err := ch.Consume(queue, "faults-drain", false, false, false, false, nil)
		if err != nil {
			return err
		}
		deadline := time.After(60 * time.Second)
		for {
			idle := 2 * time.Second
			if d.total >= q.Messages {
				idle = 300 * time.Millisecond
			}
			select {
			case m, ok := <-deliveries:
				if !ok {
					return errors.New("consumer closed")
				}
				id := m.MessageId
				if id == "" {
					id = string(m.Body)
				}
				d.counts[id]++
				d.total++
				if d.total%500 == 0 {
					if err := m.Ack(true); err != nil {
						return err
					}
				}
			case <-time.After(idle):
				if d.total >= q.Messages {
					return ch.Cancel("faults-drain", false)
				}
				// Keep waiting up to the deadline: the count said more.
			case <-deadline:
				return fmt.Errorf("drained %d of %d messages in 60s", d.total, q.Messages)
			}
		}
	})
	if err != nil {
		t.Fatalf("drain %s: %v", queue, err)
	}
	return d
}

// logCounter is a slog handler that counts the Conn's log records by
// message and keeps the latest ones for failure reports.
type logCounter struct {
	mu     sync.Mutex
	counts map[string]int
	recent []string
}

func newLogCounter() *logCounter { return &logCounter{counts: map[string]int{}} }

func (c *logCounter) Enabled(context.Context, slog.Level) bool { return true }

func (c *logCounter) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", r.Time.Format("15:04:05.000"), r.Level, r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[r.Message]++
	c.recent = append(c.recent, b.String())
	if len(c.recent) > 40 {
		c.recent = c.recent[len(c.recent)-40:]
	}
	return nil
}

func (c *logCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCounter) WithGroup(string) slog.Handler      { return c }

func (c *logCounter) count(msg string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[msg]
}

func (c *logCounter) tail() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.recent, "\n")
}

// connects counts the Conn's connections made, the first included.
func (c *logCounter) connects() int { return c.count("kombugen: connected") }

// env is one test's surroundings: the goroutines before it began, the
// proxies to close before counting them again, the Conn's log.
type env struct {
	t       *testing.T
	before  int
	leakOpt goleak.Option
	closers []func()
	log     *logCounter
}

// newEnv skips unless the suite is enabled and takes the goroutine
// baseline: nothing of amqp091-go or of the runtime runs yet.
func newEnv(t *testing.T) *env {
	t.Helper()
	requireFaults(t)
	// Let what earlier tests and checks left winding down (amqp091-go's
	// goroutines of closed connections) end, for a clean baseline.
	if err := goleak.Find(); err != nil {
		t.Logf("goroutines still running before the test begins: %v", err)
	}
	e := &env{t: t, before: goruntime.NumGoroutine(), leakOpt: goleak.IgnoreCurrent(), log: newLogCounter()}
	t.Cleanup(e.closeAll)
	return e
}

// proxy starts a loopback proxy to the broker, closed before the
// goroutines are counted again.
func (e *env) proxy() *faultproxy.Proxy {
	e.t.Helper()
	return e.proxyTo(brokerAddr(e.t))
}

// proxyTo starts a loopback proxy to target.
func (e *env) proxyTo(target string) *faultproxy.Proxy {
	e.t.Helper()
	p, err := faultproxy.Start(target)
	if err != nil {
		e.t.Fatalf("start proxy: %v", err)
	}
	e.closers = append(e.closers, p.Close)
	return p
}

// dial connects a Conn logging into e.log, closed before the goroutines
// are counted again.
func (e *env) dial(url, name string, opts ...runtime.DialOption) *runtime.Conn {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	opts = append([]runtime.DialOption{
		runtime.WithLogger(slog.New(e.log)),
		runtime.WithConnectionName("kombugen-faults-" + name),
		runtime.WithConnectTimeout(3 * time.Second),
	}, opts...)
	c, err := runtime.Dial(ctx, url, opts...)
	if err != nil {
		e.t.Fatalf("Dial %s: %v", brokertest.Redacted(url), err)
	}
	// Conns close before proxies: closers run last in, first out.
	e.closers = append(e.closers, func() { c.Close() })
	return c
}

// closeAll closes the Conns and proxies, newest first.
func (e *env) closeAll() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// goroutinesAfter closes everything and waits for the goroutine count to
// come back to the baseline, returning the count. goleak then names any
// goroutine that outlived the test.
func (e *env) goroutinesAfter() int {
	e.t.Helper()
	e.closeAll()
	after := waitGoroutinesSettle(e.before, 10*time.Second)
	if after > e.before {
		e.t.Errorf("goroutines: %d before dialing, %d after Close", e.before, after)
	}
	if err := goleak.Find(e.leakOpt); err != nil {
		e.t.Errorf("goroutines left running after Close: %v", err)
	}
	return after
}

// waitGoroutinesSettle waits up to timeout for the goroutine count to drop
// to at most target, and returns the last count.
func waitGoroutinesSettle(target int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for {
		n := goruntime.NumGoroutine()
		if n <= target || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// errorKind names the class of a publish error.
func errorKind(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "ctx"
	case errors.Is(err, runtime.ErrAccessRefused):
		return "403"
	case errors.Is(err, runtime.ErrNotFound):
		return "404"
	case errors.Is(err, runtime.ErrPreconditionFailed):
		return "406"
	case errors.Is(err, runtime.ErrConfirmLost):
		return "confirm-lost"
	case errors.Is(err, runtime.ErrUnreachable):
		return "unreachable"
	case errors.Is(err, runtime.ErrConnectionLost):
		return "connection-lost"
	case errors.Is(err, runtime.ErrClosed):
		return "closed"
	case errors.Is(err, runtime.ErrBlocked):
		return "blocked"
	case errors.Is(err, runtime.ErrNacked):
		return "nacked"
	}
	return "other"
}

// kinds formats a count by kind, sorted: "confirm-lost=3 ctx=1".
func kinds(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// recorder is a Transport that records the attempts a producer makes.
type recorder struct {
	runtime.Transport
	mu        sync.Mutex
	publishes []time.Time
	errs      []error
}

func newRecorder(t runtime.Transport) *recorder {
	return &recorder{Transport: t}
}

func (r *recorder) Publish(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	r.mu.Lock()
	r.publishes = append(r.publishes, time.Now())
	r.mu.Unlock()
	c := r.Transport.Publish(ctx, msg)
	<-c.Done()
	err := c.Err()
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
	return c
}

// take returns the times and errors of the publishes made so far, and
// forgets them.
func (r *recorder) take() ([]time.Time, []error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, e := r.publishes, r.errs
	r.publishes, r.errs = nil, nil
	return p, e
}

// handshakeCutter is a loopback proxy to the broker that cuts the
// handshakes of new connections as planned: right after the client's
// connection.start-ok (before the broker's answer), the moment a network cut
// looks to amqp091-go like refused credentials; or right after the client's
// connection.open, when it looks like a vhost refused.
type handshakeCutter struct {
	ln     net.Listener
	target string
	cut    atomic.Int64 // handshakes cut
	wg     sync.WaitGroup

	mu    sync.Mutex
	plan  []cutStage // the next connections' fates
	conns map[net.Conn]struct{}
}

// cutStage is where a handshake is cut.
type cutStage int

const (
	afterStartOK cutStage = iota
	afterOpen
)

// handshakeCutter starts one, closed before the goroutines are counted.
func (e *env) handshakeCutter() *handshakeCutter {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	h := &handshakeCutter{ln: ln, target: brokerAddr(e.t), conns: map[net.Conn]struct{}{}}
	h.wg.Add(1)
	go h.accept()
	e.closers = append(e.closers, h.close)
	return h
}

func (h *handshakeCutter) addr() string { return h.ln.Addr().String() }

// arm makes the next new connections' handshakes be cut, one per stage.
func (h *handshakeCutter) arm(stages ...cutStage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.plan = append(h.plan, stages...)
}

func (h *handshakeCutter) accept() {
	defer h.wg.Done()
	for {
		c, err := h.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", h.target)
		if err != nil {
			c.Close()
			continue
		}
		h.mu.Lock()
		h.conns[c], h.conns[s] = struct{}{}, struct{}{}
		cut := len(h.plan) > 0
		var stage cutStage
		if cut {
			stage, h.plan = h.plan[0], h.plan[1:]
		}
		h.mu.Unlock()
		if cut {
			h.wg.Add(1)
			go h.cutHandshake(c, s, stage)
			continue
		}
		h.wg.Add(2)
		go h.pipe(c, s)
		go h.pipe(s, c)
	}
}

// pipe copies src to dst and closes both when either end does.
func (h *handshakeCutter) pipe(dst, src net.Conn) {
	defer h.wg.Done()
	io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// cutHandshake relays the handshake frame by frame up to stage, then closes
// both ends: header, start, start-ok | tune, tune-ok, open.
func (h *handshakeCutter) cutHandshake(c, s net.Conn, stage cutStage) {
	defer h.wg.Done()
	defer c.Close()
	defer s.Close()
	relay := func(dst, src net.Conn, header bool) bool {
		var buf []byte
		if header {
			buf = make([]byte, 8) // "AMQP" 0 0 9 1
			if _, err := io.ReadFull(src, buf); err != nil {
				return false
			}
		} else {
			head := make([]byte, 7)
			if _, err := io.ReadFull(src, head); err != nil {
				return false
			}
			rest := make([]byte, int(binary.BigEndian.Uint32(head[3:7]))+1)
			if _, err := io.ReadFull(src, rest); err != nil {
				return false
			}
			buf = append(head, rest...)
		}
		_, err := dst.Write(buf)
		return err == nil
	}
	ok := relay(s, c, true) && relay(c, s, false) && relay(s, c, false)
	if ok && stage == afterOpen {
		ok = relay(c, s, false) && relay(s, c, false) && relay(s, c, false)
	}
	if ok {
		h.cut.Add(1)
	}
}

func (h *handshakeCutter) close() {
	h.ln.Close()
	h.mu.Lock()
	for c := range h.conns {
		c.Close()
	}
	h.mu.Unlock()
	h.wg.Wait()
}
