package schema

import (
	"reflect"
	"regexp"
	"strings"

	"github.com/kombugen/kombugen/internal/routing"
)

// This file is the routing Lint needs beyond internal/routing (RabbitMQ's
// topic words and headers matching, shared with runtime/memory and the
// docs): topic matching of routing-key templates whose {params} stand for
// any value the runtime lets through, and whether one topic binding
// covers another.
//
// Everything here over-approximates: "can match" means some parameter
// values (and, for headers, some headers added at publish time) make the
// message match. Lint warns only when nothing can, so it never cries wolf
// over a key whose parameters are free.

// keyWord is one word of a topic routing-key template, or the whole key
// for other exchanges: text that a regular expression describes, or a
// literal.
type keyWord struct {
	literal string
	re      *regexp.Regexp // nil for a literal
}

// produces reports whether the word can be w.
func (k keyWord) produces(w string) bool {
	if k.re == nil {
		return k.literal == w
	}
	return k.re.MatchString(w)
}

// templateWords splits a message's routing key into topic words: the
// key's literal text splits at dots, and a parameter stays within its
// word, as the runtime rejects values holding dots on topic exchanges. The
// empty key has no words, as in RabbitMQ.
func (s *Schema) templateWords(m *Message) []keyWord {
	if len(m.RoutingKey.Parts) == 0 {
		return nil
	}
	var words [][]KeyPart
	words = append(words, nil)
	for _, p := range m.RoutingKey.Parts {
		if p.Param != "" {
			words[len(words)-1] = append(words[len(words)-1], p)
			continue
		}
		for i, lit := range strings.Split(p.Literal, ".") {
			if i > 0 {
				words = append(words, nil)
			}
			words[len(words)-1] = append(words[len(words)-1], KeyPart{Literal: lit})
		}
	}
	out := make([]keyWord, len(words))
	for i, w := range words {
		out[i] = s.keyWord(m, w, true)
	}
	return out
}

// wholeKey is the message's routing key as one word, for direct
// exchanges and the default exchange, which compare whole keys.
func (s *Schema) wholeKey(m *Message) keyWord {
	return s.keyWord(m, m.RoutingKey.Parts, false)
}

// keyWord makes a keyWord of parts: a literal when they hold no parameter.
func (s *Schema) keyWord(m *Message, parts []KeyPart, topic bool) keyWord {
	var lit, re strings.Builder
	literal := true
	for _, p := range parts {
		if p.Param == "" {
			lit.WriteString(p.Literal)
			re.WriteString(regexp.QuoteMeta(p.Literal))
			continue
		}
		literal = false
		re.WriteString("(?:" + s.paramPattern(m, p.Param, topic) + ")")
	}
	if literal {
		return keyWord{literal: lit.String()}
	}
	return keyWord{re: regexp.MustCompile("^(?:" + re.String() + ")$")}
}

// paramPattern is what a parameter's value can be, as the runtime writes
// and checks it: never empty, no '.', '*' or '#' in a topic word, integers
// in canonical decimal, enums one of their values.
func (s *Schema) paramPattern(m *Message, name string, topic bool) string {
	var t *TypeRef
	for _, p := range m.Params {
		if p.Name == name {
			t = p.Type
		}
	}
	switch {
	case t == nil || t.Kind == KindString:
		if topic {
			return `[^.*#]+`
		}
		return `(?s:.+)`
	case t.Kind == KindUint32 || t.Kind == KindUint64:
		return `0|[1-9][0-9]*`
	case t.Kind.IsInteger():
		return `0|-?[1-9][0-9]*`
	case t.Kind == KindEnum:
		var alts []string
		if e := s.Type(t.Name); e != nil {
			for _, v := range e.Values {
				alts = append(alts, regexp.QuoteMeta(v.Value))
			}
		}
		if len(alts) == 0 {
			return `[^\x00-\x{10FFFF}]` // matches nothing
		}
		return strings.Join(alts, "|")
	}
	return `(?s:.+)`
}

