package schema

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// yamlMark stands, in yamlSyntaxTests, for the place an error must be
// reported at: the character after it.
const yamlMark = "⟨"

// yamlSyntaxTests are files the YAML parser refuses, with the mark where
// the text goes wrong and what the message must say.
var yamlSyntaxTests = []struct {
	name, src, want string
}{
	{"tab indenting a key", "version: 1\nexchanges:\n⟨\torders: {type: topic}\n", "a tab indents this line"},
	{"tab after spaces", "version: 1\nexchanges:\n  orders:\n  ⟨\t type: topic\n", "a tab indents this line"},
	{"tab deeper down", "version: 1\nmessages:\n  M:\n    exchange: e\n⟨\t  routing_key: x\n", "replace the tab with spaces"},
	{"tab on a blank line", "version: 1\nq:\n  a: 1\n⟨\t\n  b: 2\n", "a tab indents this line"},
	{"tab before a comment", "version: 1\nq:\n⟨\t# c\n  a: 1\n", "a tab indents this line"},
	{"dedent into no mapping", "version: 1\nmessages:\n  Created:\n    exchange: orders\n    routing_key: x\n   ⟨fields: {}\n",
		"indented 3 spaces, between the keys of the mapping at 4:5 (exchange), indented 4, and the keys of the mapping at 3:3 (Created), indented 2"},
	{"dedent in fields", "version: 1\nmessages:\n  C:\n    fields:\n      a: {type: string}\n     ⟨b: {type: string}\n", "indented 5 spaces"},
	{"dedent in a list", "version: 1\nq:\n  b:\n    - a\n   ⟨- b\n", "indented 3 spaces, between the items of the list at 4:5"},
	{"dedent out of a block scalar", "version: 1\nq: |\n  a\n ⟨b: c\n", "indented 1 spaces, less than the text of the block scalar at 2:4, indented 2"},
	{"over-indent under a value", "version: 1\nmessages:\n  Created:\n    exchange: orders\n      ⟨routing_key: x\n",
		`indented under "exchange" (4:5), which has a value on its line already`},
	{"over-indent in a list item", "version: 1\nq:\n  - a: 1\n      ⟨b: 2\n", `indented under "a" (3:5)`},
	{"missing colon", "version: 1\nmessages:\n  Created⟨\n    exchange: orders\n", `want ':' after "Created"`},
	{"missing colon at the top", "version: 1\nfoo⟨\n", `want ':' after "foo"`},
	{"missing colon between keys", "version: 1\nq: 1\nfoo⟨\nbar: 2\n", `want ':' after "foo"`},
	{"no space after colon", "version: 1\nmessages:\n  Created:\n    exchange:⟨orders\n    routing_key: x\n", `want a space after ':' in "exchange:orders"`},
	{"list item in a mapping", "version: 1\nmessages:\n  Created:\n    exchange: e\n    ⟨- a\n", "a list item where a key of the mapping at 4:5 is expected"},
	{"key in a list", "version: 1\nq:\n  - a\n  ⟨b: c\n", "want '- ' here: this line is in the list that starts at 3:3"},
	{"key after a list item's mapping", "version: 1\nq:\n  - a: 1\n    b: 2\n   ⟨c: 3\n", "indented 3 spaces"},
	{"list on the key's line", "version: 1\nq:\n  a: ⟨- x\n", "a list cannot start on the line of its key"},
	{"two colons", "version: 1\nmessages:\n  M:\n    routing_key: a⟨: b\n", `a plain value cannot hold ': '; quote the value ("a: b")`},
	{"two colons at the top", "version: 1\nq: a⟨: b\n", "a plain value cannot hold ': '"},
	{"unclosed flow mapping", "version: 1\nexchanges:\n  orders: {type: topic⟨\nmessages: {}\n", "want } here to close the { at 3:11"},
	{"unclosed flow mapping at the end", "version: 1\nexchanges: {e: {type: topic}⟨\n", "want } here to close the { at 2:12"},
	{"unclosed flow sequence", "version: 1\nq:\n  b: [a, b⟨\nmessages: {}\n", "want ] here to close the [ at 3:6"},
	{"unclosed nested flow", "version: 1\nq: {a: [1, 2⟨}\nr: 1\n", "} where ] is wanted to close the [ at 2:8"},
	{"unclosed multi-line flow", "version: 1\nq: {a: 1,\n  b: 2⟨\nr: 1\n", "want } here to close the { at 2:4"},
	{"mismatched closer", "version: 1\nq: {a: 1⟨]\n", "] where } is wanted to close the { at 2:4"},
	{"extra closer", "version: 1\nmessages: {}⟨}\n", "an extra }"},
	{"stray closer", "version: 1\nq: ⟨]\n", "a stray ] where a value is expected"},
	{"missing comma in flow", "version: 1\nexchanges:\n  orders: {type: topic ⟨durable: true}\n", "want ',' before this entry of the mapping that starts at 3:11"},
	{"missing comma after a quoted value", "version: 1\nq: {a: \"x\" ⟨b: 1}\n", "want ','"},
	{"text after a quoted value", "version: 1\nmessages:\n  M: {routing_key: \"a\"⟨b}\n", "want ','"},
	{"text after a quoted block value", "version: 1\nq: \"a\" ⟨b\n", "text after the end of the value"},
	{"unclosed double quote", "version: 1\nq:\n  b: \"abc⟨\nmessages: {}\n", `want " here to end the string that starts at 3:6`},
	{"unclosed single quote", "version: 1\nq: 'abc⟨\nr: 1\n", "want ' here to end the string that starts at 2:4"},
	{"unclosed quote at the end", "version: 1\nq: ⟨'abc\n  def\n", "the ' here is never closed"},
	{"unclosed quote in a flow mapping", "version: 1\nq: {a: \"x, b: 1⟨}\nr: 1\n", `want " before this } to end the string that starts at 2:8`},
	{"unknown escape", "version: 1\nq:\n  pattern: \"^⟨\\d+$\"\n", `unknown escape "\d" in a double-quoted string; write the value in single quotes`},
	{"unknown escape on a later line", "version: 1\nq:\n  pattern: \"abc\n    ^⟨\\d+$\"\n", `unknown escape "\d"`},
	{"at sign", "version: 1\nq:\n  a: ⟨@foo\n", "@ cannot start a plain value; quote the value"},
	{"backtick", "version: 1\nq:\n  a: ⟨`foo`\n", "` cannot start a plain value"},
	{"control character", "version: 1\nq: a⟨\x01b\n", "control character U+0001"},
	{"NUL", "version: 1\nq: a⟨\x00b\n", "control character U+0000"},
	{"not UTF-8", "version: 1\nq: a⟨\xffb\n", "byte 0xff is not UTF-8"},
}

