package routing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// tmpl builds a template from "order.{region}.created" and its params.
func tmpl(text string, params ...Param) Template {
	t := Template{Params: params}
	for text != "" {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			t.Parts = append(t.Parts, Part{Literal: text})
			break
		}
		if i > 0 {
			t.Parts = append(t.Parts, Part{Literal: text[:i]})
		}
		j := strings.IndexByte(text, '}')
		t.Parts = append(t.Parts, Part{Param: text[i+1 : j]})
		text = text[j+1:]
	}
	return t
}

var (
	region  = Param{Name: "region", Kind: Enum, Values: []string{"EU", "US"}}
	status  = Param{Name: "status", Kind: Enum, Values: []string{"in-progress", "done", "jpy"}}
	shard   = Param{Name: "shard", Kind: Uint, Bits: 32}
	version = Param{Name: "version", Kind: Int, Bits: 64}
)

func TestMatchTemplate(t *testing.T) {
	job := tmpl("job.{status}.{shard}.{tenant}", status, shard)
	tests := []struct {
		typ, binding string
		t            Template
		want         string
	}{
		// A free parameter filling a word is any one word.
		{"topic", "order.*.created", tmpl("order.{region}.created"), "always"},
		{"topic", "order.eu.created", tmpl("order.{region}.created"), `region is "eu"`},
		{"topic", "order.eu.*", tmpl("order.{region}.created"), `region is "eu"`},
		{"topic", "order.#", tmpl("order.{region}.created"), "always"},
		{"topic", "#", tmpl("order.{region}.created"), "always"},
		{"topic", "order.*", tmpl("order.{region}.created"), "never"},
		{"topic", "order.e.u.created", tmpl("order.{region}.created"), "never"},
		{"topic", "order..created", tmpl("order.{region}.created"), "never"},
		{"topic", "order.a*.created", tmpl("order.{region}.created"), "never"},
		// An enum takes each of its values.
		{"topic", "order.*.created", tmpl("order.{region}.created", region), "always"},
		{"topic", "order.EU.created", tmpl("order.{region}.created", region), `region is "EU"`},
		{"topic", "order.eu.created", tmpl("order.{region}.created", region), "never"},
		{"topic", "job.done.#", job, `status is "done"`},
		{"topic", "job.*.*.acme", job, `tenant is "acme"`},
		{"topic", "job.*.7.*", job, `shard is "7"`},
		{"topic", "job.jpy.07.*", job, "never"},
		{"topic", "job.jpy.-7.*", job, "never"},
		{"topic", "job.jpy.4294967296.*", job, "never"},
		{"topic", "job.jpy.4294967295.x", job, `status is "jpy" and shard is "4294967295" and tenant is "x"`},
		// A parameter inside a word is any word with that prefix and suffix.
		{"topic", "report.v2", tmpl("report.v{version}", version), `version is "2"`},
		{"topic", "report.v-3", tmpl("report.v{version}", version), `version is "-3"`},
		{"topic", "report.v-3", tmpl("report.v{n}", Param{Name: "n", Kind: Uint}), "never"},
		{"topic", "report.v02", tmpl("report.v{version}", version), "never"},
		{"topic", "report.vx", tmpl("report.v{version}", version), "never"},
		{"topic", "report.v", tmpl("report.v{version}", version), "never"},
		{"topic", "report.*", tmpl("report.v{version}", version), "always"},
		{"topic", "report.v2x", tmpl("report.v{x}x"), `x is "2"`},
		// Several ways through "#".
		{"topic", "#.eu.#", tmpl("{a}.{b}"), `a is "eu", or b is "eu"`},
		{"topic", "#.eu.#", tmpl("{a}.eu"), "always"},
		{"topic", "#.EU.#", tmpl("{region}.{b}", region), `region is "EU", or b is "EU"`},
		// A parameter used twice takes one value.
		{"topic", "x.y", tmpl("{a}.{a}"), "never"},
		{"topic", "x.x", tmpl("{a}.{a}"), `a is "x"`},
		// Words of several parameters.
		{"topic", "x-y", tmpl("{a}-{b}"), `a is "x" and b is "y"`},
		{"topic", "x-y-z-w", tmpl("{a}-{b}"), `a is "x" and b is "y-z-w", or a is "x-y" and b is "z-w", or a is "x-y-z" and b is "w"`},
		{"topic", "a-b-c-d-e", tmpl("{a}-{b}"), `{a}-{b} forms "a-b-c-d-e"`},
		{"topic", "xy", tmpl("{a}{b}", Param{Name: "a", Kind: Enum, Values: []string{"x", "xy"}}), `a is "x" and b is "y"`},
		// Empty words.
		{"topic", "a..b", tmpl("a..{x}"), `x is "b"`},
		{"topic", "a.", tmpl("a.{x}"), "never"},
		{"topic", "*.*", tmpl("a.{x}"), "always"},
		{"topic", "", tmpl(""), "always"},
		{"topic", "#", tmpl(""), "always"},
		{"topic", "*", tmpl(""), "never"},
		// Direct exchanges compare whole keys; values may hold '.' there.
		{"direct", "order.eu.created", tmpl("order.{region}.created"), `region is "eu"`},
		{"direct", "order.eu.west.created", tmpl("order.{region}.created"), `region is "eu.west"`},
		{"direct", "order.*.created", tmpl("order.{region}.created"), `region is "*"`},
		{"direct", "order.EU.created", tmpl("order.{region}.created", region), `region is "EU"`},
		{"direct", "order..created", tmpl("order.{region}.created"), "never"},
		{"direct", "ping", tmpl("ping"), "always"},
		{"direct", "pong", tmpl("ping"), "never"},
		{"direct", "", tmpl(""), "always"},
		// Fanout exchanges ignore the key.
		{"fanout", "whatever", tmpl("order.{region}.created"), "always"},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s %q vs %q", tt.typ, tt.binding, tt.t)
		t.Run(name, func(t *testing.T) {
			o, ok := MatchTemplate(tt.typ, tt.binding, tt.t)
			if !ok {
				t.Fatal("not decided")
			}
			if got := o.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestMatchTemplateUndecided(t *testing.T) {
	for _, typ := range []string{"headers", "x-consistent-hash", ""} {
		if _, ok := MatchTemplate(typ, "a", tmpl("a")); ok {
			t.Errorf("MatchTemplate decided a %q exchange", typ)
		}
	}
}

func TestSimplify(t *testing.T) {
	two := Param{Name: "a", Kind: Enum, Values: []string{"x", "y"}}
	three := Param{Name: "a", Kind: Enum, Values: []string{"x", "y", "z"}}
	tests := []struct {
		t    Template
		alts []assignment
		want string
	}{
		{tmpl("{a}", two), []assignment{{"a": "y"}, {"a": "x"}}, "always"},
		{tmpl("{a}", three), []assignment{{"a": "y"}, {"a": "x"}}, `a is "x" or "y"`},
		{tmpl("{a}"), []assignment{{"a": "y"}, {"a": "x"}}, `a is "y" or "x"`},
		{tmpl("{a}.{b}", two), []assignment{{"a": "x", "b": "1"}, {"a": "y", "b": "1"}, {"b": "1", "c": "2"}}, `b is "1"`},
		{tmpl("{a}.{b}"), []assignment{{"a": "x", "b": "1"}, {"a": "x"}}, `a is "x"`},
		{tmpl("{a}"), []assignment{{"a": "x"}, {}}, "always"},
		{tmpl("{a}"), []assignment{{}, {"a": "x"}}, "always"},
		{tmpl("{a}"), nil, "never"},
	}
	for _, tt := range tests {
		if got := simplify(tt.t, alts(tt.alts...)).String(); got != tt.want {
			t.Errorf("simplify(%v) = %s, want %s", tt.alts, got, tt.want)
		}
	}
}

func alts(as ...assignment) alternatives {
	var out alternatives
	for _, a := range as {
		out = append(out, newAlt(a))
	}
	return out
}

// TestMatchTemplateOracle checks MatchTemplate against TopicMatch itself:
// for random bindings and templates, and every assignment of values that
// could make a difference (enum values, and each piece of the binding's
// words, and one word no binding holds), the message is routed exactly
// when the outcome says so.
func TestMatchTemplateOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "b", "EU", "US", "v1", "v12", "1", "12", "-1", "a-b"}
	params := []Param{
		{Name: "e", Kind: Enum, Values: []string{"EU", "US", "a"}},
		{Name: "s", Kind: String},
		{Name: "i", Kind: Int},
	}
	templateWords := []string{"a", "b", "{e}", "{s}", "{i}", "v{i}", "{s}-{e}", "v{s}"}
	for range 4000 {
		var tw []string
		for range 1 + rng.IntN(3) {
			tw = append(tw, pick(rng, templateWords))
		}
		// Bindings shaped like the template meet it often enough to ask
		// something of its parameters.
		var bw []string
		for i := range len(tw) + rng.IntN(3) - 1 {
			switch {
			case rng.IntN(4) == 0:
				bw = append(bw, pick(rng, []string{"*", "#"}))
			case i < len(tw) && rng.IntN(2) == 0:
				bw = append(bw, strings.NewReplacer("{e}", pick(rng, words), "{s}", pick(rng, words), "{i}", pick(rng, words)).Replace(tw[i]))
			default:
				bw = append(bw, pick(rng, words))
			}
		}
		binding, text := strings.Join(bw, "."), strings.Join(tw, ".")
		tm := tmpl(text, params...)
		o, _ := MatchTemplate("topic", binding, tm)
		if o.Sometimes {
			continue // nothing exact to check
		}
		for _, a := range assignments(tm, candidates(bw, params)) {
			key := fill(tm, a)
			routed := MatchTopic(binding, key)
			if says := holds(o, tm, a); says != routed {
				t.Fatalf("binding %q, template %q, %v (key %q): routed %v, outcome %q says %v",
					binding, text, a, key, routed, o, says)
			}
		}
	}
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// candidates returns, for each parameter, the values worth trying: those
// it can take among the pieces of the binding's words, and one more.
func candidates(bw []string, params []Param) map[string][]string {
	pieces := []string{"zz", "7"}
	for _, w := range bw {
		for i := range len(w) {
			for j := i + 1; j <= len(w); j++ {
				pieces = append(pieces, w[i:j])
			}
		}
	}
	out := map[string][]string{}
	for _, p := range params {
		vals := p.Values
		if p.Kind != Enum {
			vals = slices.DeleteFunc(slices.Clone(pieces), func(v string) bool { return !p.takes(v, true) })
		}
		slices.Sort(vals)
		out[p.Name] = slices.Compact(vals)
	}
	return out
}

// assignments returns every assignment of candidate values to the
// parameters tm uses.
func assignments(tm Template, cands map[string][]string) []map[string]string {
	out := []map[string]string{{}}
	seen := map[string]bool{}
	for _, part := range tm.Parts {
		if part.Param == "" || seen[part.Param] {
			continue
		}
		seen[part.Param] = true
		var next []map[string]string
		for _, a := range out {
			for _, v := range cands[part.Param] {
				b := map[string]string{part.Param: v}
				for k, w := range a {
					b[k] = w
				}
				next = append(next, b)
			}
		}
		out = next
	}
	return out
}

func fill(tm Template, a map[string]string) string {
	var b strings.Builder
	for _, p := range tm.Parts {
		if p.Param != "" {
			b.WriteString(a[p.Param])
		} else {
			b.WriteString(p.Literal)
		}
	}
	return b.String()
}

// holds evaluates an outcome for one assignment of values.
func holds(o Outcome, tm Template, a map[string]string) bool {
	if o.Always {
		return true
	}
	for _, conj := range o.When {
		all := true
		for _, c := range conj {
			got := a[c.Param]
			if c.Param == "" {
				got = fill(tmpl(c.Piece), a)
			}
			all = all && slices.Contains(c.Values, got)
		}
		if all {
			return true
		}
	}
	return false
}

// TestMatchTemplateLongKey bounds the work on a long direct key of several
// parameters side by side, which has very many splits.
func TestMatchTemplateLongKey(t *testing.T) {
	key := strings.Repeat("a", 255)
	o, _ := MatchTemplate("direct", key, tmpl("{a}{b}{c}{d}"))
	if want := `{a}{b}{c}{d} forms "` + key + `"`; o.String() != want {
		t.Errorf("got %s", o)
	}
}

// TestMatchTemplateManyWays bounds the work on a binding that meets a key
// of many free words in very many ways: it says "sometimes".
func TestMatchTemplateManyWays(t *testing.T) {
	var words []string
	for i := range 20 {
		words = append(words, fmt.Sprintf("{p%d}", i))
	}
	key := tmpl(strings.Join(words, "."))
	for binding, want := range map[string]string{
		"#.x.#.x.#.x.#.x.#":   "sometimes",
		"#.x.#.x.#.x.#.x.#.#": "sometimes",
		"#.x.#.x.#.#.#.x.#":   "sometimes",
		"#.#.#.#.#.#.#.#.#.#": "always",
		"#.x.#.y.#":           "sometimes", // 190 ways
	} {
		if o, _ := MatchTemplate("topic", binding, key); o.String() != want {
			t.Errorf("%q: got %s, want %s", binding, o, want)
		}
	}
	// 20 ways are listed.
	if o, _ := MatchTemplate("topic", "#.x.#", key); len(o.When) != 20 {
		t.Errorf(`"#.x.#": got %s, want 20 alternatives`, o)
	}
}

func TestOutcomeAnd(t *testing.T) {
	region := func(vs ...string) []Condition { return []Condition{{Param: "region", Values: vs}} }
	kind := func(vs ...string) []Condition { return []Condition{{Param: "kind", Values: vs}} }
	tests := []struct {
		a, b Outcome
		want string
	}{
		{Outcome{Always: true}, Outcome{Always: true}, "always"},
		{Outcome{Always: true}, Outcome{}, "never"},
		{Outcome{When: [][]Condition{region("eu")}}, Outcome{Always: true}, `region is "eu"`},
		{Outcome{When: [][]Condition{region("eu", "us")}}, Outcome{When: [][]Condition{region("us", "apac")}}, `region is "us"`},
		{Outcome{When: [][]Condition{region("eu")}}, Outcome{When: [][]Condition{region("us")}}, "never"},
		{Outcome{When: [][]Condition{region("eu")}}, Outcome{When: [][]Condition{kind("a")}}, `region is "eu" and kind is "a"`},
		// (eu) and (a or eu) is eu
		{Outcome{When: [][]Condition{region("eu")}}, Outcome{When: [][]Condition{kind("a"), region("eu")}}, `region is "eu"`},
		{Outcome{Sometimes: true}, Outcome{When: [][]Condition{kind("a")}}, "sometimes"},
	}
	for _, tt := range tests {
		if got := tt.a.And(tt.b).String(); got != tt.want {
			t.Errorf("(%v).And(%v) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}
