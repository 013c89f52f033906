package main

import (
	"bytes"
	"context"
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
)

// TestQuickBroker runs the broker benchmark in -quick mode against
// RabbitMQ and checks that the table is complete: a row for every size,
// compression and mode, each with a rate for the Go implementations, the
// ratio and its target. It asserts nothing about the numbers. kombu, whose
// runs each start Python, is left to TestQuickBrokerKombu. Under the race
// detector zlib takes tens of milliseconds a message, so the race run
// leaves it out (bench's TestSameWork covers its preparation).
func TestQuickBroker(t *testing.T) {
	brokertest.Require(t)
	compressions := []string{"none", "zlib", "zstd"}
	if raceEnabled {
		compressions = []string{"none", "zstd"}
	}
	md := filepath.Join(t.TempDir(), "bench.md")
	out := runTool(t, "-quick", "-run", "broker", "-kombu", "off", "-compression", strings.Join(compressions, ","),
		"-url", brokertest.URL(), "-markdown", md)
	rows := brokerRows(t, md)
	want := map[string]bool{}
	for _, size := range []string{"100B", "1KiB", "64KiB"} {
		for _, comp := range compressions {
			for _, mode := range []string{"unconfirmed", "confirmed"} {
				want[size+"/"+comp+"/"+mode] = true
			}
		}
	}
	for _, r := range rows {
		key := checkBrokerRow(t, r, false)
		if !want[key] {
			t.Errorf("unexpected or repeated row %s", key)
		}
		delete(want, key)
	}
	for key := range want {
		t.Errorf("no row for %s", key)
	}
	for _, s := range []string{"Broker: msg/s", "Targets (reported, not asserted)", "RabbitMQ: 3.", "CPU: "} {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	if got, want := strings.Count(out, "confirmed  "), 3*len(compressions)*2; got != want {
		t.Errorf("stdout's table has %d rows, want %d:\n%s", got, want, out)
	}
}

// TestQuickBrokerKombu runs one size with kombu beside the Go publishers.
func TestQuickBrokerKombu(t *testing.T) {
	brokertest.Require(t)
	if !hasKombu() {
		brokertest.Unavailable(t, "/usr/bin/python3 cannot import kombu; install python3-kombu")
	}
	md := filepath.Join(t.TempDir(), "bench.md")
	runTool(t, "-quick", "-run", "broker", "-kombu", "on", "-sizes", "100B", "-compression", "zstd",
		"-url", brokertest.URL(), "-markdown", md)
	rows := brokerRows(t, md)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2 (unconfirmed, confirmed)", len(rows))
	}
	for _, r := range rows {
		checkBrokerRow(t, r, true)
	}
}

// brokerRows returns the rows of the broker table in the Markdown file.
func brokerRows(t *testing.T, file string) [][]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return markdownRows(t, string(b), "Broker")
}

// checkBrokerRow checks that a row of the broker table is complete and
// returns its size/compression/mode.
func checkBrokerRow(t *testing.T, r []string, kombu bool) string {
	t.Helper()
	if len(r) != 11 {
		t.Errorf("row %q has %d cells, want 11", r, len(r))
		return ""
	}
	key := r[0] + "/" + r[1] + "/" + r[2]
	check := func(what, cell string, re *regexp.Regexp) {
		t.Helper()
		if !re.MatchString(cell) {
			t.Errorf("%s: %s is %q", key, what, cell)
		}
	}
	check("messages", r[3], number)
	check("hand-written msg/s", r[4], number)
	check("generated msg/s", r[5], number)
	check("generated/hand-written", r[7], ratio)
	check("its target", r[8], verdictRE)
	if kombu {
		check("kombu msg/s", r[6], number)
		check("generated/kombu", r[9], ratio)
		check("its target", r[10], verdictRE)
	} else if r[6] != "-" {
		t.Errorf("%s: kombu msg/s is %q with -kombu off", key, r[6])
	}
	return key
}

// TestQuickInProcessAndScale runs the sections that need no broker, with
// -quick and a reduced matrix, and checks their tables are complete.
func TestQuickInProcessAndScale(t *testing.T) {
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
	} {
		if _, err := parseFlags(bad, &stderr); err == nil {
			t.Errorf("parseFlags(%q) accepted it", bad)
		}
	}
	cfg, err := parseFlags([]string{"-quick", "-rounds", "3"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.rounds != 3 || cfg.count >= 0 || cfg.scaleRounds != 1 {
		t.Errorf("-quick -rounds 3: rounds %d, count %d, scale rounds %d; want 3, <0, 1", cfg.rounds, cfg.count, cfg.scaleRounds)
	}
}

func TestRoundCount(t *testing.T) {
	for n, want := range map[int]int{42: 42, 149: 150, 87345: 87000, 1234: 1200, 999: 1000} {
		if got := roundCount(n); got != want {
			t.Errorf("roundCount(%d) = %d, want %d", n, got, want)
		}
	}
}
