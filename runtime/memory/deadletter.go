package memory

import (
	"bytes"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// Dead-lettering reasons, as RabbitMQ writes them into x-death.
const (
	reasonExpired = "expired"
	reasonMaxLen  = "maxlen"
)

// deadLetter republishes m, which q expired or dropped at t, to q's
// x-dead-letter-exchange, with x-dead-letter-routing-key if set, else with
// its own routing keys, as rabbit_dead_letter does. Without a dead-letter
// exchange, or when it does not exist, the message is gone. A message is
// not delivered to a queue it died in before unless a consumer rejected it
// on the way (RabbitMQ's cycle detection).
func (b *Broker) deadLetter(q *queue, m Message, reason string, t time.Time) {
	if !q.args.hasDLX {
		return
	}
	x := b.exchanges[q.args.dlx]
	if x == nil {
		return
	}
	dm := deadLettered(m, q, reason, t)
	for _, name := range b.route(x, dm) {
		if target := b.queues[name]; target != nil && !cycles(dm, name) {
			b.deliver(target, dm, t, false)
		}
	}
}

// deadLettered returns m as q's dead-letter exchange receives it: its
// x-death header records the death (an earlier death in the same queue
// for the same reason has its count raised and moves first), the
// x-first-death-* headers the first one, and the expiration property is
// cleared so that the message does not expire again for it.
func deadLettered(m Message, q *queue, reason string, t time.Time) Message {
	h := copyTable(m.Headers)
	if h == nil {
		h = make(runtime.Table)
	}
	keys := []any{m.RoutingKey}
	for _, k := range headerRoutes(h) {
		keys = append(keys, k)
	}
	death := runtime.Table{
		"reason":       reason,
		"queue":        q.decl.Name,
		"time":         time.Unix(t.Unix(), 0),
		"exchange":     m.Exchange,
		"routing-keys": keys,
	}
	if m.Expiration != "" {
		death["original-expiration"] = m.Expiration
	}
	recordDeath(h, death)
	m.Exchange = q.args.dlx
	if q.args.hasRK {
		delete(h, "CC")
		m.RoutingKey, m.cc = q.args.dlrk, nil
	}
	m.Headers = h
	m.Expiration, m.ttl, m.hasTTL = "", 0, false
	return m
}

// recordDeath records death in the headers h as RabbitMQ 3.10 does
// (rabbit_dead_letter:update_x_death_header).
func recordDeath(h runtime.Table, death runtime.Table) {
	old, present := h["x-death"]
	if !present {
		h["x-first-death-reason"] = death["reason"]
		h["x-first-death-queue"] = death["queue"]
		h["x-first-death-exchange"] = death["exchange"]
		death["count"] = int64(1)
		h["x-death"] = []any{death}
		return
	}
	list, ok := old.([]any)
	if !ok {
		// Not an array: a consumer republished the message with its
		// headers mangled. RabbitMQ starts the list again.
		death["count"] = int64(1)
		h["x-death"] = []any{death}
		return
	}
	var others []any
	for _, d := range groupDeaths(list) {
		t, _ := d.(runtime.Table)
		if t != nil && sameDeath(t, death) {
			n, _ := integer(t["count"])
			t["count"] = n + 1
			death = t
			continue
		}
		others = append(others, d)
	}
	if _, ok := death["count"]; !ok {
		death["count"] = int64(1)
	}
	h["x-death"] = append([]any{death}, others...)
}

// groupDeaths merges entries of an x-death list for the same queue and
// reason, as lists written before RabbitMQ counted deaths may hold: the
// first of each stays, counting them all if it has no count. Like
// RabbitMQ's, the list it returns is in reverse order.
func groupDeaths(list []any) []any {
	if len(list) < 2 {
		return list
	}
	var out []any
	var seen []runtime.Table
	for _, d := range list {
		t, ok := d.(runtime.Table)
		if !ok {
			continue
		}
		var matches []runtime.Table
		for _, e := range list {
			if e, ok := e.(runtime.Table); ok && sameDeath(e, t) {
				matches = append(matches, e)
			}
		}
		first := matches[0]
		if _, ok := first["count"]; !ok {
			first["count"] = int64(len(matches))
		}
		dup := false
		for _, s := range seen {
			dup = dup || sameDeath(s, t)
		}
		seen = append(seen, t)
		if len(out) == 0 || !dup {
			out = append([]any{first}, out...)
		}
	}
	return out
}

// sameDeath reports whether two x-death entries are for the same queue
// and reason.
func sameDeath(a, b runtime.Table) bool {
	return sameBinary(a["queue"], b["queue"]) && sameBinary(a["reason"], b["reason"])
}

// sameBinary compares two values as the Erlang binaries RabbitMQ holds
// strings and byte slices as; absent values are equal.
func sameBinary(a, b any) bool {
	x, xok := binary(a)
	y, yok := binary(b)
	if !xok || !yok {
		return a == nil && b == nil
	}
	return bytes.Equal(x, y)
}

func binary(v any) ([]byte, bool) {
	switch v := v.(type) {
	case string:
		return []byte(v), true
	case []byte:
		return v, true
	}
	return nil, false
}

// cycles reports whether delivering the dead-lettered message m to queue
// closes a dead-letter cycle RabbitMQ breaks: queue is in m's x-death,
// and no death since (that one included) was a consumer's rejection.
func cycles(m Message, queue string) bool {
	list, _ := m.Headers["x-death"].([]any)
	for i, d := range list {
		t, ok := d.(runtime.Table)
		if !ok || t["queue"] != queue {
			continue
		}
		for _, d := range list[:i+1] {
			t, ok := d.(runtime.Table)
			if !ok || t["reason"] == "rejected" {
				return false
			}
		}
		return true
	}
	return false
}
