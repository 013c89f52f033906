package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
)

// hasKombu reports whether kombubench will run kombu (-kombu auto).
func hasKombu() bool {
	return exec.Command("/usr/bin/python3", "-c", "import kombu").Run() == nil
}

// runTool runs kombubench in process and returns its stdout, failing the
// test unless it exits 0.
func runTool(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, args, &stdout, &stderr); code != exitOK {
		t.Fatalf("kombubench %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// markdownRows returns the rows of the Markdown table under the heading
// that starts with title, each split into its cells.
func markdownRows(t *testing.T, md, title string) [][]string {
	t.Helper()
	_, rest, ok := strings.Cut(md, "### "+title)
	if !ok {
		t.Fatalf("no table %q in the Markdown:\n%s", title, md)
	}
	var rows [][]string
	for i, line := range strings.Split(rest, "\n")[1:] {
		if i == 0 && line == "" {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		t.Fatalf("table %q has no rows:\n%s", title, rest)
	}
	return rows[2:] // after the header and the separator
}

var (
	number    = regexp.MustCompile(`^[0-9][0-9,]*$`)
	ratio     = regexp.MustCompile(`^[0-9]+\.[0-9]{2}`)
	verdictRE = regexp.MustCompile(`^(>=|<=)[0-9.]+ (met|MISSED)$`)
	micros    = regexp.MustCompile(`^[0-9]+\.[0-9]$`)
)

// TestQuickBroker runs the broker benchmark in -quick mode against
// RabbitMQ and checks that the tables are complete: for every size,
// compression and mode a row per run, each with its rate and CPU per
// message, and the ratios with their targets. The async cells run the
// hand-written confirmed and unconfirmed references too, and a window
// smaller than a run, so that the hand-written async run waits on its
// oldest confirm. It asserts nothing about the numbers. kombu, whose runs
// each start Python, is left to TestQuickBrokerKombu. Under the race
// detector zlib takes tens of milliseconds a message, so the race run
// leaves it out (bench's TestSameWork covers its preparation).
func TestQuickBroker(t *testing.T) {
	brokertest.Require(t)
	compressions := []string{"none", "zlib", "zstd"}
	if raceEnabled {
		compressions = []string{"none", "zstd"}
	}
	dir := t.TempDir()
	md := filepath.Join(dir, "bench.md")
	out := runTool(t, "-quick", "-run", "broker", "-kombu", "off", "-compression", strings.Join(compressions, ","),
		"-window", "5", "-url", brokertest.URL(), "-markdown", md, "-cpuprofile", filepath.Join(dir, "cpu.pprof"))
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	brokerCPU := findBrokerNode(brokertest.URL()).missing == ""
	rows := markdownRows(t, string(b), "Broker: msg/s")
	ratios := markdownRows(t, string(b), "Broker: ratios")
	wantRuns := map[string][]string{
		"unconfirmed": {implHand, implGen},
		"confirmed":   {implHand, implGen},
		"async":       {implHand, implGen, refConfirmed, refUnconfirmed},
	}
	want := map[string]bool{}
	wantRatios := map[string]bool{}
	for _, size := range []string{"100B", "1KiB", "64KiB"} {
		for _, comp := range compressions {
			for _, md := range allModes {
				for _, run := range wantRuns[md] {
					want[size+"/"+comp+"/"+md+"/"+run] = true
				}
				for _, spec := range ratioSpecs(mode(md)) {
					// A -quick run is too short for the broker's clock
					// (10 ms ticks) to see every run: a ratio over none
					// is left out.
					if spec.den != implKombu && !strings.HasPrefix(spec.label, "broker CPU") {
						wantRatios[size+"/"+comp+"/"+md+"/"+spec.label] = spec.target != 0
					}
				}
			}
		}
	}
	for _, r := range rows {
		key := checkRunRow(t, r, brokerCPU)
		if !want[key] {
			t.Errorf("unexpected or repeated row %s", key)
		}
		delete(want, key)
	}
	for key := range want {
		t.Errorf("no row for %s", key)
	}
	for _, r := range ratios {
		key, targeted := checkRatioRow(t, r)
		if strings.HasSuffix(key, "/broker CPU per message: generated / hand-written") && brokerCPU && !targeted {
			continue
		}
		if wantTarget, ok := wantRatios[key]; !ok {
			t.Errorf("unexpected or repeated ratio %s", key)
		} else if targeted != wantTarget {
			t.Errorf("ratio %s: target %q", key, r[5])
		}
		delete(wantRatios, key)
	}
	for key := range wantRatios {
		t.Errorf("no ratio %s", key)
	}
	for _, s := range []string{"Broker: msg/s", "Broker: ratios", "Targets (reported, not asserted)", "RabbitMQ: 3.", "CPU: ",
		"broker, async: msg/s: generated / hand-written confirmed >= 1.4: met in",
		"broker, async: client CPU per message: generated / hand-written <= 0.9: met in"} {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	if got, want := strings.Count(out, "  "+refUnconfirmed+"  "), 3*len(compressions); got != want {
		t.Errorf("stdout's table has %d rows of the hand-written unconfirmed reference, want %d:\n%s", got, want, out)
	}
	for _, run := range []string{"generated", "hand-written", "hand-written-confirmed", "hand-written-unconfirmed"} {
		f := filepath.Join(dir, "cpu.1KiB-none-async."+run+".r1.pprof")
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("no CPU profile of the %s run: %v", run, err)
		}
	}
}

// TestQuickBrokerKombu runs one size with kombu beside the Go publishers,
// and an async cell, which leaves kombu out.
func TestQuickBrokerKombu(t *testing.T) {
	brokertest.Require(t)
	if !hasKombu() {
		brokertest.Unavailable(t, "/usr/bin/python3 cannot import kombu; install python3-kombu")
	}
	md := filepath.Join(t.TempDir(), "bench.md")
	runTool(t, "-quick", "-run", "broker", "-kombu", "on", "-sizes", "100B", "-compression", "zstd",
		"-url", brokertest.URL(), "-markdown", md)
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	brokerCPU := findBrokerNode(brokertest.URL()).missing == ""
	kombuRows := 0
	for _, r := range markdownRows(t, string(b), "Broker: msg/s") {
		if key := checkRunRow(t, r, brokerCPU); strings.HasSuffix(key, "/"+implKombu) {
			kombuRows++
			if strings.Contains(key, "/async/") {
				t.Errorf("kombu ran in an async cell: %s", key)
			}
		}
	}
	if kombuRows != 2 {
		t.Errorf("%d kombu rows, want 2 (unconfirmed, confirmed)", kombuRows)
	}
	kombuRatios := 0
	for _, r := range markdownRows(t, string(b), "Broker: ratios") {
		if key, _ := checkRatioRow(t, r); strings.HasSuffix(key, "generated / kombu") {
			kombuRatios++
		}
	}
	if kombuRatios != 2 {
		t.Errorf("%d generated/kombu ratios, want 2", kombuRatios)
	}
}

// checkRunRow checks that a row of the broker's rate table is complete
// and returns its size/compression/mode/run.
func checkRunRow(t *testing.T, r []string, brokerCPU bool) string {
	t.Helper()
	cells := 7
	if brokerCPU {
		cells = 8
	}
	if len(r) != cells {
		t.Errorf("row %q has %d cells, want %d", r, len(r), cells)
		return ""
	}
	key := strings.Join(r[:4], "/")
	check := func(what, cell string, re *regexp.Regexp) {
		t.Helper()
		if !re.MatchString(cell) {
			t.Errorf("%s: %s is %q", key, what, cell)
		}
	}
	check("messages", r[4], number)
	check("msg/s", r[5], number)
	check("client CPU", r[6], micros)
	if brokerCPU {
		check("broker CPU", r[7], micros)
	}
	return key
}

// checkRatioRow checks that a row of the broker's ratio table is complete
// and returns its size/compression/mode/ratio and whether it has a target.
func checkRatioRow(t *testing.T, r []string) (string, bool) {
	t.Helper()
	if len(r) != 6 {
		t.Errorf("ratio row %q has %d cells, want 6", r, len(r))
		return "", false
	}
	key := strings.Join(r[:4], "/")
	if !ratio.MatchString(r[4]) {
		t.Errorf("%s: ratio is %q", key, r[4])
	}
	if r[5] == "-" {
		return key, false
	}
	if !verdictRE.MatchString(r[5]) {
		t.Errorf("%s: target is %q", key, r[5])
	}
	return key, true
}

// TestQuickLatency runs the latency section for two rounds and checks its
// table and targets: the median per-round p50 and p99, then percentiles of
// every publish of both rounds together.
func TestQuickLatency(t *testing.T) {
	brokertest.Require(t)
	md := filepath.Join(t.TempDir(), "bench.md")
	out := runTool(t, "-quick", "-run", "latency", "-rounds", "2", "-url", brokertest.URL(), "-markdown", md)
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	rows := markdownRows(t, string(b), "Latency")
	want := []string{"p50", "p99", "p50 of all 100", "p90 of all 100", "p99 of all 100"}
	if len(rows) != len(want) {
		t.Fatalf("latency rows %q, want %q", rows, want)
	}
	for i, r := range rows {
		if r[0] != want[i] {
			t.Errorf("latency row %d is %q, want %q", i, r[0], want[i])
		}
		pooled := i >= 2
		if len(r) != 5 || !number.MatchString(r[1]) || !number.MatchString(r[2]) ||
			(!pooled && (!ratio.MatchString(r[3]) || !verdictRE.MatchString(r[4]))) ||
			(pooled && (!ratio.MatchString(r[3]) || r[4] != "-")) {
			t.Errorf("latency row %q is incomplete", r)
		}
	}
	for _, s := range []string{"of 50 publishes in a row", "latency of one confirmed publish, p50: generated <= 1.1x hand-written: ",
		"latency of one confirmed publish, p99: generated <= 1.1x hand-written: "} {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
}

// TestQuickInProcessAndScale runs the sections that need no broker, with
// -quick and a reduced matrix, and checks their tables are complete.
func TestQuickInProcessAndScale(t *testing.T) {
	brokertest.Integration(t)
	if testing.Short() {
		t.Skip("builds kombugen")
	}
	md := filepath.Join(t.TempDir(), "bench.md")
	out := runTool(t, "-quick", "-run", "inprocess,scale", "-sizes", "100B,1KiB", "-compression", "none,zstd",
		"-scale", "10,20", "-markdown", md)
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	publish := markdownRows(t, string(b), "In process")
	if len(publish) != 4 {
		t.Errorf("in-process publish table has %d rows, want 4", len(publish))
	}
	for _, r := range publish {
		if len(r) != 11 || !number.MatchString(r[2]) || !number.MatchString(r[3]) || !verdictRE.MatchString(r[5]) {
			t.Errorf("in-process row %q is incomplete", r)
		}
	}
	// The codecs run at the sizes given from 1 KiB up: here 1 KiB.
	if got := len(markdownRows(t, string(b), "Serializers")); got != 4 {
		t.Errorf("serializer table has %d rows, want 4 (json, yaml, msgpack, encoding/json)", got)
	}
	if got := len(markdownRows(t, string(b), "Compressors")); got != 5 {
		t.Errorf("compressor table has %d rows, want 5 (zlib, bzip2, lzma, brotli, zstd)", got)
	}
	scale := markdownRows(t, string(b), "Generator scale")
	if len(scale) != 2 || scale[0][0] != "10" || scale[1][0] != "20" {
		t.Errorf("scale table rows %q, want 10 and 20 messages", scale)
	}
	if !strings.Contains(out, "generator: time grows linearly") {
		t.Errorf("stdout lacks the growth target:\n%s", out)
	}
}

func TestParseFlags(t *testing.T) {
	var stderr bytes.Buffer
	for _, bad := range [][]string{
		{"-sizes", "2KiB"}, {"-compression", "lz4"}, {"-modes", "batched"}, {"-kombu", "maybe"},
		{"-run", "everything"}, {"-rounds", "0"}, {"-scale", "ten"}, {"extra"},
		{"-window", "0"}, {"-latency-count", "0"},
	} {
		if _, err := parseFlags(bad, &stderr); err == nil {
			t.Errorf("parseFlags(%q) accepted it", bad)
		}
	}
	cfg, err := parseFlags([]string{"-quick", "-rounds", "3"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.rounds != 3 || cfg.count >= 0 || cfg.scaleRounds != 1 || cfg.latencyCount != 50 {
		t.Errorf("-quick -rounds 3: rounds %d, count %d, scale rounds %d, latency count %d; want 3, <0, 1, 50",
			cfg.rounds, cfg.count, cfg.scaleRounds, cfg.latencyCount)
	}
	cfg, err = parseFlags(nil, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(cfg.sections, cfg.modes, cfg.window, cfg.latencyCount); got != "[broker latency inprocess scale size] [unconfirmed confirmed async] 1024 1000" {
		t.Errorf("defaults: sections, modes, window, latency count: %s", got)
	}
}

func TestPercentile(t *testing.T) {
	ds := make([]time.Duration, 1000)
	for i := range ds {
		// 1000 µs down to 1 µs: the order must not matter.
		ds[i] = time.Duration(1000-i) * time.Microsecond
	}
	for q, want := range map[float64]float64{0.5: 500, 0.99: 990, 1: 1000, 0: 1} {
		if got := percentile(ds, q); got != want {
			t.Errorf("percentile(1..1000 µs, %g) = %g, want %g", q, got, want)
		}
	}
	if got := percentile([]time.Duration{7 * time.Microsecond}, 0.99); got != 7 {
		t.Errorf("percentile of one = %g, want 7", got)
	}
}

// TestProcCPU reads this process's CPU time from /proc, as the broker
// node's is read, and compares it with getrusage's after burning some.
func TestProcCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	before, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	self0, ok := selfCPU()
	if !ok {
		t.Fatal("selfCPU: not available")
	}
	x := 0
	for self, _ := selfCPU(); self-self0 < 200*time.Millisecond; self, _ = selfCPU() {
		for i := range 1_000_000 {
			x += i
		}
	}
	after, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Clock ticks are 10 ms: 200 ms burnt shows as at least 150.
	if d := after - before; d < 150*time.Millisecond {
		t.Errorf("/proc/self/stat shows %v burnt, getrusage at least 200ms (x=%d)", d, x)
	}
	if _, err := procCPU(-1); err == nil {
		t.Error("procCPU(-1) succeeded")
	}
}

func TestLocalHost(t *testing.T) {
	for u, want := range map[string]bool{
		"amqp://guest:guest@127.0.0.1:5672/bench": true,
		"amqp://localhost/":                       true,
		"amqp://[::1]:5672/":                      true,
		"amqp://rabbit.example.invalid/":          false,
		"amqp://192.0.2.1/":                       false,
	} {
		if _, got := localHost(u); got != want {
			t.Errorf("localHost(%q) = %v, want %v", u, got, want)
		}
	}
	if n := findBrokerNode("amqp://192.0.2.1/"); n.missing == "" {
		t.Error("a remote broker's node was found on this machine")
	}
}

func TestRoundCount(t *testing.T) {
	for n, want := range map[int]int{42: 42, 149: 150, 87345: 87000, 1234: 1200, 999: 1000} {
		if got := roundCount(n); got != want {
			t.Errorf("roundCount(%d) = %d, want %d", n, got, want)
		}
	}
}
