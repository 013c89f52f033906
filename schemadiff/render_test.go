package schemadiff

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kombugen/kombugen/internal/goldentest"
	"github.com/kombugen/kombugen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden reports under testdata/golden")

// goldenReports are the files TestGolden writes, one per format.
var goldenReports = map[string]string{
	"text":     "report.txt",
	"markdown": "report.md",
	"json":     "report.json",
}

// TestGolden renders the report of a realistic pull request in every
// format and compares it with testdata/golden; -update rewrites the files
// and deletes stale ones.
func TestGolden(t *testing.T) {
	r := Compare(load(t, "testdata/old.kombugen.yaml"), load(t, "testdata/new.kombugen.yaml"))
	if !r.Breaking() {
		t.Errorf("the golden pair is not breaking")
	}
	dir := filepath.Join("testdata", "golden")
	wanted := map[string]bool{}
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, r, format); err != nil {
			t.Fatalf("Write %s: %v", format, err)
		}
		path := filepath.Join(dir, goldenReports[format])
		wanted[path] = true
		goldentest.Check(t, path, buf.Bytes(), *update, "schemadiff")
	}
	goldentest.Stale(t, filepath.Join(dir, "*"), wanted, *update, "schemadiff")
}

func load(t *testing.T, path string) *schema.Schema {
	t.Helper()
	s, err := schema.Load(path, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestWriteJSONFields decodes the JSON report, to pin its field names.
func TestWriteJSONFields(t *testing.T) {
	r := &Report{OldFile: "a.yaml", NewFile: "b.yaml", Changes: []Change{
		{Category: GoAPI, Severity: Breaking, Kind: Removed, Subject: "s", Summary: "x -> y",
			Pos: schema.Pos{File: "a.yaml", Line: 3, Col: 5}, OldPos: schema.Pos{File: "a.yaml", Line: 3, Col: 5}},
		{Category: Wire, Severity: Compatible, Kind: Added, Subject: "t", Pos: schema.Pos{File: "b.yaml", Line: 1, Col: 1}},
	}}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	want := map[string]any{
		"old": "a.yaml", "new": "b.yaml", "breaking": true,
		"counts": map[string]any{"breaking": 1.0, "warning": 0.0, "compatible": 1.0},
		"changes": []any{
			map[string]any{
				"severity": "breaking", "category": "GO_API", "kind": "removed", "subject": "s", "summary": "x -> y",
				"where":   "(removed, was at a.yaml:3:5)",
				"pos":     map[string]any{"file": "a.yaml", "line": 3.0, "col": 5.0},
				"old_pos": map[string]any{"file": "a.yaml", "line": 3.0, "col": 5.0},
			},
			map[string]any{
				"severity": "compatible", "category": "WIRE", "kind": "added", "subject": "t", "summary": "",
				"where":   "b.yaml:1:1",
				"pos":     map[string]any{"file": "b.yaml", "line": 1.0, "col": 1.0},
				"old_pos": nil,
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	if strings.Contains(buf.String(), `\u003e`) {
		t.Errorf("JSON escapes > in summaries:\n%s", buf.String())
	}
}

// TestWriteEmpty checks the reports of two equal schemas.
func TestWriteEmpty(t *testing.T) {
	r := Compare(mustParse(t, "old.yaml", base), mustParse(t, "new.yaml", base))
	want := map[string]string{
		"text":     "kombugen diff old.yaml -> new.yaml: no changes\n",
		"markdown": "## kombugen diff: no changes\n\n`old.yaml` → `new.yaml`: 0 breaking, 0 warnings, 0 compatible\n",
	}
	for format, w := range want {
		var buf bytes.Buffer
		if err := Write(&buf, r, format); err != nil {
			t.Fatal(err)
		}
		if buf.String() != w {
			t.Errorf("%s: got %q, want %q", format, buf.String(), w)
		}
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"changes": []`) {
		t.Errorf("JSON of no changes lacks an empty list:\n%s", buf.String())
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, &Report{}, "html")
	if !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Write html: %v, want ErrUnknownFormat", err)
	}
}

func TestCodeSpan(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a.yaml:1:2", "`a.yaml:1:2`"},
		{"a`b", "``a`b``"},
		{"``x", "``` ``x ```"},
		{"x`", "`` x` ``"},
		{"a|b", "`a\\|b`"},
		{"a\nb", "`a b`"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := codeSpan(tc.in); got != tc.want {
			t.Errorf("codeSpan(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{`message "A" -> "B"`, `message "A" -> "B"`},
		{"a|b", `a\|b`},
		{"*x* _y_ `z`", "\\*x\\* \\_y\\_ \\`z\\`"},
		{"[link](http://x)", `\[link\](http://x)`},
		{"<script>&amp;", `\<script>\&amp;`},
		{"a\r\nb\nc", "a b c"},
		{`back\slash`, `back\\slash`},
		{"~~gone~~", `\~\~gone\~\~`},
	}
	for _, tc := range tests {
		if got := escapeMarkdown(tc.in); got != tc.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMarkdownHostileSchema renders changes whose text comes from a
// schema built to break the table: every row must keep its four cells.
func TestMarkdownHostileSchema(t *testing.T) {
	hostile := "version: 1\npackage: p\nexchanges:\n  \"x|`y`\\n<b>*z*\": {type: fanout}\n"
	r := Compare(mustParse(t, "o|ld`.yaml", "version: 1\npackage: p\n"), mustParse(t, "new.yaml", hostile))
	if len(r.Changes) == 0 {
		t.Fatal("no changes")
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	cellSep := regexp.MustCompile(`(^|[^\\])\|`)
	rows := 0
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		switch {
		case line == "", strings.HasPrefix(line, "#"), strings.HasPrefix(line, "| Where"), strings.HasPrefix(line, "|---"):
			continue
		case !strings.HasPrefix(line, "| "):
			// Only the line of counts starts otherwise, with a file name.
			if !strings.HasPrefix(line, "`") {
				t.Errorf("a value broke a row in two: %q", line)
			}
			continue
		}
		rows++
		if n := len(cellSep.FindAllString(line, -1)); n != 5 {
			t.Errorf("row has %d cell separators, want 5: %s", n, line)
		}
		if strings.Contains(strings.ReplaceAll(line, `\<b>`, ""), "<b>") {
			t.Errorf("row holds raw HTML: %s", line)
		}
	}
	if rows != len(r.Changes) {
		t.Errorf("%d rows for %d changes:\n%s", rows, len(r.Changes), buf.String())
	}
}
