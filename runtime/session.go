package runtime

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// session is one AMQP connection and what lives and dies with it: the
// channels, and the memory of what was declared on it. When the connection
// is lost the session is dropped whole, so nothing of it survives into the
// next one.
type session struct {
	conn     *amqp.Connection
	url      brokerURL
	cfg      *dialConfig
	declared DeclareCache
	dispatch func(func(Return), Return)
	// epoch numbers the session among its Conn's, for Epoch.
	epoch uint64

	lost    chan struct{} // closed when the connection is gone
	lostErr error         // why; set before lost is closed

	// adminTurn serializes declares on their own channel, so that no RPC
	// interleaves with another or with a publish's frames.
	adminTurn chan struct{}
	admin     channelSlot[*amqp.Channel]

	confirms []channelSlot[*confirmChannel]
	next     atomic.Uint32

	plain channelSlot[*plainChannel]
	flow  flowState

	// netConn is the socket, for abort.
	netConn net.Conn

	// background counts the goroutines opening channels, which close
	// waits for.
	background sync.WaitGroup
}

// dialSession connects to u. ctx bounds the TCP connect and the handshake.
func dialSession(ctx context.Context, u brokerURL, cfg *dialConfig, dispatch func(func(Return), Return)) (*session, error) {
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName(cfg.connectionName)
	target, tlsConfig, err := u.dialTarget(cfg.tlsConfig)
	if err != nil {
		return nil, err
	}
	var netConn net.Conn
	dial := contextDialer(ctx, cfg.connectTimeout, tlsConfig)
	conn, err := amqp.DialConfig(target, amqp.Config{
		Heartbeat:  cfg.heartbeat,
		Locale:     "en_US",
		Properties: props,
		Dial: func(network, addr string) (net.Conn, error) {
			c, err := dial(network, addr)
			netConn = c
			return c, err
		},
	})
	if err != nil {
		if netConn != nil {
			netConn.Close()
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// amqp091-go reports a socket that closed without a word during
		// the handshake as a 403 of its own making (Server is false).
		// RabbitMQ refuses credentials and vhosts with a connection.close
		// of its own (the propertyWriter asks for that with the
		// authentication_failure_close capability), so a silent close is
		// a lost connection, to be retried.
		if errors.Is(err, amqp.ErrVhost) || errors.Is(err, amqp.ErrCredentials) {
			return nil, fmt.Errorf("%w: closed during the handshake", ErrConnectionLost)
		}
		return nil, brokerError(err)
	}
	s := &session{
		conn:      conn,
		url:       u,
		cfg:       cfg,
		dispatch:  dispatch,
		lost:      make(chan struct{}),
		adminTurn: make(chan struct{}, 1),
		confirms:  make([]channelSlot[*confirmChannel], cfg.publishChannels),
		netConn:   netConn,
	}
	s.background.Add(1)
	go s.watchBlocked(conn.NotifyBlocked(make(chan amqp.Blocking, 4)))
	go s.watch(conn.NotifyClose(make(chan *amqp.Error, 1)))
	return s, nil
}

// contextDialer dials TCP under ctx, does the TLS handshake when tlsConfig
// is set, and puts a propertyWriter over the stream. It bounds the AMQP
// handshake by the earlier of ctx's deadline and timeout; amqp091-go clears
// the deadline once the connection is open. If ctx is cancelled during the
// handshake the deadline is moved to now, which makes the handshake fail at
// once.
func contextDialer(ctx context.Context, timeout time.Duration, tlsConfig *tls.Config) func(network, addr string) (net.Conn, error) {
	return func(network, addr string) (net.Conn, error) {
		d := net.Dialer{Timeout: timeout}
		raw, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		deadline := time.Now().Add(timeout)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		if err := raw.SetDeadline(deadline); err != nil {
			raw.Close()
			return nil, err
		}
		stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Now()) })
		conn := raw
		if tlsConfig != nil {
			tc := tls.Client(raw, tlsConfig)
			if err := tc.HandshakeContext(ctx); err != nil {
				stop()
				raw.Close()
				return nil, fmt.Errorf("TLS handshake: %w", err)
			}
			conn = tc
		}
		return &handshakeConn{Conn: newPropertyWriter(newBatchWriter(conn)), stop: stop}, nil
	}
}

