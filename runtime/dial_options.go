package runtime

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"time"
)

// DialOption configures a Conn.
type DialOption func(*dialConfig)

type dialConfig struct {
	// failover are WithFailover's lists, parsed by Dial and then dropped.
	failover        []string
	heartbeat       time.Duration
	connectTimeout  time.Duration
	confirmWindow   int
	publishChannels int
	connectionName  string
	logger          *slog.Logger
	tlsConfig       *tls.Config
	failWhenBlocked bool
	shuffle         bool
	// dial opens the socket; tests put a scripted broker behind it.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func defaultDialConfig() dialConfig {
	return dialConfig{
		heartbeat:       10 * time.Second,
		connectTimeout:  10 * time.Second,
		confirmWindow:   1024,
		publishChannels: 2,
		logger:          slog.New(slog.DiscardHandler),
		dial:            netDial,
	}
}

// WithFailover adds broker URLs to fail over to, after the ones given to
// Dial; each may itself be a ';'-separated list.
func WithFailover(urls ...string) DialOption {
	return func(c *dialConfig) { c.failover = append(c.failover, urls...) }
}

// WithHeartbeat sets the AMQP heartbeat interval (default 10s), which is how
// fast a silently dead connection is noticed.
func WithHeartbeat(d time.Duration) DialOption {
	return func(c *dialConfig) { c.heartbeat = d }
}

// WithConnectTimeout bounds the TCP connect, TLS and AMQP handshake with
// one broker (default 10s; 0 or less keeps the default). Callers wait no
// longer than their own context allows.
func WithConnectTimeout(d time.Duration) DialOption {
	return func(c *dialConfig) {
		if d > 0 {
			c.connectTimeout = d
		}
	}
}

// WithConfirmWindow sets how many publishes may be on their way on one
// channel at once, queued or awaiting their confirm (default 1024). More
// let more messages pipeline; each waits longer to be acked when the
// broker is slow. PublishAsync blocks while the window is full.
func WithConfirmWindow(n int) DialOption {
	return func(c *dialConfig) { c.confirmWindow = max(n, 1) }
}

// WithPublishChannels sets how many confirm-mode channels publishes are
// spread over (default 2).
func WithPublishChannels(n int) DialOption {
	return func(c *dialConfig) { c.publishChannels = max(n, 1) }
}

// WithConnectionName sets the name the broker's management UI shows for the
// connection.
func WithConnectionName(name string) DialOption {
	return func(c *dialConfig) { c.connectionName = name }
}

// WithLogger sends the Conn's log records (connects, losses, reconnects) to
// l; nil, like the default, logs nothing. URLs are logged without their
// password.
func WithLogger(l *slog.Logger) DialOption {
	return func(c *dialConfig) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		c.logger = l
	}
}

// WithTLSConfig sets the TLS configuration for amqps URLs. Without it one is
// made from the URL's cacertfile, certfile, keyfile and
// server_name_indication parameters and the system's roots.
func WithTLSConfig(cfg *tls.Config) DialOption {
	return func(c *dialConfig) { c.tlsConfig = cfg }
}

// WithFailWhenBlocked makes Publish return ErrBlocked at once while the
// broker blocks publishing (a memory or disk alarm), instead of waiting for
// the alarm to clear or the context to end.
func WithFailWhenBlocked() DialOption {
	return func(c *dialConfig) { c.failWhenBlocked = true }
}

// WithShuffle makes every reconnect try the broker URLs in a new random
// order (kombu's failover_strategy="shuffle"), so that many publishers
// spread over a cluster instead of all moving to the next URL together. By
// default URLs are taken round-robin.
func WithShuffle() DialOption {
	return func(c *dialConfig) { c.shuffle = true }
}
