// Package celerytest runs real Celery workers for tests: Debian's
// python3-celery under /usr/bin/python3, started on a task module, ready
// when its log says so, stopped when the test ends.
//
// Worker tests are a tier of their own: they run only when
// KOMBUGEN_CELERY_TESTS is set (scripts/test.sh sets it), so that go test
// ./... stays fast. When it is set and Python's Celery or the broker is
// missing, a test fails under CI and is skipped elsewhere, as
// internal/brokertest does.
package celerytest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
)

// EnvVar turns the worker tests on.
const EnvVar = "KOMBUGEN_CELERY_TESTS"

// Python is the interpreter with Debian's python3-celery.
const Python = "/usr/bin/python3"

// InstallHint says how to get what the workers need.
const InstallHint = "apt-get install -y python3-celery python3-msgpack python3-yaml python3-brotli python3-zstandard"

// readyTimeout bounds a worker's start; one is ready in 1-6 s.
const readyTimeout = 90 * time.Second

// Require skips tb unless the worker tests were asked for, and then
// requires Python's Celery and the broker.
func Require(tb testing.TB) {
	tb.Helper()
	if os.Getenv(EnvVar) == "" {
		tb.Skipf("Celery worker tests are off; set %s=1 to run them", EnvVar)
	}
	if out, err := exec.Command(Python, "-c", "import celery").CombinedOutput(); err != nil {
		brokertest.Unavailable(tb, "Python's Celery is missing (%v: %s); %s", err, strings.TrimSpace(string(out)), InstallHint)
	}
	brokertest.Require(tb)
}

// HasModule reports whether Python can import module (zstandard, say).
func HasModule(module string) bool {
	return exec.Command(Python, "-c", "import "+module).Run() == nil
}

// Config says how to run a worker.
type Config struct {
	// Dir holds the task module; the worker runs there.
	Dir string
	// App is the module (or module:app) given to celery -A.
	App string
	// Queues are the queues the worker consumes.
	Queues []string
	// Pool is the execution pool: solo (the default) or prefork.
	Pool string
	// Concurrency is the number of pool processes (prefork).
	Concurrency int
	// Env is added to the worker's environment. KG_BROKER is set to the
	// broker's URL.
	Env []string
}

// Worker is a running Celery worker.
type Worker struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and its log is read

	mu      sync.Mutex
	log     strings.Builder
	grew    chan struct{} // closed, and replaced, when a line is added to log
	stopped bool
}

// Start starts a worker and returns once its log says it is ready. The
// worker is stopped when tb ends.
func Start(tb testing.TB, cfg Config) *Worker {
	tb.Helper()
	pool := cfg.Pool
	if pool == "" {
		pool = "solo"
	}
	args := []string{"-m", "celery", "-A", cfg.App, "worker", "-P", pool,
		"-Q", strings.Join(cfg.Queues, ","), "-n", "kombugen-" + strconv.Itoa(os.Getpid()) + "-" + cfg.Queues[0] + "@%h",
		"--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"}
	if cfg.Concurrency > 0 {
		args = append(args, "-c", strconv.Itoa(cfg.Concurrency))
	}
	cmd := exec.Command(Python, args...)
	cmd.Dir = cfg.Dir
	cmd.Env = append(append(os.Environ(), "KG_BROKER="+brokertest.URL()), cfg.Env...)
	// A group of its own, so that Stop reaches the prefork pool too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start a Celery worker: %v", err)
	}
	w := &Worker{cmd: cmd, done: make(chan struct{}), grew: make(chan struct{})}
	ready := make(chan struct{})
	go w.read(out, ready)
	tb.Cleanup(w.Stop)

	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case <-ready:
		return w
	case <-w.done:
		tb.Fatalf("the Celery worker exited before it was ready:\n%s", w.Log())
	case <-timer.C:
		w.Stop()
		tb.Fatalf("the Celery worker was not ready after %s:\n%s", readyTimeout, w.Log())
	}
	return nil
}

// read keeps the worker's log until the process ends, and closes ready at
// its " ready." line.
func (w *Worker) read(out io.Reader, ready chan struct{}) {
	defer close(w.done)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	signalled := false
	for sc.Scan() {
		line := sc.Text()
		w.mu.Lock()
		w.log.WriteString(line)
		w.log.WriteByte('\n')
		close(w.grew)
		w.grew = make(chan struct{})
		w.mu.Unlock()
		if !signalled && strings.Contains(line, " ready.") {
			signalled = true
			close(ready)
		}
	}
	io.Copy(io.Discard, out)
	w.cmd.Wait()
}

// Log returns what the worker logged so far.
func (w *Worker) Log() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.log.String()
}

// WaitLog waits until the worker's log holds s, and reports whether it
// did before ctx ended or the worker exited. The worker's log reaches the
// test through a pipe, later than what the worker sends through the
// broker: a result can arrive before the log line of a task run before it.
func (w *Worker) WaitLog(ctx context.Context, s string) bool {
	for {
		w.mu.Lock()
		found, grew := strings.Contains(w.log.String(), s), w.grew
		w.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-grew:
		case <-w.done:
			return strings.Contains(w.Log(), s)
		case <-ctx.Done():
			return false
		}
	}
}

// Stop stops the worker: a warm shutdown (SIGTERM), which lets a running
// task finish, and after 20 seconds SIGKILL to the worker and its pool.
// Calling it again does nothing.
func (w *Worker) Stop() {
	w.mu.Lock()
	stopped := w.stopped
	w.stopped = true
	w.mu.Unlock()
	if stopped {
		<-w.done
		return
	}
	pgid := -w.cmd.Process.Pid
	syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(20 * time.Second):
		syscall.Kill(pgid, syscall.SIGKILL)
		<-w.done
	}
	// Pool processes left behind by a worker killed hard.
	syscall.Kill(pgid, syscall.SIGKILL)
}

// RunPython runs Python with args in dir, the broker's URL in KG_BROKER
// and stdin as its input, and returns its output.
func RunPython(ctx context.Context, dir string, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, Python, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KG_BROKER="+brokertest.URL())
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w\n%s", Python, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// TasksDir is the directory of the task module the tests' workers run,
// runtime/celery/testdata/kgtasks.py, with capture.py beside it.
func TasksDir(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("celerytest: cannot tell where its source is")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "runtime", "celery", "testdata")
}

// DeleteQueues deletes each queue and the exchange of its name (Celery
// declares both for a task queue), now and again when tb ends, so that a
// test starts from what it declares itself.
func DeleteQueues(tb testing.TB, names ...string) {
	tb.Helper()
	del := func() {
		conn, err := amqp.Dial(brokertest.URL())
		if err != nil {
			return
		}
		defer conn.Close()
		ch, err := conn.Channel()
		if err != nil {
			return
		}
		for _, name := range names {
			ch.QueueDelete(name, false, false, false)
			ch.ExchangeDelete(name, false, false)
		}
	}
	del()
	tb.Cleanup(del)
}
