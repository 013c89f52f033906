package schema

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// A routing key is a template: literal text with {param}s, each a typed
// parameter of the generated Publish method. There is no escape for a
// literal brace, so a key cannot hold { or } of its own.
//
// Decisions where SPEC is silent:
//   - A parameter may fill part of a word (order.v{version}); for topic
//     exchanges the runtime rejects a value holding ".", "*" or "#", so a
//     parameter still stays within one word.
//   - A message's key is a publish key, not a pattern: on a topic exchange
//     its literal text may not hold the wildcards * and #, and an enum
//     parameter's values may not hold ".", "*" or "#". Binding keys may.
//   - The 255-byte limit counts each parameter as one byte, the least it
//     can add.

// keyProblem is a problem at a byte offset of a routing-key template.
type keyProblem struct {
	offset int
	msg    string
}

// parseRoutingKey splits a template into literal and parameter parts.
func parseRoutingKey(tmpl string) ([]KeyPart, []keyProblem) {
	var parts []KeyPart
	var problems []keyProblem
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, KeyPart{Literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(tmpl); i++ {
		switch tmpl[i] {
		case '}':
			problems = append(problems, keyProblem{i, `"}" without "{"; remove it (a key holds no braces of its own), or add the { of its parameter`})
		case '{':
			end := strings.IndexAny(tmpl[i+1:], "{}")
			if end < 0 || tmpl[i+1+end] == '{' {
				problems = append(problems, keyProblem{i, fmt.Sprintf("%q has no closing \"}\"; add it after the parameter's name", tmpl[i:])})
				if end < 0 {
					return parts, problems
				}
				continue
			}
			name := tmpl[i+1 : i+1+end]
			if msg := checkParamName(name); msg != "" {
				problems = append(problems, keyProblem{i, msg})
			}
			flush()
			parts = append(parts, KeyPart{Param: name})
			i += 1 + end
		default:
			lit.WriteByte(tmpl[i])
		}
	}
	flush()
	return parts, problems
}

// checkParamName returns what is wrong with a parameter name, or "".
// A name is a letter followed by letters, digits and underscores.
func checkParamName(name string) string {
	if name == "" {
		return "empty parameter name \"{}\""
	}
	for i, r := range name {
		if !unicode.IsLetter(r) && (i == 0 || !unicode.IsDigit(r) && r != '_') {
			return fmt.Sprintf("invalid parameter name %q; want a letter followed by letters, digits and underscores", name)
		}
	}
	return ""
}

// keyLength returns the fewest bytes a key can have: its literal text and
// one byte for each parameter.
func keyLength(parts []KeyPart) int {
	n := 0
	for _, p := range parts {
		if p.Param != "" {
			n++
		} else {
			n += len(p.Literal)
		}
	}
	return n
}

// posIn returns the position of byte offset off of scalar n's value. It is
// exact when the value is written on one line without escapes; otherwise it
// is the scalar's own position.
func (d *decoder) posIn(n *yaml.Node, off int) Pos {
	pos := d.pos(n)
	line := d.line(n.Line)
	col := n.Column - 1 // in runes
	if col < 0 || col > utf8.RuneCountInString(line) {
		return pos
	}
	rest := string([]rune(line)[col:])
	quote := 0
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		quote = 1
	case 0:
	default:
		return pos
	}
	if len(rest) < quote || !strings.HasPrefix(rest[quote:], n.Value) {
		return pos
	}
	pos.Col += quote + utf8.RuneCountInString(n.Value[:off])
	return pos
}

// line returns line n (from 1) of the source.
func (d *decoder) line(n int) string {
	src := d.src
	for i := 1; i < n; i++ {
		j := strings.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := strings.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return src
}
