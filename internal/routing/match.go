package routing

import (
	"slices"
	"strings"
)

// MatchTemplate tells whether messages published with template t to an
// exchange of type exchangeType reach a binding with bindingKey. It decides
// direct, topic and fanout exchanges; for others (headers, which ignore the
// key, and plugin types) ok is false.
//
// Parameters are understood as the runtime fills them in: a value is never
// empty; in a topic key it holds no '.', '*' or '#', so a parameter stays
// within its word; an Int or Uint value is a canonical decimal integer of
// its size; an Enum value is one of its values. Then, for a topic
// exchange:
//
//   - a parameter filling a whole word is any one word of its kind: "*"
//     and "#" match it whatever its value, a literal word only when the
//     parameter takes that word (region is "eu");
//   - a parameter inside a word (v{version}) is any word with that prefix
//     and suffix: a literal word matches when the rest is a value the
//     parameter can take (version is "2" for "v2");
//   - a word of several parameters ({a}-{b}) matches a literal word that
//     some values form; the condition names each value when at most a few
//     splits exist, else the word ({a}-{b} forms "x-y-z").
//
// For a direct exchange the whole key is compared the same way, as one
// word in which values may hold '.'. The outcome lists every alternative
// (a binding "#.eu.#" reaches "{a}.{b}" when a is "eu" or when b is), with
// the values of a parameter merged ("status is "a" or "b"") and an enum
// condition that allows every value dropped; past maxAlternatives ways it
// says only Sometimes.
func MatchTemplate(exchangeType, bindingKey string, t Template) (o Outcome, ok bool) {
	var alts alternatives
	m := &matcher{t: t}
	switch exchangeType {
	case "fanout":
		return Outcome{Always: true}, true
	case "direct":
		alts = m.word(bindingKey, t.Parts)
	case "topic":
		m.topic, m.memo = true, make(map[[2]int]alternatives)
		m.pattern = TopicWords(bindingKey)
		m.words = topicTemplateWords(t.Parts)
		alts = m.match(0, 0)
	default:
		return Outcome{}, false
	}
	o = simplify(t, alts)
	if m.lost && !o.Always {
		// Some values make the binding take the message; which, there are
		// too many ways to say. (The ways left out are not checked to the
		// end, so in a contrived case none may hold: better "sometimes"
		// than a wrong "never".)
		o = Outcome{Sometimes: true}
	}
	return o, true
}

// matcher matches one binding key against one template.
type matcher struct {
	t     Template
	topic bool
	// For topic exchanges: the binding's words, the template's words and
	// what matching from each pair of positions gave.
	pattern []string
	words   [][]Part
	memo    map[[2]int]alternatives
	// lost is set when alternatives were left out (maxAlternatives).
	lost bool
}

// topicTemplateWords splits a template into words at the dots of its
// literal text; parameters never hold dots there. An empty template, like
// an empty key, has no words.
func topicTemplateWords(parts []Part) [][]Part {
	if len(parts) == 0 {
		return nil
	}
	words := [][]Part{nil}
	for _, p := range parts {
		if p.Param != "" {
			words[len(words)-1] = append(words[len(words)-1], p)
			continue
		}
		for i, lit := range strings.Split(p.Literal, ".") {
			if i > 0 {
				words = append(words, nil)
			}
			if lit != "" {
				words[len(words)-1] = append(words[len(words)-1], Part{Literal: lit})
			}
		}
	}
	return words
}

// match returns how the binding's words from i on meet the template's words
// from j on, as TopicMatch walks them, collecting what each literal
// binding word asks of the parameters.
func (m *matcher) match(i, j int) alternatives {
	key := [2]int{i, j}
	if alts, ok := m.memo[key]; ok {
		return alts
	}
	var alts alternatives
	switch {
	case i == len(m.pattern):
		if j == len(m.words) {
			alts = always
		}
	case m.pattern[i] == "#":
		for k := j; k <= len(m.words); k++ {
			alts = union(alts, m.match(i+1, k), &m.lost)
		}
	case j == len(m.words):
		// A "*" or a literal word with nothing left to meet it.
	case m.pattern[i] == "*":
		// Every template word is one word, and never empty where it
		// holds a parameter.
		alts = m.match(i+1, j+1)
	default:
		if here := m.word(m.pattern[i], m.words[j]); len(here) > 0 {
			alts = and(here, m.match(i+1, j+1), &m.lost)
		}
	}
	m.memo[key] = alts
	return alts
}

