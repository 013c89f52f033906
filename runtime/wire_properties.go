package runtime

import (
	"encoding/binary"
	"net"
	"sync"
)

// kombu always sends a headers table (empty when there are none) and a
// priority (0 by default); amqp091-go leaves both out when they are empty,
// and consumers that read properties see the difference. propertyWriter
// sits between amqp091-go and the socket and adds the two to every
// content-header frame that lacks them. It parses the outgoing stream frame
// by frame; only header frames, which are small, are copied.
type propertyWriter struct {
	net.Conn

	mu       sync.Mutex
	preamble int     // bytes of the protocol header still to pass
	head     [7]byte // frame header being read
	headN    int
	pass     int    // bytes of the current frame to pass as they are
	frame    []byte // the header frame being collected
	collect  int    // bytes of it still to come
	out      net.Buffers
	scratch  []byte
}

// AMQP 0-9-1 framing: the frame types, the end octet and the basic class's
// property flags that matter here.
const (
	frameMethod      = 1
	frameHeader      = 2
	frameEnd         = 0xCE
	classBasic       = 60
	flagContentType  = 0x8000
	flagContentEnc   = 0x4000
	flagHeaders      = 0x2000
	flagDeliveryMode = 0x1000
	flagPriority     = 0x0800
	protocolHeader   = 8 // "AMQP" 0 0 9 1
)

func newPropertyWriter(c net.Conn) *propertyWriter {
	return &propertyWriter{Conn: c, preamble: protocolHeader}
}

// Write passes p on, with header frames completed. It reports len(p) when
// everything was written.
func (w *propertyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.out = w.out[:0]
	w.scratch = w.scratch[:0]
	w.consume(p)
	if len(w.out) == 0 {
		return len(p), nil
	}
	bufs := w.out
	if _, err := bufs.WriteTo(w.Conn); err != nil {
		return 0, err
	}
	return len(p), nil
}

// consume splits p into what passes as it is and what is rewritten.
func (w *propertyWriter) consume(p []byte) {
	for len(p) > 0 {
		switch {
		case w.preamble > 0:
			n := min(w.preamble, len(p))
			w.emit(p[:n])
			w.preamble -= n
			p = p[n:]
		case w.pass > 0:
			n := min(w.pass, len(p))
			w.emit(p[:n])
			w.pass -= n
			p = p[n:]
		case w.collect > 0:
			n := min(w.collect, len(p))
			w.frame = append(w.frame, p[:n]...)
			w.collect -= n
			p = p[n:]
			if w.collect == 0 {
				w.emitOwned(rewrite(w.frame))
				w.frame = w.frame[:0]
			}
		default:
			n := copy(w.head[w.headN:], p)
			w.headN += n
			p = p[n:]
			if w.headN == len(w.head) {
				w.startFrame()
			}
		}
	}
}

// startFrame decides, from a frame's header, whether to collect the frame.
func (w *propertyWriter) startFrame() {
	w.headN = 0
	size := int(binary.BigEndian.Uint32(w.head[3:7])) + 1 // payload and end octet
	channel := binary.BigEndian.Uint16(w.head[1:3])
	if w.head[0] == frameHeader || w.head[0] == frameMethod && channel == 0 {
		w.frame = append(w.frame[:0], w.head[:]...)
		w.collect = size
		return
	}
	w.emitOwned(w.head[:])
	w.pass = size
}

// emit queues a slice of the caller's buffer, valid until Write returns.
func (w *propertyWriter) emit(b []byte) { w.out = append(w.out, b) }

// emitOwned queues a copy of b, whose backing array is reused.
func (w *propertyWriter) emitOwned(b []byte) {
	start := len(w.scratch)
	w.scratch = append(w.scratch, b...)
	w.out = append(w.out, w.scratch[start:len(w.scratch):len(w.scratch)])
}

// rewrite returns a collected frame as it should go out.
func rewrite(frame []byte) []byte {
	if frame[0] == frameMethod {
		return askAuthenticationFailureClose(frame)
	}
	return completeProperties(frame)
}

// completeProperties returns a basic content-header frame with an empty
// headers table and priority 0 added where absent. Anything it cannot parse
// is returned unchanged.
func completeProperties(frame []byte) []byte {
	payload := frame[7 : len(frame)-1]
	if len(payload) < 14 || binary.BigEndian.Uint16(payload[0:2]) != classBasic {
		return frame
	}
	flags := binary.BigEndian.Uint16(payload[12:14])
	if flags&flagHeaders != 0 && flags&flagPriority != 0 {
		return frame
	}
	pos := 14
	for _, f := range []uint16{flagContentType, flagContentEnc} {
		if flags&f != 0 {
			if pos >= len(payload) {
				return frame
			}
			pos += 1 + int(payload[pos])
		}
	}
	out := make([]byte, 0, len(frame)+5)
	out = append(out, frame[:7+pos]...)
	if flags&flagHeaders == 0 {
		out = append(out, 0, 0, 0, 0)
		flags |= flagHeaders
	} else {
		if pos+4 > len(payload) {
			return frame
		}
		n := 4 + int(binary.BigEndian.Uint32(payload[pos:]))
		out = append(out, payload[pos:min(pos+n, len(payload))]...)
		pos += n
	}
	if flags&flagDeliveryMode != 0 && pos < len(payload) {
		out = append(out, payload[pos])
		pos++
	}
	if flags&flagPriority == 0 {
		out = append(out, 0)
		flags |= flagPriority
	}
	if pos > len(payload) {
		return frame
	}
	out = append(out, payload[pos:]...)
	out = append(out, frameEnd)
	binary.BigEndian.PutUint16(out[7+12:7+14], flags)
	binary.BigEndian.PutUint32(out[3:7], uint32(len(out)-8))
	return out
}
