package generator_test

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/imports"

	"github.com/kombugen/kombugen/generator"
	// go_types of the random schemas name it: importing it makes test
	// results cached by go test depend on it.
	_ "github.com/kombugen/kombugen/internal/testmodel"
	"github.com/kombugen/kombugen/runtime/genimpl"
	"github.com/kombugen/kombugen/schema"
)

// gen parses src and generates it with opts, failing the test on an error.
func gen(t testing.TB, file, src string, opts generator.Options) []byte {
	t.Helper()
	s, err := schema.Parse(file, []byte(src), schema.Options{})
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	out, err := generator.Generate(s, opts)
	if err != nil {
		t.Fatalf("generate: %v\n%s", err, src)
	}
	return out
}

// parseGo parses generated source with its comments.
func parseGo(t testing.TB, out []byte) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "gen.go", out, parser.ParseComments)
	if err != nil {
		t.Fatalf("the output does not parse: %v\n%s", err, out)
	}
	return f
}

// marshal writes a schema built of omaps as YAML.
func marshal(t testing.TB, root omap) string {
	t.Helper()
	src, err := yaml.Marshal(toNode(root))
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// describedSchema is a schema with description d on every entity that
// takes one.
func describedSchema(t testing.TB, d string) string {
	return marshal(t, omap{
		{"version", 1},
		{"package", "described"},
		{"exchanges", omap{{"e", omap{{"type", "topic"}, {"description", d}}}}},
		{"queues", omap{{"q", omap{{"description", d}, {"bindings", []any{omap{{"exchange", "e"}, {"routing_key", "#"}}}}}}}},
		{"types", omap{
			{"Status", omap{{"enum", []any{"a", "b"}}, {"description", d}}},
			{"Point", omap{{"description", d}, {"fields", omap{{"x", omap{{"type", "float64"}, {"description", d}}}}}}},
		}},
		{"messages", omap{{"M", omap{
			{"description", d},
			{"routing_key", "m.{s}"},
			{"params", omap{{"s", omap{{"type", "Status"}, {"description", d}}}}},
			{"fields", omap{{"f", omap{{"type", "Point"}, {"description", d}}}, {"g", omap{{"type", "string"}}}}},
		}}}},
		{"producers", omap{{"Orders", omap{{"exchange", "e"}, {"messages", []any{"M"}}, {"declare", []any{"q"}}, {"description", d}}}}},
	})
}

// trickyDescriptions are texts that try to end a comment early, to be read
// as code or as a directive, or to break the line of a // comment.
var trickyDescriptions = []string{
	"Ends early */ var Evil = 1 /* and starts again",
	"/* opens a block comment",
	"Has `backticks` and \"quotes\" and a lone `",
	"Printf verbs %d %s %% %v %!",
	"line one\nline two\n\nparagraph two",
	"carriage\rreturn and\r\nCRLF",
	"line\u2028separator and paragraph\u2029separator",
	"next\u0085line",
	"a very long word: " + strings.Repeat("abcdefghij", 30) + " end",
	"// a line that starts like a comment",
	"first line\n// second line starts like a comment\n/* third like a block */",
	"//go:generate rm -rf /\n//go:embed secret\n//line evil.go:1",
	"}\nfunc Evil() {}\nvar _ = `",
	"package evil; import \"os\"; func init() { os.Exit(1) }",
	"trailing backslash \\",
	"\ttabs\tand  spaces  ",
	"unicode: 日本語, ünïcödé, emoji 🐇",
}

// TestCommentsAreSafe generates a schema whose every description is a
// tricky text and checks that each text ends up, word for word, in the doc
// comment of its declaration or field, and that no declaration is added.
func TestCommentsAreSafe(t *testing.T) {
	plain := parseGo(t, gen(t, "d.yaml", describedSchema(t, "Plain."), generator.Options{}))
	wantDecls := declNames(plain)
	for _, d := range trickyDescriptions {
		t.Run(fmt.Sprintf("%.20q", d), func(t *testing.T) {
			out := gen(t, "d.yaml", describedSchema(t, d), generator.Options{})
			f := parseGo(t, out)
			if got := declNames(f); !slices.Equal(got, wantDecls) {
				t.Errorf("declarations %v, want %v", got, wantDecls)
			}
			want := strings.Fields(d)
			docs := declDocs(f)
			for _, name := range []string{"EExchange", "QQueue", "Status", "Point", "M", "OrdersProducer", "PublishM"} {
				doc, ok := docs[name]
				if !ok {
					t.Errorf("%s: no doc comment", name)
					continue
				}
				_, rest, _ := strings.Cut(doc.Text(), "\n\n")
				got := strings.Fields(rest)
				if name == "PublishM" {
					// The description ends it, after the parameters (whose
					// description is the same text) and the policy.
					all := strings.Fields(doc.Text())
					got = all[max(0, len(all)-len(want)):]
					if !strings.Contains(strings.Join(all, " "), "s is the routing key's {s}: "+strings.TrimSuffix(strings.Join(want, " "), ".")) {
						t.Errorf("%s: the parameter's description is not in its doc comment:\n%s", name, doc.Text())
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: doc comment holds description %q, want the words %q\n%s", name, rest, want, doc.Text())
				}
			}
			for _, g := range f.Comments {
				for _, c := range g.List {
					if !strings.HasPrefix(c.Text, "// ") && c.Text != "//" {
						t.Errorf("comment %q is not a // comment with a space", c.Text)
					}
				}
			}
			for _, field := range []string{"Point.X", "M.F"} {
				doc := fieldDocs(f)[field]
				if got := strings.Fields(doc); !slices.Equal(got, want) {
					t.Errorf("field %s: comment %q, want the words %q", field, doc, want)
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

// declNames lists the top-level declarations of f, methods as
// Type.Method.
func declNames(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil {
				name = types.ExprString(d.Recv.List[0].Type) + "." + name
			}
			names = append(names, name)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names = append(names, n.Name)
					}
				case *ast.ImportSpec:
					names = append(names, "import "+s.Path.Value)
				}
			}
		}
	}
	return names
}

// declDocs maps the names of f's ungrouped declarations and functions to
// their doc comments.
func declDocs(f *ast.File) map[string]*ast.CommentGroup {
	docs := map[string]*ast.CommentGroup{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Doc != nil {
				docs[d.Name.Name] = d.Doc
			}
		case *ast.GenDecl:
			if d.Doc == nil || d.Lparen.IsValid() {
				continue
			}
			switch s := d.Specs[0].(type) {
			case *ast.TypeSpec:
				docs[s.Name.Name] = d.Doc
			case *ast.ValueSpec:
				docs[s.Names[0].Name] = d.Doc
			}
		}
	}
	return docs
}

// fieldDocs maps Type.Field to the text of the field's comment.
func fieldDocs(f *ast.File) map[string]string {
	docs := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		if st, ok := ts.Type.(*ast.StructType); ok {
			for _, fl := range st.Fields.List {
				for _, name := range fl.Names {
					docs[ts.Name.Name+"."+name.Name] = fl.Doc.Text()
				}
			}
		}
		return false
	})
	return docs
}

