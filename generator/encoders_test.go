package generator_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/schema"
)

// TestEncodersRandomSchemas is the property "generated AppendJSON and
// AppendMsgpack methods write what encoding/json and vmihailenco/msgpack
// write": it generates random schemas (other seeds than
// TestGeneratedCodeCompiles's, so that both cover more) into packages
// under testdata/_propjson*, and one test importing them all fills every
// struct of every schema with random values and compares the encoders
// byte for byte (msgpack's map entries in any order), errors included.
// With -short it builds 5 schemas.
func TestEncodersRandomSchemas(t *testing.T) {
	brokertest.Integration(t)
	t.Parallel() // it mostly waits for the go command
	start := time.Now()
	root := propRoot(t, "_propjson")

	n := propSeeds(t) / 2
	if testing.Short() {
		n = 5
	}
	first := *firstSeedFlag + 1000
	var imports, checks strings.Builder
	structs, sources := 0, map[string][]byte{}
	for seed := first; seed < first+uint64(n); seed++ {
		rs := buildRandSchema(seed, buildOptions{})
		file := fmt.Sprintf("prop%03d.kombugen.yaml", seed)
		s, err := checkSchema(file, rs.src, schema.Options{})
		if err != nil || s.Package == "main" {
			// TestGeneratedCodeCompiles counts the rejections; a command
			// cannot be imported.
			continue
		}
		c := &propCase{name: fmt.Sprintf("seed %d", seed), file: file, src: rs.src, dir: filepath.Join(root, fmt.Sprintf("%03d", seed-first))}
		if !generateCase(t, c, s, rs.localGoTypes) {
			continue
		}
		sources[c.name] = rs.src
		alias := fmt.Sprintf("p%03d", seed-first)
		model, err := gomodel.Build(s)
		if err != nil {
			continue
		}
		type structEncoders struct {
			name string
			gomodel.Encoders
		}
		var names []structEncoders
		for _, typ := range model.Types {
			if typ.Kind == schema.KindStruct {
				names = append(names, structEncoders{typ.GoName, typ.Encoders})
			}
		}
		for _, m := range model.Messages {
			if m.Body == schema.BodyFields {
				names = append(names, structEncoders{m.GoName, m.Encoders})
			}
		}
		imported := false
		for _, n := range names {
			if !n.JSON && !n.Msgpack {
				continue
			}
			if !imported {
				fmt.Fprintf(&imports, "\t%s \"github.com/kombugen/kombugen/generator/%s\"\n", alias, filepath.ToSlash(c.dir))
				imported = true
			}
			structs++
			fmt.Fprintf(&checks, "\t{%q, func() encodetest.Value { return new(%s.%s) }, %v, %v},\n", fmt.Sprintf("seed %d: %s", seed, n.name), alias, n.name, n.JSON, n.Msgpack)
		}
	}
	if structs == 0 {
		t.Fatalf("the %d random schemas have no struct to check", n)
	}

	check := filepath.Join(root, "check")
	if err := os.MkdirAll(check, 0o755); err != nil {
		t.Fatal(err)
	}
	src := fmt.Sprintf(appendJSONCheck, imports.String(), checks.String())
	if err := os.WriteFile(filepath.Join(check, "check_test.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "test", "-count=1", "./"+filepath.ToSlash(check)).CombinedOutput()
	if err != nil {
		t.Errorf("a generated encoder differs (-kombugen.keep keeps the packages): %v\n%s", err, out)
		for name, src := range sources {
			if strings.Contains(string(out), name+":") {
				t.Logf("--- %s, schema:\n%s", name, src)
			}
		}
	}
	t.Logf("checked %d structs of %d random schemas in %v", structs, n, time.Since(start).Round(time.Millisecond))
}

// appendJSONCheck is the test that checks the generated packages: their
// imports, then the structs, by name and constructor.
const appendJSONCheck = `package check

import (
	"testing"

	"github.com/kombugen/kombugen/internal/encodetest"
%s)

func TestEncoders(t *testing.T) {
	for i, tt := range []struct {
		name          string
		newValue      func() encodetest.Value
		json, msgpack bool
	}{
%s	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.json {
				encodetest.CheckRandom(t, uint64(i), 300, tt.newValue, encodetest.CheckJSON)
			}
			if tt.msgpack {
				encodetest.CheckRandom(t, uint64(i), 300, tt.newValue, encodetest.CheckMsgpack)
			}
		})
	}
}
`
