package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// kombugen's performance targets. They are reported, never asserted: absolute
// numbers on a shared 2-core machine are too noisy to fail a build on.
const (
	targetUnconfirmed = 0.97 // generated/hand-written msg/s, unconfirmed
	targetConfirmed   = 1.2  // generated/hand-written msg/s, confirmed
	// Async: one generated goroutine against the hand-written runs of the
	// same round.
	targetAsyncConfirmed   = 1.4  // over hand-written confirmed (32 goroutines)
	targetAsyncUnconfirmed = 0.75 // over hand-written unconfirmed
	targetAsyncCPU         = 0.9  // client CPU per message over hand-written async
	targetLatency          = 1.1  // generated/hand-written p50 and p99 of one confirmed publish
	targetKombu            = 3.0  // generated/kombu msg/s
	targetTime             = 1.05 // generated/hand-written ns/op in process
	targetJSON             = 2.0  // encoding/json ns/op over the json serializer's
	targetScale1000        = time.Second
	targetGrowth           = 1.15 // exponent of generate time in messages
)

// report is everything a run measured.
type report struct {
	machine   *machine
	broker    *brokerResult
	latency   *latencyResult
	inProcess *inProcessResult
	scale     *scaleResult
	size      *sizeResult
}

// table is one table, rendered as aligned text or as Markdown.
type table struct {
	title  string
	header []string
	rows   [][]string
	notes  []string
}

