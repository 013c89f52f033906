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
// connection: -latency-count publishes of the 1 KiB message in a row, each
// waiting for its confirm before the next, hand-written against generated,
// the order alternating every round.

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
	res := &latencyResult{rounds: cfg.rounds, count: cfg.latencyCount, p50: map[string][]float64{}, p99: map[string][]float64{}}
	for _, p := range impls {
		if _, err := timeConfirms(ctx, adm, p, c, latencyWarmUp, cfg.runTimeout); err != nil {
			return nil, fmt.Errorf("warm-up: %s: %w", p.name(), err)
		}
	}
	for r := range cfg.rounds {
		order := slices.Clone(impls)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, p := range order {
			ds, err := timeConfirms(ctx, adm, p, c, cfg.latencyCount, cfg.runTimeout)
			if err != nil {
				return res, fmt.Errorf("%s: %w", p.name(), err)
			}
			res.p50[p.name()] = append(res.p50[p.name()], percentile(ds, 0.50))
			res.p99[p.name()] = append(res.p99[p.name()], percentile(ds, 0.99))
		}
		progress("latency round %d/%d: hand-written p50 %.0f µs, p99 %.0f µs; generated p50 %.0f µs, p99 %.0f µs", r+1, cfg.rounds,
			res.p50[implHand][r], res.p99[implHand][r], res.p50[implGen][r], res.p99[implGen][r])
	}
	return res, nil
}

// timeConfirms publishes n messages of c with p from an empty queue, one
// at a time, and returns how long each took from the call to its confirm.
func timeConfirms(ctx context.Context, adm *admin, p confirmer, c *cell, n int, timeout time.Duration) ([]time.Duration, error) {
	if err := adm.purge(); err != nil {
		return nil, err
	}
	goruntime.GC()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ds := make([]time.Duration, n)
	for i := range ds {
		t := time.Now()
		if err := p.sendConfirmed(ctx, c); err != nil {
			return nil, err
		}
		ds[i] = time.Since(t)
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
	t.notes = append(t.notes, "hand-written: prepare, PublishWithDeferredConfirmWithContext, then wait on the deferred confirm; "+
		"generated: PublishOrder (runtime.Dial defaults), which waits for the confirm. Each on a connection of its own with nothing else in flight; "+
		"the queue purged before every run.")
	return t
}

func (r *latencyResult) print(w io.Writer) { r.table().text(w) }