// TestHeaderLine checks SPEC section 3's first line, before the package clause,
// for the schema path as the caller gives it and by default.
func TestHeaderLine(t *testing.T) {
	src := "version: 1\npackage: h\nmessages:\n  M: {exchange: \"\"}\n"
	tests := []struct{ file, schemaPath, want string }{
		{"h.yaml", "orders.kombugen.yaml", "orders.kombugen.yaml"},
		{"h.yaml", "api/v1/orders.kombugen.yaml", "api/v1/orders.kombugen.yaml"},
		{"sub/h.kombugen.yaml", "", "sub/h.kombugen.yaml"},
	}
	for _, tt := range tests {
		out := gen(t, tt.file, src, generator.Options{SchemaPath: tt.schemaPath})
		header := "// Code generated by kombugen from " + tt.want + ". DO NOT EDIT."
		if !bytes.HasPrefix(out, []byte(header+"\n\npackage h\n")) {
			first, _, _ := strings.Cut(string(out), "\n")
			t.Errorf("SchemaPath %q: output starts %q, want %q then a blank line and the package clause", tt.schemaPath, first, header)
		}
		f := parseGo(t, out)
		if !ast.IsGenerated(f) {
			t.Errorf("SchemaPath %q: ast.IsGenerated is false", tt.schemaPath)
		}
		if len(f.Comments) == 0 || f.Comments[0].List[0].Text != header || f.Comments[0].End() > f.Package {
			t.Errorf("SchemaPath %q: the header is not the first comment, before package", tt.schemaPath)
		}
	}
}

