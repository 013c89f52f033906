package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kombugen/kombugen/bench"
)

// The exit codes: 0 when everything ran (targets missed or not), 1 when a
// benchmark could not run, 2 for a bad command line.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// The sections of a run, in the order they run and print.
const (
	sectionBroker    = "broker"
	sectionLatency   = "latency"
	sectionInProcess = "inprocess"
	sectionScale     = "scale"
	sectionSize      = "size"
)

var allSections = []string{sectionBroker, sectionLatency, sectionInProcess, sectionScale, sectionSize}

// config is what the command line asks for.
type config struct {
	sections []string

	// The broker benchmark.
	url          string
	rounds       int
	sizes        []bench.Size
	compressions []string
	modes        []mode
	kombu        string // auto, on or off
	python       string
	duration     time.Duration
	count        int // messages per run; 0 picks them from -duration
	concurrency  int
	window       int // the hand-written async baseline's deferred confirms in flight
	runTimeout   time.Duration
	poll         time.Duration
	cpuProfile   string

	// The latency section.
	latencyCount int

	// The in-process benchmarks.
	benchtime      string
	inProcessRound int

	// The generator's scale.
	scaleCounts []int
	scaleRounds int
	kombugenBin string
	// The size of generated code, and what building it costs.
	sizeCounts []int
	sizeBuild  bool

	markdown string
	quick    bool
}

// run is main without the process around it, for tests: it parses args,
// runs the sections asked for, prints the tables to stdout and progress to
// stderr, and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "kombubench: %v\n", err)
		return exitUsage
	}
	r := &report{machine: describeMachine(ctx, cfg.python)}
	progress := func(format string, args ...any) {
		fmt.Fprintf(stderr, "kombubench: "+format+"\n", args...)
	}
	failed := false
	for _, section := range cfg.sections {
		var err error
		switch section {
		case sectionBroker:
			r.broker, err = runBroker(ctx, cfg, r.machine, progress)
			if r.broker != nil {
				r.broker.print(stdout)
			}
		case sectionLatency:
			r.latency, err = runLatency(ctx, cfg, r.machine, progress)
			if r.latency != nil {
				r.latency.print(stdout)
			}
		case sectionInProcess:
			r.inProcess, err = runInProcess(ctx, cfg, progress)
			if r.inProcess != nil {
				r.inProcess.print(stdout)
			}
		case sectionScale:
			r.scale, err = runScale(ctx, cfg, progress)
			if r.scale != nil {
				r.scale.print(stdout)
			}
		case sectionSize:
			r.size, err = runSizeSection(ctx, cfg, progress)
			if r.size != nil {
				r.size.print(stdout)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "kombubench: %s: %v\n", section, err)
			failed = true
			if ctx.Err() != nil {
				break
			}
		}
	}
	r.machine.loadEnd = loadAverage()
	r.printTargets(stdout)
	fmt.Fprintln(stdout, "\nMachine")
	for _, l := range r.machine.lines() {
		fmt.Fprintf(stdout, "  %s\n", l)
	}
	if cfg.markdown != "" {
		if err := os.WriteFile(cfg.markdown, []byte(r.markdown(cfg)), 0o644); err != nil {
			fmt.Fprintf(stderr, "kombubench: %v\n", err)
			return exitFailed
		}
		progress("wrote %s", cfg.markdown)
	}
	if failed {
		return exitFailed
	}
	return exitOK
}

