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

// mode is how a run publishes: without confirms from one goroutine, or
// with a confirm awaited per message from -concurrency goroutines.
type mode string

const (
	unconfirmed mode = "unconfirmed"
	confirmed   mode = "confirmed"
)

// The implementations, as tables name them.
const (
	implHand  = "hand-written"
	implGen   = "generated"
	implKombu = "kombu"
)

// Where every implementation publishes: the bench schema's exchange, routing
// key and queue.
const (
	benchExchange   = "kombubench"
	benchRoutingKey = "bench"
	benchQueue      = "kombubench"
)

// cell is one row of the broker table: a size, a compression and a mode.
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

// publisher is one implementation under test.
type publisher interface {
	name() string
	// publish sends n messages of c's payload. It calls start right before
	// the first message goes out and returns once every message was
	// written (unconfirmed) or confirmed.
	publish(ctx context.Context, c *cell, n int, start func()) error
	// settle waits for what publish left running, such as kombu's process.
	settle() error
	close()
}

// brokerRow is the outcome of one cell.
type brokerRow struct {
	size        string
	compression string
	mode        mode
	// n is the messages per run of the Go implementations, nKombu kombu's.
	n, nKombu int
	// rates holds msg/s per implementation, one per round.
	rates map[string][]float64
	// genHand and genKombu are the ratios within each round.
	genHand, genKombu []float64
}

// brokerResult is the broker section.
type brokerResult struct {
	impls  []string
	rounds int
	rows   []brokerRow
	// notes explain choices a reader of the table needs, such as why kombu
	// is missing.
	notes []string
}

// runBroker runs the broker section.
func runBroker(ctx context.Context, cfg *config, m *machine, progress func(string, ...any)) (*brokerResult, error) {
	adm, err := dialAdmin(cfg.url, cfg.poll)
	if err != nil {
		return nil, err
	}
	defer adm.close()
	m.rabbitmq, m.erlang = adm.serverVersion()

	dialCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	conn, err := runtime.Dial(dialCtx, cfg.url)
	cancel()
	if err != nil {
		return nil, err
	}
	if err := benchmsg.NewBenchProducer(conn).Declare(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("declare the bench topology: %w", err)
	}

	hand, err := newHandPublisher(cfg.url, cfg.concurrency)
	if err != nil {
		conn.Close()
		return nil, err
	}
	pubs := []publisher{hand, newGenPublisher(conn, cfg.concurrency)}
	defer func() {
		for _, p := range pubs {
			p.close()
		}
	}()
	res := &brokerResult{rounds: cfg.rounds}

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
		pubs = append(pubs, &kombuPublisher{python: cfg.python, script: script, url: cfg.url})
	}
	for _, p := range pubs {
		res.impls = append(res.impls, p.name())
	}

	b := &brokerBench{cfg: cfg, adm: adm, conn: conn, hand: hand, pubs: pubs, progress: progress}
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
	cfg      *config
	adm      *admin
	conn     *runtime.Conn // the generated producer's
	hand     *handPublisher
	pubs     []publisher
	progress func(string, ...any)
	// retries counts runs tried again after the broker went away.
	retries int
}

// runCell runs every round of one cell, calibrating the message counts first
// unless they are fixed.
func (b *brokerBench) runCell(ctx context.Context, c *cell) (brokerRow, error) {
	n, nKombu, err := b.counts(ctx, c)
	if err != nil {
		return brokerRow{}, err
	}
	row := brokerRow{size: c.size.Name, compression: c.compression, mode: c.mode, n: n, nKombu: nKombu,
		rates: map[string][]float64{}}
	for r := range b.cfg.rounds {
		order := slices.Clone(b.pubs)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		round := map[string]float64{}
		for _, p := range order {
			count := n
			if p.name() == implKombu {
				count = nKombu
			}
			rate, err := b.measure(ctx, p, c, count)
			if err != nil {
				return row, fmt.Errorf("%s: %w", p.name(), err)
			}
			round[p.name()] = rate
			row.rates[p.name()] = append(row.rates[p.name()], rate)
		}
		row.genHand = append(row.genHand, round[implGen]/round[implHand])
		if k, ok := round[implKombu]; ok {
			row.genKombu = append(row.genKombu, round[implGen]/k)
		}
		b.progress("%s round %d/%d: %s", c, r+1, b.cfg.rounds, formatRound(round, b.pubs))
	}
	return row, nil
}

func formatRound(round map[string]float64, pubs []publisher) string {
	var parts []string
	for _, p := range pubs {
		parts = append(parts, fmt.Sprintf("%s %.0f msg/s", p.name(), round[p.name()]))
	}
	return strings.Join(parts, ", ")
}

