package memory

import (
	"slices"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// queue holds messages in delivery order: highest priority first (when the
// queue has x-max-priority), first in first out within a priority.
type queue struct {
	decl     runtime.Queue // as declared; its bindings live on the exchanges
	args     queueArgs
	entries  []*entry
	bytes    int64     // body bytes held, for x-max-length-bytes
	mortal   int       // entries that may expire, so sweeps can skip the rest
	lastUsed time.Time // last declare or get, for x-expires
}

func newQueue(decl runtime.Queue, args queueArgs, now time.Time) *queue {
	return &queue{decl: decl, args: args, lastUsed: now}
}

// newEntry wraps m for q: its priority as q orders it and its expiry, the
// sooner of the queue's x-message-ttl and the message's expiration.
func (q *queue) newEntry(m Message, ttl time.Duration, hasTTL bool, now time.Time) *entry {
	e := &entry{msg: m, priority: q.args.effectivePriority(m.Priority)}
	if q.args.ttl >= 0 && (!hasTTL || q.args.ttl < ttl) {
		ttl, hasTTL = q.args.ttl, true
	}
	if hasTTL {
		e.mortal, e.expires = true, now.Add(ttl)
	}
	return e
}

// push adds e behind every message of its priority or a higher one.
func (q *queue) push(e *entry) {
	i := len(q.entries)
	for i > 0 && q.entries[i-1].priority < e.priority {
		i--
	}
	q.entries = slices.Insert(q.entries, i, e)
	q.account(e, 1)
}

// pop removes and returns the message that would be delivered next.
func (q *queue) pop() *entry {
	e := q.entries[0]
	q.entries[0] = nil // let the message be collected
	q.entries = q.entries[1:]
	q.account(e, -1)
	return e
}

func (q *queue) account(e *entry, sign int) {
	q.bytes += int64(sign * len(e.msg.Body))
	if e.mortal {
		q.mortal += sign
	}
}

// takeExpired removes the messages whose TTL ran out at now, wherever they
// are, and returns them in delivery order. RabbitMQ drops them only when
// they reach the head, but no one can see the difference without a
// consumer, and the inspection API must not show them.
func (q *queue) takeExpired(now time.Time) []*entry {
	if q.mortal == 0 {
		return nil
	}
	var expired []*entry
	q.entries = slices.DeleteFunc(q.entries, func(e *entry) bool {
		if !e.expired(now) {
			return false
		}
		expired = append(expired, e)
		q.account(e, -1)
		return true
	})
	return expired
}

// overLimit reports whether q holds more than x-max-length messages or
// x-max-length-bytes body bytes.
func (q *queue) overLimit() bool {
	return q.args.maxLength >= 0 && int64(len(q.entries)) > q.args.maxLength ||
		q.args.maxBytes >= 0 && q.bytes > q.args.maxBytes
}

// wouldOverflow reports whether adding e would put q over its limits.
func (q *queue) wouldOverflow(e *entry) bool {
	return q.args.maxLength >= 0 && int64(len(q.entries))+1 > q.args.maxLength ||
		q.args.maxBytes >= 0 && q.bytes+int64(len(e.msg.Body)) > q.args.maxBytes
}

// purge empties q and returns how many messages it held.
func (q *queue) purge() int {
	n := len(q.entries)
	q.entries, q.bytes, q.mortal = nil, 0, 0
	return n
}

// unused reports whether x-expires has deleted q by now.
func (q *queue) unused(now time.Time) bool {
	return q.args.expires > 0 && now.Sub(q.lastUsed) >= q.args.expires
}

// info describes q for the inspection API, with its current bindings.
func (q *queue) info(bindings []runtime.Binding) QueueInfo {
	decl := q.decl
	decl.Arguments = copyTable(decl.Arguments)
	decl.Bindings = bindings
	return QueueInfo{Queue: decl, Messages: len(q.entries)}
}
