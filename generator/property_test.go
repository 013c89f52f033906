package generator_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/tools/go/packages"

	"github.com/kombugen/kombugen/generator"
	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/schema"
)

var (
	seedsFlag     = flag.Int("kombugen.seeds", 0, "how many random schemas TestGeneratedCodeCompiles builds (default $KOMBUGEN_SEEDS, else 40)")
	firstSeedFlag = flag.Uint64("kombugen.firstseed", 1, "the seed of TestGeneratedCodeCompiles's first random schema")
	keepFlag      = flag.Bool("kombugen.keep", false, "keep the packages TestGeneratedCodeCompiles generates under testdata/_prop*, to look at")
)

// propSeeds returns how many random schemas to build.
func propSeeds(t *testing.T) int {
	if *seedsFlag > 0 {
		return *seedsFlag
	}
	if s := os.Getenv("KOMBUGEN_SEEDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("KOMBUGEN_SEEDS=%q: want a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 10
	}
	return 40
}

// minPassRate is the share of schemas meant to be valid that must pass
// check, so that the property cannot hold by testing nothing.
const minPassRate = 0.8

// propCase is a schema whose generated code is compiled.
type propCase struct {
	name string // what to call it in a failure: "seed 12" or a regression's name
	file string // the schema's file name
	src  []byte
	// dir is the package's directory under the temporary root.
	dir string
}

// propRoot makes a directory under testdata for generated packages,
// named prefix and a random suffix, removed when the test ends unless
// -kombugen.keep; directories earlier runs left behind go first.
func propRoot(t *testing.T, prefix string) string {
	t.Helper()
	removeStale(t)
	root, err := os.MkdirTemp("testdata", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if *keepFlag {
			t.Logf("kept the generated packages in %s", root)
			return
		}
		os.RemoveAll(root)
	})
	return root
}

// TestGeneratedCodeCompiles is the property "every schema that passes check
// generates code that compiles and passes go vet". It builds random
// schemas from fixed seeds (-kombugen.seeds, -kombugen.firstseed), parses
// them, generates each into its own package under testdata/_prop*, and
// type-checks all of them with one go/packages load (also as for a 32-bit
// platform) and vets them with one go vet. Every generated file must also
// be gofmt'ed, deterministic, start with the header line and document its
// exported identifiers. The regressionCases that check accepts go along. With
// -short it builds 10 schemas.
func TestGeneratedCodeCompiles(t *testing.T) {
	brokertest.Integration(t)
	t.Parallel() // it mostly waits for the go command
	start := time.Now()
	root := propRoot(t, "_prop")

	var cases []*propCase
	add := func(c *propCase, s *schema.Schema, localGoTypes []string) {
		c.dir = filepath.Join(root, fmt.Sprintf("%03d", len(cases)))
		if !generateCase(t, c, s, localGoTypes) {
			return
		}
		cases = append(cases, c)
	}

	n, first := propSeeds(t), *firstSeedFlag
	var meant, passed, broken int
	var rejected []string
	for seed := first; seed < first+uint64(n); seed++ {
		rs := buildRandSchema(seed, buildOptions{invalidRate: 0.1})
		file := fmt.Sprintf("prop%03d.kombugen.yaml", seed)
		s, err := checkSchema(file, rs.src, schema.Options{})
		if rs.invalid != "" {
			broken++
			if err == nil {
				t.Errorf("seed %d: a schema broken on purpose (%s) passed check:\n%s", seed, rs.invalid, rs.src)
			}
			continue
		}
		meant++
		if err != nil {
			rejected = append(rejected, fmt.Sprintf("seed %d: rejected:\n%v\n--- schema:\n%s", seed, err, rs.src))
			continue
		}
		passed++
		add(&propCase{name: fmt.Sprintf("seed %d", seed), file: file, src: rs.src}, s, rs.localGoTypes)
	}
	for _, rc := range regressionCases {
		if rc.rejected != "" {
			continue
		}
		file := rc.name + ".kombugen.yaml"
		s, err := checkSchema(file, []byte(rc.src), schema.Options{})
		if err != nil {
			t.Errorf("regression %s: schema rejected: %v", rc.name, err)
			continue
		}
		add(&propCase{name: "regression " + rc.name, file: file, src: []byte(rc.src)}, s, rc.localGoTypes)
	}

	for _, r := range rejected {
		t.Log(r)
	}
	if meant > 0 && float64(passed)/float64(meant) < minPassRate {
		t.Errorf("only %d of %d random schemas meant to be valid passed check (want %.0f%%); see the rejections above (go test -v)",
			passed, meant, 100*minPassRate)
	}
	t.Logf("%d of %d schemas meant to be valid passed check, %d broken on purpose; generated in %v",
		passed, meant, broken, time.Since(start).Round(time.Millisecond))
	if len(cases) == 0 {
		return
	}
	compiled := typeCheck(t, cases)
	t.Logf("type-checked %d packages after %v", len(cases), time.Since(start).Round(time.Millisecond))
	if len(compiled) == 0 {
		return
	}
	// go vet stops at a package it cannot load: only those that compile.
	vet(t, root, compiled)
	t.Logf("vetted after %v", time.Since(start).Round(time.Millisecond))
}

