package runtime

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// isClosed reports whether ch is closed, without waiting.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// TestConfirmationDone checks Done, Err and Wait on each side of the
// outcome: a channel asked for before the outcome is closed by it, one
// asked for after is closed already, and both give the same outcome.
func TestConfirmationDone(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name        string
		askedBefore bool
		outcome     error
	}{
		{"asked before, success", true, nil},
		{"asked before, failure", true, boom},
		{"asked after, success", false, nil},
		{"asked after, failure", false, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConfirmation()
			var before <-chan struct{}
			if tc.askedBefore {
				before = c.Done()
				if isClosed(before) {
					t.Fatal("Done is closed before the outcome")
				}
				if c.isDone() {
					t.Fatal("isDone before the outcome")
				}
			}
			c.complete(tc.outcome)
			c.complete(errors.New("a second outcome, ignored"))
			if before != nil && !isClosed(before) {
				t.Error("the Done asked for before the outcome is not closed")
			}
			if !isClosed(c.Done()) {
				t.Error("Done after the outcome is not closed")
			}
			if !c.isDone() {
				t.Error("isDone is false after the outcome")
			}
			if err := c.Err(); err != tc.outcome {
				t.Errorf("Err = %v, want %v", err, tc.outcome)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the outcome wins over a ctx that has ended
			if err := c.Wait(ctx); err != tc.outcome {
				t.Errorf("Wait = %v, want %v", err, tc.outcome)
			}
		})
	}
}

// TestConfirmationWaitEndsWithCtx checks that a Wait whose ctx ends first
// returns ctx's error, and that the confirmation is done later all the same.
func TestConfirmationWaitEndsWithCtx(t *testing.T) {
	c := newConfirmation()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	c.complete(nil)
	if err := c.Wait(context.Background()); err != nil {
		t.Fatalf("Wait after the outcome = %v", err)
	}
}

// TestConfirmationConcurrentWaiters runs waiters, Done callers and the
// outcome at once (under -race): every waiter wakes with the outcome.
func TestConfirmationConcurrentWaiters(t *testing.T) {
	for range 100 {
		c := newConfirmation()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					<-c.Done()
					errs <- c.Err()
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				errs <- c.Wait(ctx)
			}()
		}
		c.complete(nil)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("a waiter got %v", err)
			}
		}
	}
}
