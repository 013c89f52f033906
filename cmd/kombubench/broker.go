package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/bench"
	"github.com/kombugen/kombugen/bench/benchmsg"
	"github.com/kombugen/kombugen/runtime"
)

// mode is how a run publishes: without confirms from one goroutine; with a
// confirm awaited per message from -concurrency goroutines; or
// asynchronously from one goroutine, many confirms in flight.
type mode string

const (
	unconfirmed mode = "unconfirmed"
	confirmed   mode = "confirmed"
	async       mode = "async"
)

var allModes = []string{string(unconfirmed), string(confirmed), string(async)}

// The implementations, as tables name them.
const (
	implHand  = "hand-written"
	implGen   = "generated"
	implKombu = "kombu"
)

// The references an async cell runs beside the async publishers, as tables
// name them (see inMode).
var (
	refConfirmed   = implHand + " " + string(confirmed)
	refUnconfirmed = implHand + " " + string(unconfirmed)
)

// Where every implementation publishes: the bench schema's exchange, routing
// key and queue.
const (
	benchExchange   = "kombubench"
	benchRoutingKey = "bench"
	benchQueue      = "kombubench"
)

// cell is one group of rows of the broker table: a size, a compression and
// a mode.
type cell struct {
	size        bench.Size
	compression string
	mode        mode
	payload     *bench.Payload
	// bodyFile holds the payload's JSON, for kombu.
	bodyFile string
}

func (c *cell) String() string {
	return fmt.Sprintf("%s/%s/%s", c.size.Name, c.compression, c.mode)
}

// in returns the cell with mode m instead of its own.
func (c *cell) in(m mode) *cell {
	cc := *c
	cc.mode = m
	return &cc
}

// publisher is one implementation under test.
type publisher interface {
	name() string
	// publish sends n messages of c's payload in c's mode. It calls start
	// right before the first message goes out and returns once every
	// message was written (unconfirmed) or confirmed.
	publish(ctx context.Context, c *cell, n int, start func()) error
	// settle waits for what publish left running, such as kombu's process.
	settle() error
	close()
}

// sample is what one timed run measured.
type sample struct {
	rate float64 // msg/s
	// client and broker are the CPU time per message, in µs, that the
	// client and the broker node spent over the run; NaN when unknown.
	client, broker float64
}

// brokerRow is the outcome of one cell.
type brokerRow struct {
	size        string
	compression string
	mode        mode
	// n is the messages per run of the Go implementations, nKombu kombu's.
	n, nKombu int
	// runs names what each round ran, in the order of the first round.
	runs []string
	// samples holds each run's measurements, one per round.
	samples map[string][]sample
}

// brokerResult is the broker section.
type brokerResult struct {
	rounds int
	kombu  bool
	// brokerCPU is whether the broker node's CPU was read.
	brokerCPU bool
	window    int
	rows      []brokerRow
	// notes explain choices a reader of the table needs, such as why kombu
	// is missing.
	notes []string
}

// connect opens what a section publishes through: the admin connection
// (noting the broker's version in m), the generated producers' Conn, with
// the bench topology declared, and the hand-written baseline's connection.
// Closing them is the caller's.
func connect(ctx context.Context, cfg *config, m *machine) (*admin, *genPublisher, *handPublisher, error) {
	adm, err := dialAdmin(cfg.url, cfg.poll)
	if err != nil {
		return nil, nil, nil, err
	}
	m.rabbitmq, m.erlang = adm.serverVersion()
	dialCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	conn, err := runtime.Dial(dialCtx, cfg.url)
	cancel()
	if err != nil {
		adm.close()
		return nil, nil, nil, err
	}
	gen := newGenPublisher(conn, cfg.concurrency)
	if err := benchmsg.NewBenchProducer(conn).Declare(ctx); err != nil {
		adm.close()
		gen.close()
		return nil, nil, nil, fmt.Errorf("declare the bench topology: %w", err)
	}
	hand, err := newHandPublisher(cfg.url, cfg.concurrency, cfg.window)
	if err != nil {
		adm.close()
		gen.close()
		return nil, nil, nil, err
	}
	return adm, gen, hand, nil
}

