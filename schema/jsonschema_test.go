package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/kombugen/kombugen/internal/goldentest"
)

var update = flag.Bool("update", false, "rewrite kombugen.schema.json from the parser's tables")

// jsonSchemaFile is the committed JSON Schema, which editors load.
const jsonSchemaFile = "kombugen.schema.json"

// TestJSONSchemaUpToDate checks that the committed JSON Schema is what
// JSONSchema makes of the parser's tables now; go test ./schema -update
// rewrites it.
func TestJSONSchemaUpToDate(t *testing.T) {
	got, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	goldentest.Check(t, jsonSchemaFile, got, *update, "schema")
}

// TestJSONSchemaMatchesParser walks the committed file: each mapping has
// exactly the keys the parser takes, in its order, and each enum the
// parser's list.
func TestJSONSchemaMatchesParser(t *testing.T) {
	var doc struct {
		Defs map[string]struct {
			Properties orderedKeys `json:"properties"`
		} `json:"$defs"`
	}
	raw := readJSONSchema(t)
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	tables := map[string][]string{
		"file": topKeys, "policy": policyKeys, "retry": retryKeys, "exchange": exchangeKeys,
		"queue": queueKeys, "binding": bindingKeys, "type": typeKeys, "field": fieldKeys,
		"message": messageKeys, "param": paramKeys, "producer": producerKeys,
		"task": taskKeys, "arg": argKeys, "result": resultKeys,
	}
	for def, keys := range tables {
		if diff := cmp.Diff(keys, []string(doc.Defs[def].Properties)); diff != "" {
			t.Errorf("keys of %s (-parser +JSON Schema):\n%s", def, diff)
		}
	}
	if len(doc.Defs) != len(tables) {
		t.Errorf("the JSON Schema has %d definitions, the parser %d key tables", len(doc.Defs), len(tables))
	}
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	enums := []struct {
		path []string
		want []string
	}{
		{[]string{"policy", "serializer", "enum"}, serializers},
		{[]string{"policy", "compression", "enum"}, compressions},
		{[]string{"policy", "delivery_mode", "enum"}, deliveryModes},
		{[]string{"queue", "type", "enum"}, queueTypes},
		{[]string{"exchange", "type", "anyOf", "0", "enum"}, exchangeTypes},
		{[]string{"field", "type", "anyOf", "0", "enum"}, scalarNames},
		{[]string{"param", "type", "anyOf", "0", "enum"}, paramScalars()},
	}
	for _, e := range enums {
		path := append([]string{"$defs", e.path[0], "properties"}, e.path[1:]...)
		got := lookup(generic, path...)
		if diff := cmp.Diff(e.want, stringList(got)); diff != "" {
			t.Errorf("%s (-parser +JSON Schema):\n%s", strings.Join(e.path, "."), diff)
		}
	}
}

// orderedKeys decodes a JSON object into its keys, in order.
type orderedKeys []string

func (k *orderedKeys) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		*k = append(*k, key.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}

