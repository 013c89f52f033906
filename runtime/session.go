package runtime

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/amqpwire"
	"github.com/kombugen/kombugen/runtime/internal/declared"
)

// session is one AMQP connection and what lives and dies with it: its
// channels and their owners, and the memory of what was declared on it.
// When the connection is lost the session is dropped whole, so nothing of
// it survives into the next one.
type session struct {
	conn     *amqp.Connection
	url      brokerURL
	c        *Conn
	cfg      *dialConfig
	declared declared.Cache
	// frameMax is the negotiated largest frame, which a message's content
	// header must fit in.
	frameMax int

	lost    chan struct{} // closed when the connection is gone
	lostErr error         // why; set before lost is closed

	flow flowState

	mu       sync.Mutex
	closing  bool // Close was called: a loss is no failure
	admin    *adminChannel
	confirms []*lane
	plain    *lane

	// wire is the socket with the wire shims, for closing it when the
	// broker does not answer a close in time.
	wire *amqpwire.Conn
}

// dialSession connects to u. The connecting is bounded by the connect
// timeout and ends at once when life (the Conn's) ends.
func dialSession(life context.Context, u brokerURL, c *Conn) (*session, error) {
	cfg := &c.cfg
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName(cfg.connectionName)
	target, tlsConfig, err := u.dialTarget(cfg.tlsConfig)
	if err != nil {
		return nil, err
	}
	dialer := amqpwire.Dialer{Timeout: cfg.connectTimeout, TLSConfig: tlsConfig, NetDial: cfg.dial}
	hs := dialer.Handshake(life)
	conn, err := amqp.DialConfig(target, amqp.Config{
		Heartbeat:  cfg.heartbeat,
		Locale:     "en_US",
		Properties: props,
		Dial:       hs.Dial,
	})
	if endErr := hs.End(); endErr != nil {
		// The Conn closed during the handshake.
		if err == nil {
			conn.Close()
		}
		return nil, ErrClosed
	}
	if err != nil {
		if wire := hs.Conn(); wire != nil {
			wire.Abort()
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, fmt.Errorf("%w: no answer within the connect timeout of %s", ErrConnectionLost, cfg.connectTimeout)
		}
		// amqp091-go reports a socket that closed without a word during
		// the handshake as a 403 of its own making (Server is false).
		// RabbitMQ refuses credentials and vhosts with a connection.close
		// of its own (the start-ok asks for that with the
		// authentication_failure_close capability), so a silent close is
		// a lost connection, to be retried.
		if errors.Is(err, amqp.ErrVhost) || errors.Is(err, amqp.ErrCredentials) {
			return nil, fmt.Errorf("%w: closed during the handshake", ErrConnectionLost)
		}
		return nil, brokerError(err)
	}
	wire := hs.Conn()
	s := &session{
		conn:     conn,
		url:      u,
		c:        c,
		cfg:      cfg,
		frameMax: wire.FrameMax(),
		lost:     make(chan struct{}),
		wire:     wire,
	}
	s.confirms = make([]*lane, cfg.publishChannels)
	closes := conn.NotifyClose(make(chan *amqp.Error, 1))
	blocks := conn.NotifyBlocked(make(chan amqp.Blocking, 4))
	if !c.goroutines.Go(func() { s.watch(closes) }) || !c.goroutines.Go(func() { s.watchBlocked(blocks) }) {
		conn.Close()
		return nil, ErrClosed
	}
	return s, nil
}

// netDial is the default dialer: TCP under ctx.
func netDial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// watch marks the session lost when the connection closes.
func (s *session) watch(closes chan *amqp.Error) {
	err, ok := <-closes
	switch {
	case s.isClosing():
		s.lostErr = ErrClosed
		s.cfg.logger.Debug("kombugen: connection closed", "url", s.url.redacted)
	case ok && err != nil:
		s.lostErr = brokerError(err)
		s.cfg.logger.Warn("kombugen: connection lost", "url", s.url.redacted, "error", s.lostErr)
	default:
		s.lostErr = fmt.Errorf("%w: the connection closed", ErrConnectionLost)
		s.cfg.logger.Warn("kombugen: connection lost", "url", s.url.redacted, "error", s.lostErr)
	}
	close(s.lost)
}

// alive reports whether the connection is still open. amqp091-go marks a
// connection closed before it tells anyone, so a request that follows the
// one the broker closed the connection for sees it gone here.
func (s *session) alive() bool {
	select {
	case <-s.lost:
		return false
	default:
		return !s.conn.IsClosed()
	}
}

// lostError is the error for an operation that found the session gone.
func (s *session) lostError() error {
	<-s.lost
	if s.lostErr == ErrClosed {
		return ErrClosed
	}
	if errors.Is(s.lostErr, ErrConnectionLost) {
		return s.lostErr
	}
	return fmt.Errorf("%w: %w", ErrConnectionLost, s.lostErr)
}

// notSent is the error for an operation that found its connection dead
// before anything of it was sent: the Conn tries it on a new connection.
func (s *session) notSent() error {
	select {
	case <-s.lost:
		return fmt.Errorf("%w: %w", errNotSent, s.lostError())
	default:
		return fmt.Errorf("%w: %w", errNotSent, ErrConnectionLost)
	}
}