// testSchemas are the golden test schemas and some random ones.
func testSchemas(t *testing.T) map[string]string {
	t.Helper()
	schemas := map[string]string{}
	paths, _ := filepath.Glob("testdata/*.kombugen.yaml")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		schemas[p] = string(src)
	}
	for seed := uint64(1); len(schemas) < len(paths)+10; seed++ {
		rs := buildRandSchema(seed, buildOptions{})
		if _, err := checkSchema("r.yaml", rs.src, schema.Options{}); err == nil {
			schemas[fmt.Sprintf("seed %d", seed)] = string(rs.src)
		}
	}
	return schemas
}

// TestGofmtStable checks that the output is gofmt'ed: formatting it again
// changes nothing.
func TestGofmtStable(t *testing.T) {
	for name, src := range testSchemas(t) {
		out := gen(t, "x.yaml", src, generator.Options{})
		formatted, err := format.Source(out)
		if err != nil {
			t.Errorf("%s: gofmt: %v", name, err)
			continue
		}
		if !bytes.Equal(formatted, out) {
			t.Errorf("%s: the output changes when gofmt'ed", name)
		}
	}
}

// TestGoimportsStable checks that the output is what goimports makes of
// it: the imports grouped as goimports groups them, the standard library's
// first.
func TestGoimportsStable(t *testing.T) {
	for name, src := range testSchemas(t) {
		out := gen(t, "x.yaml", src, generator.Options{})
		fixed, err := imports.Process("x_gen.go", out, &imports.Options{Comments: true, TabIndent: true, TabWidth: 8, FormatOnly: true})
		if err != nil {
			t.Errorf("%s: goimports: %v", name, err)
			continue
		}
		if !bytes.Equal(fixed, out) {
			t.Errorf("%s: goimports changes the output:\n%s", name, firstDifference(fixed, out))
		}
	}
}

// TestDeterministicRuns generates each schema several times, each from its
// own parse, and wants the same bytes every time.
func TestDeterministicRuns(t *testing.T) {
	for name, src := range testSchemas(t) {
		first := gen(t, "x.yaml", src, generator.Options{})
		for range 3 {
			if again := gen(t, "x.yaml", src, generator.Options{}); !bytes.Equal(first, again) {
				t.Errorf("%s: two runs differ", name)
				break
			}
		}
	}
}

// TestGoTypeErrors checks that a go_type naming a package that does not
// exist, a name the package does not have or something that is not a type
// is reported, all of them, as schema errors at the go_type's value.
func TestGoTypeErrors(t *testing.T) {
	t.Parallel() // it waits for the go command
	tests := []struct {
		goType string
		want   []string // the message says one of these
	}{
		{"github.com/kombugen/kombugen/internal/nosuchpkg.Order", []string{"not found", "does not load", "cannot find"}},
		{"github.com/kombugen/kombugen/internal/testmodel.Missing", []string{"package github.com/kombugen/kombugen/internal/testmodel has no Missing"}},
		{"github.com/kombugen/kombugen/runtime.Dial", []string{"runtime.Dial is not a type"}},
		{"github.com/kombugen/kombugen/runtime.ErrClosed", []string{"runtime.ErrClosed is not a type"}},
	}
	var src strings.Builder
	src.WriteString("version: 1\npackage: g\nmessages:\n")
	var prefixes []string
	for i, tt := range tests {
		line := fmt.Sprintf("  M%d: {exchange: \"\", go_type: %q}", i, tt.goType)
		col := strings.Index(line, "go_type: ") + len("go_type: ") + 1
		fmt.Fprintln(&src, line)
		prefixes = append(prefixes, fmt.Sprintf("g.yaml:%d:%d: message \"M%d\": go_type %q: ", 4+i, col, i, tt.goType))
	}
	s, err := schema.Parse("g.yaml", []byte(src.String()), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := generator.Generate(s, generator.Options{Dir: "."})
	if out != nil {
		t.Errorf("Generate returned code along with the error")
	}
	var list schema.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Generate error %T %v, want a schema.ErrorList", err, err)
	}
	if len(list) != len(tests) {
		t.Errorf("%d errors, want %d:\n%v", len(list), len(tests), err)
	}
	for i, e := range list {
		if i >= len(tests) {
			break
		}
		if m := s.Message(fmt.Sprintf("M%d", i)); e.Pos != m.GoType.Pos {
			t.Errorf("error %d at %v, want the go_type's position %v", i, e.Pos, m.GoType.Pos)
		}
		got := e.Error()
		rest, ok := strings.CutPrefix(got, prefixes[i])
		if !ok || !slices.ContainsFunc(tests[i].want, func(w string) bool { return strings.Contains(rest, w) }) {
			t.Errorf("error %d:\n got %s\nwant %s followed by one of %q", i, got, prefixes[i], tests[i].want)
		}
	}
}

