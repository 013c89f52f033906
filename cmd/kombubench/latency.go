package main

import (
	"context"
	"fmt"
	"io"
	"math"
	goruntime "runtime"
	"slices"
	"time"

	"github.com/kombugen/kombugen/bench"
)

// The latency section times one confirmed publish at a time on an idle
// connection: -latency-count publishes of the 1 KiB message by each
// implementation, each waiting for its confirm before the next, hand-written
// and generated taking turns message by message (which goes first
// alternating), so that a pause of the machine or the broker falls on both
// alike rather than on one implementation's run: the p99 of 1,000 is its
// 10 slowest, which one such pause decides.

// confirmer publishes one message and waits for its confirm: the
// hand-written baseline prepares it and publishes with
// PublishWithDeferredConfirmWithContext, then waits on the deferred
// confirm; the generated producer calls PublishX.
type confirmer interface {
	name() string
	sendConfirmed(ctx context.Context, c *cell) error
}

// latencyWarmUp is how many publishes each implementation makes before the
// first round: channels opened, the topology declared, code paths warm.
const latencyWarmUp = 100

// latencyResult is the latency section: per implementation, each round's
// p50 and p99 in µs.
type latencyResult struct {
	rounds, count int
	p50, p99      map[string][]float64
	// all is every timed publish of every round, by implementation: its
	// p99 rests on 70 publishes in 7,000 rather than 10 in 1,000.
	all map[string][]time.Duration
}

func runLatency(ctx context.Context, cfg *config, m *machine, progress func(string, ...any)) (*latencyResult, error) {
	adm, gen, hand, err := connect(ctx, cfg, m)
	if err != nil {
		return nil, err
	}
	defer adm.close()
	defer gen.close()
	defer hand.close()

	c := &cell{size: bench.Size1KiB, compression: "none", mode: confirmed, payload: bench.NewPayload(bench.Size1KiB)}
	impls := []confirmer{hand, gen}
	res := &latencyResult{rounds: cfg.rounds, count: cfg.latencyCount, p50: map[string][]float64{}, p99: map[string][]float64{}, all: map[string][]time.Duration{}}
	if _, err := timeConfirmsInTurn(ctx, adm, impls, c, latencyWarmUp, cfg.runTimeout); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	for r := range cfg.rounds {
		ds, err := timeConfirmsInTurn(ctx, adm, impls, c, cfg.latencyCount, cfg.runTimeout)
		if err != nil {
			return res, err
		}
		for _, p := range impls {
			res.p50[p.name()] = append(res.p50[p.name()], percentile(ds[p.name()], 0.50))
			res.p99[p.name()] = append(res.p99[p.name()], percentile(ds[p.name()], 0.99))
			res.all[p.name()] = append(res.all[p.name()], ds[p.name()]...)
		}
		progress("latency round %d/%d: hand-written p50 %.0f µs, p99 %.0f µs; generated p50 %.0f µs, p99 %.0f µs", r+1, cfg.rounds,
			res.p50[implHand][r], res.p99[implHand][r], res.p50[implGen][r], res.p99[implGen][r])
	}
	return res, nil
}

// timeConfirmsInTurn publishes n messages of c with each of impls from an
// empty queue, one at a time, the implementations taking turns (the first
// of each turn alternating), and returns how long each publish took from
// the call to its confirm, by implementation.
func timeConfirmsInTurn(ctx context.Context, adm *admin, impls []confirmer, c *cell, n int, timeout time.Duration) (map[string][]time.Duration, error) {
	if err := adm.purge(); err != nil {
		return nil, err
	}
	goruntime.GC()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ds := make(map[string][]time.Duration, len(impls))
	for _, p := range impls {
		ds[p.name()] = make([]time.Duration, n)
	}
	turn := slices.Clone(impls)
	for i := range n {
		slices.Reverse(turn)
		for _, p := range turn {
			t := time.Now()
			if err := p.sendConfirmed(ctx, c); err != nil {
				return nil, fmt.Errorf("%s: %w", p.name(), err)
			}
			ds[p.name()][i] = time.Since(t)
		}
	}
	return ds, nil
}

// percentile returns the q-quantile of ds in µs, by the nearest rank: the
// smallest value at least a fraction q of them do not exceed.
func percentile(ds []time.Duration, q float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := max(int(math.Ceil(q*float64(len(s))))-1, 0)
	return float64(s[i]) / float64(time.Microsecond)
}

// latencyRatios returns generated over hand-written for each round.
func latencyRatios(byImpl map[string][]float64) []float64 {
	var out []float64
	for i, g := range byImpl[implGen] {
		out = append(out, g/byImpl[implHand][i])
	}
	return out
}

func (r *latencyResult) table() table {
	t := table{
		title: fmt.Sprintf("Latency: one confirmed publish of 1 KiB on an idle connection, from the call to its confirm; µs, median of %s of %s publishes in a row; ratios: median of the per-round ratios (min-max)",
			count(r.rounds, "round"), thousands(r.count)),
		header: []string{"percentile", implHand, implGen, "generated/hand-written", "target"},
	}
	for _, p := range []struct {
		name string
		by   map[string][]float64
	}{{"p50", r.p50}, {"p99", r.p99}} {
		ratios := latencyRatios(p.by)
		t.rows = append(t.rows, []string{p.name,
			fmt.Sprintf("%.0f", median(p.by[implHand])), fmt.Sprintf("%.0f", median(p.by[implGen])),
			formatRatio(ratios), verdict(median(ratios), targetLatency, true)})
	}
	if len(r.all[implHand]) > 0 && len(r.all[implGen]) > 0 {
		for _, q := range []struct {
			name string
			q    float64
		}{{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}} {
			h, g := percentile(r.all[implHand], q.q), percentile(r.all[implGen], q.q)
			t.rows = append(t.rows, []string{fmt.Sprintf("%s of all %s", q.name, thousands(len(r.all[implGen]))),
				fmt.Sprintf("%.0f", h), fmt.Sprintf("%.0f", g), fmt.Sprintf("%.2f", g/h), "-"})
		}
	}
	t.notes = append(t.notes, "hand-written: prepare, PublishWithDeferredConfirmWithContext, then wait on the deferred confirm; "+
		"generated: PublishOrder (runtime.Dial defaults), which waits for the confirm. Each on a connection of its own with nothing in flight on either; "+
		"the two take turns message by message, which goes first alternating; the queue purged before every round.")
	return t
}

func (r *latencyResult) print(w io.Writer) { r.table().text(w) }