// TestYAMLSyntaxErrors parses each file and checks that the error is at
// the mark, with the message wanted: the parser refuses the file, and the
// place comes from the text.
func TestYAMLSyntaxErrors(t *testing.T) {
	for _, tt := range yamlSyntaxTests {
		t.Run(tt.name, func(t *testing.T) {
			src, line, col := unmark(t, tt.src)
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(src), &n); err == nil {
				t.Fatalf("the YAML parser takes the file:\n%s", src)
			}
			_, err := Parse("s.yaml", []byte(src), Options{})
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("Parse = %v; want one error", err)
			}
			e := list[0]
			if e.Pos.Line != line || e.Pos.Col != col || !strings.Contains(e.Msg, tt.want) || !strings.HasPrefix(e.Msg, "invalid YAML: ") {
				t.Errorf("error %v\nwant at %d:%d: invalid YAML: ...%s...\nfile:\n%s", e, line, col, tt.want, src)
			}
		})
	}
}

// unmark removes yamlMark from src and returns where it was.
func unmark(t *testing.T, src string) (string, int, int) {
	t.Helper()
	i := strings.Index(src, yamlMark)
	if i < 0 {
		t.Fatalf("no %s in %q", yamlMark, src)
	}
	before := src[:i]
	line := 1 + strings.Count(before, "\n")
	col := 1 + len([]rune(before[strings.LastIndexByte(before, '\n')+1:]))
	return before + src[i+len(yamlMark):], line, col
}

