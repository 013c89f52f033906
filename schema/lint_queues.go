package schema

import (
	"slices"

	"github.com/kombugen/kombugen/internal/queueargs"
)

// queues runs the rules about each queue's own settings.
func (l *linter) queues() {
	for _, q := range l.s.Queues {
		for _, a := range q.Arguments {
			if queueargs.Refused(q.Type, a.Key) {
				l.warn(a.Pos, "unsupported-queue-argument", "queue %q: %s queues do not take %q; RabbitMQ refuses to declare it (PRECONDITION_FAILED)",
					q.Name, q.Type, a.Key)
			}
		}
		l.queueTypeFlags(q)
		l.deadLetters(q)
		l.unusedQueue(q)
	}
}

// deadLetters checks where a queue's dead letters go.
func (l *linter) deadLetters(q *Queue) {
	dlx, hasDLX := q.Arguments.Get("x-dead-letter-exchange")
	if !hasDLX {
		if i := index(q.Arguments, "x-dead-letter-routing-key"); i >= 0 {
			l.warn(q.Arguments[i].Pos, "dead-letter-routing-key-without-exchange",
				"queue %q: dead_letter_routing_key without dead_letter_exchange; RabbitMQ refuses to declare it (PRECONDITION_FAILED)", q.Name)
		}
		return
	}
	pos := q.Arguments[index(q.Arguments, "x-dead-letter-exchange")].Pos
	name, _ := dlx.(string)
	if _, known := l.exchangeType(name); !known {
		l.warn(pos, "external-dead-letter-exchange",
			"queue %q: dead_letter_exchange %q is not in the schema; fine if it is declared elsewhere, else dead letters are dropped", q.Name, name)
		return
	}
	x := l.s.Exchange(name)
	if x != nil && len(l.bound[name]) == 0 && x.AlternateExchange == "" {
		l.warn(pos, "dead-letters-dropped",
			"queue %q: no queue is bound to dead_letter_exchange %q in the schema; unless one is bound elsewhere, dead letters are dropped", q.Name, name)
	}
}

// unusedQueue reports a queue that nothing in the schema fills or
// declares: no bindings, in no producer's declare, and no message sent to
// it by name through the default exchange.
func (l *linter) unusedQueue(q *Queue) {
	if len(q.Bindings) > 0 {
		return
	}
	for _, p := range l.s.Producers {
		if slices.Contains(p.Declare, q.Name) {
			return
		}
	}
	for _, r := range l.routes {
		for _, bq := range r.reached {
			if bq.q == q {
				return
			}
		}
	}
	l.warn(q.Pos, "unused-queue", "queue %q has no bindings, no producer declares it and no message is routed to it by name", q.Name)
}

// queueTypeFlags checks the flags quorum queues and streams must have: they
// are replicated and outlive their connections, so RabbitMQ refuses to
// declare one that is not durable, or is exclusive or auto-delete.
func (l *linter) queueTypeFlags(q *Queue) {
	if q.Type != "quorum" && q.Type != "stream" {
		return
	}
	for _, f := range []struct {
		key, want string
		bad       bool
	}{{"durable", "true", !q.Durable}, {"exclusive", "false", q.Exclusive}, {"auto_delete", "false", q.AutoDelete}} {
		if f.bad {
			l.warn(q.Pos, "queue-type-flags", "queue %q: a %s queue must have %s: %s; RabbitMQ refuses to declare it (PRECONDITION_FAILED)",
				q.Name, q.Type, f.key, f.want)
		}
	}
}