// checkSchema checks a schema as kombugen check does: it parses it and
// builds its Go model, and returns it when both pass, or the problems of
// both.
func checkSchema(file string, src []byte, opts schema.Options) (*schema.Schema, error) {
	s, err := schema.Parse(file, src, opts)
	if err := gomodel.Check(s, err); err != nil {
		return nil, err
	}
	return s, nil
}

// removeStale removes what runs that were killed left behind: their
// cleanup did not run. Runs going on now are hours younger.
func removeStale(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "_prop*"))
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && time.Since(fi.ModTime()) > 3*time.Hour {
			t.Logf("removing %s, left by an earlier run", d)
			os.RemoveAll(d)
		}
	}
}

// generateCase generates a case's code into its directory, checking the
// output on the way; it reports whether there is a package to compile.
func generateCase(t *testing.T, c *propCase, s *schema.Schema, localGoTypes []string) bool {
	t.Helper()
	out, err := generator.Generate(s, generator.Options{})
	if err != nil {
		t.Errorf("%s: Generate: %v\n--- schema:\n%s", c.name, err, c.src)
		return false
	}
	for _, p := range outputProblems(c.file, s.Package, out) {
		t.Errorf("%s: %s\n--- schema:\n%s", c.name, p, c.src)
	}
	again, err := schema.Parse(c.file, c.src, schema.Options{})
	if err != nil {
		t.Fatalf("%s: a second parse failed: %v", c.name, err)
	}
	if out2, err := generator.Generate(again, generator.Options{}); err != nil || !bytes.Equal(out, out2) {
		t.Errorf("%s: a second run generated other code (err %v)\n--- schema:\n%s", c.name, err, c.src)
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "gen.go"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(localGoTypes) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "package %s\n", s.Package)
		for _, name := range localGoTypes {
			fmt.Fprintf(&b, "\n// %s is a type of the package that the schema names with go_type.\ntype %s struct {\n\tID string `json:\"id\"`\n}\n", name, name)
		}
		if err := os.WriteFile(filepath.Join(c.dir, "gotypes.go"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return true
}

// outputProblems checks generated source against SPEC section 3: the header
// line first, before package; gofmt'ed; Go that parses, in the schema's
// package, with no other comment before the package clause (gofmt moves
// build constraints there); and a doc comment on every exported
// identifier.
func outputProblems(file, pkg string, out []byte) []string {
	var problems []string
	header := "// Code generated by kombugen from " + file + ". DO NOT EDIT."
	if first, _, _ := strings.Cut(string(out), "\n"); first != header {
		problems = append(problems, fmt.Sprintf("first line %q, want %q", first, header))
	}
	if formatted, err := format.Source(out); err != nil {
		problems = append(problems, fmt.Sprintf("gofmt: %v", err))
	} else if !bytes.Equal(formatted, out) {
		problems = append(problems, "the output is not gofmt'ed")
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "gen.go", out, parser.ParseComments)
	if err != nil {
		return append(problems, fmt.Sprintf("the output does not parse: %v", err))
	}
	if f.Name.Name != pkg {
		problems = append(problems, fmt.Sprintf("package %s, want %s", f.Name.Name, pkg))
	}
	if !ast.IsGenerated(f) {
		problems = append(problems, "ast.IsGenerated is false")
	}
	for _, g := range f.Comments {
		if g.Pos() < f.Package && (len(g.List) != 1 || g.List[0].Text != header) {
			problems = append(problems, fmt.Sprintf("comment before the package clause, where it may be a build constraint:\n%s", g.Text()))
		}
	}
	for _, g := range f.Comments {
		for _, c := range g.List {
			if i := strings.IndexFunc(c.Text, func(r rune) bool { return unicode.IsControl(r) && r != '\t' || r == '\uFEFF' }); i >= 0 {
				problems = append(problems, fmt.Sprintf("a control character in a comment: %q", c.Text))
			}
		}
	}
	for _, u := range undocumented(f) {
		problems = append(problems, u)
	}
	return problems
}

// undocumented lists the exported top-level identifiers and methods of f
// whose doc comment does not start with their name. The constants of a
// group with a doc comment of its own may go without.
func undocumented(f *ast.File) []string {
	var out []string
	check := func(name string, doc *ast.CommentGroup) {
		if !ast.IsExported(name) {
			return
		}
		text := ""
		if doc != nil {
			text = doc.Text()
		}
		if rest, ok := strings.CutPrefix(text, name); !ok || rest == "" || rest[0] != ' ' {
			out = append(out, fmt.Sprintf("%s has no doc comment starting with its name (got %q)", name, firstLine(text)))
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			check(d.Name.Name, d.Doc)
		case *ast.GenDecl:
			grouped := d.Lparen.IsValid()
			for _, spec := range d.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					doc := spec.Doc
					if !grouped {
						doc = d.Doc
					}
					check(spec.Name.Name, doc)
				case *ast.ValueSpec:
					for _, id := range spec.Names {
						switch {
						case !grouped:
							check(id.Name, d.Doc)
						case spec.Doc != nil || d.Doc == nil:
							check(id.Name, spec.Doc)
						}
					}
				}
			}
		}
	}
	return out
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// typeCheck loads every case's package at once and reports those that do
// not type-check, with their schemas. It returns the others.
func typeCheck(t *testing.T, cases []*propCase) []*propCase {
	t.Helper()
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:  ".",
	}
	pkgs, err := packages.Load(cfg, casePatterns(cases)...)
	if err != nil {
		t.Fatalf("loading the generated packages: %v", err)
	}
	byDir := map[string]*packages.Package{}
	for _, p := range pkgs {
		byDir[filepath.Base(p.PkgPath)] = p
	}
	var compiled []*propCase
	for _, c := range cases {
		p := byDir[filepath.Base(c.dir)]
		switch {
		case p == nil:
			t.Errorf("%s: go/packages did not load %s\n--- schema:\n%s", c.name, c.dir, c.src)
		case len(p.Errors) > 0:
			// The type checker's errors say it all, when there are any:
			// go list's compile errors repeat them.
			errs := p.Errors
			if typeErrs := slices.DeleteFunc(slices.Clone(errs), func(e packages.Error) bool { return e.Kind != packages.TypeError }); len(typeErrs) > 0 {
				errs = typeErrs
			}
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.Error()+sourceLine(e.Pos))
			}
			t.Errorf("%s: the generated code does not compile:\n%s\n--- schema:\n%s", c.name, strings.Join(msgs, "\n"), c.src)
		case !slices.ContainsFunc(p.GoFiles, func(f string) bool { return filepath.Base(f) == "gen.go" }):
			t.Errorf("%s: the build leaves out gen.go (files %v)\n--- schema:\n%s", c.name, p.GoFiles, c.src)
		default:
			if errs := check32(p); len(errs) > 0 {
				t.Errorf("%s: the generated code does not compile for 32-bit platforms (GOARCH=386):\n%s\n--- schema:\n%s",
					c.name, strings.Join(errs, "\n"), c.src)
			}
			compiled = append(compiled, c)
		}
	}
	return compiled
}