// lookup follows keys (or list indexes) into a decoded JSON value.
func lookup(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			fmt.Sscan(p, &i)
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestJSONSchemaPatterns checks that the patterns of the JSON Schema
// accept what the parser accepts, on samples of each.
func TestJSONSchemaPatterns(t *testing.T) {
	parserDuration := func(s string) bool {
		d, err := time.ParseDuration(s)
		return err == nil && d >= 0 && !strings.HasPrefix(s, "-")
	}
	durations := []string{"0", "0s", "1.5s", "200ms", "1h", "1h30m", "2h45m10.5s", ".5s", "5.s", "1us", "1µs", "1μs", "3ns", "+1s",
		"", "1", "10", "1d", "-1s", "1.5", "s", "1 s", "1s ", "1e3s", "ms", "1sm", "--1s", "1..5s"}
	idents := []string{"Money", "a", "a1", "a_b", "Ünïcödé", "x9_", "", "1a", "_a", "a-b", "a.b", "a b", "Région"}
	checks := []struct {
		name    string
		pattern string
		parser  func(string) bool
		samples []string
	}{
		{"durationPattern", durationPattern, parserDuration, durations},
		{"identPattern (types)", identPattern, isTypeName, idents},
		{"identPattern (params)", identPattern, func(s string) bool { return checkParamName(s) == "" }, idents},
		{"goNamePattern", goNamePattern, hasLetterOrDigit, []string{"order_id", "a", "9", "_", "--", "", ".x.", "é"}},
		{"pluginExchangePattern", pluginExchangePattern, func(s string) bool { return strings.HasPrefix(s, "x-") && len(s) > 2 },
			[]string{"x-delayed-message", "x-", "x", "topic", "xx-a", "x-a"}},
	}
	for _, c := range checks {
		re := regexp.MustCompile(c.pattern)
		for _, s := range c.samples {
			if got, want := re.MatchString(s), c.parser(s); got != want {
				t.Errorf("%s on %q: JSON Schema says %v, the parser %v", c.name, s, got, want)
			}
		}
	}
}

// compileJSONSchema compiles the committed JSON Schema with an
// off-the-shelf validator.
func compileJSONSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(readJSONSchema(t)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(jsonSchemaFile, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(jsonSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func readJSONSchema(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(jsonSchemaFile)
	if err != nil {
		t.Fatalf("%v (run go test ./schema -update)", err)
	}
	return b
}

// yamlToJSON reads a YAML document as a validator reads JSON: anchors,
// aliases and merge keys resolved, as editors resolve them.
func yamlToJSON(src []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		return nil, err
	}
	b, err := json.Marshal(jsonValue(v))
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// jsonValue turns what the YAML decoder gives into what JSON can hold:
// mapping keys as text, timestamps and non-finite floats as strings.
func jsonValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonValue(e)
		}
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonValue(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonValue(e)
		}
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return fmt.Sprint(x)
		}
	}
	return v
}

// modeline is the first line a schema file starts with so that editors
// check it, naming the JSON Schema by a path relative to the file.
var modeline = regexp.MustCompile(`^# yaml-language-server: \$schema=(\S+)\n`)

// modelineRequired are the directories whose schema files must start with
// the modeline: the examples and the shared test schemas. (Others are
// checked when they have one.)
var modelineRequired = []string{"../examples/", "../generator/testdata/", "../schema/testdata/", "../definitions/testdata/"}

