package fakebroker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Conn is the broker's side of one connection.
//
// Two goroutines serve it, both ended by the broker's Close: the reader
// reads the client's frames, records each method and acts on it (with the
// broker's lock held, never blocking), and the writer writes what the
// broker sends, with heartbeats, so that the broker never waits for its
// client to read.
type Conn struct {
	b      *Broker
	index  int
	socket net.Conn // the broker's end of the pipe
	wake   chan struct{}
	done   chan struct{} // closed when the socket is closed

	// Under the broker's lock:
	state         connState
	severed       bool   // the socket is closed
	out           []byte // to write
	closeAfterOut bool   // close the socket once out is written
	frameMax      uint32 // negotiated: the client's connection.tune-ok
	heartbeat     uint16 // negotiated, in seconds
	beating       bool   // the broker sends heartbeats
	heartbeatsIn  int
	stall         *stall
	lanes         map[uint16]*lane
	channels      map[uint16]*channel
	consumers     map[string]uint16 // consumer tag -> channel
	names         int               // server-named queues and consumer tags
}

type connState int

const (
	stateHandshake connState = iota
	stateOpen
	stateClosing // the broker sent connection.close
	stateClosed  // the socket closes once out is written, or is closed
)

// lane is one channel's methods in the order the broker acts on them; a
// hold stops it.
type lane struct {
	queue []*Event
	held  *Hold
}

// channel is the broker's state of an open channel.
type channel struct {
	id           uint16
	closing      bool // the broker sent channel.close
	confirm      bool
	lastTag      uint64 // the last delivery tag given to a publish
	unconfirmed  map[uint64]*Event
	maxConfirmed uint64 // the highest tag acked or nacked
	deliveries   uint64 // the last delivery tag of a deliver or get-ok
}

// stall is a request to stop reading.
type stall struct {
	parked  chan struct{} // closed when the reader stopped
	resumed chan struct{} // closed by ResumeReading
}

func newConn(b *Broker, index int, socket net.Conn) *Conn {
	return &Conn{
		b:         b,
		index:     index,
		socket:    socket,
		wake:      make(chan struct{}, 1),
		done:      make(chan struct{}),
		beating:   true,
		lanes:     map[uint16]*lane{},
		channels:  map[uint16]*channel{},
		consumers: map[string]uint16{},
	}
}

// Index returns the connection's place among those dialled, from 0.
func (c *Conn) Index() int { return c.index }

// Done returns a channel closed once the broker's end of the connection is
// closed.
func (c *Conn) Done() <-chan struct{} { return c.done }

// FrameMax returns the frame_max the client settled on in its
// connection.tune-ok (0 before).
func (c *Conn) FrameMax() uint32 {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	return c.frameMax
}

// HeartbeatsReceived returns how many heartbeat frames the client sent.
func (c *Conn) HeartbeatsReceived() int {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	return c.heartbeatsIn
}

// Await returns the first event received on this connection that matches
// m and that no earlier Await returned, as Broker.Await.
func (c *Conn) Await(m Match) *Event {
	c.b.t.Helper()
	return c.b.await(c, false, m)
}

// AwaitSent is Await for the methods the broker sent on this connection.
func (c *Conn) AwaitSent(m Match) *Event {
	c.b.t.Helper()
	return c.b.await(c, true, m)
}

// AwaitContext is Await under ctx, for use off the test's goroutine.
func (c *Conn) AwaitContext(ctx context.Context, m Match) (*Event, error) {
	return c.b.awaitContext(ctx, c, false, m)
}

// Received returns the events received on this connection, in order.
func (c *Conn) Received() []*Event {
	return c.b.filter(c, func(e *Event) bool { return !e.Sent })
}

// Sent returns the methods the broker sent on this connection, in order.
func (c *Conn) Sent() []*Event { return c.b.filter(c, func(e *Event) bool { return e.Sent }) }

// Log returns everything received and sent on this connection, in order.
func (c *Conn) Log() []*Event { return c.b.filter(c, func(*Event) bool { return true }) }

