package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/bench"
	"github.com/kombugen/kombugen/bench/benchmsg"
	"github.com/kombugen/kombugen/runtime"
)

// fanOut runs send in workers goroutines that share n messages and returns
// the first error.
func fanOut(n, workers int, send func(count int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		share := n / workers
		if w < n%workers {
			share++
		}
		wg.Go(func() { errs[w] = send(share) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// handPublisher is the baseline: careful code written with amqp091-go
// alone. Unconfirmed, one goroutine publishes on one channel. Confirmed,
// -concurrency goroutines share one confirm-mode channel, each publishing
// with PublishWithDeferredConfirmWithContext and waiting on its deferred
// confirm. Async, one goroutine publishes on that channel with deferred
// confirms, keeping up to -window of them in flight: when the window is
// full it waits on the oldest. Every message is prepared by
// bench.Handwritten: json.Marshal of the same struct, the same properties
// and compression as generated code.
type handPublisher struct {
	conn        *amqp.Connection
	plain       *amqp.Channel
	confirm     *amqp.Channel
	concurrency int
	window      int

	mu    sync.Mutex
	preps map[string]*bench.Handwritten
}

func newHandPublisher(url string, concurrency, window int) (*handPublisher, error) {
	h := &handPublisher{concurrency: concurrency, window: window, preps: map[string]*bench.Handwritten{}}
	if err := h.redial(url); err != nil {
		return nil, err
	}
	return h, nil
}

// redial opens the connection and its two channels, closing any before.
func (h *handPublisher) redial(url string) error {
	if h.conn != nil {
		h.conn.Close()
	}
	conn, err := amqp.Dial(url)
	if err != nil {
		return err
	}
	plain, err := conn.Channel()
	if err != nil {
		conn.Close()
		return err
	}
	confirm, err := conn.Channel()
	if err == nil {
		err = confirm.Confirm(false)
	}
	if err != nil {
		conn.Close()
		return err
	}
	h.conn, h.plain, h.confirm = conn, plain, confirm
	return nil
}

func (h *handPublisher) name() string { return implHand }

func (h *handPublisher) prep(compression string) (*bench.Handwritten, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p, ok := h.preps[compression]; ok {
		return p, nil
	}
	p, err := bench.NewHandwritten(compression)
	if err != nil {
		return nil, err
	}
	h.preps[compression] = p
	return p, nil
}

func (h *handPublisher) publish(ctx context.Context, c *cell, n int, start func()) error {
	prep, err := h.prep(c.compression)
	if err != nil {
		return err
	}
	switch c.mode {
	case unconfirmed:
		start()
		for range n {
			msg, err := c.payload.PrepareHandwritten(prep)
			if err != nil {
				return err
			}
			if err := h.plain.PublishWithContext(ctx, benchExchange, benchRoutingKey, false, false, msg); err != nil {
				return err
			}
		}
		return nil
	case async:
		return h.publishAsync(ctx, prep, c, n, start)
	}
	start()
	return fanOut(n, h.concurrency, func(count int) error {
		for range count {
			if err := h.confirmOne(ctx, prep, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// confirmOne publishes one message on the confirm-mode channel and waits
// for its confirm.
func (h *handPublisher) confirmOne(ctx context.Context, prep *bench.Handwritten, c *cell) error {
	msg, err := c.payload.PrepareHandwritten(prep)
	if err != nil {
		return err
	}
	dc, err := h.confirm.PublishWithDeferredConfirmWithContext(ctx, benchExchange, benchRoutingKey, false, false, msg)
	if err != nil {
		return err
	}
	acked, err := dc.WaitContext(ctx)
	if err != nil {
		return err
	}
	if !acked {
		return errors.New("message nacked")
	}
	return nil
}

// sendConfirmed publishes one message of c and waits for its confirm.
func (h *handPublisher) sendConfirmed(ctx context.Context, c *cell) error {
	prep, err := h.prep(c.compression)
	if err != nil {
		return err
	}
	return h.confirmOne(ctx, prep, c)
}

// publishAsync publishes n messages from this goroutine, keeping up to
// h.window deferred confirms in flight in a ring: before a message takes
// the slot of the one published h.window before it, that one's confirm is
// waited for. Nacks are counted, and reported once all are in.
func (h *handPublisher) publishAsync(ctx context.Context, prep *bench.Handwritten, c *cell, n int, start func()) error {
	if n == 0 {
		start()
		return nil
	}
	ring := make([]*amqp.DeferredConfirmation, min(h.window, n))
	nacked := 0
	wait := func(dc *amqp.DeferredConfirmation) error {
		acked, err := dc.WaitContext(ctx)
		if err == nil && !acked {
			nacked++
		}
		return err
	}
	start()
	for i := range n {
		slot := i % len(ring)
		if i >= len(ring) {
			if err := wait(ring[slot]); err != nil {
				return err
			}
		}
		msg, err := c.payload.PrepareHandwritten(prep)
		if err != nil {
			return err
		}
		if ring[slot], err = h.confirm.PublishWithDeferredConfirmWithContext(ctx, benchExchange, benchRoutingKey, false, false, msg); err != nil {
			return err
		}
	}
	// The ones still in flight, oldest first.
	for i := max(n-len(ring), 0); i < n; i++ {
		if err := wait(ring[i%len(ring)]); err != nil {
			return err
		}
	}
	if nacked > 0 {
		return fmt.Errorf("%d of %d messages nacked", nacked, n)
	}
	return nil
}

func (h *handPublisher) settle() error { return nil }
func (h *handPublisher) close()        { h.conn.Close() }

// genPublisher publishes through the generated BenchProducer on a
// runtime.Conn with Dial's default settings: unconfirmed from one
// goroutine; confirmed from -concurrency goroutines calling the same
// producer, each waiting for its own confirm as generated Publish does;
// async from one goroutine calling the generated PublishXAsync, keeping
// every confirmation and waiting for them all at the end.
type genPublisher struct {
	conn        *runtime.Conn
	concurrency int
	producers   map[string]*benchmsg.BenchProducer
}

func newGenPublisher(conn *runtime.Conn, concurrency int) *genPublisher {
	return &genPublisher{conn: conn, concurrency: concurrency, producers: map[string]*benchmsg.BenchProducer{}}
}

func (g *genPublisher) name() string { return implGen }

// producer returns the producer for c's compression and mode, made once:
// a long-running service makes its producer at start.
func (g *genPublisher) producer(c *cell) *benchmsg.BenchProducer {
	key := c.compression + "/" + string(c.mode)
	p, ok := g.producers[key]
	if !ok {
		p = benchmsg.NewBenchProducer(g.conn, bench.ProducerOptions(c.compression, c.mode != unconfirmed)...)
		g.producers[key] = p
	}
	return p
}

func (g *genPublisher) publish(ctx context.Context, c *cell, n int, start func()) error {
	p := g.producer(c)
	switch c.mode {
	case unconfirmed:
		start()
		for range n {
			if err := c.payload.Publish(ctx, p); err != nil {
				return err
			}
		}
		return nil
	case async:
		confs := make([]*runtime.Confirmation, n)
		start()
		for i := range confs {
			confs[i] = c.payload.PublishAsync(ctx, p)
		}
		var failed int
		var first error
		for _, conf := range confs {
			if err := conf.Wait(ctx); err != nil {
				failed++
				if first == nil {
					first = err
				}
			}
		}
		if failed > 0 {
			return fmt.Errorf("%d of %d publishes failed, the first with: %w", failed, n, first)
		}
		return nil
	}
	start()
	return fanOut(n, g.concurrency, func(count int) error {
		for range count {
			if err := c.payload.Publish(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// sendConfirmed publishes one message of c with the generated PublishX,
// which waits for its confirm.
func (g *genPublisher) sendConfirmed(ctx context.Context, c *cell) error {
	return c.payload.Publish(ctx, g.producer(c))
}

func (g *genPublisher) settle() error { return nil }
func (g *genPublisher) close()        { g.conn.Close() }

// inMode runs a publisher in another mode than its cell's: an async cell
// measures the hand-written confirmed and unconfirmed runs beside the
// async ones, in the same rounds.
type inMode struct {
	publisher
	mode mode
}

func (p inMode) name() string { return p.publisher.name() + " " + string(p.mode) }

func (p inMode) publish(ctx context.Context, c *cell, n int, start func()) error {
	return p.publisher.publish(ctx, c.in(p.mode), n, start)
}

// runMode returns the mode p publishes in within cell c.
func runMode(p publisher, c *cell) mode {
	if m, ok := p.(inMode); ok {
		return m.mode
	}
	return c.mode
}

// kombuPublisher runs bench/kombu_bench.py once per run: Python starts,
// connects and declares before the clock starts, then publishes the same
// JSON value with kombu's Producer (serializer json, the cell's compression,
// persistent, the same header). kombu confirms only one message at a time
// (transport option confirm_publish), so a confirmed run is one thread
// waiting for each confirm, and it has no async mode. The client CPU of a
// kombu run is the Python process's, from ready to done.
type kombuPublisher struct {
	python, script, url string

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer
	// cpu is the CPU time the script used publishing in its last run;
	// cpuOK is false when it could not be read.
	cpu   time.Duration
	cpuOK bool
}

func (k *kombuPublisher) name() string { return implKombu }

func (k *kombuPublisher) publish(ctx context.Context, c *cell, n int, start func()) (err error) {
	if c.mode == async {
		return errors.New("kombu has no asynchronous publish")
	}
	k.cpuOK = false
	args := []string{k.script, "--url", k.url, "--body", c.bodyFile, "--count", strconv.Itoa(n),
		"--exchange", benchExchange, "--routing-key", benchRoutingKey, "--compression", c.compression}
	if c.mode == confirmed {
		args = append(args, "--confirm")
	}
	cmd := exec.CommandContext(ctx, k.python, args...)
	k.stderr = new(bytes.Buffer)
	cmd.Stderr = k.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	k.cmd, k.stdin = cmd, stdin
	defer func() {
		if err != nil {
			// Closing stdin alone would let a waiting script publish.
			cmd.Process.Kill()
		}
	}()
	lines := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if err := k.expect(ctx, lines, `{"ready": true}`); err != nil {
		return err
	}
	cpu0, err0 := procCPU(cmd.Process.Pid)
	start()
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		return err
	}
	if err := k.expect(ctx, lines, `{"done": true}`); err != nil {
		return err
	}
	cpu1, err1 := procCPU(cmd.Process.Pid)
	k.cpu, k.cpuOK = cpu1-cpu0, err0 == nil && err1 == nil
	return nil
}

// ownCPU returns the CPU time the script used in its last run: kombu
// publishes in a process of its own, whose time the bench process's does
// not include.
func (k *kombuPublisher) ownCPU() (time.Duration, bool) { return k.cpu, k.cpuOK }

// expect waits for the script to print want.
func (k *kombuPublisher) expect(ctx context.Context, lines <-chan string, want string) error {
	select {
	case line, ok := <-lines:
		if !ok {
			return fmt.Errorf("kombu_bench.py ended before printing %s", want)
		}
		if line != want {
			return fmt.Errorf("kombu_bench.py printed %q, want %s", line, want)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// settle waits for the script to exit and reports how it ended.
func (k *kombuPublisher) settle() error {
	if k.cmd == nil {
		return nil
	}
	cmd := k.cmd
	k.cmd = nil
	k.stdin.Close()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("kombu_bench.py: %w: %s", err, strings.TrimSpace(k.stderr.String()))
	}
	return nil
}

func (k *kombuPublisher) close() { k.settle() }