// maxSplits is how many ways of filling a word of several parameters are
// listed one by one; beyond it the condition is on the word as a whole.
const maxSplits = 3

// word returns the ways the template word parts can equal the literal lit.
func (m *matcher) word(lit string, parts []Part) alternatives {
	var names []string
	for _, p := range parts {
		if p.Param != "" && !slices.Contains(names, p.Param) {
			names = append(names, p.Param)
		}
	}
	if len(names) == 0 {
		if piecesText(parts) == lit {
			return always
		}
		return nil
	}
	w := wordFill{m: m, lit: lit, parts: parts}
	w.possible()
	var found alternatives
	w.fill(0, 0, assignment{}, func(a assignment) bool {
		found = union(found, alternatives{newAlt(a)}, &m.lost)
		// Past maxSplits the condition is on the word; stop looking, as
		// long keys of several parameters have very many splits.
		return len(names) == 1 || len(found) <= maxSplits
	})
	if len(names) > 1 && len(found) > maxSplits {
		return alternatives{newAlt(assignment{piecesText(parts): lit})}
	}
	return found
}

// wordFill finds the ways parts can spell lit.
type wordFill struct {
	m     *matcher
	lit   string
	parts []Part
	// can[i][pos] tells whether parts[i:] can spell lit[pos:] at all,
	// a parameter used twice not held to one value: fill goes down no
	// other way, which keeps a long key that nothing spells from costing
	// time exponential in the parameters.
	can [][]bool
}

// possible works out can, from the last part back.
func (w *wordFill) possible() {
	n := len(w.lit)
	w.can = make([][]bool, len(w.parts)+1)
	for i := range w.can {
		w.can[i] = make([]bool, n+1)
	}
	w.can[len(w.parts)][n] = true
	for i := len(w.parts) - 1; i >= 0; i-- {
		p := w.parts[i]
		for pos := 0; pos <= n; pos++ {
			if p.Param == "" {
				w.can[i][pos] = strings.HasPrefix(w.lit[pos:], p.Literal) && w.can[i+1][pos+len(p.Literal)]
				continue
			}
			param := w.m.t.param(p.Param)
			for end := pos + 1; end <= n && !w.can[i][pos]; end++ {
				w.can[i][pos] = w.can[i+1][end] && param.takes(w.lit[pos:end], w.m.topic)
			}
		}
	}
}

// fill calls found with every assignment of the parameters in parts[i:],
// consistent with a, that makes them spell lit[pos:], until found returns
// false; fill then does too.
func (w *wordFill) fill(i, pos int, a assignment, found func(assignment) bool) bool {
	if !w.can[i][pos] {
		return true
	}
	if i == len(w.parts) {
		return found(a)
	}
	p := w.parts[i]
	if p.Param == "" {
		return w.fill(i+1, pos+len(p.Literal), a, found)
	}
	if v, ok := a[p.Param]; ok {
		// Used before: it has its value already.
		if !strings.HasPrefix(w.lit[pos:], v) {
			return true
		}
		return w.fill(i+1, pos+len(v), a, found)
	}
	param := w.m.t.param(p.Param)
	for end := pos + 1; end <= len(w.lit); end++ {
		v := w.lit[pos:end]
		if !w.can[i+1][end] || !param.takes(v, w.m.topic) {
			continue
		}
		if next, ok := a.and(assignment{p.Param: v}); ok && !w.fill(i+1, end, next, found) {
			return false
		}
	}
	return true
}
