package gomodel_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// FuzzCheck checks that Check never panics on what Parse returns, partial
// schemas included, and that every problem it reports has a position in
// the file.
func FuzzCheck(f *testing.F) {
	for _, glob := range []string{"../../schema/testdata/*.yaml", "../../schema/testdata/invalid/*.yaml", "../testdata/*.kombugen.yaml"} {
		names, _ := filepath.Glob(glob)
		for _, name := range names {
			src, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	for _, tt := range invalidTests {
		f.Add([]byte(tt.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := schema.Parse("f.yaml", src, schema.Options{DefaultPackage: "p"})
		err = gomodel.Check(s, err)
		if err == nil {
			return
		}
		var list schema.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
		}
		for _, e := range list {
			if e.Pos.File != "f.yaml" || e.Pos.Line < 1 || e.Pos.Col < 1 {
				t.Errorf("error without a position in the file: %v", e)
			}
		}
	})
}
