package amqpwire

import "encoding/binary"

// The basic class and the property flags that come before priority, in
// the order their values follow the flags.
const (
	classBasic       = 60
	flagContentType  = 0x8000
	flagContentEnc   = 0x4000
	flagHeaders      = 0x2000
	flagDeliveryMode = 0x1000
	flagPriority     = 0x0800

	// propertiesStart is the offset of the property values in a content
	// header's payload: class, weight, body size, flags.
	propertiesStart = 14
)

// appendCompleted appends a content-header frame with an empty headers
// table and priority 0 added where amqp091-go left them out, as kombu
// always sends both. It appends the frame unchanged when it has both, is
// not of the basic class, cannot be parsed, or would grow past frameMax
// (0: no limit).
func appendCompleted(dst, frame []byte, frameMax uint32) []byte {
	payload := frame[frameHeaderSize : len(frame)-1]
	if len(payload) < propertiesStart || binary.BigEndian.Uint16(payload[0:2]) != classBasic {
		return append(dst, frame...)
	}
	flags := binary.BigEndian.Uint16(payload[12:14])
	hasHeaders, hasPriority := flags&flagHeaders != 0, flags&flagPriority != 0
	if hasHeaders && hasPriority {
		return append(dst, frame...)
	}
	// Find where the headers table is or goes, and where priority is or
	// goes: after content type and encoding, and after the table and the
	// delivery mode.
	pos := propertiesStart
	for _, f := range [...]uint16{flagContentType, flagContentEnc} {
		if flags&f != 0 {
			if pos >= len(payload) {
				return append(dst, frame...)
			}
			pos += 1 + int(payload[pos])
		}
	}
	headersAt := pos
	grow := 0
	if hasHeaders {
		if pos+4 > len(payload) {
			return append(dst, frame...)
		}
		pos += 4 + int(binary.BigEndian.Uint32(payload[pos:]))
	} else {
		grow += 4
	}
	if flags&flagDeliveryMode != 0 {
		pos++
	}
	priorityAt := pos
	if !hasPriority {
		grow++
	}
	if priorityAt > len(payload) || frameMax != 0 && len(frame)+grow > int(frameMax) {
		return append(dst, frame...)
	}

	start := len(dst)
	dst = append(dst, frame[:frameHeaderSize+headersAt]...)
	if !hasHeaders {
		dst = append(dst, 0, 0, 0, 0)
	}
	dst = append(dst, payload[headersAt:priorityAt]...)
	if !hasPriority {
		dst = append(dst, 0)
	}
	dst = append(dst, payload[priorityAt:]...)
	dst = append(dst, frameEnd)
	out := dst[start:]
	binary.BigEndian.PutUint16(out[frameHeaderSize+12:], flags|flagHeaders|flagPriority)
	binary.BigEndian.PutUint32(out[3:7], uint32(len(out)-frameOverhead))
	return dst
}