// topicCanMatch reports whether a binding pattern matches some key the
// template words produce: "*" is exactly one word, "#" zero or more, any
// other word itself. It keeps the set of key positions the pattern read so
// far can end at, so patterns full of "#" stay cheap.
func topicCanMatch(pattern []string, key []keyWord) bool {
	at := make([]bool, len(key)+1)
	at[0] = true
	for _, p := range pattern {
		next := make([]bool, len(key)+1)
		if p == "#" {
			reached := false
			for i := range at {
				reached = reached || at[i]
				next[i] = reached
			}
		} else {
			for i, w := range key {
				if at[i] && (p == "*" || w.produces(p)) {
					next[i+1] = true
				}
			}
		}
		at = next
	}
	return at[len(key)]
}

// maxCoverHashes bounds the "#" words of a pattern whose coverage is
// worked out; the work grows as (len(a)+2) to that power.
const maxCoverHashes = 4

// topicCovers reports whether every key that topic pattern b matches is
// matched by pattern a too ("order.#" covers "order.*.created").
//
// It tries a on the keys b stands for: each "*" of b as a word no literal
// of a is, each "#" as 0 to len(a)+1 such words. That is enough: a run of
// more words than a has words can only be matched through a "#" of a,
// which then matches one more or one fewer as well. It answers false, the
// safe answer for a linter, for patterns with many "#".
func topicCovers(a, b string) bool {
	aw, bw := routing.TopicWords(a), routing.TopicWords(b)
	var hashes []int // positions of "#" in b
	for i, w := range bw {
		if w == "#" {
			hashes = append(hashes, i)
		}
	}
	if len(hashes) > maxCoverHashes {
		return false
	}
	fresh := freshWord(aw)
	counts := make([]int, len(hashes))
	for {
		if !topicCanMatch(aw, expandPattern(bw, counts, fresh)) {
			return false
		}
		// Next combination of counts, each 0..len(aw)+1.
		i := 0
		for ; i < len(counts); i++ {
			if counts[i] <= len(aw) {
				counts[i]++
				break
			}
			counts[i] = 0
		}
		if i == len(counts) {
			return true
		}
	}
}

// expandPattern makes a key of pattern words: "*" becomes fresh, the k-th
// "#" counts[k] fresh words, literals themselves.
func expandPattern(pattern []string, counts []int, fresh string) []keyWord {
	var key []keyWord
	k := 0
	for _, w := range pattern {
		switch w {
		case "*":
			key = append(key, keyWord{literal: fresh})
		case "#":
			for range counts[k] {
				key = append(key, keyWord{literal: fresh})
			}
			k++
		default:
			key = append(key, keyWord{literal: w})
		}
	}
	return key
}

// freshWord returns a word that is none of words.
func freshWord(words []string) string {
	fresh := "\x00"
	for {
		clash := false
		for _, w := range words {
			if w == fresh {
				clash = true
			}
		}
		if !clash {
			return fresh
		}
		fresh += "\x00"
	}
}

// headersMatch reports whether a message with the constant headers
// matches a headers binding with args. With canAdd, a header the message
// does not fix counts as one a publish may add with any value: the answer
// is then whether it can match. An argument without a value asks only
// that the header be there. With nothing to compare, all matches and any
// does not, as in RabbitMQ.
func headersMatch(args, headers Table, canAdd bool) bool {
	bound := args.Map()
	if _, ok := routing.ParseXMatch(bound); !ok {
		return false // RabbitMQ refuses the binding
	}
	v := routing.HeadersVerdict(bound, func(key string, want any) routing.Verdict {
		have, fixed := headers.Get(key)
		switch {
		case !fixed:
			return routing.Maybe
		case want == nil || sameValue(want, have):
			return routing.Yes
		}
		return routing.No
	})
	if canAdd {
		return v != routing.No
	}
	return v == routing.Yes
}

// sameValue compares header values as RabbitMQ does: numbers by value,
// whatever their type, everything else exactly.
func sameValue(a, b any) bool {
	fa, aNum := number(a)
	fb, bNum := number(b)
	if aNum || bNum {
		return aNum && bNum && fa == fb
	}
	return reflect.DeepEqual(a, b)
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// topicAlwaysMatches reports whether a binding pattern matches every key
// the template words produce. It does when it matches with each word that
// holds a parameter replaced by a word no literal of the pattern is, as
// only "*" and "#" match that, and they match any word.
func topicAlwaysMatches(pattern []string, key []keyWord) bool {
	fresh := freshWord(pattern)
	k := make([]keyWord, len(key))
	for i, w := range key {
		if w.re != nil {
			w = keyWord{literal: fresh}
		}
		k[i] = w
	}
	return topicCanMatch(pattern, k)
}