func (t table) text(w io.Writer) {
	fmt.Fprintf(w, "\n%s\n", t.title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
	for _, n := range t.notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
}

func (t table) markdown(b *strings.Builder) {
	fmt.Fprintf(b, "### %s\n\n", t.title)
	fmt.Fprintf(b, "| %s |\n", strings.Join(t.header, " | "))
	seps := make([]string, len(t.header))
	for i := range seps {
		seps[i] = "---"
	}
	fmt.Fprintf(b, "|%s|\n", strings.Join(seps, "|"))
	for _, r := range t.rows {
		fmt.Fprintf(b, "| %s |\n", strings.Join(r, " | "))
	}
	b.WriteString("\n")
	for _, n := range t.notes {
		fmt.Fprintf(b, "%s\n\n", n)
	}
}

// median returns the median of xs (the mean of the middle two for an even
// count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// formatRatio prints a ratio's median with its range over the rounds.
func formatRatio(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	if len(xs) == 1 {
		return fmt.Sprintf("%.2f", xs[0])
	}
	return fmt.Sprintf("%.2f (%.2f-%.2f)", median(xs), slices.Min(xs), slices.Max(xs))
}

// verdict says whether v reaches the target: at least it, or with atMost at
// most it.
func verdict(v, target float64, atMost bool) string {
	met := v >= target
	op := ">="
	if atMost {
		met, op = v <= target, "<="
	}
	if met {
		return fmt.Sprintf("%s%g met", op, target)
	}
	return fmt.Sprintf("%s%g MISSED", op, target)
}

// count prints n things: "1 round", "5 rounds".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// thousands prints n with thin separators: 61,234.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}

// ratioSpec is one ratio the broker section reports for a cell: a
// measure of run num over the same measure of run den, taken within each
// round.
type ratioSpec struct {
	label    string
	num, den string
	measure  func(sample) float64
	target   float64 // 0 for none
	atMost   bool
}

func rate(s sample) float64      { return s.rate }
func clientCPU(s sample) float64 { return s.client }
func brokerCPU(s sample) float64 { return s.broker }

// ratioSpecs returns the ratios reported for a cell of mode m.
func ratioSpecs(m mode) []ratioSpec {
	cpu := []ratioSpec{
		{label: "client CPU per message: generated / hand-written", num: implGen, den: implHand, measure: clientCPU},
		{label: "broker CPU per message: generated / hand-written", num: implGen, den: implHand, measure: brokerCPU},
	}
	switch m {
	case unconfirmed, confirmed:
		target := targetUnconfirmed
		if m == confirmed {
			target = targetConfirmed
		}
		return append([]ratioSpec{
			{label: "msg/s: generated / hand-written", num: implGen, den: implHand, measure: rate, target: target},
			{label: "msg/s: generated / kombu", num: implGen, den: implKombu, measure: rate, target: targetKombu},
		}, cpu...)
	}
	cpu[0].target, cpu[0].atMost = targetAsyncCPU, true
	return append([]ratioSpec{
		{label: "msg/s: generated / hand-written", num: implGen, den: implHand, measure: rate},
		{label: "msg/s: generated / " + refConfirmed, num: implGen, den: refConfirmed, measure: rate, target: targetAsyncConfirmed},
		{label: "msg/s: generated / " + refUnconfirmed, num: implGen, den: refUnconfirmed, measure: rate, target: targetAsyncUnconfirmed},
	}, cpu...)
}

// ratios returns spec's ratio in each round, nil when the row lacks either
// run or the measure (the broker's CPU, unread).
func (row *brokerRow) ratios(spec ratioSpec) []float64 {
	num, den := row.samples[spec.num], row.samples[spec.den]
	if len(num) == 0 || len(num) != len(den) {
		return nil
	}
	var out []float64
	for i := range num {
		v := spec.measure(num[i]) / spec.measure(den[i])
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// medianOf returns the median of measure over samples, NaN when any is
// unknown.
func medianOf(samples []sample, measure func(sample) float64) float64 {
	xs := make([]float64, len(samples))
	for i, s := range samples {
		if xs[i] = measure(s); math.IsNaN(xs[i]) {
			return math.NaN()
		}
	}
	return median(xs)
}

// formatMicros prints a CPU time per message in µs, "-" when unknown.
func formatMicros(us float64) string {
	if math.IsNaN(us) {
		return "-"
	}
	return fmt.Sprintf("%.1f", us)
}

func (r *brokerResult) tables() []table {
	rates := table{
		title:  fmt.Sprintf("Broker: msg/s and CPU per message, median of %s", count(r.rounds, "round")),
		header: []string{"size", "compression", "mode", "run", "messages/run", "msg/s", "client CPU µs/msg"},
	}
	if r.brokerCPU {
		rates.header = append(rates.header, "broker CPU µs/msg")
	}
	ratios := table{
		title:  "Broker: ratios, median of the per-round ratios (min-max)",
		header: []string{"size", "compression", "mode", "ratio", "value", "target"},
	}
	for _, row := range r.rows {
		for _, run := range row.runs {
			n := row.n
			if run == implKombu {
				n = row.nKombu
			}
			samples := row.samples[run]
			cells := []string{row.size, row.compression, string(row.mode), run, thousands(n),
				thousands(int(medianOf(samples, rate))), formatMicros(medianOf(samples, clientCPU))}
			if r.brokerCPU {
				cells = append(cells, formatMicros(medianOf(samples, brokerCPU)))
			}
			rates.rows = append(rates.rows, cells)
		}
		for _, spec := range ratioSpecs(row.mode) {
			xs := row.ratios(spec)
			if xs == nil {
				continue
			}
			target := "-"
			if spec.target != 0 {
				target = verdict(median(xs), spec.target, spec.atMost)
			}
			ratios.rows = append(ratios.rows, []string{row.size, row.compression, string(row.mode), spec.label, formatRatio(xs), target})
		}
	}
	rates.notes = append(rates.notes,
		"unconfirmed: one goroutine, timed from an empty queue until the queue holds every message; "+
			"confirmed: 32 goroutines (hand-written: one shared confirm-mode channel, deferred confirms; generated: runtime.Dial defaults), "+
			"timed until the last confirm; kombu: one thread, confirm_publish waits for each confirm.",
		fmt.Sprintf("async: one goroutine, timed until the last confirm (hand-written: deferred confirms, at most %s in flight, waiting on the oldest when full; "+
			"generated: PublishXAsync on runtime.Dial defaults, every confirmation kept and waited for at the end); "+
			"the hand-written confirmed and unconfirmed runs beside them are the async targets' references, in the same rounds.", thousands(r.window)),
		"client CPU: the bench process's user+system time over the timed run (every thread: publishing, the client library's reader and writer, "+
			"the garbage collector; unconfirmed runs also the admin connection's depth reads until the queue is full), per message; "+
			"kombu's is its Python process's. broker CPU: the RabbitMQ node's (beam.smp), per message, "+
			"including whatever else the broker served meanwhile.")
	rates.notes = append(rates.notes, r.notes...)
	return []table{rates, ratios}
}

func (r *brokerResult) print(w io.Writer) {
	for _, t := range r.tables() {
		t.text(w)
	}
}

func (r *inProcessResult) tables() []table {
	pub := table{
		title: fmt.Sprintf("In process (no broker): a generated Publish on a discarding transport against the hand-written preparation, benchtime %s, median of %s", r.benchtime, count(r.rounds, "round")),
		header: []string{"size", "compression", "generated ns/op", "hand-written ns/op", "time ratio", "target",
			"generated B/op", "hand-written B/op", "generated allocs/op", "hand-written allocs/op", "allocs target"},
	}
	for _, row := range r.publish {
		allocs := "<=hand met"
		if row.gen.AllocsPerOp() > row.hand.AllocsPerOp() {
			allocs = "<=hand MISSED"
		}
		pub.rows = append(pub.rows, []string{row.size, row.compression,
			thousands(int(row.gen.NsPerOp())), thousands(int(row.hand.NsPerOp())),
			formatRatio(row.ratios), verdict(median(row.ratios), targetTime, true),
			thousands(int(row.gen.AllocedBytesPerOp())), thousands(int(row.hand.AllocedBytesPerOp())),
			fmt.Sprint(row.gen.AllocsPerOp()), fmt.Sprint(row.hand.AllocsPerOp()), allocs})
	}
	ser := table{
		title:  "Serializers (consume.Serializer(name).Marshal; encoding/json is json.Marshal)",
		header: []string{"serializer", "size", "ns/op", "MB/s", "B/op", "allocs/op"},
	}
	for _, row := range r.serializers {
		ser.rows = append(ser.rows, codecCells(row))
	}
	for _, s := range []string{"1KiB", "64KiB"} {
		if ratio, ok := r.jsonRatios[s]; ok {
			ser.notes = append(ser.notes, fmt.Sprintf("json serializer vs encoding/json, %s: %.2fx the speed (target >=%gx with generated encoders: %s)",
				s, ratio, targetJSON, verdict(ratio, targetJSON, false)))
		}
	}
	comp := table{
		title:  "Compressors (consume.Compressor(name).Compress of the JSON body)",
		header: []string{"compressor", "size", "ns/op", "MB/s", "B/op", "allocs/op", "compressed/original"},
	}
	for _, row := range r.compressors {
		comp.rows = append(comp.rows, append(codecCells(row), fmt.Sprintf("%.3f", row.res.Extra["ratio"])))
	}
	return []table{pub, ser, comp}
}

func codecCells(row codecRow) []string {
	r := row.res
	mbs := 0.0
	if ns := r.NsPerOp(); ns > 0 {
		mbs = float64(r.Bytes) / float64(ns) * 1e3
	}
	return []string{row.name, row.size, thousands(int(r.NsPerOp())), fmt.Sprintf("%.1f", mbs),
		thousands(int(r.AllocedBytesPerOp())), fmt.Sprint(r.AllocsPerOp())}
}

func (r *inProcessResult) print(w io.Writer) {
	for _, t := range r.tables() {
		t.text(w)
	}
}

func (r *scaleResult) table() table {
	t := table{
		title: fmt.Sprintf("Generator scale: the kombugen binary, median of %s each (process start included)", count(r.rounds, "run")),
		header: []string{"messages", "exchanges", "schema KiB", "output KiB", "generate", "per message",
			"generate -check", "per message", "growth exponent"},
	}
	for i, row := range r.rows {
		exp := "-"
		if i > 0 {
			exp = fmt.Sprintf("%.2f", growth(r.rows[i-1], row, func(s scaleRow) time.Duration { return s.generate }))
		}
		t.rows = append(t.rows, []string{thousands(row.messages), thousands(row.exchanges),
			fmt.Sprintf("%.0f", float64(row.schemaBytes)/1024), fmt.Sprintf("%.0f", float64(row.outputBytes)/1024),
			formatDuration(row.generate), perMessage(row.generate, row.messages),
			formatDuration(row.check), perMessage(row.check, row.messages), exp})
	}
	t.notes = append(t.notes, "growth exponent: k in time ~ messages^k from the row above (1 is linear, 2 quadratic), for generate.")
	return t
}

func (r *scaleResult) print(w io.Writer) { r.table().text(w) }

func formatDuration(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func perMessage(d time.Duration, n int) string {
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond)/float64(n))
}

// targets returns one line per performance target: what was measured and
// whether it was met.
func (r *report) targets() []string {
	var lines []string
	tally := func(what string, total int, missed []string) {
		if total == 0 {
			return
		}
		line := fmt.Sprintf("%s: met in %d of %d", what, total-len(missed), total)
		if len(missed) > 0 {
			line += "; MISSED in " + strings.Join(missed, ", ")
		}
		lines = append(lines, line)
	}
	if b := r.broker; b != nil {
		// One line per mode and ratio with a target, in the order met.
		type tallied struct {
			what        string
			total       int
			met, missed []string
		}
		var order []string
		byKey := map[string]*tallied{}
		for _, row := range b.rows {
			for _, spec := range ratioSpecs(row.mode) {
				xs := row.ratios(spec)
				if spec.target == 0 || xs == nil {
					continue
				}
				op := ">="
				if spec.atMost {
					op = "<="
				}
				key := fmt.Sprintf("broker, %s: %s %s %g", row.mode, spec.label, op, spec.target)
				t, ok := byKey[key]
				if !ok {
					t = &tallied{what: key}
					byKey[key] = t
					order = append(order, key)
				}
				t.total++
				m := median(xs)
				name := fmt.Sprintf("%s/%s/%s %.2f", row.size, row.compression, row.mode, m)
				if (spec.atMost && m > spec.target) || (!spec.atMost && m < spec.target) {
					t.missed = append(t.missed, name)
				} else {
					t.met = append(t.met, name)
				}
			}
		}
		for _, key := range order {
			t := byKey[key]
			line := fmt.Sprintf("%s: met in %d of %d", t.what, len(t.met), t.total)
			if len(t.met) > 0 && len(t.met) <= 3 {
				// A few cells: their values too.
				line += " (" + strings.Join(t.met, ", ") + ")"
			}
			if len(t.missed) > 0 {
				line += "; MISSED in " + strings.Join(t.missed, ", ")
			}
			lines = append(lines, line)
		}
	}
	if l := r.latency; l != nil {
		for _, p := range []struct {
			name string
			by   map[string][]float64
		}{{"p50", l.p50}, {"p99", l.p99}} {
			m := median(latencyRatios(p.by))
			lines = append(lines, fmt.Sprintf("latency of one confirmed publish, %s: generated <= %gx hand-written: %s (%.2f)",
				p.name, targetLatency, strings.TrimPrefix(verdict(m, targetLatency, true), fmt.Sprintf("<=%g ", targetLatency)), m))
		}
	}
	if p := r.inProcess; p != nil {
		var mt, ma []string
		for _, row := range p.publish {
			name := row.size + "/" + row.compression
			if m := median(row.ratios); m > targetTime {
				mt = append(mt, fmt.Sprintf("%s (%.2f)", name, m))
			}
			if row.gen.AllocsPerOp() > row.hand.AllocsPerOp() {
				ma = append(ma, fmt.Sprintf("%s (%d vs %d)", name, row.gen.AllocsPerOp(), row.hand.AllocsPerOp()))
			}
		}
		tally("in process: generated allocs/op <= hand-written", len(p.publish), ma)
		tally(fmt.Sprintf("in process: generated ns/op <= %gx hand-written", targetTime), len(p.publish), mt)
		var mj []string
		for _, s := range []string{"1KiB", "64KiB"} {
			if ratio, ok := p.jsonRatios[s]; ok && ratio < targetJSON {
				mj = append(mj, fmt.Sprintf("%s (%.2fx)", s, ratio))
			}
		}
		tally(fmt.Sprintf("json serializer >= %gx encoding/json", targetJSON), len(p.jsonRatios), mj)
	}
	if s := r.scale; s != nil && len(s.rows) > 0 {
		for _, row := range s.rows {
			if row.messages == 1000 {
				v := "met"
				if row.generate >= targetScale1000 {
					v = "MISSED"
				}
				lines = append(lines, fmt.Sprintf("generator: 1,000-message schema generates in under 1 s: %s (%s)", v, formatDuration(row.generate)))
			}
		}
		if n := len(s.rows); n >= 2 {
			a, b := s.rows[n-2], s.rows[n-1]
			k := growth(a, b, func(r scaleRow) time.Duration { return r.generate })
			v := "met"
			if k > targetGrowth {
				v = "MISSED"
			}
			lines = append(lines, fmt.Sprintf("generator: time grows linearly (exponent <= %g from %s to %s messages): %s (%.2f)",
				targetGrowth, thousands(a.messages), thousands(b.messages), v, k))
		}
	}
	return lines
}

func (r *report) printTargets(w io.Writer) {
	lines := r.targets()
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, "\nTargets (reported, not asserted)")
	for _, l := range lines {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

// markdown renders the whole report.
func (r *report) markdown(cfg *config) string {
	var b strings.Builder
	b.WriteString("## Machine\n\n")
	for _, l := range r.machine.lines() {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\n")
	if r.broker != nil {
		for _, t := range r.broker.tables() {
			t.markdown(&b)
		}
	}
	if r.latency != nil {
		t := r.latency.table()
		t.markdown(&b)
	}
	if r.inProcess != nil {
		for _, t := range r.inProcess.tables() {
			t.markdown(&b)
		}
	}
	if r.scale != nil {
		t := r.scale.table()
		t.markdown(&b)
	}
	if r.size != nil {
		t := r.size.table()
		t.markdown(&b)
	}
	if lines := r.targets(); len(lines) > 0 {
		b.WriteString("### Targets (reported, not asserted)\n\n")
		for _, l := range lines {
			fmt.Fprintf(&b, "- %s\n", l)
		}
		b.WriteString("\n")
	}
	if cfg.quick {
		b.WriteString("_A -quick smoke run: one round of a few messages; the numbers mean nothing._\n")
	}
	return b.String()
}
