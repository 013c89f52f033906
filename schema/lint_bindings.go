package schema

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/kombugen/kombugen/internal/routing"
)

// bindings runs the rules about each binding, and about bindings of one
// queue to one exchange that do the same work.
func (l *linter) bindings() {
	for _, q := range l.s.Queues {
		for i, b := range q.Bindings {
			typ, _ := l.exchangeType(b.Exchange)
			l.binding(fmt.Sprintf("queue %q: binding %d", q.Name, i+1), typ, b)
			l.redundant(q, typ, i)
		}
	}
	for _, x := range l.s.Exchanges {
		for i, b := range x.Bindings {
			typ, _ := l.exchangeType(b.Exchange)
			l.binding(fmt.Sprintf("exchange %q: binding %d", x.Name, i+1), typ, b)
		}
	}
}

// binding checks one binding of an exchange of type typ.
func (l *linter) binding(ctx, typ string, b *Binding) {
	if len(b.Arguments) > 0 && typ != "headers" && slices.Contains(exchangeTypes, typ) {
		// Plugins' exchange types may read arguments (x-consistent-hash).
		l.warn(b.Arguments[0].Pos, "ignored-binding-arguments", "%s: %s exchange %q ignores binding arguments; only headers exchanges match them",
			ctx, typ, b.Exchange)
	}
	switch typ {
	case "headers", "fanout":
		if b.RoutingKey != "" {
			l.warn(b.Pos, "ignored-routing-key", "%s: %s exchange %q ignores routing_key %q", ctx, typ, b.Exchange, b.RoutingKey)
		}
	case "topic":
		for _, w := range routing.TopicWords(b.RoutingKey) {
			if w != "*" && w != "#" && strings.ContainsAny(w, "*#") {
				l.warn(b.Pos, "literal-wildcard", "%s: routing_key %q: * and # are wildcards only as whole words, so %q matches only the word %q itself",
					ctx, b.RoutingKey, w, w)
				break
			}
		}
	case "direct":
		if strings.ContainsAny(b.RoutingKey, "*#") {
			l.warn(b.Pos, "literal-wildcard", "%s: routing_key %q: direct exchange %q compares keys exactly, with no wildcards; did you mean a topic exchange?",
				ctx, b.RoutingKey, b.Exchange)
		}
	}
}

// redundant reports binding i of q when another binding of q to the same
// exchange repeats it or covers it: a message reaches a queue once,
// however many of its bindings take it. Of two bindings that cover each
// other, the later one is redundant.
func (l *linter) redundant(q *Queue, typ string, i int) {
	b := q.Bindings[i]
	for j, a := range q.Bindings[:i] {
		if a.Exchange == b.Exchange && a.RoutingKey == b.RoutingKey && reflect.DeepEqual(a.Arguments.Map(), b.Arguments.Map()) {
			l.warn(b.Pos, "duplicate-binding", "queue %q: binding %d repeats binding %d at %s; RabbitMQ keeps one",
				q.Name, i+1, j+1, a.Pos.lineCol())
			return
		}
	}
	for j, a := range q.Bindings {
		if j == i || a.Exchange != b.Exchange || !covers(typ, a, b) || j > i && covers(typ, b, a) {
			continue
		}
		msg := fmt.Sprintf("queue %q: binding %d (routing_key %q) is covered by binding %d (routing_key %q) at %s",
			q.Name, i+1, b.RoutingKey, j+1, a.RoutingKey, a.Pos.lineCol())
		switch typ {
		case "fanout", "headers":
			msg += fmt.Sprintf(", as %s exchange %q ignores routing keys", typ, b.Exchange)
		case "direct":
			msg += fmt.Sprintf(", as direct exchange %q ignores binding arguments", b.Exchange)
		}
		l.warn(b.Pos, "overlapping-bindings", "%s; a message reaches the queue once, so binding %d is redundant", msg, i+1)
		return
	}
}

// covers reports whether binding a of an exchange of type typ takes every
// message that binding b takes.
func covers(typ string, a, b *Binding) bool {
	switch typ {
	case "fanout":
		return true
	case "direct":
		return a.RoutingKey == b.RoutingKey
	case "topic":
		return topicCovers(a.RoutingKey, b.RoutingKey)
	case "headers":
		return reflect.DeepEqual(a.Arguments.Map(), b.Arguments.Map())
	}
	return false
}