// TestYAMLSyntaxValid checks that the scan finds nothing wrong in valid
// YAML: the schemas of the repository and the odd corners of YAML a schema
// may use. A mistake it made up in a valid file could be picked over the
// one the parser met.
func TestYAMLSyntaxValid(t *testing.T) {
	valid := []string{
		"version: 1\nq:\n  a: 1 \t\n",
		"version: 1\nq:\n- a\n- b\n",
		"version: 1\nq:\n  - a\n  - b\nr: 1\n",
		"version: 1\nq: 'it''s'\n",
		"version: 1\nq: \"a\\\"b \\\\ \\u00e9 \\x41\"\n",
		"version: 1\nq: {a: \"x\", b: 'y'}\n",
		"version: 1\nq: [a, {b: c}]\n",
		"version: 1\nq: a #c\n",
		"version: 1\nq: a#b\n",
		"version: 1\nq: |-\n  text\n  more\n\n  after a blank line\nr: 1\n",
		"version: 1\nq: >\n  text: with colon\n  \tand a tab\nr: 1\n",
		"version: 1\nq: &anc {a: 1}\nr: *anc\ns: !!binary aGk=\n",
		"version: 1\nq:\n  description: some long\n    text here\n   and more\n  other: 1\n",
		"version: 1\nq:\n  - a: 1\n    b: 2\n  - c: 3\n",
		"version: 1\nq:\n  - - a\n    - b\n",
		"version: 1\nq: {a: 1, b}\n",
		"version: 1\nq: \"a\" # c\n",
		"version: 1\n\"q\": 1\n'r': {a: 1}\n",
		"version: 1\nq:\n  a:\n  - x\n  - y\n  b: 1\n",
		"version: 1\nq: {a: 1,\n  b: [1,\n    2]}\nr: \"multi\n  line\"\n",
		"version: 1\nq: http://example.com/a:b\nr: {u: http://x/y}\n",
		"---\nversion: 1\nx-common: &c\n  <<: {a: 1}\n  b: 2\nq:\n  <<: *c\n...\n",
		"# comment\n\nversion: 1 # trailing\n",
		"version: 1\nq:\t{a: 1}\n",
		"version: 1\nq:\n  -\n    a: 1\n",
	}
	for _, src := range valid {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(src), &n); err != nil {
			t.Errorf("not valid YAML (%v):\n%s", err, src)
			continue
		}
		if p := scanYAML(src); len(p) > 0 {
			t.Errorf("scan finds %d:%d: %s in valid YAML:\n%s", p[0].line, p[0].col, p[0].msg, src)
		}
	}
	files, err := filepath.Glob("../*/testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob("../examples/*/*/*.kombugen.yaml")
	for _, f := range append(files, examples...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var n yaml.Node
		if yaml.Unmarshal(b, &n) != nil {
			continue
		}
		if p := scanYAML(string(b)); len(p) > 0 {
			t.Errorf("%s:%d:%d: scan finds %s in a valid file", f, p[0].line, p[0].col, p[0].msg)
		}
	}
}

// mutations break one line of a valid file the way people do: its
// indentation one space off, a tab for its indentation, a ':', ',', '}',
// ']' or '"' left out.
var mutations = map[string]func(line string) (string, bool){
	"indented one more": func(l string) (string, bool) { return " " + l, true },
	"indented one less": func(l string) (string, bool) { return strings.CutPrefix(l, " ") },
	"tab":               func(l string) (string, bool) { return "\t" + strings.TrimLeft(l, " "), true },
	"no colon":          func(l string) (string, bool) { return cutAt(l, strings.Index(l, ": ")) },
	"no comma":          func(l string) (string, bool) { return cutAt(l, strings.Index(l, ", ")) },
	"no closer":         func(l string) (string, bool) { return cutAt(l, strings.LastIndexAny(l, "}]")) },
	"no quote":          func(l string) (string, bool) { return cutAt(l, strings.LastIndex(l, `"`)) },
}

func cutAt(l string, i int) (string, bool) {
	if i < 0 {
		return l, false
	}
	return l[:i] + l[i+1:], true
}

// TestYAMLMutations breaks every line of the repository's schemas in each
// way of mutations and checks that, when the parser refuses the file, the
// error is on the line that was broken, from the scan of the text.
func TestYAMLMutations(t *testing.T) {
	files, err := filepath.Glob("../*/testdata/*.kombugen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob("../examples/*/*/*.kombugen.yaml")
	refused := 0
	for _, f := range append(files, examples...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			if t := strings.TrimSpace(line); t == "" || t[0] == '#' {
				continue
			}
			for name, mutate := range mutations {
				broken, ok := mutate(line)
				if !ok {
					continue
				}
				src := strings.Join(slices.Concat(lines[:i], []string{broken}, lines[i+1:]), "\n")
				var n yaml.Node
				if yaml.Unmarshal([]byte(src), &n) == nil {
					continue
				}
				refused++
				_, err := Parse(f, []byte(src), Options{DefaultPackage: "p"})
				var list ErrorList
				if !errors.As(err, &list) {
					t.Fatalf("%s, line %d %s: %v", f, i+1, name, err)
				}
				if e := list[0]; e.Pos.Line != i+1 || strings.Contains(e.Msg, "at this line or after it") {
					t.Errorf("%s, line %d %s:\n\t%s\n%v", f, i+1, name, broken, e)
				}
			}
		}
	}
	t.Logf("%d broken files refused, each placed on its broken line", refused)
	if refused < 1000 {
		t.Errorf("only %d broken files refused; want the test to try more", refused)
	}
}
