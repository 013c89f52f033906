package main

import (
	"fmt"
	"io"
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
	targetKombu       = 3.0  // generated/kombu msg/s
	targetTime        = 1.05 // generated/hand-written ns/op in process
	targetJSON        = 2.0  // encoding/json ns/op over the json serializer's
	targetScale1000   = time.Second
	targetGrowth      = 1.15 // exponent of generate time in messages
)

// report is everything a run measured.
type report struct {
	machine   *machine
	broker    *brokerResult
	inProcess *inProcessResult
	scale     *scaleResult
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

func (r *brokerResult) table() table {
	t := table{
		title: fmt.Sprintf("Broker: msg/s, median of %s; ratios: median of the per-round ratios (min-max)", count(r.rounds, "round")),
		header: []string{"size", "compression", "mode", "messages/run", implHand, implGen, implKombu,
			"generated/hand-written", "target", "generated/kombu", "target"},
	}
	hasKombu := slices.Contains(r.impls, implKombu)
	for _, row := range r.rows {
		msgs := thousands(row.n)
		if hasKombu && row.nKombu != row.n {
			msgs += " (kombu " + thousands(row.nKombu) + ")"
		}
		cells := []string{row.size, row.compression, string(row.mode), msgs}
		for _, impl := range []string{implHand, implGen, implKombu} {
			if rates, ok := row.rates[impl]; ok {
				cells = append(cells, thousands(int(median(rates))))
			} else {
				cells = append(cells, "-")
			}
		}
		target := targetUnconfirmed
		if row.mode == confirmed {
			target = targetConfirmed
		}
		cells = append(cells, formatRatio(row.genHand), verdict(median(row.genHand), target, false))
		if len(row.genKombu) > 0 {
			cells = append(cells, formatRatio(row.genKombu), verdict(median(row.genKombu), targetKombu, false))
		} else {
			cells = append(cells, "-", "-")
		}
		t.rows = append(t.rows, cells)
	}
	t.notes = append(t.notes,
		"unconfirmed: one goroutine, timed from an empty queue until the queue holds every message; "+
			"confirmed: 32 goroutines (hand-written: one shared confirm-mode channel, deferred confirms; generated: runtime.Dial defaults), "+
			"timed until the last confirm; kombu: one thread, confirm_publish waits for each confirm.")
	t.notes = append(t.notes, r.notes...)
	return t
}

func (r *brokerResult) print(w io.Writer) { r.table().text(w) }

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
		title:  "Serializers (runtime.LookupSerializer(name).Marshal; encoding/json is json.Marshal)",
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
		title:  "Compressors (runtime.LookupCompressor(name).Compress of the JSON body)",
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
		var nu, nc, nk int
		var mu, mc, mk []string
		for _, row := range b.rows {
			name := fmt.Sprintf("%s/%s/%s (%.2f)", row.size, row.compression, row.mode, median(row.genHand))
			switch row.mode {
			case unconfirmed:
				nu++
				if median(row.genHand) < targetUnconfirmed {
					mu = append(mu, name)
				}
			case confirmed:
				nc++
				if median(row.genHand) < targetConfirmed {
					mc = append(mc, name)
				}
			}
			if len(row.genKombu) > 0 {
				nk++
				if g := median(row.genKombu); g < targetKombu {
					mk = append(mk, fmt.Sprintf("%s/%s/%s (%.2f)", row.size, row.compression, row.mode, g))
				}
			}
		}
		tally(fmt.Sprintf("broker, unconfirmed: generated >= %gx hand-written", targetUnconfirmed), nu, mu)
		tally(fmt.Sprintf("broker, confirmed under concurrency: generated >= %gx hand-written deferred confirms", targetConfirmed), nc, mc)
		tally(fmt.Sprintf("broker: generated >= %gx kombu", targetKombu), nk, mk)
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
		t := r.broker.table()
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
