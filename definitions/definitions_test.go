package definitions_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kombugen/kombugen/definitions"
	"github.com/kombugen/kombugen/internal/goldentest"
	"github.com/kombugen/kombugen/schema"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the test schemas and delete stale files")

// testSchemas are the schemas whose definitions are kept as golden files:
// the generator's and the schema package's test schemas and our own.
// Each maps to its golden file's name.
func testSchemas(t *testing.T) map[string]string {
	return goldentest.Schemas(t, map[string]string{"../generator/testdata": "generator", "../schema/testdata": "schema", "testdata": "definitions"}, ".json")
}

func load(t *testing.T, path string) *schema.Schema {
	t.Helper()
	s, err := schema.Load(path, schema.Options{DefaultPackage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func write(t *testing.T, s *schema.Schema, opts ...definitions.Option) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := definitions.Write(&buf, s, opts...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden compares the definitions of every test schema with its golden
// file; go test ./definitions -update rewrites them.
func TestGolden(t *testing.T) {
	const dir = "testdata/golden"
	wanted := make(map[string]bool)
	for path, name := range testSchemas(t) {
		golden := filepath.Join(dir, name)
		wanted[golden] = true
		t.Run(name, func(t *testing.T) {
			goldentest.Check(t, golden, write(t, load(t, path)), *update, "definitions")
		})
	}
	goldentest.Stale(t, filepath.Join(dir, "*.json"), wanted, *update, "definitions")
}

// TestDeterministic writes each schema twice, from two parses.
func TestDeterministic(t *testing.T) {
	for path := range testSchemas(t) {
		a, b := write(t, load(t, path)), write(t, load(t, path))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two writes differ", path)
		}
	}
}

const edge = "testdata/edge.kombugen.yaml"

func TestSkipsExclusiveQueues(t *testing.T) {
	var skips []definitions.Skip
	out := write(t, load(t, edge), definitions.OnSkip(func(sk definitions.Skip) { skips = append(skips, sk) }))
	want := []string{
		`testdata/edge.kombugen.yaml:37:3: queue "edge.replies" left out: it is exclusive, and an exclusive queue ` +
			`belongs to the connection that declares it, so definitions cannot hold it; its 2 bindings are left out too`,
	}
	var got []string
	for _, sk := range skips {
		got = append(got, sk.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
	if bytes.Contains(out, []byte("edge.replies")) || bytes.Contains(out, []byte("reply.#")) {
		t.Errorf("the exclusive queue or its bindings were written:\n%s", out)
	}
}

func TestVHost(t *testing.T) {
	var doc struct {
		Exchanges, Queues, Bindings []struct{ VHost string }
	}
	if err := json.Unmarshal(write(t, load(t, edge), definitions.VHost("staging")), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, list := range [][]struct{ VHost string }{doc.Exchanges, doc.Queues, doc.Bindings} {
		for _, e := range list {
			n++
			if e.VHost != "staging" {
				t.Errorf("vhost %q, want staging", e.VHost)
			}
		}
	}
	if n == 0 {
		t.Fatal("nothing written")
	}
	if err := definitions.Write(&bytes.Buffer{}, load(t, edge), definitions.VHost("")); err == nil {
		t.Error("an empty vhost name was accepted")
	}
}

// TestArgumentErrors checks that values the definitions format cannot
// carry are reported with their positions, and nothing is written.
func TestArgumentErrors(t *testing.T) {
	src := `version: 1
package: bad
exchanges:
  x: {type: direct, arguments: {x-null: null, x-ok: 1}}
queues:
  q:
    arguments: {x-bin: !!binary aGk=}
    bindings:
      - {exchange: x, arguments: {list: [1, null], table: {deep: {v: null}}}}
`
	s, err := schema.Parse("bad.yaml", []byte(src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = definitions.Write(&buf, s)
	var list schema.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Write returned %v, want a schema.ErrorList", err)
	}
	want := `bad.yaml:4:33: exchange "x": arguments: "x-null": null cannot be imported as definitions (RabbitMQ's import fails with unhandled_type); remove it or give it a value
bad.yaml:7:17: queue "q": arguments: "x-bin": a !!binary value cannot be written as definitions, which have no byte-array type; use a string
bad.yaml:9:35: queue "q": binding 1: arguments: "list": in a list: null cannot be imported as definitions (RabbitMQ's import fails with unhandled_type); remove it or give it a value
bad.yaml:9:52: queue "q": binding 1: arguments: "table": "deep": "v": null cannot be imported as definitions (RabbitMQ's import fails with unhandled_type); remove it or give it a value`
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q despite errors", buf.String())
	}
}

// TestValueTypes checks the JSON form of each argument type, floats
// staying floats.
func TestValueTypes(t *testing.T) {
	var doc struct {
		Exchanges []struct {
			Name      string
			Arguments json.RawMessage
		}
	}
	if err := json.Unmarshal(write(t, load(t, edge)), &doc); err != nil {
		t.Fatal(err)
	}
	var args string
	for _, x := range doc.Exchanges {
		if x.Name == "edge.args" {
			var b bytes.Buffer
			if err := json.Compact(&b, x.Arguments); err != nil {
				t.Fatal(err)
			}
			args = b.String()
		}
	}
	want := `{"x-zeta":"last-written-first","x-float":2.0,"x-small":0.25,"x-big":9007199254740993,"x-negative":-7,` +
		`"x-flag":false,"x-list":[1,"two",3.5,["nested"],{"k":"v"}],"x-table":{"b":1,"a":{"deep":true}}}`
	if args != want {
		t.Errorf("arguments\n got %s\nwant %s", args, want)
	}
}
