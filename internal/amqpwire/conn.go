package amqpwire

import (
	"net"
	"sync"
	"time"
)

// DefaultFlushTimeout bounds Close's flush when Dialer.FlushTimeout is
// zero.
const DefaultFlushTimeout = time.Second

// maxPending bounds what may wait for the socket: a Write that finds this
// much queued waits, as it would for a full socket buffer.
const maxPending = 1 << 20

// Conn is the socket amqp091-go writes to. Write completes content headers
// and the start-ok capability (see the package doc) and queues the bytes;
// a goroutine of the Conn's own writes the queue to the socket, so that
// what concurrent publishers write while one write is in the kernel goes
// out together in the next. Write returns once its bytes are queued; an
// error of the socket comes back from the next Write, and amqp091-go then
// fails the connection as it would have.
//
// Close flushes what is queued before it closes the socket, so that the
// last thing amqp091-go wrote (a connection.close-ok answering the
// broker's connection.close) is not lost; the flush is bounded by the
// flush timeout, as a write deadline on the socket, so a socket nobody
// reads cannot hold Close longer. Abort closes without flushing.
type Conn struct {
	net.Conn // the socket (TLS over TCP, TCP, or a test's pipe)

	flushTimeout time.Duration

	// mu guards the parser and the queue; the writing goroutine holds it
	// only to take the queue.
	mu      sync.Mutex
	room    *sync.Cond // signalled when pending shrinks or the Conn fails
	parse   parser
	pending []byte // queued for the socket
	spare   []byte // the buffer the last write emptied
	err     error  // the socket's error, or net.ErrClosed once closing
	closing bool   // Close or Abort began: Write fails
	wake    chan struct{}
	done    chan struct{} // closed when the writing goroutine ends

	closeOnce sync.Once
	closeErr  error

	// deadlineMu guards the handshake's deadline: whether the socket's
	// read and write deadlines are still the one the Dialer set, rather
	// than amqp091-go's.
	deadlineMu     sync.Mutex
	handshakeRead  bool
	handshakeWrite bool
}

// NewConn puts the shims over socket. Dialer.Handshake makes one for each
// dial; NewConn is for a socket made otherwise. flushTimeout bounds Close's
// flush (0: DefaultFlushTimeout).
func NewConn(socket net.Conn, flushTimeout time.Duration) *Conn {
	if flushTimeout <= 0 {
		flushTimeout = DefaultFlushTimeout
	}
	c := &Conn{
		Conn:         socket,
		flushTimeout: flushTimeout,
		parse:        newParser(),
		wake:         make(chan struct{}, 1),
		done:         make(chan struct{}),
	}
	c.room = sync.NewCond(&c.mu)
	go c.run()
	return c
}

// Write completes and queues p for the socket. It reports len(p) when p
// is queued.
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.err == nil && !c.closing && len(c.pending) >= maxPending {
		c.room.Wait()
	}
	if c.err != nil {
		return 0, c.err
	}
	if c.closing {
		return 0, net.ErrClosed
	}
	c.pending = c.parse.consume(c.pending, p)
	select {
	case c.wake <- struct{}{}:
	default: // the writer is awake already
	}
	return len(p), nil
}

// FrameMax returns the frame_max the client settled on in its
// connection.tune-ok, as it went through Write: 0 for no limit, 4096 (the
// least a peer must accept) before.
func (c *Conn) FrameMax() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int(c.parse.frameMax)
}

// run writes what is queued until the socket fails, or until the Conn is
// closing and nothing is left.
func (c *Conn) run() {
	defer close(c.done)
	for range c.wake {
		if !c.writePending() {
			return
		}
	}
}

// writePending writes until nothing is queued, reporting whether to go on.
func (c *Conn) writePending() bool {
	for {
		c.mu.Lock()
		if c.err != nil || len(c.pending) == 0 {
			more := c.err == nil && !c.closing
			c.mu.Unlock()
			return more
		}
		buf := c.pending
		c.pending = c.spare[:0]
		c.mu.Unlock()

		_, err := c.Conn.Write(buf)

		c.mu.Lock()
		if cap(buf) <= 4*maxPending {
			c.spare = buf[:0]
		}
		if err != nil && c.err == nil {
			c.err = err
		}
		c.room.Broadcast()
		c.mu.Unlock()
		if err != nil {
			return false
		}
	}
}

// Close writes what is queued, within the flush timeout, then closes the
// socket and waits for the writing goroutine. Writes fail once Close
// began. It is safe to call more than once, and with Abort.
func (c *Conn) Close() error {
	c.shut(true)
	return c.closeErr
}

// Abort closes the socket at once, dropping what is queued, and waits for
// the writing goroutine: for a connection known to be dead or stalled,
// where flushing would only wait.
func (c *Conn) Abort() error {
	c.shut(false)
	return c.closeErr
}

func (c *Conn) shut(flush bool) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closing = true
		c.room.Broadcast()
		c.mu.Unlock()
		if flush {
			// The deadline ends a write stuck in the socket, and with it
			// the flush.
			_ = c.Conn.SetWriteDeadline(time.Now().Add(c.flushTimeout))
			select {
			case c.wake <- struct{}{}:
			default:
			}
			<-c.done
		}
		c.closeErr = c.Conn.Close()
		c.mu.Lock()
		if c.err == nil {
			c.err = net.ErrClosed
		}
		c.room.Broadcast()
		c.mu.Unlock()
		// Wake the writer, if it still waits, to see the error and end.
		select {
		case c.wake <- struct{}{}:
		default:
		}
		<-c.done
	})
}

// SetDeadline sets the socket's deadlines; the handshake's no longer
// holds.
func (c *Conn) SetDeadline(t time.Time) error {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	c.handshakeRead, c.handshakeWrite = false, false
	return c.Conn.SetDeadline(t)
}

// SetReadDeadline sets the socket's read deadline (amqp091-go's
// heartbeater does, for each frame it reads).
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	c.handshakeRead = false
	return c.Conn.SetReadDeadline(t)
}

// SetWriteDeadline sets the socket's write deadline, which bounds the
// writing goroutine's writes.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	c.handshakeWrite = false
	return c.Conn.SetWriteDeadline(t)
}

// holdsHandshakeDeadline notes that the socket's deadline is the
// handshake's, set before the Conn was made.
func (c *Conn) holdsHandshakeDeadline() {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	c.handshakeRead, c.handshakeWrite = true, true
}

// clearHandshakeDeadline lifts what is left of the handshake's deadline,
// leaving any deadline amqp091-go set since.
func (c *Conn) clearHandshakeDeadline() {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	if c.handshakeRead {
		_ = c.Conn.SetReadDeadline(time.Time{})
	}
	if c.handshakeWrite {
		_ = c.Conn.SetWriteDeadline(time.Time{})
	}
	c.handshakeRead, c.handshakeWrite = false, false
}
