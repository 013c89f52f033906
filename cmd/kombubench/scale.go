package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kombugen/kombugen/bench"
)

// The scale section times the real kombugen binary on generated schemas of
// growing size: generate (writing the file) and generate -check (comparing
// with the file written).

type scaleRow struct {
	messages, exchanges int
	schemaBytes         int
	outputBytes         int
	generate, check     time.Duration // medians
}

type scaleResult struct {
	rounds int
	rows   []scaleRow
}

func runScale(ctx context.Context, cfg *config, progress func(string, ...any)) (*scaleResult, error) {
	dir, err := os.MkdirTemp("", "kombubench-scale-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin, err := kombugenBinary(ctx, cfg, dir, progress)
	if err != nil {
		return nil, err
	}
	res := &scaleResult{rounds: cfg.scaleRounds}
	for _, n := range cfg.scaleCounts {
		row, err := scaleOne(ctx, bin, filepath.Join(dir, fmt.Sprintf("n%d", n)), n, cfg.scaleRounds)
		if err != nil {
			return res, err
		}
		progress("scale %d messages: generate %s, generate -check %s", n, row.generate.Round(time.Millisecond), row.check.Round(time.Millisecond))
		res.rows = append(res.rows, row)
	}
	return res, nil
}

// runSizeSection runs the size section with the kombugen binary.
func runSizeSection(ctx context.Context, cfg *config, progress func(string, ...any)) (*sizeResult, error) {
	dir, err := os.MkdirTemp("", "kombubench-bin-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin, err := kombugenBinary(ctx, cfg, dir, progress)
	if err != nil {
		return nil, err
	}
	return runSize(ctx, cfg, bin, progress)
}

// kombugenBinary returns -kombugen, or builds kombugen into dir.
func kombugenBinary(ctx context.Context, cfg *config, dir string, progress func(string, ...any)) (string, error) {
	if cfg.kombugenBin != "" {
		return cfg.kombugenBin, nil
	}
	bin := filepath.Join(dir, "kombugen")
	progress("building kombugen")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/kombugen/kombugen/cmd/kombugen")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build kombugen (run kombubench inside the kombugen module, or give -kombugen): %v\n%s", err, out)
	}
	return bin, nil
}

// scaleOne writes a schema of n messages into dir and times the commands.
func scaleOne(ctx context.Context, bin, dir string, n, rounds int) (scaleRow, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return scaleRow{}, err
	}
	exchanges := max(1, n/10)
	schema := bench.ScaleSchema(n, exchanges)
	const schemaName, outName = "scale.kombugen.yaml", "scale_gen.go"
	if err := os.WriteFile(filepath.Join(dir, schemaName), schema, 0o644); err != nil {
		return scaleRow{}, err
	}
	row := scaleRow{messages: n, exchanges: exchanges, schemaBytes: len(schema)}
	timed := func(args ...string) (time.Duration, error) {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil {
			return 0, fmt.Errorf("kombugen %s (%d messages): %v: %s", strings.Join(args, " "), n, err, stderr.String())
		}
		return d, nil
	}
	var gens, checks []time.Duration
	for range rounds {
		// generate leaves an up-to-date file alone; remove it so that
		// every round writes it.
		os.Remove(filepath.Join(dir, outName))
		d, err := timed("generate", schemaName)
		if err != nil {
			return row, err
		}
		gens = append(gens, d)
	}
	for range rounds {
		d, err := timed("generate", "-check", schemaName)
		if err != nil {
			return row, err
		}
		checks = append(checks, d)
	}
	out, err := os.Stat(filepath.Join(dir, outName))
	if err != nil {
		return row, err
	}
	row.outputBytes = int(out.Size())
	row.generate, row.check = medianDuration(gens), medianDuration(checks)
	return row, nil
}

func medianDuration(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// growth returns the exponent k in time ~ n^k between two rows: 1 is
// linear, 2 quadratic.
func growth(a, b scaleRow, pick func(scaleRow) time.Duration) float64 {
	return math.Log(float64(pick(b))/float64(pick(a))) / math.Log(float64(b.messages)/float64(a.messages))
}
