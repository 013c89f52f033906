package memory

import "time"

// A queue takes, drops and expires messages as RabbitMQ 3.10's queue
// processes do: rabbit_amqqueue_process for classic queues, rabbit_fifo
// for quorum queues. Every step happens at a time t, the clock's now for a
// client's request, or an earlier moment when the broker catches up with
// time (tick) and a TTL ran out or a queue expired then.

// deliver puts m into q at t and reports whether q took it; false is a
// publisher's nack (x-overflow reject-publish). fromPublisher is false for
// dead-lettered messages, which a blocked quorum queue takes all the same.
// q's consumers are told that a message is waiting.
func (b *Broker) deliver(q *queue, m Message, t time.Time, fromPublisher bool) bool {
	took := b.enqueue(q, m, t, fromPublisher)
	if took {
		b.wakeConsumers(q.decl.Name)
	}
	return took
}

// enqueue is deliver's work on the queue itself.
func (b *Broker) enqueue(q *queue, m Message, t time.Time, fromPublisher bool) bool {
	if q.typ == quorumQueue {
		return b.deliverQuorum(q, m, t, fromPublisher)
	}
	if q.typ == classicQueue && q.wouldOverflow(m) {
		switch q.args.overflow {
		case rejectPublish:
			return false
		case rejectPublishDLX:
			b.deadLetter(q, m, reasonMaxLen, t)
			return false
		}
	}
	if q.args.ttl == 0 && !q.args.hasDLX {
		// RabbitMQ discards such a message at once: it would expire
		// unseen, and nothing dead-letters it.
		return true
	}
	e := q.newEntry(m, t)
	q.push(e)
	dropped := b.dropHeads(q, t)
	// RabbitMQ looks for expired messages after a publish only when the
	// head may have changed to one that can expire.
	if skip := !dropped && len(q.entries) != 1 || dropped && len(q.entries) == 1 && !e.mortal; !skip {
		b.dropExpired(q, t)
	}
	return true
}

// deliverQuorum is deliver for a quorum queue. It takes every message,
// drops expired ones from its head, then applies its limit: drop-head
// (also for reject-publish-dlx, which quorum queues do not support)
// dead-letters heads while it is over it; reject-publish keeps the message
// that went over and refuses the next publishes until the queue drained.
func (b *Broker) deliverQuorum(q *queue, m Message, t time.Time, fromPublisher bool) bool {
	if fromPublisher && q.blocked {
		return false
	}
	q.push(q.newEntry(m, t))
	b.dropExpired(q, t)
	if q.args.overflow == rejectPublish {
		q.blocked = q.blocked || q.overLimit()
	} else {
		b.dropHeads(q, t)
	}
	b.dropExpired(q, t)
	return true
}

// dropHeads drops q's head, dead-lettering it, while q is over its
// limits and drops heads for them (x-overflow drop-head), and reports
// whether it dropped any.
func (b *Broker) dropHeads(q *queue, t time.Time) bool {
	if q.typ == classicQueue && q.args.overflow != dropHead || q.typ == quorumQueue && q.args.overflow == rejectPublish {
		return false
	}
	dropped := false
	for q.overLimit() {
		b.deadLetter(q, q.pop().msg, reasonMaxLen, t)
		dropped = true
	}
	return dropped
}

// dropExpired dead-letters the messages at q's head whose TTL ran out by
// t, and sets q's timer for when the next head's does. Messages behind a
// live head stay until they reach the head.
func (b *Broker) dropExpired(q *queue, t time.Time) {
	for e := q.head(); e != nil && e.expired(t); e = q.head() {
		b.deadLetter(q, q.pop().msg, reasonExpired, t)
	}
	if q.typ == quorumQueue && q.blocked && q.belowSoftLimit() {
		q.blocked = false
	}
	e := q.head()
	switch {
	case e == nil || !e.mortal:
		if q.typ == quorumQueue {
			q.timer = time.Time{}
		}
	case q.typ == quorumQueue, q.timer.IsZero(), e.expires.Add(time.Millisecond).Before(q.timer):
		// A quorum queue sets its timer for its head after every
		// command; a classic queue's timer is only ever brought forward,
		// by a millisecond or more.
		q.timer = e.expires
	}
}

// take removes and returns q's next message at t, as basic.get with
// automatic acknowledgement does, and then drops the expired messages
// that reached the head.
func (b *Broker) take(q *queue, t time.Time) (*entry, bool) {
	q.lastUsed = t
	if len(q.entries) == 0 {
		return nil, false
	}
	e := q.pop()
	b.dropExpired(q, t)
	return e, true
}

// tick brings the broker up to the clock's now before an operation, since
// time passes without it: in the order they fall due, each queue's TTL
// timer fires (expiring and dead-lettering the messages at its head, at
// the time it fires) and queues that x-expires deletes go. A
// dead-lettered message reaches the next queue when its TTL ran out, and
// its TTL there runs from then, so an advanced clock moves it along a
// chain of delay queues as time itself would. tick returns now.
func (b *Broker) tick() time.Time {
	now := b.now()
	for {
		q, at, deletes := b.nextEvent(now)
		if q == nil {
			return now
		}
		if deletes {
			b.deleteQueue(q.decl.Name)
			continue
		}
		q.timer = time.Time{}
		b.dropExpired(q, at)
	}
}

// nextEvent returns the queue whose timer or x-expires falls due first,
// by now, and when; deletes tells an x-expires deletion. Ties go by name,
// so that every run does the same.
func (b *Broker) nextEvent(now time.Time) (next *queue, at time.Time, deletes bool) {
	consider := func(q *queue, t time.Time, del bool) {
		switch {
		case t.After(now):
		case next == nil, t.Before(at), t.Equal(at) && q.decl.Name < next.decl.Name:
			next, at, deletes = q, t, del
		}
	}
	for _, q := range b.queues {
		if !q.timer.IsZero() {
			consider(q, q.timer, false)
		}
		if t, ok := q.expiresAt(); ok && !b.consumed(q.decl.Name) {
			consider(q, t, true)
		}
	}
	return next, at, deletes
}
