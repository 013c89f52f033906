package generator_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kombugen/kombugen/generator"
	"github.com/kombugen/kombugen/schema"
)

// TestChunksRenderAsOneFile checks that a schema rendered in chunks, in
// parallel, and stitched gives the bytes of one chunk: for the golden
// schemas and random ones, cut as finely as can be and in between.
func TestChunksRenderAsOneFile(t *testing.T) {
	type source struct {
		name string
		src  []byte
	}
	var sources []source
	golden, err := filepath.Glob("testdata/*.kombugen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range golden {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, source{filepath.Base(path), src})
	}
	for seed := uint64(1); seed <= 60; seed++ {
		rs := buildRandSchema(seed+5000, buildOptions{})
		sources = append(sources, source{fmt.Sprintf("seed%d.kombugen.yaml", seed+5000), rs.src})
	}
	compared := 0
	for _, src := range sources {
		s, err := schema.Parse(src.name, src.src, schema.Options{})
		if err != nil {
			continue
		}
		whole, err := generator.GenerateInChunks(s, generator.Options{}, 1<<30)
		if err != nil {
			t.Fatalf("%s: %v", src.name, err)
		}
		for _, perChunk := range []int{1, 2, 3} {
			chunked, err := generator.GenerateInChunks(s, generator.Options{}, perChunk)
			if err != nil {
				t.Fatalf("%s in chunks of %d: %v", src.name, perChunk, err)
			}
			if !bytes.Equal(chunked, whole) {
				t.Errorf("%s in chunks of %d differs from one chunk:\n%s", src.name, perChunk, firstDifference(whole, chunked))
			}
		}
		compared++
	}
	if compared < 30 {
		t.Fatalf("only %d of %d schemas parse", compared, len(sources))
	}
}

// TestChunksWithClashingImports checks the case stitching cannot do: two
// go_type packages of the same name, each used by a producer of its own
// in a chunk of its own, are told apart as in one file (model and
// model1).
func TestChunksWithClashingImports(t *testing.T) {
	src := `version: 1
package: shop
exchanges:
  orders: {type: topic}
messages:
  A: {exchange: orders, routing_key: a, go_type: "example.com/a/model.Order"}
  B: {exchange: orders, routing_key: b, go_type: "example.com/b/model.Order"}
producers:
  PA: {exchange: orders, messages: [A]}
  PB: {exchange: orders, messages: [B]}
`
	s, err := schema.Parse("clash.kombugen.yaml", []byte(src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := generator.GenerateInChunks(s, generator.Options{}, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	chunked, err := generator.GenerateInChunks(s, generator.Options{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(chunked, whole) {
		t.Errorf("in chunks of 1 differs from one chunk:\n%s", firstDifference(whole, chunked))
	}
	for _, want := range []string{`model "example.com/a/model"`, `model1 "example.com/b/model"`} {
		if !bytes.Contains(whole, []byte(want)) {
			t.Errorf("the imports lack %s:\n%s", want, whole)
		}
	}
}

// firstDifference shows the lines around the first line where got differs
// from want.
func firstDifference(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(w), len(g)) {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			lo := max(0, i-3)
			return fmt.Sprintf("line %d\nwant:\n%s\ngot:\n%s", i+1,
				strings.Join(w[lo:min(len(w), i+3)], "\n"), strings.Join(g[lo:min(len(g), i+3)], "\n"))
		}
	}
	return "(same lines)"
}
