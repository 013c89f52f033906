package schema

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Lint is a second pass over a valid schema, for `kombugen check`: where
// Parse rejects what cannot work, Lint points out what works but is most
// likely not meant, such as a message that no binding routes or a
// priority a queue cannot hold. Each Warning names its rule; doc.go lists
// them. Lint looks only at the resolved model, so it also lints a Schema
// built by hand.

// Warning is a problem Lint found in a valid schema.
type Warning struct {
	// Pos is where to fix it.
	Pos Pos
	// Msg says what is wrong, in the style of schema errors.
	Msg string
	// Rule names the check, such as "unroutable".
	Rule string
}

// String returns "FILE:LINE:COL: message [rule]".
func (w Warning) String() string { return fmt.Sprintf("%s: %s [%s]", w.Pos, w.Msg, w.Rule) }

// Lint checks a valid schema for likely mistakes and returns them sorted
// by position. It never changes s.
func Lint(s *Schema) []Warning {
	l := newLinter(s)
	l.messages()
	l.tasks()
	l.queues()
	l.bindings()
	l.exchanges()
	l.producers()
	l.types()
	l.ignoredNames()
	slices.SortStableFunc(l.warnings, func(a, b Warning) int {
		return cmp.Or(comparePos(a.Pos, b.Pos), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(l.warnings)
}

// linter holds what the rules share.
type linter struct {
	s        *Schema
	warnings []Warning
	// bound lists the bindings of each exchange to queues, in file order.
	bound map[string][]boundQueue
	// boundExchanges lists the bindings of each exchange to exchanges.
	boundExchanges map[string][]boundExchange
	// routes holds where each message can go, by message name, and
	// taskRoutes where each task can, by task name.
	routes, taskRoutes map[string]route
}

// boundQueue is a binding with the queue it belongs to.
type boundQueue struct {
	q *Queue
	b *Binding
}

// boundExchange is a binding with the exchange it belongs to, named to.
type boundExchange struct {
	to string
	b  *Binding
}

func newLinter(s *Schema) *linter {
	l := &linter{s: s, bound: make(map[string][]boundQueue), boundExchanges: make(map[string][]boundExchange),
		routes: make(map[string]route), taskRoutes: make(map[string]route)}
	for _, q := range s.Queues {
		for _, b := range q.Bindings {
			l.bound[b.Exchange] = append(l.bound[b.Exchange], boundQueue{q, b})
		}
	}
	for _, x := range s.Exchanges {
		for _, b := range x.Bindings {
			l.boundExchanges[b.Exchange] = append(l.boundExchanges[b.Exchange], boundExchange{x.Name, b})
		}
	}
	for _, m := range s.Messages {
		l.routes[m.Name] = l.route(m)
	}
	for _, t := range s.Tasks {
		l.taskRoutes[t.Name] = l.taskRoute(t)
	}
	return l
}

// warn records a warning.
func (l *linter) warn(pos Pos, rule, format string, args ...any) {
	l.warnings = append(l.warnings, Warning{Pos: pos, Msg: fmt.Sprintf(format, args...), Rule: rule})
}

// exchangeType returns the type of an exchange the schema declares or the
// broker predeclares.
func (l *linter) exchangeType(name string) (string, bool) {
	if x := l.s.Exchange(name); x != nil {
		return x.Type, true
	}
	return PredeclaredExchange(name)
}

// ignoredNames warns about each x- name written where an entity's name
// goes: it is an extension key, so the entity it seems to declare does not
// exist, and nothing else would say so.
func (l *linter) ignoredNames() {
	for _, n := range l.s.IgnoredNames {
		what := fmt.Sprintf("%s %q", n.Kind, n.Name)
		if n.Owner != "" {
			what = n.Owner + ": " + what
		}
		l.warn(n.Pos, "extension-name", "%s is ignored: a name beginning with x- is an extension key; rename it if it is meant as %s %s",
			what, article(n.Kind), n.Kind)
	}
}

// article returns the indefinite article for noun.
func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// posOr returns pos, or orElse when pos was not written.
func posOr(pos, orElse Pos) Pos {
	if pos.IsValid() {
		return pos
	}
	return orElse
}
