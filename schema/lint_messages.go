package schema

import (
	"fmt"
	"strings"
)

// messages runs the rules about each message: where it goes, and whether
// the queues it reaches honour its policy.
func (l *linter) messages() {
	for _, m := range l.s.Messages {
		r := l.routes[m.Name]
		l.routing(m, r)
		l.mandatoryWithoutConfirm(m)
		for _, bq := range r.reached {
			l.priority(m, bq)
			l.stream(m, bq)
		}
	}
}

// routing reports a message that no binding can take.
func (l *linter) routing(m *Message, r route) {
	switch r.verdict {
	case noMatch:
		l.warn(posOr(m.RoutingKey.Pos, m.Pos), "unroutable", "message %q: no binding of %s can take routing key %q; %s",
			m.Name, exchangeChain(r.exchanges)+onward(r.onward), m.RoutingKey.Template, lost(m))
	case noBindings:
		// A schema without queues leaves them to its consumers (as kombu
		// and Celery consumers declare their own), so it cannot tell.
		if len(l.s.Queues) == 0 {
			return
		}
		if m.Exchange == "" {
			l.warn(m.Pos, "no-bindings", "message %q: the default exchange routes by queue name, and routing key %q names no queue of the schema; unless such a queue is declared elsewhere, %s",
				m.Name, m.RoutingKey.Template, lost(m))
			return
		}
		l.warn(m.Pos, "no-bindings", "message %q: no queue is bound to %s in the schema; unless one is bound elsewhere, %s",
			m.Name, exchangeChain(r.exchanges), lost(m))
	}
}

// exchangeChain names an exchange and the alternate exchanges it leads to.
func exchangeChain(names []string) string {
	s := fmt.Sprintf("exchange %q", names[0])
	if len(names) == 1 {
		return s
	}
	quoted := make([]string, len(names)-1)
	for i, n := range names[1:] {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return fmt.Sprintf("%s or its alternate exchange %s", s, strings.Join(quoted, ", then "))
}

// onward names the exchanges a message passes on to through
// exchange-to-exchange bindings, for exchangeChain.
func onward(names []string) string {
	if len(names) == 0 {
		return ""
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	noun := "exchange"
	if len(names) > 1 {
		noun = "exchanges"
	}
	return fmt.Sprintf(", nor of %s %s bound to it,", noun, strings.Join(quoted, ", "))
}

// lost says what becomes of an unroutable message.
func lost(m *Message) string {
	if m.Policy.Mandatory {
		return "publishing it fails as unroutable (mandatory is on)"
	}
	return "the broker drops it (mandatory is off)"
}

// mandatoryWithoutConfirm reports mandatory publishing without confirms:
// Publish returns before the broker could return the message, so only an
// on-return callback learns of it.
func (l *linter) mandatoryWithoutConfirm(m *Message) {
	p := m.Policy
	if !p.Mandatory || p.Confirm {
		return
	}
	l.warn(posOr(p.Origins["confirm"].Pos, m.Pos), "mandatory-without-confirm",
		"message %q: mandatory without confirm: Publish returns before the broker can return the message, so it never fails as unroutable; only an on-return callback hears of it",
		m.Name)
}

// priority reports a priority that a classic queue the message can reach
// cannot hold. Quorum queues are left alone: their priorities differ by
// RabbitMQ version, and x-max-priority on them is reported by the queue.
func (l *linter) priority(m *Message, bq boundQueue) {
	p, q := m.Policy.Priority, bq.q
	if p == 0 || q.Type != "classic" || p <= q.MaxPriority {
		return
	}
	pos := posOr(m.Policy.Origins["priority"].Pos, m.Pos)
	if q.MaxPriority == 0 {
		l.warn(pos, "priority-above-max", "message %q: priority %d has no effect in queue %q, which it can reach, as the queue has no max_priority",
			m.Name, p, q.Name)
		return
	}
	l.warn(pos, "priority-above-max", "message %q: priority %d is above max_priority %d of queue %q, which it can reach; the broker treats it as %d",
		m.Name, p, q.MaxPriority, q.Name, q.MaxPriority)
}

// stream reports a TTL or priority sent to a stream, which keeps every
// message, in order, until x-max-age or x-max-length-bytes drops it.
func (l *linter) stream(m *Message, bq boundQueue) {
	q := bq.q
	if q.Type != "stream" {
		return
	}
	if ttl := m.Policy.TTL; ttl > 0 {
		l.warn(posOr(m.Policy.Origins["ttl"].Pos, m.Pos), "stream-ttl",
			"message %q: ttl %s has no effect in stream %q, which it can reach; streams expire messages by x-max-age, not per message",
			m.Name, ttl, q.Name)
	}
	if p := m.Policy.Priority; p > 0 {
		l.warn(posOr(m.Policy.Origins["priority"].Pos, m.Pos), "stream-priority",
			"message %q: priority %d has no effect in stream %q, which it can reach; streams keep messages in order",
			m.Name, p, q.Name)
	}
}
