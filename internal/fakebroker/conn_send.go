package fakebroker

import (
	"slices"
	"time"
)

// publish takes a basic.publish: it gives it a delivery tag on a
// confirm-mode channel and, when answering, returns it if the test says it
// is unroutable and confirms it unless confirms are held. The lock is
// held.
func (c *Conn) publish(ev *Event, ch *channel, m *BasicPublish, answer bool) {
	ev.ch = ch
	if ch.confirm {
		ch.lastTag++
		ev.tag.Store(ch.lastTag)
		ch.unconfirmed[ch.lastTag] = ev
	}
	if !answer {
		return
	}
	if m.Mandatory && c.b.opts.Unroutable != nil && c.b.opts.Unroutable(ev) {
		ev.returned = true
		c.sendLocked(ev.Channel, &BasicReturn{ReplyCode: 312, ReplyText: "NO_ROUTE", Exchange: m.Exchange, RoutingKey: m.RoutingKey, Content: m.Content})
	}
	if ch.confirm && !c.b.manual {
		c.confirmLocked(ch, ch.lastTag, false, false)
	}
}

// confirmLocked acks or nacks tag (and with multiple every earlier tag not
// yet confirmed) on ch. The lock is held.
func (c *Conn) confirmLocked(ch *channel, tag uint64, nack, multiple bool) {
	for _, t := range ch.unconfirmedTags() {
		if t == tag || multiple && t < tag {
			delete(ch.unconfirmed, t)
		}
	}
	ch.maxConfirmed = max(ch.maxConfirmed, tag)
	if nack {
		c.sendLocked(ch.id, &BasicNack{DeliveryTag: tag, Multiple: multiple})
	} else {
		c.sendLocked(ch.id, &BasicAck{DeliveryTag: tag, Multiple: multiple})
	}
}

// unconfirmedTags returns the tags of the publishes not yet confirmed, in
// order.
func (ch *channel) unconfirmedTags() []uint64 {
	tags := make([]uint64, 0, len(ch.unconfirmed))
	for t := range ch.unconfirmed {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	return tags
}

// sendLocked sends m on channel ch and records it. The lock is held.
func (c *Conn) sendLocked(ch uint16, m Method) {
	if c.severed || c.closeAfterOut {
		return
	}
	frames, err := encodeMethod(ch, m, c.frameMax)
	if err != nil {
		c.b.errorf("conn %d: %v", c.index, err)
		return
	}
	c.writeLocked(frames)
	c.b.record(&Event{Conn: c, Channel: ch, Sent: true, Method: m})
}

// writeLocked queues bytes for the writer. The lock is held.
func (c *Conn) writeLocked(b []byte) {
	if c.severed || c.closeAfterOut {
		return
	}
	c.out = append(c.out, b...)
	c.wakeWriter()
}

func (c *Conn) wakeWriter() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// closeLocked sends connection.close, after which the broker ignores all
// but the client's close and close-ok. The lock is held.
func (c *Conn) closeLocked(m *ConnectionClose) {
	if c.state >= stateClosing {
		return
	}
	c.sendLocked(0, m)
	c.state = stateClosing
}

// closeChannelLocked sends channel.close on id, after which the broker
// ignores all but the client's close and close-ok there. The lock is held.
func (c *Conn) closeChannelLocked(id uint16, m *ChannelClose) {
	if c.state >= stateClosing {
		return
	}
	ch := c.channels[id]
	if ch == nil {
		// A channel the client thinks open, the open held or dropped.
		ch = &channel{id: id, unconfirmed: map[uint64]*Event{}}
		c.channels[id] = ch
	}
	if ch.closing {
		return
	}
	ch.closing = true
	c.sendLocked(id, m)
}

// dropChannel forgets a closed channel and its consumers. The lock is held.
func (c *Conn) dropChannel(ch *channel) {
	delete(c.channels, ch.id)
	for tag, id := range c.consumers {
		if id == ch.id {
			delete(c.consumers, tag)
		}
	}
}

// closeAfterWriting closes the socket once what is queued is written, as
// RabbitMQ does after connection.close-ok. The lock is held.
func (c *Conn) closeAfterWriting() {
	c.state = stateClosed
	c.closeAfterOut = true
	c.wakeWriter()
}

// severLocked closes the socket. The lock is held.
func (c *Conn) severLocked() {
	c.state = stateClosed
	if c.severed {
		return
	}
	c.severed = true
	c.socket.Close()
	close(c.done)
	if c.stall != nil {
		close(c.stall.resumed)
		c.stall = nil
	}
	c.b.notify()
}

// writeLoop writes what the broker sends, and heartbeats, until the socket
// closes.
func (c *Conn) writeLoop() {
	defer c.b.wg.Done()
	var (
		interval uint16
		ticker   *time.Ticker
		tick     <-chan time.Time
	)
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	for {
		c.b.mu.Lock()
		buf, closeAfter := c.out, c.closeAfterOut
		c.out = nil
		want := c.heartbeat
		if !c.beating || c.state == stateClosed {
			want = 0
		}
		c.b.mu.Unlock()
		if len(buf) > 0 {
			if _, err := c.socket.Write(buf); err != nil {
				c.Sever()
				return
			}
		}
		if closeAfter {
			c.Sever()
			return
		}
		if want != interval {
			interval = want
			if ticker != nil {
				ticker.Stop()
				ticker, tick = nil, nil
			}
			if interval > 0 {
				ticker = time.NewTicker(time.Duration(interval) * time.Second)
				tick = ticker.C
			}
		}
		select {
		case <-c.wake:
		case <-tick:
			c.SendHeartbeat()
		case <-c.done:
			return
		}
	}
}
