package routing

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Outcome tells whether the messages published with a template reach a
// binding: always, under conditions on the parameters, or never.
type Outcome struct {
	// Always is set when every message does, whatever its parameters.
	Always bool
	// When are the alternative conditions under which messages do, when
	// not Always; each alternative holds when all its conditions do. None
	// means no message ever does, unless Sometimes.
	When [][]Condition
	// Sometimes is set, with When empty, when some values of the
	// parameters make messages reach the binding and others do not, in
	// more ways than are worth listing.
	Sometimes bool
}

// Never reports whether no message published with the template reaches the
// binding.
func (o Outcome) Never() bool { return !o.Always && !o.Sometimes && len(o.When) == 0 }

// String returns the outcome in words, for tests and logs: "always",
// "never", or the conditions joined with "and" and "or".
func (o Outcome) String() string {
	switch {
	case o.Always:
		return "always"
	case o.Never():
		return "never"
	case o.Sometimes:
		return "sometimes"
	}
	alts := make([]string, len(o.When))
	for i, conj := range o.When {
		parts := make([]string, len(conj))
		for j, c := range conj {
			parts[j] = c.String()
		}
		alts[i] = strings.Join(parts, " and ")
	}
	return strings.Join(alts, ", or ")
}

// Condition is a condition on the parameters of a routing key.
type Condition struct {
	// Param names the parameter that must take one of Values, when the
	// condition is on one parameter.
	Param string
	// Piece is the template text of a word holding several parameters
	// ("{a}-{b}") that must form Values[0], when the condition is on it.
	Piece  string
	Values []string
}

// String returns the condition in words: region is "eu"; status is "a" or
// "b"; {a}-{b} forms "x-y".
func (c Condition) String() string {
	quoted := make([]string, len(c.Values))
	for i, v := range c.Values {
		quoted[i] = strconv.Quote(v)
	}
	if c.Param == "" {
		return c.Piece + " forms " + strings.Join(quoted, " or ")
	}
	return c.Param + " is " + strings.Join(quoted, " or ")
}

// key identifies what the condition is on.
func (c Condition) key() string {
	if c.Param != "" {
		return c.Param
	}
	return c.Piece
}

// assignment is one way a template meets a binding: for each parameter
// (or word of several parameters, keyed by its text) the value it must
// take. An empty assignment asks nothing.
type assignment map[string]string

// and returns the assignment asking for both a and b, or false when they
// ask one parameter for two values.
func (a assignment) and(b assignment) (assignment, bool) {
	out := make(assignment, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if w, ok := out[k]; ok && w != v {
			return nil, false
		}
		out[k] = v
	}
	return out, true
}

// canon is the assignment as a string, to find duplicates.
func (a assignment) canon() string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(a)) {
		b.WriteString(strconv.Quote(k) + "=" + strconv.Quote(a[k]) + ";")
	}
	return b.String()
}

// alt is an assignment with its canon, worked out once.
type alt struct {
	a   assignment
	key string
}

func newAlt(a assignment) alt { return alt{a, a.canon()} }

// alternatives is a list of assignments without duplicates, any of which
// suffices. Values are never changed once made: matchers share them.
type alternatives []alt

// always is the alternatives of a match that asks nothing.
var always = alternatives{newAlt(assignment{})}

// maxAlternatives bounds the alternatives kept for one binding: a binding
// such as "#.x.#.x.#" meets a key of many free words in very many ways,
// which no reader wants listed, and listing them would take long.
const maxAlternatives = 32

// union returns a and b's assignments, each once, a's first; an
// assignment asking nothing stands for them all. Past maxAlternatives the
// rest are left out, and lost is set.
func union(a, b alternatives, lost *bool) alternatives {
	if len(a) == 0 {
		return b
	}
	seen := make(map[string]bool, len(a)+len(b))
	out := make(alternatives, 0, len(a)+len(b))
	for _, list := range []alternatives{a, b} {
		for _, x := range list {
			switch {
			case len(x.a) == 0:
				return always
			case seen[x.key]:
			case len(out) == maxAlternatives:
				*lost = true
			default:
				seen[x.key] = true
				out = append(out, x)
			}
		}
	}
	return out
}

// and returns every consistent pairing of an assignment of a with one of
// b, bounded as union is.
func and(a, b alternatives, lost *bool) alternatives {
	var out alternatives
	for _, x := range a {
		for _, y := range b {
			if z, ok := x.a.and(y.a); ok {
				out = union(out, alternatives{newAlt(z)}, lost)
			}
		}
	}
	return out
}

// And returns the outcome of two bindings in a row, as an
// exchange-to-exchange binding and a binding of the exchange it leads to:
// messages reach the second only when both take them. When either says
// only Sometimes, so does the result.
func (o Outcome) And(p Outcome) Outcome {
	switch {
	case o.Never() || p.Never():
		return Outcome{}
	case o.Always:
		return p
	case p.Always:
		return o
	case o.Sometimes || p.Sometimes:
		return Outcome{Sometimes: true}
	}
	var when [][]Condition
	for _, a := range o.When {
		for _, b := range p.When {
			if conj, ok := conjoin(a, b); ok {
				when = append(when, conj)
			}
		}
	}
	return Outcome{When: absorb(when)}
}

// conjoin returns the conditions of a and b together, a parameter asked
// by both taking the values both allow, or false when there are none.
func conjoin(a, b []Condition) ([]Condition, bool) {
	out := slices.Clone(a)
	for _, cb := range b {
		i := slices.IndexFunc(out, func(ca Condition) bool { return ca.key() == cb.key() })
		if i < 0 {
			out = append(out, cb)
			continue
		}
		both := slices.DeleteFunc(slices.Clone(out[i].Values), func(v string) bool { return !slices.Contains(cb.Values, v) })
		if len(both) == 0 {
			return nil, false
		}
		out[i].Values = both
	}
	return out, true
}
