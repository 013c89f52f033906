package runtime

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Conn is a connection to RabbitMQ that producers publish through. It
// implements Transport over amqp091-go: declares go on a channel of their
// own, publishes on a few long-lived confirm-mode channels with many
// confirms in flight, and when the connection is lost the next operation
// connects again, moving round-robin through the broker URLs (kombu's
// failover). A Conn is safe for concurrent use.
type Conn struct {
	cfg     dialConfig
	urls    []brokerURL
	returns *returnDispatcher

	// closing ends dials and waits when Close is called.
	closing context.Context
	cancel  context.CancelFunc

	mu      sync.Mutex
	sess    *session
	dialing *dialAttempt
	next    int // index of the URL to try first on the next dial
	closed  bool
	epochs  uint64 // sessions made so far
}

// dialAttempt lets callers that need a connection while another is dialing
// wait for that dial and share its outcome.
type dialAttempt struct {
	done chan struct{}
	sess *session
	err  error
}

// closeTimeout bounds how long Close waits for the broker to answer.
const closeTimeout = 5 * time.Second

// Dial connects to the broker at url, or to the first one that answers in a
// kombu failover list of URLs separated by ';'. ctx bounds the connecting.
// Errors show URLs without their password.
func Dial(ctx context.Context, url string, opts ...DialOption) (*Conn, error) {
	cfg := defaultDialConfig()
	for _, o := range opts {
		o(&cfg)
	}
	urls, err := parseURLs(append([]string{url}, cfg.urls...)...)
	if err != nil {
		return nil, err
	}
	c := &Conn{cfg: cfg, urls: urls, returns: newReturnDispatcher()}
	c.closing, c.cancel = context.WithCancel(context.Background())
	if _, err := c.session(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Publish implements Transport.
func (c *Conn) Publish(ctx context.Context, msg *Publishing) error {
	s, err := c.session(ctx)
	if err != nil {
		return err
	}
	return s.publish(ctx, msg)
}

// Declare implements Transport.
func (c *Conn) Declare(ctx context.Context, e Entity) error {
	s, err := c.session(ctx)
	if err != nil {
		return err
	}
	_, err = s.declare(ctx, e, false)
	return err
}

// MaybeDeclare implements Transport.
func (c *Conn) MaybeDeclare(ctx context.Context, e Entity) (bool, error) {
	s, err := c.session(ctx)
	if err != nil {
		return false, err
	}
	return s.declare(ctx, e, true)
}

// Close closes the connection, waiting up to 5s for the broker to answer.
// Publishes waiting for a confirm return an error matching ErrClosed, as
// does every call after Close. Closing again does nothing.
func (c *Conn) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	return c.Shutdown(ctx)
}

// Shutdown is Close with a deadline of the caller's: when ctx ends first the
// socket is closed without waiting for the broker.
func (c *Conn) Shutdown(ctx context.Context) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	s := c.sess
	c.sess = nil
	c.mu.Unlock()
	c.cancel()

	var err error
	if s != nil {
		deadline, ok := ctx.Deadline()
		if !ok {
			deadline = time.Now().Add(closeTimeout)
		}
		err = s.close(deadline)
	}
	c.returns.stop()
	if err != nil {
		return fmt.Errorf("close connection to %s: %w", s.url.redacted, err)
	}
	return nil
}

// session returns the live session, connecting when there is none.
func (c *Conn) session(ctx context.Context) (*session, error) {
	c.mu.Lock()
	for {
		if c.closed {
			c.mu.Unlock()
			return nil, ErrClosed
		}
		if c.sess != nil && c.sess.alive() {
			s := c.sess
			c.mu.Unlock()
			return s, nil
		}
		if c.dialing == nil {
			break
		}
		d := c.dialing
		c.mu.Unlock()
		select {
		case <-d.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if d.err != nil {
			return nil, d.err
		}
		c.mu.Lock()
	}
	d := &dialAttempt{done: make(chan struct{})}
	c.dialing = d
	start := c.next
	c.mu.Unlock()

	d.sess, d.err = c.connect(ctx, start)

	c.mu.Lock()
	c.dialing = nil
	if d.err == nil && c.closed {
		d.sess.close(time.Now())
		d.sess, d.err = nil, ErrClosed
	}
	if d.err == nil {
		c.epochs++
		d.sess.epoch = c.epochs
		c.sess = d.sess
	}
	c.mu.Unlock()
	close(d.done)
	return d.sess, d.err
}

// order is the order a dial tries the URLs in: round-robin from start, or
// shuffled.
func (c *Conn) order(start int) []int {
	n := len(c.urls)
	if c.cfg.shuffle {
		return rand.Perm(n)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = (start + i) % n
	}
	return order
}

// connect tries each URL once, starting at start, and returns the first
// session that opens. The next dial will start at the URL after it.
func (c *Conn) connect(ctx context.Context, start int) (*session, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(c.closing, cancel)
	defer stop()

	var errs []error
	for _, idx := range c.order(start) {
		u := c.urls[idx]
		s, err := dialSession(ctx, u, &c.cfg, c.returns.dispatch)
		if err == nil {
			c.mu.Lock()
			c.next = idx + 1
			c.mu.Unlock()
			c.cfg.logger.Info("kombugen: connected", "url", u.redacted)
			return s, nil
		}
		if c.closing.Err() != nil {
			return nil, ErrClosed
		}
		err = fmt.Errorf("dial %s: %w", u.redacted, err)
		c.cfg.logger.Warn("kombugen: connect failed", "url", u.redacted, "error", err)
		errs = append(errs, err)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", ctx.Err(), errors.Join(errs...))
		}
	}
	return nil, fmt.Errorf("%w: %w", ErrUnreachable, errors.Join(errs...))
}
