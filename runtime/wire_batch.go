package runtime

import (
	"net"
	"sync"
)

// batchWriter hands what amqp091-go writes to a goroutine of its own, which
// writes it to the socket. amqp091-go writes and flushes each publish on
// its own, one system call each; with the socket write off the publishing
// goroutine, the publishes that come while one write is in the kernel
// gather behind it and go out together in the next, so under load one
// system call carries many messages, and none waits longer than it would
// for the write before it. Write returns once the bytes are queued; an
// error of the socket comes back from the next Write, and the connection
// then fails as it would have.
type batchWriter struct {
	net.Conn

	mu      sync.Mutex
	room    *sync.Cond // signalled when pending shrinks or err is set
	pending []byte     // queued for the socket
	spare   []byte     // the buffer the last write emptied
	err     error      // the socket's error, or net.ErrClosed
	wake    chan struct{}
	done    chan struct{} // closed when the writing goroutine ends
	closing sync.Once
}

// maxPending bounds what may wait for the socket: a publisher that finds
// this much queued waits, as it would for a full socket buffer.
const maxPending = 1 << 20

func newBatchWriter(c net.Conn) *batchWriter {
	w := &batchWriter{Conn: c, wake: make(chan struct{}, 1), done: make(chan struct{})}
	w.room = sync.NewCond(&w.mu)
	go w.run()
	return w
}

// Write queues p for the socket.
func (w *batchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.err == nil && len(w.pending) >= maxPending {
		w.room.Wait()
	}
	if w.err != nil {
		return 0, w.err
	}
	w.pending = append(w.pending, p...)
	select {
	case w.wake <- struct{}{}:
	default: // the writer is awake already
	}
	return len(p), nil
}

// run writes what is queued until the socket fails or is closed.
func (w *batchWriter) run() {
	defer close(w.done)
	for range w.wake {
		if !w.writePending() {
			return
		}
	}
}

// writePending writes until nothing is queued, reporting whether the
// socket still works.
func (w *batchWriter) writePending() bool {
	for {
		w.mu.Lock()
		if len(w.pending) == 0 || w.err != nil {
			ok := w.err == nil
			w.mu.Unlock()
			return ok
		}
		buf := w.pending
		w.pending = w.spare[:0]
		w.mu.Unlock()

		_, err := w.Conn.Write(buf)

		w.mu.Lock()
		if cap(buf) <= 4*maxPending {
			w.spare = buf[:0]
		}
		if err != nil && w.err == nil {
			w.err = err
		}
		w.room.Broadcast()
		w.mu.Unlock()
		if err != nil {
			return false
		}
	}
}

// Close closes the socket, which ends a write stuck in it, and waits for
// the writing goroutine. What is still queued is dropped: amqp091-go
// closes the socket after the broker answered its connection.close, which
// it sent last, or after the connection failed.
func (w *batchWriter) Close() error {
	var err error
	w.closing.Do(func() {
		err = w.Conn.Close()
		w.mu.Lock()
		if w.err == nil {
			w.err = net.ErrClosed
		}
		close(w.wake)
		w.room.Broadcast()
		w.mu.Unlock()
	})
	<-w.done
	return err
}