// TestGoTypeAccepted checks go_types that are fine: one of the generated
// package (the compiler checks it; the generator cannot, as it writes part
// of that package), and an exported type of a package that exists.
func TestGoTypeAccepted(t *testing.T) {
	t.Parallel() // it waits for the go command
	src := "version: 1\npackage: g\nmessages:\n" +
		"  Local: {exchange: \"\", go_type: LocalOrder}\n" +
		"  Model: {exchange: \"\", go_type: github.com/kombugen/kombugen/internal/testmodel.Order}\n"
	f := parseGo(t, gen(t, "g.yaml", src, generator.Options{Dir: "."}))
	params := map[string]string{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && strings.HasPrefix(fd.Name.Name, "Publish") {
			for _, p := range fd.Type.Params.List {
				if p.Names[0].Name == "msg" {
					params[fd.Name.Name] = types.ExprString(p.Type)
				}
			}
		}
	}
	want := map[string]string{"PublishLocal": "LocalOrder", "PublishModel": "testmodel.Order"}
	for name, typ := range want {
		if params[name] != typ {
			t.Errorf("%s takes msg %q, want %q", name, params[name], typ)
		}
	}
}

// TestDurations checks that durations read as a person writes them.
func TestDurations(t *testing.T) {
	src := "version: 1\npackage: d\nmessages:\n" +
		"  Day: {exchange: \"\", ttl: 24h, retry: {max_retries: 5, interval_start: 1500ms, interval_step: 1s, interval_max: 90m, timeout: 2h}}\n" +
		"  Default: {exchange: \"\"}\n" +
		"  Odd: {exchange: \"\", ttl: 1ms, retry: {interval_start: 1500us, interval_step: 1500ns, interval_max: 61s}}\n"
	f := parseGo(t, gen(t, "d.yaml", src, generator.Options{}))
	tests := []struct {
		message string
		want    map[string]string
	}{
		{"Day", map[string]string{
			"WithTTL": "24 * time.Hour", "MaxRetries": "5", "IntervalStart": "1500 * time.Millisecond",
			"IntervalStep": "time.Second", "IntervalMax": "90 * time.Minute", "Timeout": "2 * time.Hour",
		}},
		{"Default", map[string]string{
			"WithTTL": "0", "MaxRetries": "3", "IntervalStart": "", "IntervalStep": "200 * time.Millisecond",
			"IntervalMax": "time.Second", "Timeout": "",
		}},
		{"Odd", map[string]string{
			"WithTTL": "time.Millisecond", "IntervalStart": "1500 * time.Microsecond", "IntervalMax": "61 * time.Second",
		}},
	}
	for _, tt := range tests {
		got := policyExprs(f, tt.message)
		if got == nil {
			t.Errorf("%s: no genimpl.NewMessageType call", tt.message)
			continue
		}
		for key, want := range tt.want {
			if got[key] != want {
				t.Errorf("%s: %s is %q, want %q", tt.message, key, got[key], want)
			}
		}
	}
}