// counts returns the messages per run for the Go implementations and for
// kombu. Unless -count fixes them, every implementation first publishes a
// warm-up run (which also opens channels and declares), and the hand-written
// baseline a second one whose rate sets the count to what takes -duration,
// at most what the generated producer's warm-up rate says takes four times
// that. kombu publishes as many unconfirmed; confirmed, its count is set
// from its own warm-up rate the same way, never above the Go count, so
// that a kombu run waiting for one confirm at a time does not take minutes.
func (b *brokerBench) counts(ctx context.Context, c *cell) (int, int, error) {
	switch {
	case b.cfg.count > 0:
		return b.cfg.count, b.cfg.count, nil
	case b.cfg.count < 0:
		// A smoke run: warm the Go publishers up (channels, declares) with
		// a few messages, and skip calibrating.
		n := quickCount(c.size)
		for _, p := range b.pubs {
			if p.name() == implKombu {
				continue
			}
			if _, err := b.measure(ctx, p, c, n/10); err != nil {
				return 0, 0, fmt.Errorf("warm-up: %s: %w", p.name(), err)
			}
		}
		return n, n, nil
	}
	n0 := warmCount(c.size)
	rates := map[string]float64{}
	for _, p := range b.pubs {
		rate, err := b.measure(ctx, p, c, n0)
		if err != nil {
			return 0, 0, fmt.Errorf("warm-up: %s: %w", p.name(), err)
		}
		rates[p.name()] = rate
	}
	n1 := max(int(rates[implHand]*0.3), 50)
	rate, err := b.measure(ctx, b.pubs[0], c, n1)
	if err != nil {
		return 0, 0, fmt.Errorf("calibration: %s: %w", implHand, err)
	}
	minimum := 100
	if c.mode == confirmed {
		minimum = 10 * b.cfg.concurrency
	}
	n := int(rate * b.cfg.duration.Seconds())
	// A much slower generated producer (zlib writers made per message)
	// would take minutes a run at the baseline's count: cap its runs at
	// about four times -duration.
	if g := rates[implGen]; g > 0 {
		n = min(n, int(4*g*b.cfg.duration.Seconds()))
	}
	n = roundCount(max(n, minimum))
	// An unconfirmed run's rate depends on the backlog the broker works
	// through, which grows with the count: kombu publishes as many as the
	// Go implementations. Confirmed, each message waits for its own
	// confirm, and kombu, confirming one at a time, gets fewer.
	nKombu := n
	if k, ok := rates[implKombu]; ok && c.mode == confirmed {
		nKombu = min(n, roundCount(max(int(k*b.cfg.duration.Seconds()), minimum)))
	}
	b.progress("%s: %d messages per run (kombu %d); warm-up %s", c, n, nKombu, formatRound(rates, b.pubs))
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

// measure runs p once with n messages and returns its rate, as measureOnce
// does. When the broker went away during the run (a restart by something
// else on the machine) or kombu failed, it waits for the broker, connects everything again,
// declares the topology again (the queue is not durable) and runs again.
func (b *brokerBench) measure(ctx context.Context, p publisher, c *cell, n int) (float64, error) {
	for attempt := 0; ; attempt++ {
		rate, err := b.measureOnce(ctx, p, c, n)
		// kombu's publish fails rather than waits when the broker stops
		// reading (a resource alarm raised by other work): a kombu failure
		// is tried again too.
		if err == nil || attempt == maxRetries || ctx.Err() != nil || !(b.brokerLost(err) || p.name() == implKombu) {
			return rate, err
		}
		b.retries++
		b.progress("%s: %s: %v; waiting for the broker to come back, then running again", c, p.name(), err)
		if rerr := b.reconnect(ctx); rerr != nil {
			return 0, errors.Join(err, rerr)
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

// measureOnce runs p once with n messages from an empty queue and returns its
// rate. Unconfirmed runs end when the queue holds every message: what the
// broker still has to take in is part of the run that sent it. Confirmed
// runs end when the last confirm is in; the queue is then checked too.
func (b *brokerBench) measureOnce(ctx context.Context, p publisher, c *cell, n int) (float64, error) {
	if err := b.adm.purge(); err != nil {
		return 0, err
	}
	// The garbage of the previous run is not this one's to collect.
	goruntime.GC()
	ctx, cancel := context.WithTimeout(ctx, b.cfg.runTimeout)
	defer cancel()
	var t0 time.Time
	err := p.publish(ctx, c, n, func() { t0 = time.Now() })
	if err != nil {
		return 0, errors.Join(err, p.settle())
	}
	end := time.Now()
	reached, err := b.adm.awaitDepth(ctx, n)
	if err != nil {
		return 0, errors.Join(err, p.settle())
	}
	if c.mode == unconfirmed {
		end = reached
	}
	if err := p.settle(); err != nil {
		return 0, err
	}
	if t0.IsZero() {
		return 0, errors.New("the publisher never started its clock")
	}
	return float64(n) / end.Sub(t0).Seconds(), nil
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
