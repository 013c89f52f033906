package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kombugen/kombugen/bench"
)

// The size section measures the generated code of bench.SizeSchema, n
// messages of ten fields each, published with json to one topic exchange:
// its lines, how long kombugen check and generate take on it, and what
// compiling it costs (go build of the generated package alone, in a module
// that requires this one, its dependencies built already), CPU time and
// peak memory, as /usr/bin/time -v reports them.

type sizeRow struct {
	messages    int
	lines       int
	outputBytes int
	// The medians of kombugen check and generate, wall and CPU time.
	check, checkCPU       time.Duration
	generate, generateCPU time.Duration
	// The build, when measured: median wall and CPU time, and the peak
	// resident memory of the largest process (the compiler), its median.
	build, buildCPU time.Duration
	buildPeak       int64 // bytes
}

type sizeResult struct {
	rounds int
	build  bool
	rows   []sizeRow
}

func runSize(ctx context.Context, cfg *config, bin string, progress func(string, ...any)) (*sizeResult, error) {
	dir, err := os.MkdirTemp("", "kombubench-size-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	res := &sizeResult{rounds: cfg.scaleRounds, build: cfg.sizeBuild}
	if cfg.sizeBuild {
		if err := sizeModule(ctx, dir); err != nil {
			return nil, err
		}
	}
	for _, n := range cfg.sizeCounts {
		row, err := sizeOne(ctx, cfg, bin, dir, n)
		if err != nil {
			return res, err
		}
		progress("size %d messages: %d lines, check %s, generate %s, build %s (peak %d MB)", n, row.lines,
			row.check.Round(time.Millisecond), row.generate.Round(time.Millisecond), row.build.Round(time.Millisecond), row.buildPeak>>20)
		res.rows = append(res.rows, row)
	}
	return res, nil
}

// sizeModule makes dir a module that requires this one, through a replace
// directive, with this module's go.sum, so that it builds offline.
func sizeModule(ctx context.Context, dir string) error {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "github.com/kombugen/kombugen").Output()
	if err != nil {
		return fmt.Errorf("find the kombugen module (run kombubench inside it): %v", err)
	}
	root := strings.TrimSpace(string(out))
	mod := fmt.Sprintf("module kombubench.size\n\ngo 1.26\n\nrequire github.com/kombugen/kombugen v0.0.0\n\nreplace github.com/kombugen/kombugen => %s\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
}

func sizeOne(ctx context.Context, cfg *config, bin, dir string, n int) (sizeRow, error) {
	pkg := filepath.Join(dir, fmt.Sprintf("size%d", n))
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		return sizeRow{}, err
	}
	const schemaName, outName = "size.kombugen.yaml", "size_gen.go"
	if err := os.WriteFile(filepath.Join(pkg, schemaName), bench.SizeSchema(n), 0o644); err != nil {
		return sizeRow{}, err
	}
	row := sizeRow{messages: n}
	var checks, checkCPUs, gens, genCPUs []time.Duration
	for range cfg.scaleRounds {
		u, err := measure(ctx, pkg, nil, bin, "check", schemaName)
		if err != nil {
			return row, err
		}
		checks, checkCPUs = append(checks, u.wall), append(checkCPUs, u.cpu)
		os.Remove(filepath.Join(pkg, outName))
		if u, err = measure(ctx, pkg, nil, bin, "generate", schemaName); err != nil {
			return row, err
		}
		gens, genCPUs = append(gens, u.wall), append(genCPUs, u.cpu)
	}
	row.check, row.checkCPU = medianDuration(checks), medianDuration(checkCPUs)
	row.generate, row.generateCPU = medianDuration(gens), medianDuration(genCPUs)
	code, err := os.ReadFile(filepath.Join(pkg, outName))
	if err != nil {
		return row, err
	}
	row.lines, row.outputBytes = bytes.Count(code, []byte("\n")), len(code)
	if !cfg.sizeBuild {
		return row, nil
	}
	env := []string{"GOFLAGS=-mod=mod", "GOPROXY=off"}
	// The first build compiles the dependencies too; the measured ones
	// compile the generated package alone, its text changed each time
	// so that the build cache cannot skip it.
	if _, err := measure(ctx, pkg, env, "go", "build", "."); err != nil {
		return row, err
	}
	var walls, cpus, peaks []time.Duration
	for i := range cfg.scaleRounds {
		f, err := os.OpenFile(filepath.Join(pkg, outName), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return row, err
		}
		fmt.Fprintf(f, "\n// build %d\n", i)
		f.Close()
		u, err := measure(ctx, pkg, env, "go", "build", ".")
		if err != nil {
			return row, err
		}
		walls, cpus, peaks = append(walls, u.wall), append(cpus, u.cpu), append(peaks, time.Duration(u.peak))
	}
	row.build, row.buildCPU, row.buildPeak = medianDuration(walls), medianDuration(cpus), int64(medianDuration(peaks))
	return row, nil
}

// cost is what a command cost: wall and CPU time (its children's
// included), and the peak resident memory of the largest of its processes.
type cost struct {
	wall, cpu time.Duration
	peak      int64
}

// measure runs name with args in dir, with env added to the environment.
func measure(ctx context.Context, dir string, env []string, name string, args ...string) (cost, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err := cmd.Run()
	u := cost{wall: time.Since(start)}
	if err != nil {
		return u, fmt.Errorf("%s %s in %s: %v: %s", name, strings.Join(args, " "), dir, err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		// wait4's usage counts the children the process waited for: the
		// go command's compile and link processes.
		u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		u.peak = ru.Maxrss << 10 // KiB on Linux
	}
	return u, nil
}

func (r *sizeResult) table() table {
	t := table{
		title:  fmt.Sprintf("Generated code: bench.SizeSchema (ten fields a message, json, one topic exchange), median of %s each", count(r.rounds, "run")),
		header: []string{"messages", "lines", "output KiB", "check", "check CPU", "generate", "generate CPU", "check growth", "generate growth"},
	}
	if r.build {
		t.header = append(t.header, "go build", "go build CPU", "go build peak MB")
	}
	for i, row := range r.rows {
		checkGrowth, genGrowth := "-", "-"
		if i > 0 {
			prev := r.rows[i-1]
			checkGrowth = fmt.Sprintf("%.2f (CPU %.2f)", float64(row.check)/float64(prev.check), float64(row.checkCPU)/float64(prev.checkCPU))
			genGrowth = fmt.Sprintf("%.2f (CPU %.2f)", float64(row.generate)/float64(prev.generate), float64(row.generateCPU)/float64(prev.generateCPU))
		}
		cells := []string{thousands(row.messages), thousands(row.lines), fmt.Sprintf("%.0f", float64(row.outputBytes)/1024),
			formatDuration(row.check), formatDuration(row.checkCPU), formatDuration(row.generate), formatDuration(row.generateCPU), checkGrowth, genGrowth}
		if r.build {
			cells = append(cells, formatDuration(row.build), formatDuration(row.buildCPU), thousands(int(row.buildPeak>>20)))
		}
		t.rows = append(t.rows, cells)
	}
	t.notes = append(t.notes,
		"growth: the time over the row above's, wall and CPU (as many times the messages gives as many times the time when linear).",
		"go build: of the generated package alone, its dependencies built; CPU and peak memory of the go command and its compiler, as /usr/bin/time -v reports them.")
	return t
}

func (r *sizeResult) print(w io.Writer) { r.table().text(w) }