// runBroker runs the broker section.
func runBroker(ctx context.Context, cfg *config, m *machine, progress func(string, ...any)) (*brokerResult, error) {
	adm, gen, hand, err := connect(ctx, cfg, m)
	if err != nil {
		return nil, err
	}
	defer adm.close()
	b := &brokerBench{cfg: cfg, adm: adm, conn: gen.conn, hand: hand, gen: gen, progress: progress}
	defer func() {
		hand.close()
		gen.close()
		if b.kombu != nil {
			b.kombu.close()
		}
	}()
	node := findBrokerNode(cfg.url)
	b.clock = cpuClock{node: node}
	res := &brokerResult{rounds: cfg.rounds, window: cfg.window, brokerCPU: node.missing == ""}
	if node.missing != "" {
		res.notes = append(res.notes, fmt.Sprintf("The broker's CPU is not shown: %s.", node.missing))
	}

	tmp, err := os.MkdirTemp("", "kombubench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	switch {
	case cfg.kombu == "off":
		res.notes = append(res.notes, "kombu was not run (-kombu off).")
	case m.kombu == "":
		if cfg.kombu == "on" {
			return nil, fmt.Errorf("-kombu on: %s cannot import kombu (%s)", cfg.python, m.kombuErr)
		}
		res.notes = append(res.notes, fmt.Sprintf("kombu was not run: %s cannot import it (%s).", cfg.python, m.kombuErr))
	default:
		script := filepath.Join(tmp, "kombu_bench.py")
		if err := os.WriteFile(script, bench.KombuScript, 0o644); err != nil {
			return nil, err
		}
		b.kombu = &kombuPublisher{python: cfg.python, script: script, url: cfg.url}
		res.kombu = true
		if slices.Contains(cfg.modes, async) {
			res.notes = append(res.notes, "kombu has no asynchronous publish: async cells leave it out.")
		}
	}

	defer func() {
		if b.retries > 0 {
			res.notes = append(res.notes, fmt.Sprintf("Runs tried again after the broker went away under them (restarted or blocked by other work on the machine): %d.", b.retries))
		}
	}()
	for _, size := range cfg.sizes {
		pl := bench.NewPayload(size)
		bodyFile := filepath.Join(tmp, "body-"+size.Name+".json")
		if err := os.WriteFile(bodyFile, pl.JSON(), 0o644); err != nil {
			return nil, err
		}
		for _, comp := range cfg.compressions {
			for _, md := range cfg.modes {
				c := &cell{size: size, compression: comp, mode: md, payload: pl, bodyFile: bodyFile}
				row, err := b.runCell(ctx, c)
				if err != nil {
					return res, fmt.Errorf("%s: %w", c, err)
				}
				res.rows = append(res.rows, row)
			}
		}
	}
	return res, nil
}

// brokerBench runs the cells.
type brokerBench struct {
	cfg   *config
	adm   *admin
	conn  *runtime.Conn // the generated producer's
	hand  *handPublisher
	gen   *genPublisher
	kombu *kombuPublisher // nil when kombu is not run
	clock cpuClock
	// progress reports on stderr.
	progress func(string, ...any)
	// retries counts runs tried again after the broker went away.
	retries int
}

// runs returns what every round of cell c runs, in the order of the first
// round; the hand-written baseline in c's mode comes first. An async cell
// runs, beside the async publishers, the hand-written confirmed and
// unconfirmed runs its targets are set against, so that their ratios are
// taken within a round. kombu has no async mode.
func (b *brokerBench) runs(c *cell) []publisher {
	if c.mode == async {
		return []publisher{b.hand, b.gen, inMode{b.hand, confirmed}, inMode{b.hand, unconfirmed}}
	}
	runs := []publisher{b.hand, b.gen}
	if b.kombu != nil {
		runs = append(runs, b.kombu)
	}
	return runs
}

