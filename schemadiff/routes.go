package schemadiff

import (
	"regexp"
	"slices"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// Routing changes are explained by where messages go: the queues of a
// schema whose bindings a message's routing key may match, for some values
// of its parameters, from its exchange or the exchanges its
// exchange-to-exchange bindings may lead to. It is what the schema alone
// can tell: bindings made outside it, alternate exchanges, headers added
// at publish time and plugin exchange types are not known here.

// routes returns the names of the queues of s that m may reach, in s's
// order.
func routes(s *schema.Schema, m *schema.Message) []string {
	var out []string
	for _, q := range s.Queues {
		if reaches(s, m, q) {
			out = append(out, q.Name)
		}
	}
	return out
}

// reaches reports whether m may be routed to q.
func reaches(s *schema.Schema, m *schema.Message, q *schema.Queue) bool {
	if m.Exchange == "" {
		// The default exchange binds every queue under its own name.
		return mayEqual(m.RoutingKey, q.Name)
	}
	passes := exchangesPassed(s, m)
	for _, b := range q.Bindings {
		if typ, ok := passes[b.Exchange]; ok && bindingMatches(typ, m, b) {
			return true
		}
	}
	return false
}

// exchangesPassed returns the exchanges m may pass, with their types: its
// own, and those exchange-to-exchange bindings of s may lead it to.
func exchangesPassed(s *schema.Schema, m *schema.Message) map[string]string {
	passed := map[string]string{m.Exchange: m.ExchangeType}
	for grew := true; grew; {
		grew = false
		for _, x := range s.Exchanges {
			if _, ok := passed[x.Name]; ok {
				continue
			}
			for _, b := range x.Bindings {
				if typ, ok := passed[b.Exchange]; ok && bindingMatches(typ, m, b) {
					passed[x.Name], grew = x.Type, true
					break
				}
			}
		}
	}
	return passed
}

// bindingMatches reports whether a binding on an exchange of type typ may
// match m.
func bindingMatches(typ string, m *schema.Message, b *schema.Binding) bool {
	switch typ {
	case "direct":
		return mayEqual(m.RoutingKey, b.RoutingKey)
	case "topic":
		return topicMayMatch(b.RoutingKey, m.RoutingKey)
	case "fanout":
		return true
	case "headers":
		return headersMatch(b.Arguments, m.Headers)
	}
	// A plugin's exchange type routes by its own rules.
	return false
}

// mayEqual reports whether key, its parameters filled with some non-empty
// values, may equal s.
func mayEqual(key schema.RoutingKey, s string) bool {
	return keyRegexp(key.Parts, ".+").MatchString(s)
}

// keyRegexp returns a regular expression matching the keys parts can
// make, each parameter standing for param.
func keyRegexp(parts []schema.KeyPart, param string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for _, p := range parts {
		if p.Param != "" {
			b.WriteString(param)
		} else {
			b.WriteString(regexp.QuoteMeta(p.Literal))
		}
	}
	b.WriteString(`)$`)
	return regexp.MustCompile(b.String())
}

// keyWord is one dot-separated word of a routing key template.
type keyWord struct {
	parts []schema.KeyPart
}

// matches reports whether the word may be lit, a literal word of a binding
// pattern. A parameter fills part of one word: the runtime refuses values
// holding ".", "*" or "#" on topic exchanges.
func (w keyWord) matches(lit string) bool {
	if !slices.ContainsFunc(w.parts, func(p schema.KeyPart) bool { return p.Param != "" }) {
		return w.literal() == lit
	}
	return keyRegexp(w.parts, `[^.*#]+`).MatchString(lit)
}

func (w keyWord) literal() string {
	var b strings.Builder
	for _, p := range w.parts {
		b.WriteString(p.Literal)
	}
	return b.String()
}

// keyWords splits a routing key template into its words.
func keyWords(key schema.RoutingKey) []keyWord {
	words := []keyWord{{}}
	for _, p := range key.Parts {
		if p.Param != "" {
			last := &words[len(words)-1]
			last.parts = append(last.parts, p)
			continue
		}
		for i, lit := range strings.Split(p.Literal, ".") {
			if i > 0 {
				words = append(words, keyWord{})
			}
			if lit != "" {
				last := &words[len(words)-1]
				last.parts = append(last.parts, schema.KeyPart{Literal: lit})
			}
		}
	}
	return words
}

// topicMayMatch reports whether the topic binding pattern may match key:
// "*" stands for one word, "#" for zero or more.
func topicMayMatch(pattern string, key schema.RoutingKey) bool {
	pw := strings.Split(pattern, ".")
	kw := keyWords(key)
	memo := make(map[[2]int]bool)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		if v, ok := memo[[2]int{i, j}]; ok {
			return v
		}
		var v bool
		switch {
		case i == len(pw):
			v = j == len(kw)
		case pw[i] == "#":
			v = match(i+1, j) || j < len(kw) && match(i, j+1)
		case j == len(kw):
			v = false
		default:
			v = (pw[i] == "*" || kw[j].matches(pw[i])) && match(i+1, j+1)
		}
		memo[[2]int{i, j}] = v
		return v
	}
	return match(0, 0)
}

// headersMatch reports whether a headers-exchange binding matches a
// message's constant headers, as x-match all (the default) or any says.
// Keys beginning with x- are not matched on.
func headersMatch(args, headers schema.Table) bool {
	mode := "all"
	if v, ok := args.Get("x-match"); ok {
		if s, ok := v.(string); ok {
			mode = s
		}
	}
	any := strings.HasPrefix(mode, "any")
	for _, a := range args {
		if strings.HasPrefix(a.Key, "x-") {
			continue
		}
		v, ok := headers.Get(a.Key)
		eq := ok && valueEqual(a.Value, v)
		if any && eq {
			return true
		}
		if !any && !eq {
			return false
		}
	}
	return !any
}

// routeNote describes how the queues a message reaches changed: lost
// queues first, as they are what breaks.
func routeNote(old, new []string) string {
	var lost, gained, kept []string
	for _, q := range old {
		if slices.Contains(new, q) {
			kept = append(kept, q)
		} else {
			lost = append(lost, q)
		}
	}
	for _, q := range new {
		if !slices.Contains(old, q) {
			gained = append(gained, q)
		}
	}
	var notes []string
	if len(lost) > 0 {
		notes = append(notes, "no longer reaches "+plural(len(lost), "queue")+" "+quoteList(lost))
	}
	if len(gained) > 0 {
		notes = append(notes, "now reaches "+plural(len(gained), "queue")+" "+quoteList(gained))
	}
	if len(kept) > 0 {
		notes = append(notes, "still reaches "+quoteList(kept))
	}
	if len(notes) == 0 {
		return "no queue of the schema received it before or receives it now"
	}
	return strings.Join(notes, "; ")
}