// check32 type-checks a loaded package again as for a 32-bit platform,
// where int is 32 bits wide, and returns the errors. Its imports are taken
// as loaded: what generated code uses of them does not depend on the
// platform.
func check32(p *packages.Package) []string {
	var errs []string
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if imp := p.Imports[path]; imp != nil && imp.Types != nil {
				return imp.Types, nil
			}
			return nil, fmt.Errorf("%s is not among the imports of %s", path, p.PkgPath)
		}),
		Sizes: types.SizesFor("gc", "386"),
		Error: func(err error) {
			msg := err.Error()
			if te, ok := err.(types.Error); ok {
				msg += sourceLine(te.Fset.Position(te.Pos).String())
			}
			errs = append(errs, msg)
		},
	}
	conf.Check(p.PkgPath, p.Fset, p.Syntax, nil)
	return errs
}

// importerFunc is a types.Importer.
type importerFunc func(path string) (*types.Package, error)

// Import imports path.
func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// casePatterns names the cases' packages for the go command: patterns
// with ... match nothing under testdata or in directories starting with _,
// so each is named.
func casePatterns(cases []*propCase) []string {
	var out []string
	for _, c := range cases {
		out = append(out, "./"+filepath.ToSlash(c.dir))
	}
	return out
}

// sourceLine returns the line a "file:line:col" position names, for an
// error message, or "".
func sourceLine(pos string) string {
	m := regexp.MustCompile(`^(.*):(\d+):\d+$`).FindStringSubmatch(pos)
	if m == nil {
		return ""
	}
	src, err := os.ReadFile(m[1])
	if err != nil {
		return ""
	}
	n, _ := strconv.Atoi(m[2])
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return "\n\t" + strings.TrimSpace(lines[n-1])
}

