package memory

import (
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// Dead-lettering reasons, as RabbitMQ writes them into x-death.
const (
	reasonExpired = "expired"
	reasonMaxLen  = "maxlen"
)

// enqueue puts m into q, applying q's limits, and reports whether q took
// it: with x-overflow reject-publish a full queue refuses new messages.
// Messages q expires or drops go to its dead-letter exchange.
func (b *Broker) enqueue(q *queue, m Message, ttl time.Duration, hasTTL bool, now time.Time) bool {
	b.expire(q, now) // expired messages do not count against the limits
	e := q.newEntry(m, ttl, hasTTL, now)
	if q.args.overflow != dropHead && q.wouldOverflow(e) {
		if q.args.overflow == rejectPublishDLX {
			b.deadLetter(q, []*entry{e}, reasonMaxLen, now)
		}
		return false
	}
	q.push(e)
	var dropped []*entry
	for q.overLimit() {
		dropped = append(dropped, q.pop())
	}
	b.deadLetter(q, dropped, reasonMaxLen, now)
	// Only now, as in RabbitMQ (publish, drop head, drop expired): a TTL of
	// 0 expires the message at once.
	b.expire(q, now)
	return true
}

// expire removes q's expired messages and dead-letters them.
func (b *Broker) expire(q *queue, now time.Time) {
	b.deadLetter(q, q.takeExpired(now), reasonExpired, now)
}

// deadLetter republishes messages q expired or dropped to its
// x-dead-letter-exchange, with x-dead-letter-routing-key if set, else with
// their own key. Without a dead-letter exchange, or when it does not exist,
// they are gone, as in RabbitMQ. A message never goes back into a queue it
// died in: RabbitMQ drops such cycles when no consumer rejected it.
func (b *Broker) deadLetter(q *queue, dead []*entry, reason string, now time.Time) {
	if !q.args.hasDLX || len(dead) == 0 {
		return
	}
	x := b.exchanges[q.args.dlx]
	if x == nil {
		return
	}
	for _, e := range dead {
		m := deadLettered(e.msg, q, reason, now)
		for _, name := range b.route(x, m.RoutingKey, m.Headers) {
			if target := b.queues[name]; target != nil && !diedIn(m, name) {
				b.enqueue(target, m, 0, false, now)
			}
		}
	}
}

// deadLettered returns m as q's dead-letter exchange receives it: its
// x-death header records the death (counting repeats of the same queue and
// reason), the x-first-death-* headers the first one, and the expiration
// property is cleared so the message does not expire again for it.
func deadLettered(m Message, q *queue, reason string, now time.Time) Message {
	h := copyTable(m.Headers)
	if h == nil {
		h = make(runtime.Table)
	}
	death := runtime.Table{
		"count":        int64(1),
		"reason":       reason,
		"queue":        q.decl.Name,
		"time":         now.Truncate(time.Second),
		"exchange":     m.Exchange,
		"routing-keys": []any{m.RoutingKey},
	}
	if m.Expiration != "" {
		death["original-expiration"] = m.Expiration
	}
	h["x-death"] = recordDeath(h["x-death"], death)
	if _, ok := h["x-first-death-reason"]; !ok {
		h["x-first-death-reason"] = reason
		h["x-first-death-queue"] = q.decl.Name
		h["x-first-death-exchange"] = m.Exchange
	}
	m.Headers = h
	m.Expiration = ""
	m.Exchange = q.args.dlx
	if q.args.hasRK {
		m.RoutingKey = q.args.dlrk
	}
	return m
}

// recordDeath puts death first in the x-death list deaths; an earlier
// death in the same queue for the same reason is moved there instead, with
// its count raised.
func recordDeath(deaths any, death runtime.Table) []any {
	list, _ := deaths.([]any)
	for i, d := range list {
		old, ok := d.(runtime.Table)
		if !ok || old["queue"] != death["queue"] || old["reason"] != death["reason"] {
			continue
		}
		n, _ := integer(old["count"])
		old["count"] = n + 1
		rest := append(list[:i:i], list[i+1:]...)
		return append([]any{old}, rest...)
	}
	return append([]any{death}, list...)
}

// diedIn reports whether m's x-death names queue.
func diedIn(m Message, queue string) bool {
	list, _ := m.Headers["x-death"].([]any)
	for _, d := range list {
		if t, ok := d.(runtime.Table); ok && t["queue"] == queue {
			return true
		}
	}
	return false
}
