package runtime

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// dialAttempt is one round of connecting, run by the Conn's dialer
// goroutine; callers that need a connection wait for it, each on its own
// context, and share its outcome.
type dialAttempt struct {
	done chan struct{}
	sess *session
	err  error
}

// session returns the live session, connecting when there is none. The
// connecting belongs to the Conn: it runs in a goroutine of its own under
// the Conn's lifetime and the connect timeout, one round at a time, so a
// caller whose ctx ends stops waiting without stopping it, and its error is
// never one caller's context error.
func (c *Conn) session(ctx context.Context) (*session, error) {
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, ErrClosed
		}
		if s := c.sess; s != nil && s.alive() {
			c.mu.Unlock()
			return s, nil
		}
		d := c.dialing
		if d == nil {
			d = &dialAttempt{done: make(chan struct{})}
			start := c.next
			if !c.goroutines.Go(func() { c.dial(d, start) }) {
				c.mu.Unlock()
				return nil, ErrClosed
			}
			c.dialing = d
		}
		c.mu.Unlock()

		select {
		case <-d.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("connect: %w", ctx.Err())
		}
		if d.err != nil {
			return nil, d.err
		}
		// The session may already be gone again: look once more.
	}
}

// dial runs one round of connecting and publishes its outcome.
func (c *Conn) dial(d *dialAttempt, start int) {
	s, err := c.connect(start)
	c.mu.Lock()
	c.dialing = nil
	if err == nil && c.closed {
		c.mu.Unlock()
		s.close(time.Now())
		c.mu.Lock()
		s, err = nil, ErrClosed
	}
	if err == nil {
		c.sess = s
	}
	d.sess, d.err = s, err
	c.mu.Unlock()
	close(d.done)
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
func (c *Conn) connect(start int) (*session, error) {
	var errs []error
	for _, idx := range c.order(start) {
		u := c.urls[idx]
		s, err := dialSession(c.life, u, c)
		if err == nil {
			c.mu.Lock()
			c.next = idx + 1
			c.mu.Unlock()
			c.cfg.logger.Info("kombugen: connected", "url", u.redacted)
			return s, nil
		}
		if c.life.Err() != nil {
			return nil, ErrClosed
		}
		err = fmt.Errorf("dial %s: %w", u.redacted, err)
		c.cfg.logger.Warn("kombugen: connect failed", "url", u.redacted, "error", err)
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("%w: %w", ErrUnreachable, errors.Join(errs...))
}
