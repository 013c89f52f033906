package docs

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kombugen/kombugen/internal/goldentest"
	"github.com/kombugen/kombugen/schema"
)

var update = flag.Bool("update", false, "rewrite testdata/*.md and topology.mmd (and, with the renderer set up, topology.svg), deleting stale golden files")

// testSchemas returns every test schema, the generator's and the docs'
// own, by name: testdata/NAME.md is the golden output of each.
func testSchemas(t *testing.T) map[string]string {
	t.Helper()
	var paths []string
	for _, glob := range []string{"../generator/testdata/*.kombugen.yaml", "testdata/*.kombugen.yaml"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	out := map[string]string{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".kombugen.yaml")
		if _, dup := out[name]; dup {
			t.Fatalf("two test schemas named %s", name)
		}
		out[name] = p
	}
	if len(out) < 4 {
		t.Fatalf("found %d test schemas, want the generator's and testdata/routing", len(out))
	}
	return out
}

func load(t *testing.T, path string) *schema.Schema {
	t.Helper()
	s, err := schema.Load(path, schema.Options{})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return s
}

func markdown(t *testing.T, s *schema.Schema) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGolden compares the docs of every test schema with testdata/NAME.md.
func TestGolden(t *testing.T) {
	wanted := map[string]bool{}
	for name, path := range testSchemas(t) {
		golden := filepath.Join("testdata", name+".md")
		wanted[golden] = true
		t.Run(name, func(t *testing.T) {
			goldentest.Check(t, golden, markdown(t, load(t, path)), *update, "docs")
		})
	}
	goldentest.Stale(t, "testdata/*.md", wanted, *update, "docs")
}

// TestDeterministic writes each schema's docs twice, from separate parses.
func TestDeterministic(t *testing.T) {
	for name, path := range testSchemas(t) {
		if a, b := markdown(t, load(t, path)), markdown(t, load(t, path)); !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ", name)
		}
	}
}

// TestTopologyPicture keeps topology.mmd, the source of the picture
// topology.svg, the diagram of the example schema, so the two cannot
// drift apart: when the schema or the diagram changes, go test ./docs
// -update rewrites topology.mmd and, where the renderer is set up
// (TestRender), redraws topology.svg.
func TestTopologyPicture(t *testing.T) {
	got := Diagram(load(t, exampleSchema))
	if *update {
		if err := os.WriteFile(topologySource, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(topologySource)
	if err != nil {
		t.Fatalf("%v (run go test ./docs -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s is stale (-want +got): run go test ./docs -update with the renderer set up (tools/mermaid/setup.sh) to redraw %s:\n%s",
			topologySource, topologyPicture, diff)
	}
	if _, err := os.Stat(topologyPicture); err != nil {
		t.Errorf("%v: run tools/mermaid/setup.sh, then go test ./docs -update", err)
	}
}

// The example schema and its picture.
const (
	exampleSchema   = "../generator/testdata/orders.kombugen.yaml"
	topologySource  = "topology.mmd"
	topologyPicture = "topology.svg"
)

// TestMarkdownStructure checks the golden output for what escaping must
// keep: every table row has as many cells as its header, every code span
// closes on its line, and every link to a section finds its heading.
func TestMarkdownStructure(t *testing.T) {
	for name, path := range testSchemas(t) {
		t.Run(name, func(t *testing.T) {
			checkStructure(t, string(markdown(t, load(t, path))))
		})
	}
}

var (
	linkRE    = regexp.MustCompile(`\]\(#([^)]*)\)`)
	headingRE = regexp.MustCompile(`(?m)^#{1,6} (.*)$`)
)

func checkStructure(t *testing.T, md string) {
	t.Helper()
	inFence, cells := false, 0
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if strings.HasPrefix(line, "|") {
			n := tableCells(line)
			if cells == 0 {
				cells = n
			} else if n != cells {
				t.Errorf("line %d has %d cells, its table %d: %s", i+1, n, cells, line)
			}
		} else {
			cells = 0
		}
		if unclosedCode(line) {
			t.Errorf("line %d leaves a code span open: %s", i+1, line)
		}
	}
	anchors := slugger{}
	have := map[string]bool{}
	for _, m := range headingRE.FindAllStringSubmatch(md, -1) {
		have[anchors.slug(unescape(m[1]))] = true
	}
	for _, m := range linkRE.FindAllStringSubmatch(md, -1) {
		if !have[m[1]] {
			t.Errorf("link to #%s, which no heading has", m[1])
		}
	}
}

// tableCells counts a table row's cells: the '|' not escaped, less one.
func tableCells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

// unclosedCode reports whether a line opens a code span it does not close:
// backtick runs outside spans, unescaped, must pair up by length.
func unclosedCode(line string) bool {
	open := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && open == 0 {
			i++
			continue
		}
		if line[i] != '`' {
			continue
		}
		j := i
		for j < len(line) && line[j] == '`' {
			j++
		}
		switch run := j - i; {
		case open == 0:
			open = run
		case open == run:
			open = 0
		}
		i = j - 1
	}
	return open != 0
}

// unescape removes Markdown's backslash escapes, as GitHub does before it
// makes a heading's anchor.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
