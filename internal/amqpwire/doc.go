// Package amqpwire holds what the runtime does to amqp091-go's byte stream
// because amqp091-go cannot do it: three shims, in one place, under a
// contract test that runs amqp091-go's own frame writer and reader through
// them.
//
// # Content headers as kombu sends them
//
// kombu always sends a headers table (empty when there are none) and a
// priority (0 by default); amqp091-go leaves out every property that is
// empty, and consumers that read properties see the difference. Conn adds
// the two to every basic content-header frame that lacks them.
//
// Contract: a header frame leaves with the same properties, in the same
// order and bytes, plus an empty headers table where there was none and a
// priority octet 0 where there was none; nothing else changes, and no
// other frame does. A frame that cannot be parsed leaves as it came. A
// frame never grows past the frame_max the client settled on in its
// connection.tune-ok (read as it passes): one that would leaves unchanged.
// A publisher refuses such a message before the wire: HeaderFrameSize
// gives the size of the header frame a message's properties make.
//
// # The authentication_failure_close capability
//
// RabbitMQ answers wrong credentials by closing the socket, unless the
// client declares in connection.start-ok that it understands a
// connection.close instead. amqp091-go declares a fixed set of
// capabilities without it, and then a network cut during the handshake and
// a wrong password look the same: the first must be retried, the second
// must not. Conn adds the capability to the start-ok's capabilities table,
// and RabbitMQ then answers wrong credentials with a 403 of its own.
//
// Contract: the start-ok leaves with its client properties unchanged but
// for one more capability, authentication_failure_close = true, unless the
// table has it already or the frame would grow past 4096 bytes (the
// largest frame before tuning).
//
// # Write batching
//
// amqp091-go writes and flushes each publish on its own, one system call
// each. Conn's Write queues the bytes and returns; a goroutine of the
// Conn's own writes the queue to the socket, so the publishes that come
// while one write is in the kernel go out together in the next, and under
// load one system call carries many messages, none waiting longer than it
// would for the write before it.
//
// Contract: bytes leave in the order written, whatever the goroutines;
// Write waits while 1 MiB is queued; an error of the socket comes back
// from the next Write. Close flushes what is queued (a close-ok answering
// the broker's connection.close is the last thing amqp091-go writes before
// it closes), bounded by the flush timeout as a write deadline on the
// socket, then closes it; Abort closes at once.
//
// # The handshake
//
// A Dialer makes one Handshake per connection: its Dial, given to
// amqp.Config.Dial, connects, does the TLS handshake (so the shims see
// the frames in clear), and bounds the AMQP handshake by the Dialer's
// Timeout and a ctx, which, when it ends, fails the handshake at once. The
// caller ends the phase explicitly with End once amqp.DialConfig returned;
// End tells whether ctx cut the handshake short.
//
//	d := amqpwire.Dialer{Timeout: 30 * time.Second, TLSConfig: cfg}
//	h := d.Handshake(ctx)
//	conn, err := amqp.DialConfig(amqpURL, amqp.Config{Dial: h.Dial})
//	if endErr := h.End(); endErr != nil {
//		// ctx ended the handshake: close conn if err is nil, report endErr
//	}
//	frameMax := h.Conn().FrameMax()
//
// # Concurrency
//
// Each Conn has one goroutine of its own, the writer, which owns the
// socket's writes: it takes the queue under the Conn's lock and writes it
// without the lock. It ends when the socket fails, or when Close (after
// the flush) or Abort closes the Conn; both wait for it. amqp091-go's
// writes (serialized by amqp091-go) hold the lock while they parse and
// queue. The deadline bookkeeping has a lock of its own, never held with
// the Conn's. A Handshake's watch on ctx runs, when ctx ends, on the
// goroutine context.AfterFunc starts, and only moves the socket's
// deadline.
//
// # Cost
//
// Only header frames and connection-level method frames are parsed and
// copied apart; other frames pass with their 7-byte header read. A
// publish adds no allocation: its bytes, completed, are appended to the
// queue that the writing goroutine swaps with a spare buffer.
package amqpwire
