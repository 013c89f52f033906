package amqpwire

import "encoding/binary"

// AMQP 0-9-1 framing, and the methods the shims read.
const (
	frameMethod     = 1
	frameHeader     = 2
	frameEnd        = 0xCE
	frameOverhead   = 8 // type, channel, size, end octet
	frameHeaderSize = 7 // type, channel, size
	protocolHeader  = 8 // "AMQP" 0 0 9 1, before the first frame

	classConnection = 10
	methodStartOK   = 11
	methodTuneOK    = 31

	// minFrameMax is the largest frame a peer must accept before
	// connection.tune settles frame_max (AMQP 0-9-1, 4.2.3).
	minFrameMax = 4096
)

// parser follows the client's outgoing byte stream frame by frame and
// appends it to an output buffer, with header frames completed and the
// connection.start-ok given its capability. Frames it leaves alone are
// appended as they come, without being collected; only header frames and
// method frames on channel 0 (connection.start-ok, tune-ok, close,
// close-ok), which are small, are collected whole before they are
// appended.
type parser struct {
	preamble int                   // protocol header bytes still to pass
	head     [frameHeaderSize]byte // a frame header split across writes
	headN    int
	pass     int    // bytes of the current frame to pass as they are
	frame    []byte // the frame being collected
	collect  int    // bytes of it still to come
	// frameMax is the frame_max the client settled on in its
	// connection.tune-ok: 0 for no limit, minFrameMax before.
	frameMax uint32
}

func newParser() parser { return parser{preamble: protocolHeader, frameMax: minFrameMax} }

// consume appends p, rewritten, to dst.
func (r *parser) consume(dst, p []byte) []byte {
	for len(p) > 0 {
		switch {
		case r.preamble > 0:
			n := min(r.preamble, len(p))
			dst = append(dst, p[:n]...)
			r.preamble -= n
			p = p[n:]
		case r.pass > 0:
			n := min(r.pass, len(p))
			dst = append(dst, p[:n]...)
			r.pass -= n
			p = p[n:]
		case r.collect > 0:
			n := min(r.collect, len(p))
			r.frame = append(r.frame, p[:n]...)
			r.collect -= n
			p = p[n:]
			if r.collect == 0 {
				dst = r.appendFrame(dst, r.frame)
				r.frame = r.frame[:0]
			}
		case r.headN == 0 && len(p) >= frameHeaderSize:
			// The common case: the frame header is whole in p, and a
			// frame to rewrite often is too.
			size := frameSize(p)
			if !rewritten(p) {
				n := min(size, len(p))
				dst = append(dst, p[:n]...)
				r.pass = size - n
				p = p[n:]
			} else if size <= len(p) {
				dst = r.appendFrame(dst, p[:size])
				p = p[size:]
			} else {
				r.frame = append(r.frame[:0], p...)
				r.collect = size - len(p)
				p = nil
			}
		default:
			n := copy(r.head[r.headN:], p)
			r.headN += n
			p = p[n:]
			if r.headN == len(r.head) {
				r.headN = 0
				if rewritten(r.head[:]) {
					r.frame = append(r.frame[:0], r.head[:]...)
					r.collect = frameSize(r.head[:]) - frameHeaderSize
				} else {
					dst = append(dst, r.head[:]...)
					r.pass = frameSize(r.head[:]) - frameHeaderSize
				}
			}
		}
	}
	return dst
}

// frameSize returns the size of the frame whose header starts b, header
// and end octet included.
func frameSize(b []byte) int {
	return int(binary.BigEndian.Uint32(b[3:7])) + frameOverhead
}

// rewritten reports whether the frame whose header starts b is one the
// parser collects: a content header, or a method on channel 0.
func rewritten(b []byte) bool {
	return b[0] == frameHeader || b[0] == frameMethod && b[1] == 0 && b[2] == 0
}

// appendFrame appends a whole collected frame as it should go out.
func (r *parser) appendFrame(dst, frame []byte) []byte {
	if frame[0] == frameHeader {
		return appendCompleted(dst, frame, r.frameMax)
	}
	payload := frame[frameHeaderSize : len(frame)-1]
	if len(payload) >= 4 && binary.BigEndian.Uint16(payload[0:2]) == classConnection {
		switch binary.BigEndian.Uint16(payload[2:4]) {
		case methodStartOK:
			return appendStartOK(dst, frame, r.frameMax)
		case methodTuneOK:
			// channel-max (short), frame-max (long), heartbeat (short)
			if len(payload) >= 10 {
				r.frameMax = binary.BigEndian.Uint32(payload[6:10])
			}
		}
	}
	return append(dst, frame...)
}