// runCell runs every round of one cell, calibrating the message counts first
// unless they are fixed.
func (b *brokerBench) runCell(ctx context.Context, c *cell) (brokerRow, error) {
	runs := b.runs(c)
	n, nKombu, err := b.counts(ctx, c, runs)
	if err != nil {
		return brokerRow{}, err
	}
	row := brokerRow{size: c.size.Name, compression: c.compression, mode: c.mode, n: n, nKombu: nKombu,
		samples: map[string][]sample{}}
	for _, p := range runs {
		row.runs = append(row.runs, p.name())
	}
	for r := range b.cfg.rounds {
		order := slices.Clone(runs)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		round := map[string]sample{}
		for _, p := range order {
			count := n
			if p.name() == implKombu {
				count = nKombu
			}
			s, err := b.measure(ctx, p, c, count, b.profileFile(c, p, r))
			if err != nil {
				return row, fmt.Errorf("%s: %w", p.name(), err)
			}
			round[p.name()] = s
			row.samples[p.name()] = append(row.samples[p.name()], s)
		}
		b.progress("%s round %d/%d: %s", c, r+1, b.cfg.rounds, formatRound(round, runs))
	}
	return row, nil
}

func formatRound(round map[string]sample, runs []publisher) string {
	var parts []string
	for _, p := range runs {
		s := round[p.name()]
		parts = append(parts, fmt.Sprintf("%s %.0f msg/s (client %s, broker %s µs/msg)",
			p.name(), s.rate, formatMicros(s.client), formatMicros(s.broker)))
	}
	return strings.Join(parts, ", ")
}

// profileFile names the CPU profile of run p in round r of cell c, "" when
// -cpuprofile is not given: -cpuprofile cpu.pprof gives
// cpu.1KiB-none-async.generated.r1.pprof.
func (b *brokerBench) profileFile(c *cell, p publisher, r int) string {
	if b.cfg.cpuProfile == "" {
		return ""
	}
	ext := filepath.Ext(b.cfg.cpuProfile)
	prefix := strings.TrimSuffix(b.cfg.cpuProfile, ext)
	if ext == "" {
		ext = ".pprof"
	}
	slug := strings.NewReplacer("/", "-", " ", "-")
	return fmt.Sprintf("%s.%s.%s.r%d%s", prefix, slug.Replace(c.String()), slug.Replace(p.name()), r+1, ext)
}

// counts returns the messages per run for the Go implementations and for
// kombu. Unless -count fixes them, every run first publishes a warm-up run
// (which also opens channels and declares), and the hand-written baseline
// in the cell's mode a second one whose rate sets the count to what takes
// -duration, at most what the generated producer's warm-up rate says takes
// four times that. kombu publishes as many unconfirmed; confirmed, its
// count is set from its own warm-up rate the same way, never above the Go
// count, so that a kombu run waiting for one confirm at a time does not
// take minutes.
func (b *brokerBench) counts(ctx context.Context, c *cell, runs []publisher) (int, int, error) {
	switch {
	case b.cfg.count > 0:
		return b.cfg.count, b.cfg.count, nil
	case b.cfg.count < 0:
		// A smoke run: warm the Go publishers up (channels, declares) with
		// a few messages, and skip calibrating.
		n := quickCount(c.size)
		for _, p := range runs {
			if p.name() == implKombu {
				continue
			}
			if _, err := b.measure(ctx, p, c, n/10, ""); err != nil {
				return 0, 0, fmt.Errorf("warm-up: %s: %w", p.name(), err)
			}
		}
		return n, n, nil
	}
	n0 := warmCount(c.size)
	rates := map[string]sample{}
	for _, p := range runs {
		s, err := b.measure(ctx, p, c, n0, "")
		if err != nil {
			return 0, 0, fmt.Errorf("warm-up: %s: %w", p.name(), err)
		}
		rates[p.name()] = s
	}
	n1 := max(int(rates[implHand].rate*0.3), 50)
	s, err := b.measure(ctx, b.hand, c, n1, "")
	if err != nil {
		return 0, 0, fmt.Errorf("calibration: %s: %w", implHand, err)
	}
	minimum := 100
	switch c.mode {
	case confirmed:
		minimum = 10 * b.cfg.concurrency
	case async:
		// Most of a run with the window full, not filling or draining it.
		minimum = 4 * b.cfg.window
	}
	n := int(s.rate * b.cfg.duration.Seconds())
	// A much slower generated producer (zlib writers made per message)
	// would take minutes a run at the baseline's count: cap its runs at
	// about four times -duration.
	if g := rates[implGen].rate; g > 0 {
		n = min(n, int(4*g*b.cfg.duration.Seconds()))
	}
	n = roundCount(max(n, minimum))
	// An unconfirmed run's rate depends on the backlog the broker works
	// through, which grows with the count: kombu publishes as many as the
	// Go implementations. Confirmed, each message waits for its own
	// confirm, and kombu, confirming one at a time, gets fewer.
	nKombu := n
	if k, ok := rates[implKombu]; ok && c.mode == confirmed {
		nKombu = min(n, roundCount(max(int(k.rate*b.cfg.duration.Seconds()), minimum)))
	}
	b.progress("%s: %d messages per run (kombu %d); warm-up %s", c, n, nKombu, formatRound(rates, runs))
	return n, nKombu, nil
}