// Send sends m on channel ch as it is, whatever the state of either.
func (c *Conn) Send(ch uint16, m Method) {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.sendLocked(ch, m)
}

// CloseChannel closes channel ch from the broker's side with code and text,
// as RabbitMQ does after a channel error; the broker ignores what comes on
// the channel until the client's close-ok.
func (c *Conn) CloseChannel(ch uint16, code uint16, text string) {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.closeChannelLocked(ch, &ChannelClose{ReplyCode: code, ReplyText: text})
}

// Close closes the connection from the broker's side with code and text
// (320 CONNECTION_FORCED, 541 INTERNAL_ERROR, ...); the broker closes the
// socket on the client's close-ok.
func (c *Conn) Close(code uint16, text string) {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.closeLocked(&ConnectionClose{ReplyCode: code, ReplyText: text})
}

// Sever closes the broker's end of the connection at once, as a network
// failure would.
func (c *Conn) Sever() {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.severLocked()
}

// Block sends connection.blocked with reason, as RabbitMQ does under a
// resource alarm.
func (c *Conn) Block(reason string) { c.Send(0, &ConnectionBlocked{Reason: reason}) }

// Unblock sends connection.unblocked.
func (c *Conn) Unblock() { c.Send(0, &ConnectionUnblocked{}) }

// StopReading stops reading from the socket, as a broker that cannot keep
// up: once it returns, the broker reads nothing more, and over net.Pipe
// the client's writes block. What was read before is still acted on.
func (c *Conn) StopReading() {
	c.b.mu.Lock()
	if c.stall != nil || c.state == stateClosed {
		c.b.mu.Unlock()
		return
	}
	s := &stall{parked: make(chan struct{}), resumed: make(chan struct{})}
	c.stall = s
	// Interrupt the read under way: a net.Pipe read that times out takes
	// nothing.
	_ = c.socket.SetReadDeadline(time.Unix(1, 0))
	c.b.mu.Unlock()
	select {
	case <-s.parked:
	case <-s.resumed:
	case <-c.done:
	}
}

// ResumeReading undoes StopReading.
func (c *Conn) ResumeReading() {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	if c.stall != nil {
		close(c.stall.resumed)
		c.stall = nil
	}
}

// StopHeartbeats stops the broker's heartbeats.
func (c *Conn) StopHeartbeats() { c.setBeating(false) }

// StartHeartbeats resumes the broker's heartbeats, sent every negotiated
// interval.
func (c *Conn) StartHeartbeats() { c.setBeating(true) }

// SendHeartbeat sends one heartbeat frame now.
func (c *Conn) SendHeartbeat() {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.writeLocked(appendFrame(nil, frameHeartbeat, 0, nil))
}

func (c *Conn) setBeating(on bool) {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.beating = on
	c.wakeWriter()
}

// Deliver sends d to the consumer d.ConsumerTag, on its channel, giving it
// the channel's next delivery tag unless d has one; it returns the tag.
func (c *Conn) Deliver(d *BasicDeliver) uint64 {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	id, ok := c.consumers[d.ConsumerTag]
	ch := c.channels[id]
	if !ok || ch == nil {
		c.b.errorf("conn %d: deliver to unknown consumer %q", c.index, d.ConsumerTag)
		return 0
	}
	if d.DeliveryTag == 0 {
		ch.deliveries++
		d.DeliveryTag = ch.deliveries
	}
	c.sendLocked(id, d)
	return d.DeliveryTag
}

// readLoop reads and acts on the client's frames until the socket closes.
func (c *Conn) readLoop() {
	defer c.b.wg.Done()
	defer c.Sever()
	r := newFrameReader(c.socket)
	var header [8]byte
	if err := c.read(func() (err error) { header, err = r.header(); return err }); err != nil {
		return
	}
	c.receive(0, &ProtocolHeader{Bytes: header})
	if header != protocolHeader {
		return
	}
	// The publish on each channel waiting for its content.
	pending := map[uint16]*BasicPublish{}
	for {
		var f frame
		err := c.read(func() (err error) {
			c.b.mu.Lock()
			max := c.frameMax
			c.b.mu.Unlock()
			f, err = r.next(max)
			return err
		})
		var fe errFrame
		if errors.As(err, &fe) {
			c.fatal(0, 501, fe.reason, 0, 0)
			return
		}
		if err != nil {
			return
		}
		if !c.frame(f, pending) {
			return
		}
	}
}

