package runtime

import (
	"context"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// flowState tracks RabbitMQ's connection.blocked: during a memory or disk
// alarm the broker stops reading from publishing connections, and a write
// would hang in the socket.
type flowState struct {
	mu      sync.Mutex
	blocked chan struct{} // non-nil while blocked; closed when unblocked
	reason  string
}

// watchBlocked follows the broker's blocked and unblocked notices until the
// connection closes.
func (s *session) watchBlocked(notices chan amqp.Blocking) {
	defer s.background.Done()
	for b := range notices {
		s.flow.mu.Lock()
		switch {
		case b.Active && s.flow.blocked == nil:
			s.flow.blocked, s.flow.reason = make(chan struct{}), b.Reason
			s.cfg.logger.Warn("kombugen: broker blocked publishing", "url", s.url.redacted, "reason", b.Reason)
		case !b.Active && s.flow.blocked != nil:
			close(s.flow.blocked)
			s.flow.blocked, s.flow.reason = nil, ""
			s.cfg.logger.Info("kombugen: broker unblocked publishing", "url", s.url.redacted)
		}
		s.flow.mu.Unlock()
	}
}

// awaitUnblocked returns at once unless the broker blocked publishing; then
// it fails fast or waits for the unblock, as configured.
func (s *session) awaitUnblocked(ctx context.Context) error {
	s.flow.mu.Lock()
	unblocked, reason := s.flow.blocked, s.flow.reason
	s.flow.mu.Unlock()
	if unblocked == nil {
		return nil
	}
	if s.cfg.failWhenBlocked {
		return fmt.Errorf("%w: %s", ErrBlocked, reason)
	}
	select {
	case <-unblocked:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("broker blocked publishing (%s): %w", reason, ctx.Err())
	case <-s.lost:
		return s.lostError()
	}
}

// guardedWrite runs write, which amqp091-go cannot interrupt: a write the
// broker does not read (a blocked connection, a dead peer) hangs in the
// socket. If ctx ends while it hangs the socket's deadline is moved to now,
// which fails the write and, with it, the connection: a frame half written
// cannot be taken back, so the connection is lost either way. Callers then
// get ctx's error.
func (s *session) guardedWrite(ctx context.Context, write func() error) error {
	if err := s.awaitUnblocked(ctx); err != nil {
		return err
	}
	if ctx.Done() == nil {
		return brokerError(write())
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { s.abort("a write outlived its context") })
	err := write()
	if aborted := !stop(); aborted && err != nil {
		return ctx.Err()
	}
	return brokerError(err)
}

// abort breaks the connection at once, without the closing handshake.
func (s *session) abort(why string) {
	s.cfg.logger.Warn("kombugen: dropping connection", "url", s.url.redacted, "why", why)
	if s.netConn != nil {
		s.netConn.SetDeadline(time.Now())
	}
}

// plainChannel is a channel for publishes that wait for no confirm.
type plainChannel struct {
	ch   *amqp.Channel
	turn chan struct{}
}

// publish writes msg, one publish at a time, waiting for its turn no
// longer than ctx allows.
func (pc *plainChannel) publish(ctx context.Context, s *session, msg *Publishing) error {
	select {
	case pc.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-pc.turn }()
	return s.guardedWrite(ctx, func() error {
		return pc.ch.Publish(msg.Exchange, msg.RoutingKey, false, false, toAMQPPublishing(msg))
	})
}