// errNotSent marks an operation that found its connection dead before
// sending anything, so that trying it on a new connection is safe.
var errNotSent = errors.New("not sent")

// lane returns the lane a message goes out on: a confirm-mode channel when
// the broker's answer matters (a confirm, or a return to pair with its
// publish), else the plain channel. Messages with the same exchange and
// routing key take the same channel, so they keep their order.
func (s *session) lane(msg *Publishing) (*lane, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, ErrClosed
	}
	var slot **lane
	confirm := msg.Confirm || msg.Mandatory
	if confirm {
		i := 0
		if n := len(s.confirms); n > 1 {
			i = int(laneHash(msg.Exchange, msg.RoutingKey) % uint32(n))
		}
		slot = &s.confirms[i]
	} else {
		slot = &s.plain
	}
	if *slot == nil {
		l := newLane(s, confirm)
		if !s.c.goroutines.Go(l.run) {
			return nil, ErrClosed
		}
		*slot = l
	}
	return *slot, nil
}

// laneHash is FNV-1a over the exchange, a zero byte and the routing key,
// without the allocations of hash/fnv's interface.
func laneHash(exchange, routingKey string) uint32 {
	const prime = 16777619
	h := uint32(2166136261)
	for i := 0; i < len(exchange); i++ {
		h = (h ^ uint32(exchange[i])) * prime
	}
	h *= prime // the zero byte between them
	for i := 0; i < len(routingKey); i++ {
		h = (h ^ uint32(routingKey[i])) * prime
	}
	return h
}

// adminChannel returns the owner of the channel declares go on.
func (s *session) adminChannel() (*adminChannel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, ErrClosed
	}
	if s.admin == nil {
		a := newAdminChannel(s)
		if !s.c.goroutines.Go(a.run) {
			return nil, ErrClosed
		}
		s.admin = a
	}
	return s.admin, nil
}

// publish hands msg to its lane, once the broker lets publishers write and
// the lane has room.
func (s *session) publish(ctx context.Context, msg *Publishing) (*Confirmation, error) {
	headers, err := s.check(msg)
	if err != nil {
		return nil, err
	}
	if err := s.awaitUnblocked(ctx); err != nil {
		return nil, err
	}
	l, err := s.lane(msg)
	if err != nil {
		return nil, err
	}
	return l.submit(ctx, msg, headers)
}

// check refuses, before the wire, what this connection's broker would
// refuse for the message alone by closing the channel or the connection,
// and with it every other publish in flight: a user_id other than the
// connection's user, header values AMQP cannot carry (middleware may have
// added some since the message was prepared), properties too large for the
// negotiated frame size. It returns the message's headers as amqp091-go
// takes them.
func (s *session) check(msg *Publishing) (amqp.Table, error) {
	if msg.UserID != "" && s.url.user != "" && msg.UserID != s.url.user {
		return nil, invalidf("user id %q is not the user %q the connection authenticated as, which RabbitMQ refuses", msg.UserID, s.url.user)
	}
	if !msg.checked {
		if err := checkTable("headers", msg.Headers); err != nil {
			return nil, err
		}
	}
	pub := toAMQPPublishing(msg)
	if _, err := amqpwire.HeaderFrameSize(&pub, s.frameMax); err != nil {
		return nil, fmt.Errorf("%w: the message's properties: %w", ErrInvalidMessage, err)
	}
	return pub.Headers, nil
}

// declareAll declares, once on this connection, each entity a publish
// needs.
func (s *session) declareAll(ctx context.Context, entities []Entity) error {
	for _, e := range entities {
		if ex, ok := e.(*Exchange); ok && ex.Predeclared() {
			continue
		}
		if _, err := s.declare(ctx, e, true); err != nil {
			return fmt.Errorf("declare %s: %w", describe(e), err)
		}
	}
	return nil
}

// declare declares e on the admin channel; with once, only if this
// connection has not declared it before.
func (s *session) declare(ctx context.Context, e Entity, once bool) (bool, error) {
	if once && s.declared.Has(e) {
		return false, nil
	}
	a, err := s.adminChannel()
	if err != nil {
		return false, err
	}
	return a.declare(ctx, e, once)
}

// isClosing reports whether Close was called, which makes a loss no
// failure and ends what waits on the session with ErrClosed.
func (s *session) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// close closes the connection, waiting at most until deadline for the
// broker's answer. The session's goroutines end with it; the Conn waits
// for them.
func (s *session) close(deadline time.Time) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	// CloseDeadline's socket deadline does not hold for reads: amqp091-go's
	// heartbeater moves the read deadline on with every frame the broker
	// sends, and a broker that blocks the connection (an alarm) keeps
	// sending heartbeats but never reads our connection.close. Closing the
	// socket at the deadline ends the wait for the close-ok.
	expire := time.AfterFunc(time.Until(deadline), func() { s.wire.Abort() })
	defer expire.Stop()
	err := s.conn.CloseDeadline(deadline)
	<-s.lost
	if err != nil && err != amqp.ErrClosed {
		return brokerError(err)
	}
	return nil
}