// read calls read until it succeeds, stopping while the test stalls the
// connection.
func (c *Conn) read(read func() error) error {
	for {
		err := read()
		if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
			return err
		}
		c.b.mu.Lock()
		s := c.stall
		if s == nil {
			_ = c.socket.SetReadDeadline(time.Time{})
			c.b.mu.Unlock()
			continue
		}
		close(s.parked)
		c.b.mu.Unlock()
		select {
		case <-s.resumed:
		case <-c.done:
			return net.ErrClosed
		}
		c.b.mu.Lock()
		if c.stall == nil {
			_ = c.socket.SetReadDeadline(time.Time{})
		}
		c.b.mu.Unlock()
	}
}

// frame handles one frame, reporting whether to go on reading.
func (c *Conn) frame(f frame, pending map[uint16]*BasicPublish) bool {
	p := pending[f.channel]
	switch f.typ {
	case frameHeartbeat:
		c.b.mu.Lock()
		c.heartbeatsIn++
		c.b.mu.Unlock()
		return true
	case frameMethod:
		if p != nil {
			return c.fatal(f.channel, 505, "UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead", 60, 40)
		}
		m, err := decodeMethod(f.payload)
		if err != nil {
			return c.fatal(f.channel, 502, "SYNTAX_ERROR - "+err.Error(), 0, 0)
		}
		if pub, ok := m.(*BasicPublish); ok {
			pending[f.channel] = pub
			return true
		}
		c.receive(f.channel, m)
		return true
	case frameHeader:
		if p == nil || p.Content != nil {
			return c.fatal(f.channel, 505, "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0)
		}
		ct, err := decodeHeader(f.payload)
		if err != nil {
			return c.fatal(f.channel, 502, "SYNTAX_ERROR - "+err.Error(), 60, 40)
		}
		p.Content = ct
	case frameBody:
		if p == nil || p.Content == nil {
			return c.fatal(f.channel, 505, "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0)
		}
		p.Content.Body = append(p.Content.Body, f.payload...)
		if uint64(len(p.Content.Body)) > p.Content.BodySize {
			return c.fatal(f.channel, 501, "FRAME_ERROR - body larger than its content header says", 60, 40)
		}
	default:
		return c.fatal(0, 501, fmt.Sprintf("FRAME_ERROR - unknown frame type %d", f.typ), 0, 0)
	}
	if p.Content != nil && uint64(len(p.Content.Body)) == p.Content.BodySize {
		delete(pending, f.channel)
		if p.Content.Body == nil {
			p.Content.Body = []byte{}
		}
		c.receive(f.channel, p)
	}
	return true
}

// fatal closes the connection for a frame error, as RabbitMQ does, and
// reports false.
func (c *Conn) fatal(ch uint16, code uint16, text string, class, method uint16) bool {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.closeLocked(&ConnectionClose{ReplyCode: code, ReplyText: text, ClassID: class, MethodID: method})
	return c.state != stateClosed
}

// receive records a method from the client and acts on it in its channel's
// turn.
func (c *Conn) receive(ch uint16, m Method) {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	ev := &Event{Conn: c, Channel: ch, Method: m}
	c.b.record(ev)
	l := c.lanes[ch]
	if l == nil {
		l = &lane{}
		c.lanes[ch] = l
	}
	l.queue = append(l.queue, ev)
	c.drain(l)
}

// drain acts on the lane's methods in order until a hold stops it. The
// lock is held.
func (c *Conn) drain(l *lane) {
	for l.held == nil && len(l.queue) > 0 {
		ev := l.queue[0]
		l.queue = l.queue[1:]
		if h := c.b.catch(ev); h != nil {
			l.held = h
			return
		}
		c.process(ev, true)
	}
}

// process acts on a method from the client as RabbitMQ would, answering
// it when answer is set. The lock is held.
func (c *Conn) process(ev *Event, answer bool) {
	reply := func(m Method) {
		if answer {
			c.sendLocked(ev.Channel, m)
		}
	}
	if c.state >= stateClosing {
		switch ev.Method.(type) {
		case *ConnectionClose:
			reply(&ConnectionCloseOK{})
			c.closeAfterWriting()
		case *ConnectionCloseOK:
			c.closeAfterWriting()
		default:
			ev.discarded.Store(true)
		}
		return
	}
	if ev.Channel == 0 {
		c.processConnection(ev, reply)
		return
	}
	ch := c.channels[ev.Channel]
	class, method := ev.Method.ID()
	if _, ok := ev.Method.(*ChannelOpen); ok {
		if ch != nil {
			c.closeLocked(&ConnectionClose{ReplyCode: 504, ReplyText: "CHANNEL_ERROR - second 'channel.open' seen", ClassID: class, MethodID: method})
			return
		}
		if ev.Channel > c.b.opts.ChannelMax {
			c.closeLocked(&ConnectionClose{ReplyCode: 530, ReplyText: fmt.Sprintf("NOT_ALLOWED - channel_max %d exceeded", c.b.opts.ChannelMax), ClassID: class, MethodID: method})
			return
		}
		c.channels[ev.Channel] = &channel{id: ev.Channel, unconfirmed: map[uint64]*Event{}}
		reply(&ChannelOpenOK{})
		return
	}
	if ch == nil {
		c.closeLocked(&ConnectionClose{ReplyCode: 504, ReplyText: "CHANNEL_ERROR - expected 'channel.open'", ClassID: class, MethodID: method})
		return
	}
	if ch.closing {
		switch ev.Method.(type) {
		case *ChannelCloseOK:
			c.dropChannel(ch)
		case *ChannelClose:
			reply(&ChannelCloseOK{})
		default:
			ev.discarded.Store(true)
		}
		return
	}
	c.processChannel(ev, ch, answer, reply)
}

func (c *Conn) processConnection(ev *Event, reply func(Method)) {
	switch m := ev.Method.(type) {
	case *ProtocolHeader:
		if m.Bytes != protocolHeader {
			// RabbitMQ answers another protocol with the one it speaks.
			c.writeLocked(protocolHeader[:])
			c.closeAfterWriting()
			return
		}
		reply(c.start())
	case *ConnectionStartOK:
		if auth := c.b.opts.Authenticate; auth != nil && !auth(m) {
			caps, _ := m.ClientProperties["capabilities"].(amqp.Table)
			if ok, _ := caps["authentication_failure_close"].(bool); ok {
				c.closeLocked(&ConnectionClose{ReplyCode: 403, ReplyText: "ACCESS_REFUSED - Login was refused using authentication mechanism " + m.Mechanism + ". For details see the broker logfile."})
			} else {
				c.severLocked()
			}
			return
		}
		reply(&ConnectionTune{ChannelMax: c.b.opts.ChannelMax, FrameMax: c.b.opts.FrameMax, Heartbeat: c.b.opts.Heartbeat})
	case *ConnectionTuneOK:
		c.frameMax = m.FrameMax
		c.heartbeat = m.Heartbeat
		c.wakeWriter()
	case *ConnectionOpen:
		c.state = stateOpen
		reply(&ConnectionOpenOK{})
	case *ConnectionClose:
		reply(&ConnectionCloseOK{})
		c.closeAfterWriting()
	case *ConnectionCloseOK:
		// Not closing: RabbitMQ ignores it.
		ev.discarded.Store(true)
	default:
		class, method := ev.Method.ID()
		c.closeLocked(&ConnectionClose{ReplyCode: 503, ReplyText: "COMMAND_INVALID - unexpected method " + ev.Method.Name() + " on channel 0", ClassID: class, MethodID: method})
	}
}

// start returns connection.start with the broker's properties.
func (c *Conn) start() *ConnectionStart {
	caps := c.b.opts.Capabilities
	if caps == nil {
		caps = amqp.Table{}
		for _, name := range []string{
			"publisher_confirms", "exchange_exchange_bindings", "basic.nack",
			"consumer_cancel_notify", "connection.blocked", "consumer_priorities",
			"authentication_failure_close", "per_consumer_qos", "direct_reply_to",
		} {
			caps[name] = true
		}
	}
	props := amqp.Table{
		"product":      "RabbitMQ",
		"version":      "3.10.0",
		"platform":     "fakebroker",
		"capabilities": caps,
	}
	for k, v := range c.b.opts.ServerProperties {
		props[k] = v
	}
	return &ConnectionStart{VersionMajor: 0, VersionMinor: 9, ServerProperties: props, Mechanisms: "PLAIN AMQPLAIN", Locales: "en_US"}
}

func (c *Conn) processChannel(ev *Event, ch *channel, answer bool, reply func(Method)) {
	switch m := ev.Method.(type) {
	case *ChannelClose:
		reply(&ChannelCloseOK{})
		c.dropChannel(ch)
	case *ChannelCloseOK:
		ev.discarded.Store(true)
	case *ChannelFlow:
		reply(&ChannelFlowOK{Active: m.Active})
	case *ConfirmSelect:
		ch.confirm = true
		if !m.NoWait {
			reply(&ConfirmSelectOK{})
		}
	case *ExchangeDeclare:
		if !m.NoWait {
			reply(&ExchangeDeclareOK{})
		}
	case *ExchangeDelete:
		if !m.NoWait {
			reply(&ExchangeDeleteOK{})
		}
	case *ExchangeBind:
		if !m.NoWait {
			reply(&ExchangeBindOK{})
		}
	case *ExchangeUnbind:
		if !m.NoWait {
			reply(&ExchangeUnbindOK{})
		}
	case *QueueDeclare:
		name := m.Queue
		if name == "" {
			c.names++
			name = fmt.Sprintf("amq.gen-%d-%d", c.index, c.names)
		}
		if !m.NoWait {
			reply(&QueueDeclareOK{Queue: name})
		}
	case *QueueBind:
		if !m.NoWait {
			reply(&QueueBindOK{})
		}
	case *QueueUnbind:
		reply(&QueueUnbindOK{})
	case *QueuePurge:
		if !m.NoWait {
			reply(&QueuePurgeOK{})
		}
	case *QueueDelete:
		if !m.NoWait {
			reply(&QueueDeleteOK{})
		}
	case *BasicQos:
		reply(&BasicQosOK{})
	case *BasicConsume:
		tag := m.ConsumerTag
		if tag == "" {
			c.names++
			tag = fmt.Sprintf("amq.ctag-%d-%d", c.index, c.names)
		}
		if _, taken := c.consumers[tag]; taken {
			c.closeLocked(&ConnectionClose{ReplyCode: 530, ReplyText: fmt.Sprintf("NOT_ALLOWED - attempt to reuse consumer tag '%s'", tag), ClassID: 60, MethodID: 20})
			return
		}
		c.consumers[tag] = ch.id
		if !m.NoWait {
			reply(&BasicConsumeOK{ConsumerTag: tag})
		}
	case *BasicCancel:
		delete(c.consumers, m.ConsumerTag)
		if !m.NoWait {
			reply(&BasicCancelOK{ConsumerTag: m.ConsumerTag})
		}
	case *BasicGet:
		reply(&BasicGetEmpty{})
	case *BasicRecover:
		reply(&BasicRecoverOK{})
	case *BasicAck, *BasicNack, *BasicReject:
		// A consumer's acknowledgement: recorded, nothing to answer.
	case *BasicPublish:
		c.publish(ev, ch, m, answer)
	default:
		class, method := ev.Method.ID()
		c.closeLocked(&ConnectionClose{ReplyCode: 540, ReplyText: "NOT_IMPLEMENTED - " + ev.Method.Name(), ClassID: class, MethodID: method})
	}
}