// policyExprs finds the genimpl.NewMessageType call of a message and the
// policy variable it names, and returns the argument of each runtime.WithX
// option of the two by X, and the fields of its RetryPolicy by name, as Go
// expressions.
func policyExprs(f *ast.File, message string) map[string]string {
	var out map[string]string
	var policy string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || types.ExprString(call.Fun) != "genimpl.NewMessageType" || len(call.Args) == 0 ||
			types.ExprString(call.Args[0]) != fmt.Sprintf("%q", message) {
			return true
		}
		out = map[string]string{}
		ast.Inspect(call.Args[len(call.Args)-1], func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && strings.HasPrefix(id.Name, "kombugenPolicy") {
				policy = id.Name
			}
			if opt, ok := n.(*ast.CallExpr); ok {
				addOption(out, opt)
			}
			return true
		})
		return false
	})
	if out == nil || policy == "" {
		return out
	}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != policy || len(vs.Values) != 1 {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.CompositeLit); ok {
			for _, e := range lit.Elts {
				if opt, ok := e.(*ast.CallExpr); ok {
					addOption(out, opt)
				}
			}
		}
		return false
	})
	return out
}

// addOption records a runtime.WithX(arg) option in out.
func addOption(out map[string]string, opt *ast.CallExpr) {
	name, ok := strings.CutPrefix(types.ExprString(opt.Fun), "runtime.")
	if !ok || len(opt.Args) != 1 {
		return
	}
	out[name] = types.ExprString(opt.Args[0])
	if lit, ok := opt.Args[0].(*ast.CompositeLit); ok && name == "WithRetry" {
		for _, e := range lit.Elts {
			kv := e.(*ast.KeyValueExpr)
			out[types.ExprString(kv.Key)] = types.ExprString(kv.Value)
		}
	}
}

// TestVersionGuard checks the constants that make a build fail when the
// runtime does not fit the generated code, and that this module's runtime
// fits what its generator writes.
func TestVersionGuard(t *testing.T) {
	if v := generator.GeneratedVersion; v < genimpl.MinVersion || v > genimpl.MaxVersion {
		t.Errorf("the generator writes version %d, the runtime takes %d to %d", v, genimpl.MinVersion, genimpl.MaxVersion)
	}
	f := parseGo(t, gen(t, "v.yaml", "version: 1\npackage: v\n", generator.Options{}))
	n := generator.GeneratedVersion
	want := []string{
		fmt.Sprintf("genimpl.EnforceVersion(%d - genimpl.MinVersion)", n),
		fmt.Sprintf("genimpl.EnforceVersion(genimpl.MaxVersion - %d)", n),
	}
	var got []string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if len(vs.Names) == 1 && vs.Names[0].Name == "_" && len(vs.Values) == 1 {
					got = append(got, types.ExprString(vs.Values[0]))
				}
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("version guard %q, want %q", got, want)
	}
}

// TestGoldenDocComments checks that every exported identifier of the
// golden files has a doc comment starting with its name.
func TestGoldenDocComments(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*", "*_gen.go"))
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range undocumented(parseGo(t, src)) {
			t.Errorf("%s: %s", path, u)
		}
	}
}

// Generate turns a schema into the Go source of its producers; here are
// the producer's constructor and methods for SPEC's example.
func ExampleGenerate() {
	src := `version: 1
package: orders
exchanges:
  orders: {type: topic}
types:
  Region: {enum: [EU, US]}
messages:
  OrderCreated:
    exchange: orders
    routing_key: "order.{region}.created"
    params: {region: {type: Region}}
    fields:
      order_id: {type: string, required: true}
producers:
  Orders: {exchange: orders, messages: [OrderCreated]}
`
	s, err := schema.Parse("orders.kombugen.yaml", []byte(src), schema.Options{})
	if err != nil {
		log.Fatal(err)
	}
	out, err := generator.Generate(s, generator.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "// Code generated") || strings.HasPrefix(line, "func ") &&
			(strings.Contains(line, "New") || strings.Contains(line, ") Publish") || strings.Contains(line, ") Declare")) {
			fmt.Println(strings.TrimSuffix(line, " {"))
		}
	}
	// Output:
	// // Code generated by kombugen from orders.kombugen.yaml. DO NOT EDIT.
	// func NewOrdersProducer(t runtime.Transport, opts ...runtime.ProducerOption) *OrdersProducer
	// func (p *OrdersProducer) PublishOrderCreated(ctx context.Context, region Region, msg OrderCreated, opts ...runtime.PublishOption) error
	// func (p *OrdersProducer) PublishOrderCreatedAsync(ctx context.Context, region Region, msg OrderCreated, opts ...runtime.PublishOption) *runtime.Confirmation
	// func (p *OrdersProducer) Declare(ctx context.Context) error
}