// TestJSONSchemaValidatesSchemaFiles validates every *.kombugen.yaml of
// the module: those the parser takes must pass the JSON Schema, those in
// an invalid directory must fail both. Test schemas must start with the
// yaml-language-server line, and any such line must name this JSON Schema.
func TestJSONSchemaValidatesSchemaFiles(t *testing.T) {
	sch := compileJSONSchema(t)
	self, err := filepath.Abs(jsonSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// As the go tool does: _ and . directories hold scratch files.
			if name := d.Name(); path != ".." && (strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".kombugen.yaml") {
			return nil
		}
		n++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checkModeline(t, path, src, self)
		inst, err := yamlToJSON(src)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		verr := sch.Validate(inst)
		_, perr := Parse(path, src, Options{DefaultPackage: "x"})
		invalid := strings.Contains(filepath.ToSlash(path), "/invalid/")
		switch {
		case invalid && perr == nil:
			t.Errorf("%s: in an invalid directory, but the parser takes it", path)
		case invalid && verr == nil:
			t.Errorf("%s: the parser rejects it, but it passes the JSON Schema", path)
		case !invalid && perr != nil:
			t.Errorf("%s: the parser rejects it; move it under an invalid directory:\n%v", path, perr)
		case !invalid && verr != nil:
			t.Errorf("%s: the parser takes it, but the JSON Schema does not:\n%v", path, verr)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Errorf("found only %d schema files", n)
	}
}

// checkModeline checks the yaml-language-server line of a schema file.
func checkModeline(t *testing.T, path string, src []byte, jsonSchema string) {
	t.Helper()
	m := modeline.FindSubmatch(src)
	if m == nil {
		slash := filepath.ToSlash(path)
		required := slices.ContainsFunc(modelineRequired, func(dir string) bool { return strings.HasPrefix(slash, dir) })
		if required && !strings.Contains(slash, "/invalid/") {
			t.Errorf("%s: want a first line %q", path, "# yaml-language-server: $schema="+relativeTo(path, jsonSchema))
		}
		return
	}
	target, err := filepath.Abs(filepath.Join(filepath.Dir(path), string(m[1])))
	if err != nil {
		t.Fatal(err)
	}
	if target != jsonSchema {
		t.Errorf("%s: $schema=%s names %s; want $schema=%s", path, m[1], target, relativeTo(path, jsonSchema))
	}
}

func relativeTo(path, target string) string {
	dir, _ := filepath.Abs(filepath.Dir(path))
	rel, err := filepath.Rel(dir, target)
	if err != nil {
		return target
	}
	return filepath.ToSlash(rel)
}

// jsonSchemaInvalid are schema files that both the parser and the JSON
// Schema must reject, each for one reason.
var jsonSchemaInvalid = []struct{ name, src string }{
	{"missing version", "package: p\n"},
	{"version 2", "version: 2\n"},
	{"version as a string", "version: \"1\"\n"},
	{"unknown top-level key", "version: 1\nexchange: {}\n"},
	{"unknown exchange key", "version: 1\nexchanges: {e: {type: topic, durabel: true}}\n"},
	{"missing exchange type", "version: 1\nexchanges: {e: {durable: true}}\n"},
	{"bad exchange type", "version: 1\nexchanges: {e: {type: topics}}\n"},
	{"plugin type without a name", "version: 1\nexchanges: {e: {type: x-}}\n"},
	{"durable as a string", "version: 1\nexchanges: {e: {type: topic, durable: \"yes\"}}\n"},
	{"exchange named amq.", "version: 1\nexchanges: {amq.mine: {type: topic}}\n"},
	{"bad queue type", "version: 1\nqueues: {q: {type: lazy}}\n"},
	{"max_priority 0", "version: 1\nqueues: {q: {max_priority: 0}}\n"},
	{"bindings not a list", "version: 1\nexchanges: {e: {type: topic}}\nqueues: {q: {bindings: {exchange: e}}}\n"},
	{"binding without exchange", "version: 1\nqueues: {q: {bindings: [{routing_key: a}]}}\n"},
	{"unknown binding key", "version: 1\nexchanges: {e: {type: topic}}\nqueues: {q: {bindings: [{exchange: e, key: a}]}}\n"},
	{"bad serializer", "version: 1\ndefaults: {serializer: pickle}\n"},
	{"misspelt serializer key", "version: 1\ndefaults: {serialiser: json}\n"},
	{"bad compression", "version: 1\npolicies: {p: {compression: lz4}}\n"},
	{"bad delivery mode", "version: 1\ndefaults: {delivery_mode: durable}\n"},
	{"priority 256", "version: 1\ndefaults: {priority: 256}\n"},
	{"priority as a string", "version: 1\ndefaults: {priority: \"5\"}\n"},
	{"bad duration", "version: 1\ndefaults: {ttl: soon}\n"},
	{"duration without a unit", "version: 1\ndefaults: {retry: {timeout: 5}}\n"},
	{"negative duration", "version: 1\ndefaults: {retry: {interval_max: -1s}}\n"},
	{"unknown retry key", "version: 1\ndefaults: {retry: {retries: 3}}\n"},
	{"type with enum and fields", "version: 1\ntypes: {T: {enum: [a], fields: {x: {type: string}}}}\n"},
	{"type with neither", "version: 1\ntypes: {T: {description: d}}\n"},
	{"empty enum", "version: 1\ntypes: {T: {enum: []}}\n"},
	{"type named as a built-in", "version: 1\ntypes: {string: {enum: [a]}}\n"},
	{"type name with a dash", "version: 1\ntypes: {my-type: {enum: [a]}}\n"},
	{"field without type", "version: 1\ntypes: {T: {fields: {x: {required: true}}}}\n"},
	{"field type not a name", "version: 1\ntypes: {T: {fields: {x: {type: \"Money!\"}}}}\n"},
	{"map with int keys", "version: 1\ntypes: {T: {fields: {x: {type: \"map[int]string\"}}}}\n"},
	{"min_length as a string", "version: 1\ntypes: {T: {fields: {x: {type: string, min_length: \"1\"}}}}\n"},
	{"unknown field key", "version: 1\ntypes: {T: {fields: {x: {type: string, requird: true}}}}\n"},
	{"message with fields and go_type", "version: 1\nmessages: {M: {exchange: \"\", go_type: a.B, fields: {x: {type: string}}}}\n"},
	{"unknown param key", "version: 1\nmessages: {M: {exchange: \"\", routing_key: \"{a}\", params: {a: {kind: string}}}}\n"},
	{"param type a slice", "version: 1\nmessages: {M: {exchange: \"\", routing_key: \"{a}\", params: {a: {type: \"[]string\"}}}}\n"},
	{"producer messages not a list", "version: 1\nmessages: {M: {exchange: \"\"}}\nproducers: {P: {messages: M}}\n"},
	{"unknown producer key", "version: 1\nproducers: {P: {exchanges: e}}\n"},
}

func TestJSONSchemaRejectsInvalid(t *testing.T) {
	sch := compileJSONSchema(t)
	for _, tt := range jsonSchemaInvalid {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse("t.yaml", []byte(tt.src), Options{DefaultPackage: "p"}); err == nil {
				t.Errorf("the parser takes it")
			}
			inst, err := yamlToJSON([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err == nil {
				t.Errorf("it passes the JSON Schema")
			}
		})
	}
}

// extensionsEverywhere has an x- key in every mapping whose keys the
// parser checks, a merge key and a few nulls the parser reads as empty.
const extensionsEverywhere = `version: 1
package: p
x-top: {anything: [1, 2]}
x-fields: &fields
  id: {type: string, required: true, x-ui: hidden}
defaults: {serializer: json, x-d: 1, retry: {max_retries: 1, x-r: 1}}
policies:
  x-draft: {nonsense: true}
  fast: {priority: 1, x-p: 1}
  empty:
exchanges:
  x-later: {type: bogus}
  ev: {type: topic, x-owner: team, arguments: {x-custom: 1, plain: {nested: [1]}}}
queues:
  x-planned: 7
  q:
    x-note: n
    arguments: {x-overflow: reject-publish}
    bindings:
      - {exchange: ev, routing_key: "a.#", x-why: because}
  bare:
types:
  x-draft: {fields: {a: {type: Nope}}}
  T: {x-t: 1, fields: {<<: *fields, x-skip: {type: Nope}, n: {type: int32, x-f: 1}}}
  E: {enum: [a, "1", true, {value: b, go_name: B}], x-e: 1}
messages:
  x-Draft: {exchange: nowhere}
  M:
    x-m: 1
    exchange: ev
    routing_key: "a.{r}"
    params: {x-unused: {}, r: {x-p: 1}}
    headers: {x-h: 1}
    fields: {x-f: {}, t: {type: T}, e: {type: E}}
  N:
    x-n: 1
    exchange: ev
    routing_key: "a.{r}"
    params: {r: }
producers:
  x-P: {nonsense: true}
  P: {x-p: 1, exchange: ev, messages: [M, N], declare: [q]}
`

func TestJSONSchemaAcceptsExtensions(t *testing.T) {
	if _, err := Parse("t.yaml", []byte(extensionsEverywhere), Options{}); err != nil {
		t.Fatalf("the parser rejects it:\n%v", err)
	}
	inst, err := yamlToJSON([]byte(extensionsEverywhere))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileJSONSchema(t).Validate(inst); err != nil {
		t.Errorf("the JSON Schema rejects it:\n%v", err)
	}
}

// hasLetterOrDigit is what a name needs for generator/gomodel.GoName to
// make an identifier of it (its tests check that side).
func hasLetterOrDigit(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}