// vet runs go vet on every case's package at once and reports each
// package it finds fault with, with its schema.
func vet(t *testing.T, root string, cases []*propCase) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"vet"}, casePatterns(cases)...)...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	dirRE := regexp.MustCompile(regexp.QuoteMeta(filepath.Base(root)) + `[/\\](\d+)\b`)
	byDir := map[string][]string{}
	var other []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if m := dirRE.FindStringSubmatch(line); m != nil {
			byDir[m[1]] = append(byDir[m[1]], line)
		} else {
			other = append(other, line)
		}
	}
	for _, c := range cases {
		if lines := byDir[filepath.Base(c.dir)]; len(lines) > 0 {
			t.Errorf("%s: go vet:\n%s\n--- schema:\n%s", c.name, strings.Join(lines, "\n"), c.src)
		}
	}
	if len(byDir) == 0 {
		t.Errorf("go vet: %v\n%s", err, strings.Join(other, "\n"))
	}
}

// regressionCase is a schema that once broke the generated code, or still
// does: bug says how, until it is fixed.
type regressionCase struct {
	name string
	// localGoTypes are types of the generated package the schema's go_types
	// name.
	localGoTypes []string
	// rejected, when set, is what the schema now says of the case: the
	// fix was to refuse it with a position rather than generate for it.
	rejected string
	src      string
}