// warmCount is the size of the warm-up run.
func warmCount(s bench.Size) int {
	if s.Target >= 64<<10 {
		return 150
	}
	return 3000
}

// quickCount is the size of a -quick run: enough to go through every
// step, even under the race detector, and no more.
func quickCount(s bench.Size) int {
	if s.Target >= 64<<10 {
		return 8
	}
	return 64
}

// roundCount rounds n to two significant digits, for readable tables.
func roundCount(n int) int {
	if n < 100 {
		return n
	}
	unit := int(math.Pow10(int(math.Log10(float64(n))) - 1))
	return (n + unit/2) / unit * unit
}

// maxRetries bounds how often a run is tried again after the broker went
// away under it.
const maxRetries = 5

// measure runs p once with n messages and returns what it measured, as
// measureOnce does. When the broker went away during the run (a restart by
// something else on the machine) or kombu failed, it waits for the broker,
// connects everything again, declares the topology again (the queue is not
// durable) and runs again.
func (b *brokerBench) measure(ctx context.Context, p publisher, c *cell, n int, profile string) (sample, error) {
	for attempt := 0; ; attempt++ {
		s, err := b.measureOnce(ctx, p, c, n, profile)
		// kombu's publish fails rather than waits when the broker stops
		// reading (a resource alarm raised by other work): a kombu failure
		// is tried again too.
		if err == nil || attempt == maxRetries || ctx.Err() != nil || !(b.brokerLost(err) || p.name() == implKombu) {
			return s, err
		}
		b.retries++
		b.progress("%s: %s: %v; waiting for the broker to come back, then running again", c, p.name(), err)
		if rerr := b.reconnect(ctx); rerr != nil {
			return sample{}, errors.Join(err, rerr)
		}
	}
}

// brokerLost reports whether err came from losing the broker rather than
// from the run itself.
func (b *brokerBench) brokerLost(err error) bool {
	return b.adm.conn.IsClosed() || b.hand.conn.IsClosed() ||
		errors.Is(err, amqp.ErrClosed) || errors.Is(err, runtime.ErrUnreachable) ||
		errors.Is(err, runtime.ErrConnectionLost) || errors.Is(err, runtime.ErrConfirmLost) ||
		strings.Contains(err.Error(), "Connection refused") || strings.Contains(err.Error(), "connection refused")
}

// reconnect waits up to two minutes for the broker to answer, then dials
// the admin and hand-written connections again and declares the topology.
// The generated producer's Conn reconnects by itself.
func (b *brokerBench) reconnect(ctx context.Context) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		adm, err := dialAdmin(b.cfg.url, b.cfg.poll)
		if err == nil {
			b.adm.close()
			*b.adm = *adm
			break
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	if err := b.hand.redial(b.cfg.url); err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return benchmsg.NewBenchProducer(b.conn).Declare(dctx)
}