const usage = `Usage: kombubench [flags]

kombubench measures kombugen's publish path on this machine and prints the
tables BENCHMARKS.md holds:

  broker     the generated producer, hand-written amqp091-go and kombu
             publishing the same messages to RabbitMQ, in one run, the
             order alternating every round; msg/s and the client's and the
             broker's CPU per message (medians of the rounds) and the
             ratios, with their targets;
  latency    one confirmed publish of 1 KiB at a time on an idle
             connection, hand-written against generated: p50 and p99;
  inprocess  ns/op, B/op and allocs/op of a generated Publish and of the
             hand-written code doing the same work, with no broker; the
             serializers and compressors;
  scale      kombugen generate and generate -check on schemas of 100,
             1,000 and 10,000 messages;
  size       the generated code of schemas of 100, 1,000 and 10,000
             messages of ten fields: its lines, kombugen check and
             generate, and go build of it (CPU, peak memory).

Unconfirmed runs are timed from an empty queue until the queue holds every
message; confirmed (32 goroutines, each waiting for its confirm) and async
(one goroutine, many confirms in flight) runs until every message has its
confirm. An async cell also runs the hand-written confirmed and unconfirmed
publishers in the same rounds, the references of its targets.

Flags:
`

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("kombubench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	cfg := &config{}
	sections := fs.String("run", strings.Join(allSections, ","), "the `sections` to run: broker, latency, inprocess, scale, size")
	fs.StringVar(&cfg.url, "url", "", "the broker `URL` (default $KOMBUGEN_AMQP_URL, else amqp://guest:guest@127.0.0.1:5672/)")
	fs.IntVar(&cfg.rounds, "rounds", 5, "rounds per cell; each runs every implementation once, the order alternating")
	sizes := fs.String("sizes", "100B,1KiB,64KiB", "body `sizes`: 100B, 1KiB, 64KiB")
	compressions := fs.String("compression", "none,zlib,zstd", "`compressions`: none, zlib, zstd")
	modes := fs.String("modes", strings.Join(allModes, ","), "publish `modes`: unconfirmed, confirmed, async")
	fs.StringVar(&cfg.kombu, "kombu", "auto", "run kombu too: auto (when -python imports kombu), on or off")
	fs.StringVar(&cfg.python, "python", "/usr/bin/python3", "the Python with kombu")
	fs.DurationVar(&cfg.duration, "duration", 1500*time.Millisecond, "how long a run should take; the message count is calibrated to it")
	fs.IntVar(&cfg.count, "count", 0, "messages per run, instead of calibrating to -duration")
	fs.IntVar(&cfg.concurrency, "concurrency", 32, "publishing goroutines in confirmed runs")
	fs.IntVar(&cfg.window, "window", 1024, "deferred confirms the hand-written async run keeps in flight")
	fs.DurationVar(&cfg.runTimeout, "run-timeout", 2*time.Minute, "give up on a run after this long")
	fs.DurationVar(&cfg.poll, "poll", time.Millisecond, "pause between two reads of the queue's depth")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of each timed broker run, named after `FILE`: cpu.pprof gives cpu.1KiB-none-async.generated.r1.pprof")
	fs.IntVar(&cfg.latencyCount, "latency-count", 1000, "latency: sequential confirmed publishes per run")
	fs.StringVar(&cfg.benchtime, "benchtime", "1s", "in-process: testing's -benchtime for each benchmark")
	fs.IntVar(&cfg.inProcessRound, "inprocess-rounds", 3, "in-process: rounds of generated and hand-written, alternating")
	scale := fs.String("scale", "100,1000,10000", "scale: schema `sizes` in messages (exchanges: a tenth of that)")
	fs.IntVar(&cfg.scaleRounds, "scale-rounds", 3, "scale: runs of each command per schema")
	fs.StringVar(&cfg.kombugenBin, "kombugen", "", "scale, size: the kombugen `binary` (default: built from this module)")
	size := fs.String("size", "100,1000,10000", "size: schema `sizes` in messages")
	fs.BoolVar(&cfg.sizeBuild, "size-build", true, "size: also build the generated code (in a module that requires this one)")
	fs.StringVar(&cfg.markdown, "markdown", "", "also write the tables as Markdown to `FILE`")
	fs.BoolVar(&cfg.quick, "quick", false, "a smoke run: one round, a few messages, short benchmarks")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if cfg.quick {
		// Anything given explicitly wins over -quick's choices.
		if !set["rounds"] {
			cfg.rounds = 1
		}
		if !set["count"] {
			cfg.count = -1 // per size, see quickCount
		}
		if !set["benchtime"] {
			cfg.benchtime = "20x"
		}
		if !set["inprocess-rounds"] {
			cfg.inProcessRound = 1
		}
		if !set["scale"] {
			*scale = "10,100"
		}
		if !set["scale-rounds"] {
			cfg.scaleRounds = 1
		}
		if !set["latency-count"] {
			cfg.latencyCount = 50
		}
		if !set["size"] {
			*size = "10,100"
		}
		if !set["size-build"] {
			cfg.sizeBuild = false
		}
	}

	if cfg.url == "" {
		cfg.url = os.Getenv("KOMBUGEN_AMQP_URL")
	}
	if cfg.url == "" {
		cfg.url = "amqp://guest:guest@127.0.0.1:5672/"
	}
	var err error
	if cfg.sections, err = list(*sections, allSections); err != nil {
		return nil, err
	}
	for _, name := range splitList(*sizes) {
		s, err := bench.LookupSize(name)
		if err != nil {
			return nil, err
		}
		cfg.sizes = append(cfg.sizes, s)
	}
	if cfg.compressions, err = list(*compressions, []string{"none", "zlib", "zstd"}); err != nil {
		return nil, err
	}
	ms, err := list(*modes, allModes)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		cfg.modes = append(cfg.modes, mode(m))
	}
	for _, s := range splitList(*scale) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-scale: %q is not a positive number of messages", s)
		}
		cfg.scaleCounts = append(cfg.scaleCounts, n)
	}
	for _, s := range splitList(*size) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-size: %q is not a positive number of messages", s)
		}
		cfg.sizeCounts = append(cfg.sizeCounts, n)
	}
	switch {
	case !slices.Contains([]string{"auto", "on", "off"}, cfg.kombu):
		return nil, fmt.Errorf("-kombu: %q is not auto, on or off", cfg.kombu)
	case cfg.rounds < 1, cfg.inProcessRound < 1, cfg.scaleRounds < 1:
		return nil, errors.New("rounds must be at least 1")
	case cfg.concurrency < 1:
		return nil, errors.New("-concurrency must be at least 1")
	case cfg.window < 1:
		return nil, errors.New("-window must be at least 1")
	case cfg.latencyCount < 1:
		return nil, errors.New("-latency-count must be at least 1")
	case cfg.duration <= 0:
		return nil, errors.New("-duration must be positive")
	}
	return cfg, nil
}

// startCPUProfile starts writing a CPU profile to file, unless file is "",
// and returns what stops it, which may be called more than once.
func startCPUProfile(file string) (func(), error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return sync.OnceFunc(func() {
		pprof.StopCPUProfile()
		f.Close()
	}), nil
}

// list splits a comma-separated flag value and checks each item is one of
// known.
func list(v string, known []string) ([]string, error) {
	items := splitList(v)
	for _, it := range items {
		if !slices.Contains(known, it) {
			return nil, fmt.Errorf("%q is not one of %s", it, strings.Join(known, ", "))
		}
	}
	return items, nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
