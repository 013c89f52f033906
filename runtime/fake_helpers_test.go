package runtime

import (
	"context"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/fakebroker"
)

// fakeURL is the URL tests dial the scripted broker with; the host is
// never resolved.
const fakeURL = "amqp://guest:guest@fakebroker/"

// withFake makes a Conn dial b instead of the network.
func withFake(b *fakebroker.Broker) DialOption {
	return func(c *dialConfig) { c.dial = b.DialContext }
}

// dialFake connects a Conn to b, closed when the test ends.
func dialFake(t *testing.T, b *fakebroker.Broker, opts ...DialOption) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, fakeURL, append([]DialOption{withFake(b)}, opts...)...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// background runs f on a goroutine and returns its outcome, to wait for
// with outcome.
func background(f func() error) chan error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	return ch
}

// outcome waits for a background call's error, failing the test when it
// does not come: a guard against a hang, not a measure.
func outcome(t *testing.T, ch chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return")
		return nil
	}
}

// pendingFor requires that a background call has not returned yet: it
// cannot have, since what it waits for was not sent.
func pendingFor(t *testing.T, ch chan error, what string) {
	t.Helper()
	select {
	case err := <-ch:
		t.Fatalf("returned %v before %s", err, what)
	default:
	}
}

// publishOf matches a basic.publish whose body is body.
func publishOf(body string) fakebroker.Match {
	return fakebroker.Is[*fakebroker.BasicPublish](func(p *fakebroker.BasicPublish) bool {
		return string(p.Content.Body) == body
	})
}

// settledNow reports whether c is done.
func settledNow(c *Confirmation) bool {
	select {
	case <-c.Done():
		return true
	default:
		return false
	}
}

// waitDone waits for c, failing the test when it does not come.
func waitDone(t *testing.T, c *Confirmation) error {
	t.Helper()
	select {
	case <-c.Done():
		return c.Err()
	case <-time.After(10 * time.Second):
		t.Fatal("the confirmation is not done")
		return nil
	}
}
