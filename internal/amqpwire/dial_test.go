package amqpwire_test

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/amqpwire"
	"github.com/kombugen/kombugen/internal/fakebroker"
)

// deadlines records the deadlines set on a socket.
type deadlines struct {
	net.Conn
	mu          sync.Mutex
	read, write time.Time
}

func (d *deadlines) SetDeadline(t time.Time) error {
	d.mu.Lock()
	d.read, d.write = t, t
	d.mu.Unlock()
	return d.Conn.SetDeadline(t)
}

func (d *deadlines) SetReadDeadline(t time.Time) error {
	d.mu.Lock()
	d.read = t
	d.mu.Unlock()
	return d.Conn.SetReadDeadline(t)
}

func (d *deadlines) SetWriteDeadline(t time.Time) error {
	d.mu.Lock()
	d.write = t
	d.mu.Unlock()
	return d.Conn.SetWriteDeadline(t)
}

func (d *deadlines) get() (read, write time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.read, d.write
}

// recording returns a NetDial through b that keeps the socket it made.
func recording(b *fakebroker.Broker, sock **deadlines) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := b.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		*sock = &deadlines{Conn: c}
		return *sock, nil
	}
}

// dialAsync runs DialConfig through h on a goroutine of its own.
func dialAsync(h *amqpwire.Handshake) <-chan error {
	done := make(chan error, 1)
	go func() {
		conn, err := amqp.DialConfig("amqp://guest:guest@fake/", amqp.Config{Dial: h.Dial})
		if err == nil {
			conn.Close()
		}
		done <- err
	}()
	return done
}

// TestHandshakeEndsWithCtx cancels ctx while the broker holds
// connection.tune: the handshake fails at once, and End says why.
func TestHandshakeEndsWithCtx(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	hold := b.Hold(fakebroker.Is[*fakebroker.ConnectionStartOK]())
	ctx, cancel := context.WithCancel(context.Background())
	d := amqpwire.Dialer{NetDial: b.DialContext}
	h := d.Handshake(ctx)
	done := dialAsync(h)
	hold.Event()
	cancel()
	if err := <-done; err == nil {
		t.Fatal("DialConfig succeeded with its ctx cancelled")
	}
	if err := h.End(); !errors.Is(err, context.Canceled) {
		t.Errorf("End = %v, want %v", err, context.Canceled)
	}
}

// TestHandshakeTimeout holds connection.tune past the Dialer's Timeout:
// the handshake fails, and End, whose ctx is alive, reports nothing.
func TestHandshakeTimeout(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	b.Hold(fakebroker.Is[*fakebroker.ConnectionStartOK]())
	d := amqpwire.Dialer{NetDial: b.DialContext, Timeout: 20 * time.Millisecond}
	h := d.Handshake(context.Background())
	if err := <-dialAsync(h); err == nil {
		t.Fatal("DialConfig succeeded past its timeout")
	}
	if err := h.End(); err != nil {
		t.Errorf("End = %v, want nil", err)
	}
}

// TestEndStopsWatchingCtx ends the handshake, then cancels its ctx: the
// connection goes on working.
func TestEndStopsWatchingCtx(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	d := amqpwire.Dialer{NetDial: b.DialContext, Timeout: time.Minute}
	h := d.Handshake(ctx)
	conn, err := amqp.DialConfig("amqp://guest:guest@fake/", amqp.Config{Dial: h.Dial})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := h.End(); err != nil {
		t.Fatal(err)
	}
	cancel()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.ExchangeDeclare("x", "direct", true, false, false, false, nil); err != nil {
		t.Fatalf("declare after the handshake's ctx ended: %v", err)
	}
}

// TestCtxEndedBeforeEnd cancels ctx after DialConfig returned but before
// End: the socket's deadline moved, so End reports ctx's error.
func TestCtxEndedBeforeEnd(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	d := amqpwire.Dialer{NetDial: b.DialContext}
	h := d.Handshake(ctx)
	conn, err := amqp.DialConfig("amqp://guest:guest@fake/", amqp.Config{Dial: h.Dial})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cancel()
	if err := h.End(); !errors.Is(err, context.Canceled) {
		t.Errorf("End = %v, want %v", err, context.Canceled)
	}
	if err := h.End(); !errors.Is(err, context.Canceled) {
		t.Errorf("End again = %v, want the same", err)
	}
}

// TestEndLiftsOnlyTheHandshakeDeadline checks End's deadline keeping: what
// is left of the handshake's deadline goes, one set since stays.
func TestEndLiftsOnlyTheHandshakeDeadline(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	var sock *deadlines
	d := amqpwire.Dialer{NetDial: recording(b, &sock), Timeout: time.Minute}

	h := d.Handshake(context.Background())
	c, err := h.Dial("tcp", "fake:5672")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if r, w := sock.get(); r.IsZero() || w.IsZero() {
		t.Fatalf("handshake deadlines %v, %v; want both set", r, w)
	}
	heartbeat := time.Now().Add(time.Hour)
	c.SetReadDeadline(heartbeat) // as amqp091-go's heartbeater does
	if err := h.End(); err != nil {
		t.Fatal(err)
	}
	if r, w := sock.get(); !r.Equal(heartbeat) || !w.IsZero() {
		t.Errorf("deadlines after End %v, %v; want the heartbeater's and none", r, w)
	}
	if _, err := h.Dial("tcp", "fake:5672"); err == nil {
		t.Error("a second Dial in one handshake succeeded")
	}
}

// TestDialFailures covers a refused dial, with ctx alive and ended.
func TestDialFailures(t *testing.T) {
	refused := errors.New("connection refused")
	b := fakebroker.New(t, fakebroker.Options{OnDial: func(int) error { return refused }})
	d := amqpwire.Dialer{NetDial: b.DialContext}
	h := d.Handshake(context.Background())
	if _, err := h.Dial("tcp", "fake:5672"); !errors.Is(err, refused) {
		t.Errorf("Dial = %v, want %v", err, refused)
	}
	if err := h.End(); err != nil || h.Conn() != nil {
		t.Errorf("End = %v, Conn = %v; want nil, nil", err, h.Conn())
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	h = d.Handshake(ctx)
	if _, err := h.Dial("tcp", "fake:5672"); err == nil {
		t.Error("Dial succeeded with its ctx ended")
	}
	if err := h.End(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("End = %v, want %v", err, context.DeadlineExceeded)
	}
}

// TestHandshakeDeadlineFromCtx takes the earlier of ctx's deadline and the
// Timeout.
func TestHandshakeDeadlineFromCtx(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	var sock *deadlines
	d := amqpwire.Dialer{NetDial: recording(b, &sock), Timeout: time.Hour}
	deadline := time.Now().Add(time.Minute)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	h := d.Handshake(ctx)
	c, err := h.Dial("tcp", "fake:5672")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer h.End()
	if r, _ := sock.get(); !r.Equal(deadline) {
		t.Errorf("handshake deadline %v, want ctx's %v", r, deadline)
	}
	// A read past the deadline fails as a timeout.
	if err := c.SetReadDeadline(time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read = %v", err)
	}
}
