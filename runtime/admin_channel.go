package runtime

import (
	"context"
	"errors"

	amqp "github.com/rabbitmq/amqp091-go"
)

// adminChannel owns the channel declares go on. One goroutine (run) serves
// the requests in order, one RPC at a time, so no reply can be taken for
// another request's. amqp091-go cannot cancel an RPC, and a channel closed
// under one breaks the protocol for the next request, so the owner finishes
// every RPC it starts: a caller whose ctx ends stops waiting, the owner
// completes its request (recording a declare that succeeded), and serves
// the next on a channel in a known state. A request whose caller gave up
// before it started is dropped. A broker that stops answering is the
// connection's to detect (heartbeats), not a caller's.
type adminChannel struct {
	s   *session
	box *mailbox[*declareRequest]
	ch  *amqp.Channel // the owner's alone
}

// declareRequest is one declare, from the caller to the owner.
type declareRequest struct {
	ctx   context.Context
	e     Entity
	once  bool
	reply chan declareReply // buffered: the owner never waits for a caller
}

type declareReply struct {
	declared bool
	err      error
}

func newAdminChannel(s *session) *adminChannel {
	return &adminChannel{s: s, box: newMailbox[*declareRequest]()}
}

// declare asks the owner to declare e and waits for the answer no longer
// than ctx allows.
func (a *adminChannel) declare(ctx context.Context, e Entity, once bool) (bool, error) {
	r := &declareRequest{ctx: ctx, e: e, once: once, reply: make(chan declareReply, 1)}
	if !a.box.put(r) {
		return false, a.s.notSent()
	}
	select {
	case rep := <-r.reply:
		return rep.declared, rep.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// run serves requests until the connection is gone.
func (a *adminChannel) run() {
	defer func() {
		for _, r := range a.box.stop() {
			r.reply <- declareReply{err: a.s.notSent()}
		}
	}()
	for {
		batch, ok := a.box.take(a.s.lost)
		if !ok {
			return
		}
		for _, r := range batch {
			declared, err := a.serve(r)
			r.reply <- declareReply{declared, err}
		}
	}
}

// serve runs one request.
func (a *adminChannel) serve(r *declareRequest) (bool, error) {
	if err := r.ctx.Err(); err != nil {
		return false, err
	}
	s := a.s
	if r.once && s.declared.Has(r.e) {
		return false, nil
	}
	if !s.alive() {
		return false, s.notSent()
	}
	if a.ch == nil || a.ch.IsClosed() {
		ch, err := s.conn.Channel()
		if err != nil {
			return false, a.failure(err, true)
		}
		a.ch = ch
	}
	if err := declareOn(a.ch, r.e); err != nil {
		return false, a.failure(err, false)
	}
	s.declared.Add(r.e)
	return true, nil
}

// failure turns an RPC's error into ours: the broker's reply to the
// request (a channel or connection exception), or else the connection's
// loss, which is errNotSent when nothing was sent (the channel could not
// even be opened).
func (a *adminChannel) failure(err error, opening bool) error {
	s := a.s
	be := brokerError(err)
	var broker *BrokerError
	if errors.As(be, &broker) {
		return be
	}
	if s.alive() {
		return be
	}
	if opening {
		return s.notSent()
	}
	return s.lostError()
}
