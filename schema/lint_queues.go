package schema

import "slices"

// queues runs the rules about each queue's own settings.
func (l *linter) queues() {
	for _, q := range l.s.Queues {
		l.deadLetters(q)
		l.unusedQueue(q)
	}
}

// deadLetters checks where a queue's dead letters go.
func (l *linter) deadLetters(q *Queue) {
	dlx, hasDLX := q.Arguments.Get("x-dead-letter-exchange")
	if !hasDLX {
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
	if x != nil && len(l.bound[name]) == 0 && len(l.boundExchanges[name]) == 0 && x.AlternateExchange == "" {
		l.warn(pos, "dead-letters-dropped",
			"queue %q: no queue is bound to dead_letter_exchange %q in the schema; unless one is bound elsewhere, dead letters are dropped", q.Name, name)
	}
}

// unusedQueue reports a queue that nothing in the schema fills or
// declares: no bindings, in no producer's declare, and no message or task
// sent to it by name through the default exchange.
func (l *linter) unusedQueue(q *Queue) {
	if len(q.Bindings) > 0 {
		return
	}
	for _, p := range l.s.Producers {
		if slices.Contains(p.Declare, q.Name) {
			return
		}
	}
	for _, routes := range []map[string]route{l.routes, l.taskRoutes} {
		for _, r := range routes {
			for _, bq := range r.reached {
				if bq.q == q {
					return
				}
			}
		}
	}
	l.warn(q.Pos, "unused-queue", "queue %q has no bindings, no producer declares it and no message or task is routed to it by name", q.Name)
}
