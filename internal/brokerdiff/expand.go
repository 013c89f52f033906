package brokerdiff

import (
	"strings"

	"github.com/kombugen/kombugen/runtime"
)

// expander puts a run's prefix in place of "@" in every string of a
// scenario's steps.
type expander struct{ prefix string }

func (e expander) str(s string) string { return strings.ReplaceAll(s, "@", e.prefix) }

func (e expander) table(t runtime.Table) runtime.Table {
	if t == nil {
		return nil
	}
	out := make(runtime.Table, len(t))
	for k, v := range t {
		out[e.str(k)] = e.value(v)
	}
	return out
}

func (e expander) value(v any) any {
	switch v := v.(type) {
	case string:
		return e.str(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = e.value(x)
		}
		return out
	case runtime.Table:
		return e.table(v)
	}
	return v
}

func (e expander) bindings(in []Binding) []Binding {
	out := make([]Binding, len(in))
	for i, b := range in {
		out[i] = Binding{Exchange: e.str(b.Exchange), Key: e.str(b.Key), Args: e.table(b.Args)}
	}
	return out
}

// step returns s with the prefix in place.
func (e expander) step(s Step) Step {
	switch s := s.(type) {
	case DeclareExchange:
		s.Name, s.Args, s.Bindings = e.str(s.Name), e.table(s.Args), e.bindings(s.Bindings)
		return s
	case DeclareQueue:
		s.Name, s.Args, s.Bindings = e.str(s.Name), e.table(s.Args), e.bindings(s.Bindings)
		return s
	case Publish:
		s.Exchange, s.Key = e.str(s.Exchange), e.str(s.Key)
		s.Props.Headers = e.table(s.Props.Headers)
		s.Props.UserID, s.Props.ReplyTo = e.str(s.Props.UserID), e.str(s.Props.ReplyTo)
		return s
	case Get:
		return Get{e.str(s.Queue)}
	case Drain:
		return Drain{e.str(s.Queue)}
	case Count:
		return Count{e.str(s.Queue)}
	case Purge:
		return Purge{e.str(s.Queue)}
	case DeleteQueue:
		return DeleteQueue{e.str(s.Queue)}
	case DeleteExchange:
		return DeleteExchange{e.str(s.Name)}
	}
	return s
}
