package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"testing"

	"github.com/kombugen/kombugen/bench"
)

// The in-process section runs the bench package's benchmark bodies, which
// go test -bench ./bench/ runs too, with testing.Benchmark.

// publishRow compares a generated Publish with the hand-written code for
// one size and compression.
type publishRow struct {
	size, compression string
	gen, hand         testing.BenchmarkResult // the median round of each
	ratios            []float64               // generated ns/op over hand-written, per round
}

// codecRow is one serializer or compressor at one size.
type codecRow struct {
	name, size string
	res        testing.BenchmarkResult
}

type inProcessResult struct {
	benchtime   string
	rounds      int
	publish     []publishRow
	serializers []codecRow
	compressors []codecRow
	// jsonRatios are encoding/json's ns/op over the json serializer's, per
	// size.
	jsonRatios map[string]float64
}

// setBenchtime makes testing.Benchmark run each benchmark for d, which is
// testing's -test.benchtime ("1s", "100x").
func setBenchtime(d string) error {
	testing.Init()
	f := flag.Lookup("test.benchtime")
	if f == nil {
		return fmt.Errorf("testing has no benchtime flag")
	}
	return f.Value.Set(d)
}

func runInProcess(ctx context.Context, cfg *config, progress func(string, ...any)) (*inProcessResult, error) {
	if err := setBenchtime(cfg.benchtime); err != nil {
		return nil, err
	}
	res := &inProcessResult{benchtime: cfg.benchtime, rounds: cfg.inProcessRound, jsonRatios: map[string]float64{}}
	payloads := map[string]*bench.Payload{}
	for _, s := range bench.Sizes {
		payloads[s.Name] = bench.NewPayload(s)
	}
	failed := func(r testing.BenchmarkResult) bool { return r.N == 0 }

	for _, s := range cfg.sizes {
		for _, c := range cfg.compressions {
			pl := payloads[s.Name]
			row := publishRow{size: s.Name, compression: c}
			var gens, hands []testing.BenchmarkResult
			for r := range cfg.inProcessRound {
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				gen := func() testing.BenchmarkResult {
					return testing.Benchmark(func(b *testing.B) { bench.PublishGenerated(b, pl, c) })
				}
				hand := func() testing.BenchmarkResult {
					return testing.Benchmark(func(b *testing.B) { bench.PublishHandwritten(b, pl, c) })
				}
				var g, h testing.BenchmarkResult
				if r%2 == 0 {
					g, h = gen(), hand()
				} else {
					h, g = hand(), gen()
				}
				if failed(g) || failed(h) {
					return res, fmt.Errorf("publish benchmark %s/%s failed (run go test -bench . ./bench/ to see why)", s.Name, c)
				}
				gens, hands = append(gens, g), append(hands, h)
				row.ratios = append(row.ratios, float64(g.NsPerOp())/float64(h.NsPerOp()))
			}
			row.gen, row.hand = medianResult(gens), medianResult(hands)
			progress("in-process publish %s/%s: generated %d ns/op, hand-written %d ns/op", s.Name, c, row.gen.NsPerOp(), row.hand.NsPerOp())
			res.publish = append(res.publish, row)
		}
	}

	// The codecs are measured at the sizes of -sizes from 1 KiB up.
	var codecSizes []bench.Size
	for _, s := range cfg.sizes {
		if s.Target >= bench.Size1KiB.Target {
			codecSizes = append(codecSizes, s)
		}
	}
	for _, name := range []string{"json", "yaml", "msgpack", "encoding/json"} {
		for _, s := range codecSizes {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			pl := payloads[s.Name]
			r := testing.Benchmark(func(b *testing.B) {
				if name == "encoding/json" {
					bench.EncodingJSON(b, pl)
					return
				}
				bench.Serializer(b, pl, name)
			})
			if failed(r) {
				return res, fmt.Errorf("serializer benchmark %s/%s failed", name, s.Name)
			}
			res.serializers = append(res.serializers, codecRow{name: name, size: s.Name, res: r})
		}
	}
	for _, s := range codecSizes {
		var ours, std int64
		for _, r := range res.serializers {
			switch {
			case r.size != s.Name:
			case r.name == "json":
				ours = r.res.NsPerOp()
			case r.name == "encoding/json":
				std = r.res.NsPerOp()
			}
		}
		if ours > 0 {
			res.jsonRatios[s.Name] = float64(std) / float64(ours)
		}
	}
	progress("in-process serializers done")

	for _, name := range []string{"zlib", "bzip2", "lzma", "brotli", "zstd"} {
		for _, s := range codecSizes {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			pl := payloads[s.Name]
			r := testing.Benchmark(func(b *testing.B) { bench.Compressor(b, pl, name) })
			if failed(r) {
				return res, fmt.Errorf("compressor benchmark %s/%s failed", name, s.Name)
			}
			res.compressors = append(res.compressors, codecRow{name: name, size: s.Name, res: r})
		}
	}
	progress("in-process compressors done")
	return res, nil
}

// medianResult returns the result with the median ns/op.
func medianResult(rs []testing.BenchmarkResult) testing.BenchmarkResult {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b testing.BenchmarkResult) int {
		return int(a.NsPerOp() - b.NsPerOp())
	})
	return rs[len(rs)/2]
}
