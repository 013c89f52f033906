// Package goldentest compares what a test produced with a golden file, or
// rewrites the file when the test runs with -update.
package goldentest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Check compares got with the golden file at path; with update it writes
// got there instead, making the directory. pkg is the package's directory
// in the module, for the hint "go test ./pkg -update".
func Check(t testing.TB, path string, got []byte, update bool, pkg string) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./%s -update)", err, pkg)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is stale (-want +got), run go test ./%s -update:\n%s", path, pkg, diff)
	}
}

// Stale reports the files matching pattern that are not in wanted, golden
// files nothing makes any more; with update it deletes them, and their
// directory when nothing else is left there.
func Stale(t testing.TB, pattern string, wanted map[string]bool, update bool, pkg string) {
	t.Helper()
	existing, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range existing {
		switch {
		case wanted[f]:
		case update:
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Dir(f)) // fails, as it should, unless empty
		default:
			t.Errorf("%s is made by no test input: run go test ./%s -update to delete it", f, pkg)
		}
	}
}

// Schemas returns the test schemas (*.kombugen.yaml) of the directories
// in dirs, each mapped to the name of its golden file: the directory's
// prefix, a dash, the schema's name and ext. With dirs
// {"../generator/testdata": "generator"} and ext ".json",
// ../generator/testdata/orders.kombugen.yaml gets generator-orders.json.
func Schemas(t testing.TB, dirs map[string]string, ext string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	for dir, prefix := range dirs {
		paths, err := filepath.Glob(filepath.Join(dir, "*.kombugen.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			out[p] = prefix + "-" + strings.TrimSuffix(filepath.Base(p), ".kombugen.yaml") + ext
		}
	}
	if len(out) == 0 {
		t.Fatalf("no test schemas in %v", dirs)
	}
	return out
}
