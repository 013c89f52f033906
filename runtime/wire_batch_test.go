package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// TestBatchWriterKeepsOrder writes from many goroutines, each its own
// numbered lines under a lock (as amqp091-go serializes frames), and reads
// every byte back in the order written.
func TestBatchWriterKeepsOrder(t *testing.T) {
	client, server := net.Pipe()
	w := newBatchWriter(client)
	var want bytes.Buffer
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				line := fmt.Sprintf("g%d-%d;", g, i)
				mu.Lock()
				want.WriteString(line)
				if _, err := w.Write([]byte(line)); err != nil {
					t.Error(err)
				}
				mu.Unlock()
			}
		}()
	}
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(server)
		got <- b
	}()
	wg.Wait()
	// Closing drops what is queued: wait until the reader has it all.
	deadline := time.Now().Add(5 * time.Second)
	for {
		w.mu.Lock()
		empty := len(w.pending) == 0
		w.mu.Unlock()
		if empty || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	w.Close()
	if b := <-got; !bytes.Equal(b, want.Bytes()) {
		t.Errorf("read %d bytes in another order than the %d written", len(b), want.Len())
	}
}

// TestBatchWriterReportsSocketErrors checks that once the socket fails,
// writes fail, and that a writer stuck on a full socket is freed by Close.
func TestBatchWriterReportsSocketErrors(t *testing.T) {
	client, server := net.Pipe()
	w := newBatchWriter(client)
	server.Close()
	w.Write([]byte("lost"))
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, err = w.Write([]byte("x")); err != nil {
			break
		}
	}
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("Write after the socket failed = %v, want io.ErrClosedPipe", err)
	}
	w.Close()

	// Nobody reads: the queue fills, the next Write waits, Close frees it.
	client, server = net.Pipe()
	defer server.Close()
	w = newBatchWriter(client)
	blocked := make(chan error, 1)
	go func() {
		chunk := make([]byte, 64<<10)
		for {
			if _, err := w.Write(chunk); err != nil {
				blocked <- err
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-blocked:
		t.Fatalf("Write did not wait for room: %v", err)
	default:
	}
	w.Close()
	select {
	case err := <-blocked:
		if !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("waiting Write = %v, want a closed error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not free a waiting Write")
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
}
