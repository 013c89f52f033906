package runtime

import (
	"context"
	"fmt"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"
)

// flowState tracks RabbitMQ's connection.blocked: during a memory or disk
// alarm the broker stops reading from publishing connections, and a write
// would wait in the socket.
type flowState struct {
	mu      sync.Mutex
	blocked chan struct{} // non-nil while blocked; closed when unblocked
	reason  string
}

// watchBlocked follows the broker's blocked and unblocked notices until the
// connection closes.
func (s *session) watchBlocked(notices chan amqp.Blocking) {
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
// it fails fast or waits for the unblock, as configured, no longer than ctx
// allows.
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
		return s.notSent()
	}
}
