package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics and that it returns a schema,
// an ErrorList whose every error has a position in the file, or both.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	more, _ := filepath.Glob("testdata/invalid/*.yaml")
	for _, name := range append(files, more...) {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, tt := range invalidTests {
		f.Add([]byte(tt.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("f.yaml", src, Options{DefaultPackage: "p"})
		if s == nil && err == nil {
			t.Fatalf("Parse = nil, nil: want a schema or an error")
		}
		if err == nil {
			return
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
		}
		lines := yamlLines(string(src))
		for i, e := range list {
			if e.Pos.File != "f.yaml" || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 {
				t.Errorf("error without a position in the file: %v", e)
			}
			if i > 0 && comparePos(list[i-1].Pos, e.Pos) > 0 {
				t.Errorf("errors out of order: %v before %v", list[i-1], e)
			}
		}
	})
}

// TestAliasBomb checks that a document of nested aliases ("billion laughs")
// is refused quickly.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\npackage: p\nx-0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("x-" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("exchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, headers: {h: *a9}}\n")
	start := time.Now()
	_, err := Parse("bomb.yaml", []byte(b.String()), Options{})
	if err == nil || !strings.Contains(err.Error(), "too many aliases expanded") {
		t.Errorf("Parse of an alias bomb: %v, want too many aliases", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Parse of an alias bomb took %v", d)
	}
}

// TestRecursiveAliases checks anchors that contain their own alias.
func TestRecursiveAliases(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"self-nested header", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, headers: &h {a: *h}}\n",
			"nested more than 64 deep"},
		{"self-nested messages", "version: 1\npackage: p\nmessages: &m {A: *m}\n",
			`message "A": unknown key "A"`},
	}
	for _, tt := range tests {
		_, err := Parse("r.yaml", []byte(tt.src), Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// yamlLines counts the lines of src as YAML does: \r\n, \r, \n, NEL, LS
// and PS each end one.
func yamlLines(src string) int {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	return 1 + strings.Count(src, "\n") + strings.Count(src, "\r") +
		strings.Count(src, "\u0085") + strings.Count(src, "\u2028") + strings.Count(src, "\u2029")
}
