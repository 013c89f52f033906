package fakebroker

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
)

// AMQP 0-9-1 framing.
const (
	frameMethod    = 1
	frameHeader    = 2
	frameBody      = 3
	frameHeartbeat = 8
	frameEnd       = 0xCE
	frameOverhead  = 8 // type, channel, size, end octet
	classBasic     = 60
)

// protocolHeader is what an AMQP 0-9-1 client sends first.
var protocolHeader = [8]byte{'A', 'M', 'Q', 'P', 0, 0, 9, 1}

// frame is one frame read from the client.
type frame struct {
	typ     byte
	channel uint16
	payload []byte // a slice of its own
}

// frameReader splits what the client sends into frames. It keeps what it
// read of an unfinished frame across errors, so that a read interrupted to
// stall the connection loses nothing.
type frameReader struct {
	conn net.Conn
	buf  []byte // read, not yet returned
	tmp  []byte
}

func newFrameReader(c net.Conn) *frameReader {
	return &frameReader{conn: c, tmp: make([]byte, 32<<10)}
}

// fill reads from the socket at least once, appending to buf.
func (r *frameReader) fill() error {
	n, err := r.conn.Read(r.tmp)
	r.buf = append(r.buf, r.tmp[:n]...)
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// header returns the 8 bytes a connection starts with.
func (r *frameReader) header() ([8]byte, error) {
	for len(r.buf) < 8 {
		if err := r.fill(); err != nil {
			return [8]byte{}, err
		}
	}
	var h [8]byte
	copy(h[:], r.buf)
	r.buf = r.buf[8:]
	return h, nil
}

// errFrame is a frame no AMQP 0-9-1 peer sends.
type errFrame struct{ reason string }

func (e errFrame) Error() string { return e.reason }

// next returns the next frame. A frame larger than frameMax (when not
// zero) is an errFrame; so is one without its end octet.
func (r *frameReader) next(frameMax uint32) (frame, error) {
	for {
		if len(r.buf) >= 7 {
			size := binary.BigEndian.Uint32(r.buf[3:7])
			if frameMax != 0 && uint64(size)+frameOverhead > uint64(frameMax) {
				return frame{}, errFrame{fmt.Sprintf("FRAME_ERROR - frame of %d bytes, over frame_max %d", uint64(size)+frameOverhead, frameMax)}
			}
			if total := 7 + int(size) + 1; len(r.buf) >= total {
				f := frame{
					typ:     r.buf[0],
					channel: binary.BigEndian.Uint16(r.buf[1:3]),
					payload: append([]byte(nil), r.buf[7:total-1]...),
				}
				end := r.buf[total-1]
				r.buf = r.buf[total:]
				if end != frameEnd {
					return frame{}, errFrame{fmt.Sprintf("FRAME_ERROR - frame end octet %#x", end)}
				}
				return f, nil
			}
		}
		if err := r.fill(); err != nil {
			return frame{}, err
		}
	}
}

// appendFrame appends one frame.
func appendFrame(buf []byte, typ byte, channel uint16, payload []byte) []byte {
	buf = append(buf, typ)
	buf = binary.BigEndian.AppendUint16(buf, channel)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(payload)))
	buf = append(buf, payload...)
	return append(buf, frameEnd)
}

// encodeMethod returns the frames that send m on channel: its method frame
// and, for a method with content, the header frame and body frames no
// larger than frameMax (0: one body frame).
func encodeMethod(channel uint16, m Method, frameMax uint32) ([]byte, error) {
	class, id := m.ID()
	c := &codec{encode: true}
	c.short(&class)
	c.short(&id)
	m.fields(c)
	if c.err != nil {
		return nil, fmt.Errorf("encode %s: %w", m.Name(), c.err)
	}
	out := appendFrame(nil, frameMethod, channel, c.buf)
	ct, ok := content(m)
	if !ok {
		return out, nil
	}
	if ct == nil {
		ct = &Content{}
	}
	header, err := ct.headerPayload()
	if err != nil {
		return nil, fmt.Errorf("encode %s content: %w", m.Name(), err)
	}
	out = appendFrame(out, frameHeader, channel, header)
	chunk := len(ct.Body)
	if frameMax != 0 {
		chunk = int(frameMax) - frameOverhead
	}
	for body := ct.Body; len(body) > 0; {
		n := min(chunk, len(body))
		out = appendFrame(out, frameBody, channel, body[:n])
		body = body[n:]
	}
	return out, nil
}

// decodeMethod decodes a method frame's payload.
func decodeMethod(payload []byte) (Method, error) {
	if len(payload) < 4 {
		return nil, errShort
	}
	m, err := newMethod(binary.BigEndian.Uint16(payload[0:2]), binary.BigEndian.Uint16(payload[2:4]))
	if err != nil {
		return nil, err
	}
	c := &codec{buf: payload, pos: 4}
	m.fields(c)
	if c.err != nil {
		return nil, fmt.Errorf("%s: %w", m.Name(), c.err)
	}
	return m, nil
}