// regressionCases are the smallest schemas that showed generator bugs.
var regressionCases = []regressionCase{
	{
		name:     "topology_name",
		rejected: `Go name "Topology" is taken by the generated func Topology`,
		src:      "version: 1\npackage: topo\ntypes:\n  Topology: {enum: [a]}\n",
	},
	{
		name: "inline_enum_percent",
		src:  "version: 1\npackage: pct\nmessages:\n  M: {exchange: \"\", fields: {s: {type: string, enum: [\"100%\"]}}}\n",
	},
	{
		name: "description_nul",
		src:  "version: 1\npackage: nul\ntypes:\n  T: {enum: [a], description: \"a\\0b\"}\n",
	},
	{
		name: "description_bom",
		src:  "version: 1\npackage: bom\ntypes:\n  T: {enum: [a], description: \"a\\uFEFFb\"}\n",
	},
	{
		name: "description_plus_build",
		src:  "version: 1\npackage: build\ntypes:\n  T: {enum: [a], description: \"+build ignore\"}\n",
	},
	{
		name: "param_shadows_key_func",
		src:  "version: 1\npackage: shadow\nmessages:\n  M: {exchange: \"\", routing_key: \"{kombugen_m_key}\", params: {kombugen_m_key: {}}}\n",
	},
	{
		name:     "field_name_comma",
		rejected: `a field name is the key of the json, yaml and msgpack encodings`,
		src:      "version: 1\npackage: comma\nmessages:\n  M: {exchange: \"\", fields: {a: {type: string}, \"a,b\": {type: string}}}\n",
	},
	{
		name: "int_bound_32bit",
		src:  "version: 1\npackage: intbound\nmessages:\n  M: {exchange: \"\", fields: {n: {type: int, maximum: 3000000000}}}\n",
	},
	{
		// Enum values, routing keys and names go into doc comments as
		// they are written; control characters must not.
		name: "control_characters_in_comments",
		src:  "version: 1\npackage: ctl\nexchanges:\n  \"e\\x7f\": {type: topic}\ntypes:\n  E: {enum: [\"a\\x01b\", \"c\\u2028d\", \"e\\rf\"]}\nmessages:\n  \"M\\x1b\": {exchange: \"e\\x7f\", routing_key: \"k\\tey\\x02\", fields: {e: {type: E, required: true}}}\n",
	},
	{
		name:         "go_type_named_like_import",
		rejected:     `"context" is a name the generated file needs for itself`,
		src:          "version: 1\npackage: gtctx\nmessages:\n  M: {exchange: \"\", go_type: context}\n",
		localGoTypes: []string{"context"},
	},
}

// TestRegressions checks that the regression schemas still parse, or are
// refused as their fix made them; the code of those that parse is compiled
// by TestGeneratedCodeCompiles once their bug is fixed.
func TestRegressions(t *testing.T) {
	for _, rc := range regressionCases {
		t.Run(rc.name, func(t *testing.T) {
			_, err := checkSchema(rc.name+".kombugen.yaml", []byte(rc.src), schema.Options{})
			if rc.rejected != "" {
				if err == nil || !strings.Contains(err.Error(), rc.rejected) {
					t.Fatalf("schema error %v, want one saying %q", err, rc.rejected)
				}
				return
			}
			if err != nil {
				t.Fatalf("the schema no longer passes check: %v", err)
			}
		})
	}
}

// FuzzGenerate checks that whatever schema passes check, Generate neither
// panics nor fails, and writes gofmt'ed Go with the header line and no
// build constraint. Its seeds are the test schemas, a few small ones and
// random ones.
func FuzzGenerate(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.kombugen.yaml")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, src := range []string{
		"version: 1\npackage: p\n",
		"version: 1\npackage: p\nmessages:\n  M: {exchange: \"\", routing_key: \"a.{b}\", params: {b: {type: int}}}\n",
		"version: 1\npackage: p\nexchanges: {e: {type: topic, description: \"*/ `x` %d\"}}\ntypes:\n  S: {enum: [in-progress, a.b]}\nmessages:\n  M: {exchange: e, fields: {s: {type: \"map[string][]S\", required: true}}}\n",
		"version: 1\npackage: p\nmessages:\n  R: {exchange: amq.fanout, serializer: raw, headers: {a: [1, {b: !!binary AA==}]}}\n",
	} {
		f.Add([]byte(src))
	}
	for seed := uint64(1); seed <= 5; seed++ {
		f.Add(buildRandSchema(seed, buildOptions{}).src)
	}
	for _, rc := range regressionCases {
		if rc.rejected == "" {
			f.Add([]byte(rc.src))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "fuzz.kombugen.yaml"
		s, err := checkSchema(file, src, schema.Options{DefaultPackage: "fuzz"})
		if err != nil {
			return
		}
		out, err := generator.Generate(s, generator.Options{})
		if err != nil {
			t.Fatalf("Generate: %v\n--- schema:\n%s", err, src)
		}
		for _, p := range outputProblems(file, s.Package, out) {
			t.Errorf("%s", p)
		}
		if t.Failed() {
			t.Logf("schema:\n%s\n--- output:\n%s", src, out)
		}
	})
}
