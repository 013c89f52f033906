package amqpwire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// bodyFrame is a body frame on channel 1 carrying s, which the shims pass
// as it is.
func bodyFrame(s string) []byte { return frame(3, 1, []byte(s)) }

// TestWritesKeepOrder writes from many goroutines, each its own numbered
// frames under a lock (as amqp091-go serializes frames), and reads every
// byte back in the order written, Close flushing what is queued.
func TestWritesKeepOrder(t *testing.T) {
	client, server := net.Pipe()
	c := NewConn(client, 0)
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(server)
		got <- b
	}()
	want := bytes.NewBuffer(append([]byte(nil), preamble...))
	if _, err := c.Write(preamble); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				f := bodyFrame(fmt.Sprintf("g%d-%d;", g, i))
				mu.Lock()
				want.Write(f)
				if _, err := c.Write(f); err != nil {
					t.Error(err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, want.Bytes()) {
		t.Errorf("read %d bytes in another order than the %d written", len(b), want.Len())
	}
}

// TestCloseFlushesQueuedBytes queues a close-ok behind a write the socket
// has not taken yet, then closes: the close-ok still goes out before the
// socket closes.
func TestCloseFlushesQueuedBytes(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := NewConn(client, 0)
	closeOK := frame(frameMethod, 0, []byte{0, classConnection, 0, 51})
	// Nobody reads yet: the writer takes the first write and blocks in
	// the pipe; the close-ok waits in the queue.
	for _, p := range [][]byte{preamble, closeOK} {
		if _, err := c.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- c.Close() }()
	// Wait until Close has begun: Write fails from then on.
	for {
		if _, err := c.Write(nil); err != nil {
			break
		}
	}
	got, err := io.ReadAll(server)
	if err != nil {
		t.Fatal(err)
	}
	if want := concat(preamble, closeOK); !bytes.Equal(got, want) {
		t.Errorf("read %x before the close, want %x", got, want)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v", err)
	}
}

// TestCloseFlushIsBounded closes with bytes queued for a socket nobody
// reads: Close returns once the flush timeout passes.
func TestCloseFlushIsBounded(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := NewConn(client, 10*time.Millisecond)
	if _, err := c.Write(preamble); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.Write(bodyFrame("x")); !errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after Close = %v, want a closed error", err)
	}
}

// TestAbortDropsQueuedBytes aborts with bytes queued: nothing more is
// written.
func TestAbortDropsQueuedBytes(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := NewConn(client, 0)
	if _, err := c.Write(preamble); err != nil {
		t.Fatal(err)
	}
	if err := c.Abort(); err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(server); len(got) != 0 {
		t.Errorf("read %q after Abort", got)
	}
	c.Close() // and Close after Abort returns at once
}

// TestWriteReportsSocketErrors checks that once the socket fails, writes
// fail, and that a Write waiting for room is freed by Close.
func TestWriteReportsSocketErrors(t *testing.T) {
	client, server := net.Pipe()
	c := NewConn(client, 10*time.Millisecond)
	server.Close()
	var err error
	for err == nil {
		_, err = c.Write(preamble)
	}
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("Write after the socket failed = %v, want io.ErrClosedPipe", err)
	}
	c.Close()

	// Nobody reads: the queue fills, the next Write waits, Close frees it.
	client, server = net.Pipe()
	defer server.Close()
	c = NewConn(client, 10*time.Millisecond)
	c.Write(preamble)
	blocked := make(chan error, 1)
	go func() {
		chunk := bodyFrame(string(make([]byte, 64<<10)))
		for {
			if _, err := c.Write(chunk); err != nil {
				blocked <- err
				return
			}
		}
	}()
	// Wait until the queue is full.
	for {
		c.mu.Lock()
		full := len(c.pending) >= maxPending
		c.mu.Unlock()
		if full {
			break
		}
	}
	c.Close()
	if err := <-blocked; !errors.Is(err, net.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("waiting Write = %v, want a closed error", err)
	}
}