// measureOnce runs p once with n messages from an empty queue and returns
// its rate and CPU per message. Unconfirmed runs end when the queue holds
// every message: what the broker still has to take in is part of the run
// that sent it, and so is the CPU the admin connection spends reading the
// queue's depth meanwhile. Confirmed and async runs end when the last
// confirm is in; the queue is then checked too, after the clocks stopped.
// With profile set, the run (from just before its first message to its
// end) is profiled into that file.
func (b *brokerBench) measureOnce(ctx context.Context, p publisher, c *cell, n int, profile string) (sample, error) {
	if err := b.adm.purge(); err != nil {
		return sample{}, err
	}
	// The garbage of the previous run is not this one's to collect.
	goruntime.GC()
	ctx, cancel := context.WithTimeout(ctx, b.cfg.runTimeout)
	defer cancel()
	stopProfile, err := startCPUProfile(profile)
	if err != nil {
		return sample{}, err
	}
	defer stopProfile()
	var t0 time.Time
	var cpu0, cpu1 cpuReading
	err = p.publish(ctx, c, n, func() {
		cpu0 = b.clock.read()
		t0 = time.Now()
	})
	if err != nil {
		return sample{}, errors.Join(err, p.settle())
	}
	end := time.Now()
	m := runMode(p, c)
	if m != unconfirmed {
		cpu1 = b.clock.read()
		stopProfile()
	}
	reached, err := b.adm.awaitDepth(ctx, n)
	if err != nil {
		return sample{}, errors.Join(err, p.settle())
	}
	if m == unconfirmed {
		cpu1 = b.clock.read()
		stopProfile()
		end = reached
	}
	if err := p.settle(); err != nil {
		return sample{}, err
	}
	if t0.IsZero() {
		return sample{}, errors.New("the publisher never started its clock")
	}
	s := sample{
		rate:   float64(n) / end.Sub(t0).Seconds(),
		client: cpuPerMessage(cpu1.client-cpu0.client, cpu0.clientOK && cpu1.clientOK, n),
		broker: cpuPerMessage(cpu1.broker-cpu0.broker, cpu0.brokerOK && cpu1.brokerOK, n),
	}
	if k, ok := p.(interface{ ownCPU() (time.Duration, bool) }); ok {
		// A publisher in a process of its own (kombu): its client is that
		// process.
		d, ok := k.ownCPU()
		s.client = cpuPerMessage(d, ok, n)
	}
	return s, nil
}

// admin is a connection of its own for purging the queue and reading its
// depth, so that neither shares a connection with a publisher.
type admin struct {
	conn *amqp.Connection
	ch   *amqp.Channel
	// poll is the pause between two depth reads. Each read is a round
	// trip, so a run's end is known to within about this plus one.
	poll time.Duration
}

func dialAdmin(url string, poll time.Duration) (*admin, error) {
	conn, err := amqp.Dial(url)
	if err != nil {
		return nil, fmt.Errorf("RabbitMQ at %s unreachable (%v); is RabbitMQ running? start it with rabbitmq-server -detached", redact(url), err)
	}
	ch, err := conn.Channel()
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &admin{conn: conn, ch: ch, poll: poll}, nil
}

func (a *admin) close() { a.conn.Close() }

// serverVersion returns the broker's version and its Erlang platform, as
// the broker announces them.
func (a *admin) serverVersion() (string, string) {
	v, _ := a.conn.Properties["version"].(string)
	p, _ := a.conn.Properties["platform"].(string)
	return v, p
}

// purge empties the queue.
func (a *admin) purge() error {
	if _, err := a.ch.QueuePurge(benchQueue, false); err != nil {
		return fmt.Errorf("purge %s: %w", benchQueue, err)
	}
	return nil
}

// depth returns how many messages the queue holds, by a passive declare.
func (a *admin) depth() (int, error) {
	q, err := a.ch.QueueDeclarePassive(benchQueue, false, false, false, false, nil)
	if err != nil {
		return 0, fmt.Errorf("read the depth of %s: %w", benchQueue, err)
	}
	return q.Messages, nil
}

// awaitDepth polls the queue until it holds n messages and returns when it
// saw that.
func (a *admin) awaitDepth(ctx context.Context, n int) (time.Time, error) {
	last := -1
	for {
		d, err := a.depth()
		now := time.Now()
		switch {
		case err != nil:
			return now, err
		case d == n:
			return now, nil
		case d > n:
			return now, fmt.Errorf("queue %s holds %d messages, more than the %d published: does something else publish to it?", benchQueue, d, n)
		}
		last = d
		select {
		case <-ctx.Done():
			return now, fmt.Errorf("queue %s holds %d of %d messages: %w", benchQueue, last, n, ctx.Err())
		case <-time.After(a.poll):
		}
	}
}

// redact hides a URL's password.
func redact(u string) string {
	if i, j := strings.Index(u, "://"), strings.LastIndex(u, "@"); i >= 0 && j > i {
		if k := strings.Index(u[i+3:j], ":"); k >= 0 {
			return u[:i+3+k+1] + "xxxxx" + u[j:]
		}
	}
	return u
}