// handshakeConn stops watching the dial context at the first deadline
// reset, which amqp091-go makes when the handshake is done.
type handshakeConn struct {
	net.Conn
	stop    func() bool
	stopped atomic.Bool
}

func (c *handshakeConn) SetDeadline(t time.Time) error {
	if t.IsZero() && c.stopped.CompareAndSwap(false, true) {
		c.stop()
	}
	return c.Conn.SetDeadline(t)
}

// watch marks the session lost when the connection closes.
func (s *session) watch(closes chan *amqp.Error) {
	err, ok := <-closes
	if ok && err != nil {
		s.lostErr = brokerError(err)
	} else {
		s.lostErr = ErrClosed
	}
	s.cfg.logger.Warn("kombugen: connection lost", "url", s.url.redacted, "error", s.lostErr)
	close(s.lost)
}

// alive reports whether the connection is still open.
func (s *session) alive() bool {
	select {
	case <-s.lost:
		return false
	default:
		return true
	}
}

// lostError is the error for an operation that found the session gone.
func (s *session) lostError() error {
	<-s.lost
	if s.lostErr == ErrClosed {
		return ErrClosed
	}
	return fmt.Errorf("%w: %v", ErrConnectionLost, s.lostErr)
}

// confirmChannel returns a live confirm-mode channel, taking them in turn
// and reopening one that the broker closed.
func (s *session) confirmChannel(ctx context.Context) (*confirmChannel, error) {
	slot := &s.confirms[int(s.next.Add(1))%len(s.confirms)]
	return slot.get(ctx, s, (*confirmChannel).alive, func() (*confirmChannel, error) {
		return openConfirmChannel(s)
	})
}

// plainChannel returns the channel for publishes that wait for no confirm.
func (s *session) plainChannel(ctx context.Context) (*plainChannel, error) {
	return s.plain.get(ctx, s, func(pc *plainChannel) bool { return channelOpen(pc.ch) }, func() (*plainChannel, error) {
		ch, err := s.conn.Channel()
		if err != nil {
			return nil, err
		}
		return &plainChannel{ch: ch, turn: make(chan struct{}, 1)}, nil
	})
}

// adminChannel returns the channel declares go on.
func (s *session) adminChannel(ctx context.Context) (*amqp.Channel, error) {
	return s.admin.get(ctx, s, channelOpen, s.conn.Channel)
}

func channelOpen(ch *amqp.Channel) bool { return !ch.IsClosed() }

// channelError is the error for a channel that could not be opened: the
// connection's loss when that is the cause.
func (s *session) channelError(err error) error {
	if !s.alive() {
		return s.lostError()
	}
	return fmt.Errorf("open channel: %w", brokerError(err))
}

// publish sends msg: on a confirm-mode channel when the broker's answer
// matters (a confirm, or a return to pair with its publish), else on a plain
// channel.
func (s *session) publish(ctx context.Context, msg *Publishing) error {
	if msg.Confirm || msg.Mandatory {
		cc, err := s.confirmChannel(ctx)
		if err != nil {
			return err
		}
		return cc.publish(ctx, msg)
	}
	pc, err := s.plainChannel(ctx)
	if err != nil {
		return err
	}
	return pc.publish(ctx, s, msg)
}

// close closes the connection, waiting at most until deadline for the
// broker's answer, and for the channels' goroutines.
func (s *session) close(deadline time.Time) error {
	// CloseDeadline's socket deadline does not hold for reads: amqp091-go's
	// heartbeater moves the read deadline on with every frame the broker
	// sends, and a broker that blocks the connection (an alarm) keeps
	// sending heartbeats but never reads our connection.close. Closing the
	// socket at the deadline ends the wait for the close-ok.
	expire := time.AfterFunc(time.Until(deadline), func() {
		if s.netConn != nil {
			s.netConn.Close()
		}
	})
	defer expire.Stop()
	err := s.conn.CloseDeadline(deadline)
	<-s.lost
	s.background.Wait()
	for i := range s.confirms {
		if cc, ok := s.confirms[i].current(); ok {
			<-cc.done
		}
	}
	if err != nil && err != amqp.ErrClosed {
		return brokerError(err)
	}
	return nil
}