// TestNoUnreachableChecks generates fields whose constraints their type or
// another constraint implies already, and wants no check for them: a
// required list, map, bytes or string is not empty, so a min_length of 1
// is checked already; a min_length of 0 bounds nothing; an unsigned number
// is never below 0; no int32 is above 2147483647.
func TestNoUnreachableChecks(t *testing.T) {
	const src = `version: 1
package: p
exchanges: {e: {type: direct}}
messages:
  M:
    exchange: e
    fields:
      tags: {type: "[]string", required: true, min_length: 1, max_length: 5}
      name: {type: string, required: true, min_length: 1}
      blob: {type: bytes, required: true, min_length: 1}
      labels: {type: "map[string]string", required: true, min_length: 1}
      note: {type: string, min_length: 0}
      count: {type: uint32, required: true, minimum: 0, maximum: 10}
      small: {type: int32, required: true, minimum: -5, maximum: 2147483647}
      big: {type: uint64, minimum: 0, maximum: 9223372036854775807}
`
	out := string(gen(t, "x.yaml", src, generator.Options{}))
	for _, unreachable := range []string{
		"fewer than the minimum of 1\"", "fewer than the minimum of 0\"",
		"less than the minimum of 0\"", "more than the maximum of 2147483647\"",
	} {
		if strings.Contains(out, unreachable) {
			t.Errorf("the generated code checks what cannot happen (%s):\n%s", unreachable, out)
		}
	}
	for _, reachable := range []string{
		"more than the maximum of 5\"", "more than the maximum of 10\"", "less than the minimum of -5\"", "more than the maximum of 9223372036854775807\"",
		`genimpl.Invalid("tags", "is required")`, `genimpl.Invalid("name", "is required")`,
	} {
		if !strings.Contains(out, reachable) {
			t.Errorf("the generated code lacks the check %s:\n%s", reachable, out)
		}
	}
}

// TestNoExportedVars checks that the generated file exports no variables:
// what producers read (the exchanges and queues they declare) no user can
// change under them, and the topology is had from functions that return a
// value of the caller's own.
func TestNoExportedVars(t *testing.T) {
	for name, src := range testSchemas(t) {
		f := parseGo(t, gen(t, "x.yaml", src, generator.Options{}))
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				for _, id := range spec.(*ast.ValueSpec).Names {
					if id.IsExported() {
						t.Errorf("%s: the generated file exports the variable %s", name, id.Name)
					}
				}
			}
		}
	}
}

// TestPublishDoc checks the doc comment of a Publish method: it states the
// message's policy in effect, every key of it, and describes each
// parameter with its description from the schema.
func TestPublishDoc(t *testing.T) {
	const src = `version: 1
package: p
exchanges: {orders: {type: topic}}
policies:
  audit: {compression: zlib, ttl: 1500ms}
messages:
  OrderCreated:
    description: An order was placed.
    exchange: orders
    routing_key: "order.{region}.{shop}.created"
    params:
      region: {description: Where the order ships to.}
    policy: audit
    priority: 5
    mandatory: true
    delivery_mode: transient
    fields:
      id: {type: string}
`
	f := parseGo(t, gen(t, "x.yaml", src, generator.Options{}))
	docs := map[string]string{}
	for _, decl := range f.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Doc != nil {
			docs[fd.Name.Name] = fd.Doc.Text()
		}
	}
	doc := strings.Join(strings.Fields(docs["PublishOrderCreated"]), " ")
	for _, want := range []string{
		"region is the routing key's {region}: Where the order ships to.",
		"shop is the routing key's {shop}.",
		`Its policy, from kombugen's defaults, policy "audit" and its own keys: serializer json, compression zlib, transient, priority 5, TTL 1.5s, mandatory, publisher confirms, up to 3 retries.`,
		"opts override it for this publish.",
		"An order was placed.",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("PublishOrderCreated's doc lacks %q:\n%s", want, docs["PublishOrderCreated"])
		}
	}
	if async := docs["PublishOrderCreatedAsync"]; !strings.Contains(async, "PublishOrderCreated") {
		t.Errorf("PublishOrderCreatedAsync's doc does not refer to PublishOrderCreated:\n%s", async)
	}
}
