package memory

import (
	"slices"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// queue holds messages in delivery order: highest priority first (when the
// queue has x-max-priority), first in first out within a priority. As in
// RabbitMQ, a message whose TTL ran out stays where it is until it reaches
// the head: it counts, and takes its place toward x-max-length, until then.
type queue struct {
	decl     runtime.Queue // as declared; its bindings live on the exchanges
	typ      *queueType
	args     queueArgs
	entries  []*entry
	bytes    int64     // body bytes held, for x-max-length-bytes
	lastUsed time.Time // last declare or get, for x-expires
	// timer is when the queue next drops the expired messages at its
	// head, RabbitMQ's TTL timer; zero when none is set.
	timer time.Time
	// blocked is set while a quorum queue with reject-publish, having gone
	// over its limit, refuses publishes until it drains to 80% of it.
	blocked bool
}

// entry is a message in a queue. Its msg is never changed nor handed out
// (readers get clones), so one Message may sit in several queues.
type entry struct {
	msg      Message
	priority int // the priority the queue orders it by
	mortal   bool
	expires  time.Time // when mortal
}

// expired reports whether the entry's TTL has run out at t. RabbitMQ
// expires a message once its expiry time is reached, so a TTL of 0
// expires it at once.
func (e *entry) expired(t time.Time) bool {
	return e.mortal && !t.Before(e.expires)
}

func newQueue(decl runtime.Queue, typ *queueType, args queueArgs, now time.Time) *queue {
	return &queue{decl: decl, typ: typ, args: args, lastUsed: now}
}

// newEntry wraps m for q at time t: its priority as q orders it and its
// expiry, the sooner of the queue's x-message-ttl and the message's
// expiration, counted from t.
func (q *queue) newEntry(m Message, t time.Time) *entry {
	e := &entry{msg: m, priority: q.args.effectivePriority(m.Priority)}
	ttl, hasTTL := m.ttl, m.hasTTL
	if q.args.ttl >= 0 && (!hasTTL || q.args.ttl < ttl) {
		ttl, hasTTL = q.args.ttl, true
	}
	if hasTTL {
		e.mortal, e.expires = true, t.Add(ttl)
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
	q.bytes += int64(len(e.msg.Body))
}

// pop removes and returns the message that would be delivered next.
func (q *queue) pop() *entry {
	e := q.entries[0]
	q.entries[0] = nil // let the message be collected
	q.entries = q.entries[1:]
	q.bytes -= int64(len(e.msg.Body))
	return e
}

// head returns the message at the head, or nil.
func (q *queue) head() *entry {
	if len(q.entries) == 0 {
		return nil
	}
	return q.entries[0]
}

// overLimit reports whether q holds more than x-max-length messages or
// x-max-length-bytes body bytes.
func (q *queue) overLimit() bool {
	return q.args.maxLength >= 0 && int64(len(q.entries)) > q.args.maxLength ||
		q.args.maxBytes >= 0 && q.bytes > q.args.maxBytes
}

// wouldOverflow reports whether taking m would put q over its limits.
func (q *queue) wouldOverflow(m Message) bool {
	return q.args.maxLength >= 0 && int64(len(q.entries))+1 > q.args.maxLength ||
		q.args.maxBytes >= 0 && q.bytes+int64(len(m.Body)) > q.args.maxBytes
}

// belowSoftLimit reports whether a blocked quorum queue has drained enough
// to take publishes again: to 80% of its limits.
func (q *queue) belowSoftLimit() bool {
	below := func(limit, n int64) bool { return limit < 0 || n <= limit*8/10 }
	return below(q.args.maxLength, int64(len(q.entries))) && below(q.args.maxBytes, q.bytes)
}

// purge empties q and returns how many messages it held.
func (q *queue) purge() int {
	n := len(q.entries)
	q.entries, q.bytes = nil, 0
	return n
}

// expiresAt returns when x-expires deletes q, if it has the argument.
func (q *queue) expiresAt() (time.Time, bool) {
	return q.lastUsed.Add(q.args.expires), q.args.expires > 0
}

// deliverable returns the messages a consumer would receive from q at t,
// in order: the head, and every message behind it whose TTL has not run
// out by then (those that have will be dropped when they reach the head).
func (q *queue) deliverable(t time.Time) []*entry {
	var out []*entry
	for i, e := range q.entries {
		if i == 0 || !e.expired(t) {
			out = append(out, e)
		}
	}
	return out
}

// delivered returns a copy of e's message as a consumer receives it from
// q: a quorum queue adds the x-delivery-count header, 0 for a message
// never delivered before.
func (q *queue) delivered(e *entry) Message {
	m := e.msg.clone()
	if q.typ == quorumQueue {
		if m.Headers == nil {
			m.Headers = make(runtime.Table)
		}
		m.Headers["x-delivery-count"] = int64(0)
	}
	return m
}

// info describes q for the inspection API, with its current bindings.
func (q *queue) info(bindings []runtime.Binding) QueueInfo {
	decl := q.decl
	decl.Arguments = copyTable(decl.Arguments)
	decl.Bindings = bindings
	return QueueInfo{Queue: decl, Messages: len(q.entries)}
}
