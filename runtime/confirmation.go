package runtime

import (
	"context"
	"errors"
	"sync"
)

// Confirmation is the outcome of one publish, to wait for: PublishAsync
// returns it as soon as the message is on its way, and it is done when the
// broker confirmed the message (nil), refused it, or the publish failed for
// good. Retries, and republishing after a lost confirm, happen before it is
// done, so its error is final. A Confirmation is safe for concurrent use.
type Confirmation struct {
	mu sync.Mutex
	// done is made by the first wait that finds the publish not done, and
	// closed when it is: most confirmations of a stream of asynchronous
	// publishes are done before anyone waits, and never need one.
	done chan struct{}
	err  error
	then func(error) // a continuation of the runtime's, run when done
	over bool        // done (set under mu, before done is closed)
	// retrying is the failure a retry is under way for, which a wait that
	// ends early reports with its context's error.
	retrying error
	// judge, when set, decides first whether an outcome is final: the
	// producer's retry policy, on the transport's confirmation.
	judge judge
}

// judge decides whether a try's outcome is the publish's: done with final,
// or not done, a retry being under way, which completes the confirmation
// later.
type judge interface {
	verdict(err error) (final error, done bool)
}

// Settled returns a Confirmation that is done already, with err as its
// outcome (nil for success): what a Transport that knows the outcome at
// once returns, and what a publish that cannot start returns.
func Settled(err error) *Confirmation {
	c := newConfirmation()
	c.complete(err)
	return c
}

func newConfirmation() *Confirmation { return new(Confirmation) }

// closedDone is the Done channel of a Confirmation that was done before
// anyone asked for its channel.
var closedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// failed is Settled, for an error.
func failed(err error) *Confirmation { return Settled(err) }

// Done returns a channel that is closed when the publish's outcome is known.
func (c *Confirmation) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.doneLocked()
}

// doneLocked is Done, with mu held.
func (c *Confirmation) doneLocked() chan struct{} {
	if c.done == nil {
		if c.over {
			return closedDone
		}
		c.done = make(chan struct{})
	}
	return c.done
}

// isDone reports whether the outcome is known.
func (c *Confirmation) isDone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.over
}

// Err returns the publish's outcome once Done is closed: nil when the broker
// confirmed the message (or, without confirms, once it was handed to the connection), else
// why it failed. Before that it returns nil.
func (c *Confirmation) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Wait waits for the outcome, or for ctx to end, and returns the outcome or
// ctx's error (joined with the failure being retried, if a retry is under
// way). A publish whose caller stopped waiting goes on: ctx here only
// bounds the wait (the ctx given to PublishAsync bounds the publish).
func (c *Confirmation) Wait(ctx context.Context) error {
	c.mu.Lock()
	if c.over {
		err := c.err
		c.mu.Unlock()
		return err
	}
	done := c.doneLocked()
	c.mu.Unlock()
	select {
	case <-done:
		return c.Err()
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.over {
			return c.err
		}
		if c.retrying != nil {
			return errors.Join(ctx.Err(), c.retrying)
		}
		return ctx.Err()
	}
}

// retry records that err is being retried.
func (c *Confirmation) retry(err error) {
	c.mu.Lock()
	c.retrying = err
	c.mu.Unlock()
}

// AfterFunc arranges to call fn, in a goroutine of its own, with the
// outcome once the publish is done, as context.AfterFunc does for a
// context: for middleware that records outcomes without holding up the
// goroutine that reads the broker's confirms.
func (c *Confirmation) AfterFunc(fn func(err error)) {
	c.onDone(func(err error) { go fn(err) })
}

// onDone runs fn with the outcome when c is done: at once, on the calling
// goroutine, if it is done already, else on the goroutine that completes
// it, which fn must not hold up. Continuations run in the order given.
func (c *Confirmation) onDone(fn func(error)) {
	c.mu.Lock()
	if !c.over {
		if c.then != nil {
			prev := c.then
			c.then = func(err error) { prev(err); fn(err) }
		} else {
			c.then = fn
		}
		c.mu.Unlock()
		return
	}
	err := c.err
	c.mu.Unlock()
	fn(err)
}

// intercept makes j judge c's outcome before c is done, reporting false
// when c is done already. j judges once: what completes c after it said
// not done is final.
func (c *Confirmation) intercept(j judge) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.over {
		return false
	}
	c.judge = j
	return true
}

// complete records the outcome and wakes the waiters, once.
func (c *Confirmation) complete(err error) {
	c.mu.Lock()
	if c.over {
		c.mu.Unlock()
		return
	}
	if j := c.judge; j != nil {
		c.judge = nil
		c.mu.Unlock()
		final, done := j.verdict(err)
		if !done {
			return
		}
		err = final
		c.mu.Lock()
	}
	c.over, c.err = true, err
	then, done := c.then, c.done
	c.then = nil
	c.mu.Unlock()
	if done != nil {
		close(done)
	}
	if then != nil {
		then(err)
	}
}
