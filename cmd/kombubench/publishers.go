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
// alone: unconfirmed, one goroutine publishing on one channel; confirmed,
// -concurrency goroutines sharing one confirm-mode channel, each publishing
// with PublishWithDeferredConfirmWithContext and waiting on its deferred
// confirm. Every message is prepared by bench.Handwritten: json.Marshal of
// the same struct, the same properties and compression as generated code.
type handPublisher struct {
	conn        *amqp.Connection
	plain       *amqp.Channel
	confirm     *amqp.Channel
	concurrency int

	mu    sync.Mutex
	preps map[string]*bench.Handwritten
}

func newHandPublisher(url string, concurrency int) (*handPublisher, error) {
	h := &handPublisher{concurrency: concurrency, preps: map[string]*bench.Handwritten{}}
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
	if c.mode == unconfirmed {
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
	}
	start()
	return fanOut(n, h.concurrency, func(count int) error {
		for range count {
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
		}
		return nil
	})
}

func (h *handPublisher) settle() error { return nil }
func (h *handPublisher) close()        { h.conn.Close() }

// genPublisher publishes through the generated BenchProducer on a
// runtime.Conn with Dial's default settings: unconfirmed from one
// goroutine; confirmed from -concurrency goroutines calling the same
// producer, each waiting for its own confirm as generated Publish does.
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
		p = benchmsg.NewBenchProducer(g.conn, bench.ProducerOptions(c.compression, c.mode == confirmed)...)
		g.producers[key] = p
	}
	return p
}

func (g *genPublisher) publish(ctx context.Context, c *cell, n int, start func()) error {
	p := g.producer(c)
	if c.mode == unconfirmed {
		start()
		for range n {
			if err := c.payload.Publish(ctx, p); err != nil {
				return err
			}
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

func (g *genPublisher) settle() error { return nil }
func (g *genPublisher) close()        { g.conn.Close() }

// kombuPublisher runs bench/kombu_bench.py once per run: Python starts,
// connects and declares before the clock starts, then publishes the same
// JSON value with kombu's Producer (serializer json, the cell's compression,
// persistent, the same header). kombu confirms only one message at a time
// (transport option confirm_publish), so a confirmed run is one thread
// waiting for each confirm.
type kombuPublisher struct {
	python, script, url string

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer
}

func (k *kombuPublisher) name() string { return implKombu }

func (k *kombuPublisher) publish(ctx context.Context, c *cell, n int, start func()) (err error) {
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
	start()
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		return err
	}
	return k.expect(ctx, lines, `{"done": true}`)
}

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
