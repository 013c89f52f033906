package amqpwire

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Dialer makes the sockets amqp091-go runs connections over, with the
// shims in place, one Handshake per connection.
type Dialer struct {
	// Timeout bounds the TCP connect and the TLS and AMQP handshakes
	// together, as a deadline on the socket; 0 sets no bound but the
	// Handshake's ctx.
	Timeout time.Duration
	// TLSConfig, when set, makes the Handshake do the TLS handshake itself,
	// so that the shims see the AMQP frames in clear: give amqp091-go an
	// amqp:// URL then. An empty ServerName is taken from the address.
	TLSConfig *tls.Config
	// FlushTimeout bounds Conn.Close's flush (0: DefaultFlushTimeout).
	FlushTimeout time.Duration
	// NetDial makes the network connection; nil means a net.Dialer's
	// DialContext. A test gives its fake broker's.
	NetDial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Handshake is one connection's handshake phase: from the dial to the end
// of amqp091-go's AMQP handshake. While it lasts, the socket carries the
// Dialer's deadline and ctx is watched: when ctx ends, the socket's
// deadline moves to the past, which fails whatever amqp091-go is reading or
// writing at once. End ends the phase.
//
//	h := dialer.Handshake(ctx)
//	conn, err := amqp.DialConfig(url, amqp.Config{Dial: h.Dial, ...})
//	if endErr := h.End(); endErr != nil { ... } // ctx ended the handshake
type Handshake struct {
	d   Dialer
	ctx context.Context

	mu      sync.Mutex
	dialled bool
	ended   bool
	endErr  error
	conn    *Conn
	stop    func() bool // stops watching ctx
}

// Handshake begins a connection's handshake phase under ctx.
func (d *Dialer) Handshake(ctx context.Context) *Handshake {
	return &Handshake{d: *d, ctx: ctx}
}

// errDialled is Dial's error when amqp091-go dials twice in one handshake.
var errDialled = errors.New("amqpwire: one dial per handshake")

// Dial has the shape of amqp.Config.Dial. It connects under the
// Handshake's ctx and the Dialer's Timeout, does the TLS handshake when
// the Dialer has a TLS configuration, and returns a Conn, with the
// deadline and the watch on ctx in place until End.
func (h *Handshake) Dial(network, addr string) (net.Conn, error) {
	h.mu.Lock()
	if h.dialled || h.ended {
		h.mu.Unlock()
		return nil, errDialled
	}
	h.dialled = true
	h.mu.Unlock()

	var deadline time.Time
	if h.d.Timeout > 0 {
		deadline = time.Now().Add(h.d.Timeout)
	}
	if d, ok := h.ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	dialCtx := h.ctx
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		dialCtx, cancel = context.WithDeadline(h.ctx, deadline)
		defer cancel()
	}
	netDial := h.d.NetDial
	if netDial == nil {
		netDial = (&net.Dialer{}).DialContext
	}
	raw, err := netDial(dialCtx, network, addr)
	if err != nil {
		return nil, err
	}
	if !deadline.IsZero() {
		if err := raw.SetDeadline(deadline); err != nil {
			raw.Close()
			return nil, err
		}
	}
	stop := context.AfterFunc(h.ctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	socket := raw
	if h.d.TLSConfig != nil {
		cfg := h.d.TLSConfig
		if cfg.ServerName == "" {
			cfg = cfg.Clone()
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		tc := tls.Client(raw, cfg)
		if err := tc.HandshakeContext(dialCtx); err != nil {
			stop()
			raw.Close()
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		socket = tc
	}
	c := NewConn(socket, h.d.FlushTimeout)
	if !deadline.IsZero() {
		c.holdsHandshakeDeadline()
	}
	h.mu.Lock()
	h.conn, h.stop = c, stop
	h.mu.Unlock()
	return c, nil
}

// Conn returns the Conn Dial made, nil if it made none.
func (h *Handshake) Conn() *Conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conn
}

// End ends the handshake phase, once amqp.DialConfig returned: it stops
// watching ctx and lifts what is left of the Dialer's deadline (amqp091-go
// lifts it itself when the handshake succeeds; a deadline amqp091-go set
// since, its heartbeater's, stays). It returns ctx's error when ctx ended
// the handshake, or ended before the dial: the connection is then
// unusable, even if DialConfig succeeded, and the caller closes it.
// Otherwise it returns nil, and DialConfig's error says what went wrong.
// Calling End again returns the same.
func (h *Handshake) End() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ended {
		return h.endErr
	}
	h.ended = true
	switch {
	case h.stop != nil && !h.stop():
		// The watch fired: ctx moved the deadline.
		h.endErr = h.ctx.Err()
	case h.stop == nil && h.ctx.Err() != nil:
		h.endErr = h.ctx.Err()
	}
	if h.conn != nil && h.endErr == nil {
		h.conn.clearHandshakeDeadline()
	}
	return h.endErr
}
