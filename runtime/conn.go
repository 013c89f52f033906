package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Conn is a connection to RabbitMQ that producers publish through. It
// implements Transport over amqp091-go: declares go on a channel of their
// own, publishes on a few long-lived channels with many confirms in flight,
// and when the connection is lost the next operation connects again, moving
// round-robin through the broker URLs (kombu's failover). A Conn is safe
// for concurrent use; the package documentation's Concurrency section says
// which goroutine owns what.
type Conn struct {
	cfg  dialConfig
	urls []brokerURL

	// life ends when Close is called: it bounds the dialer and every
	// goroutine of the Conn's.
	life context.Context
	stop context.CancelFunc
	// goroutines are the Conn's own, waited for by Close.
	goroutines group
	callbacks  *dispatcher

	mu      sync.Mutex
	sess    *session
	dialing *dialAttempt
	next    int // index of the URL to try first on the next dial
	closed  bool
}

// closeTimeout bounds how long Close waits for the broker to answer.
const closeTimeout = 5 * time.Second

// Dial connects to the broker at url, or to the first one that answers in a
// kombu failover list of URLs separated by ';'. ctx bounds the wait: when it
// ends first, Dial returns an error matching ctx's error. A URL that cannot
// be read without guessing (a password holding a raw ';', '/', '?' or '#',
// or no "//" after the scheme) is refused with ErrInvalidURL. Errors show
// URLs without their password.
func Dial(ctx context.Context, url string, opts ...DialOption) (*Conn, error) {
	cfg := defaultDialConfig()
	for _, o := range opts {
		o(&cfg)
	}
	urls, err := parseURLs(append([]string{url}, cfg.failover...)...)
	cfg.failover = nil // the raw URLs live in urls alone, never printed
	if err != nil {
		return nil, err
	}
	c := &Conn{cfg: cfg, urls: urls}
	c.life, c.stop = context.WithCancel(context.Background())
	c.callbacks = newDispatcher(&c.goroutines)
	if _, err := c.session(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Publish implements Transport: it declares what msg needs on the
// connection it will go out on, hands msg to a publishing channel and
// returns its confirmation. It blocks while connecting and declaring, while
// the broker blocks publishing (unless WithFailWhenBlocked), and while the
// channel's confirm window is full, each no longer than ctx allows.
func (c *Conn) Publish(ctx context.Context, msg *Publishing) *Confirmation {
	for tries := 0; ; tries++ {
		s, err := c.session(ctx)
		if err != nil {
			return failed(err)
		}
		err = s.declareAll(ctx, msg.Declare)
		if errors.Is(err, errNotSent) && tries < maxResubmits {
			continue
		}
		if err != nil {
			return failed(err)
		}
		conf, err := s.publish(ctx, msg)
		if errors.Is(err, errNotSent) && tries < maxResubmits {
			continue // the connection died before the message was handed over
		}
		if err != nil {
			return failed(err)
		}
		return conf
	}
}

// maxResubmits bounds how often an operation that found its connection
// dead before sending anything moves to a new one by itself.
const maxResubmits = 2

// Declare implements Transport.
func (c *Conn) Declare(ctx context.Context, e Entity) error {
	_, err := c.declare(ctx, e, false)
	return err
}

// MaybeDeclare implements Transport.
func (c *Conn) MaybeDeclare(ctx context.Context, e Entity) (bool, error) {
	return c.declare(ctx, e, true)
}

func (c *Conn) declare(ctx context.Context, e Entity, once bool) (bool, error) {
	if ex, ok := e.(*Exchange); ok && ex.Predeclared() {
		return false, nil
	}
	for tries := 0; ; tries++ {
		s, err := c.session(ctx)
		if err != nil {
			return false, fmt.Errorf("declare %s: %w", describe(e), err)
		}
		declared, err := s.declare(ctx, e, once)
		if errors.Is(err, errNotSent) && tries < maxResubmits {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("declare %s: %w", describe(e), err)
		}
		return declared, nil
	}
}

// Close closes the connection, waiting up to 5s for the broker to answer.
// Publishes waiting for a confirm fail with an error matching ErrClosed, as
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
	c.stop()

	var err error
	if s != nil {
		deadline, ok := ctx.Deadline()
		if !ok {
			deadline = time.Now().Add(closeTimeout)
		}
		err = s.close(deadline)
	}
	c.goroutines.closeAndWait()
	if err != nil {
		return fmt.Errorf("close connection to %s: %w", s.url, err)
	}
	return nil
}

// String describes the Conn without any password: the broker URLs it uses.
func (c *Conn) String() string {
	if c == nil {
		return "runtime.Conn(nil)"
	}
	urls := make([]string, len(c.urls))
	for i, u := range c.urls {
		urls[i] = u.redacted
	}
	return "runtime.Conn(" + strings.Join(urls, ";") + ")"
}

// GoString is String, for %#v.
func (c *Conn) GoString() string { return c.String() }

// Format writes String for every verb, so that no verb prints the Conn's
// fields, which hold the URLs with their passwords.
func (c *Conn) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// LogValue is String, for log/slog.
func (c *Conn) LogValue() slog.Value { return slog.StringValue(c.String()) }

// lifetime ends when the Conn is closed, so that a producer sleeping
// before a retry wakes at once.
func (c *Conn) lifetime() context.Context { return c.life }

// describe names an entity for errors: exchange "orders".
func describe(e Entity) string {
	switch e := e.(type) {
	case *Exchange:
		return fmt.Sprintf("exchange %q", e.Name)
	case *Queue:
		return fmt.Sprintf("queue %q", e.Name)
	}
	return e.DeclareKey()
}
