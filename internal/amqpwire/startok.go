package amqpwire

import "encoding/binary"

// FailureCloseCapability is the capability the shim declares in
// connection.start-ok: with it RabbitMQ refuses credentials with a
// connection.close (403 ACCESS_REFUSED) instead of closing the socket.
const FailureCloseCapability = "authentication_failure_close"

// capabilityEntry is the table entry declaring FailureCloseCapability:
// name, type 't' (boolean), true.
var capabilityEntry = append(append([]byte{byte(len(FailureCloseCapability))}, FailureCloseCapability...), 't', 1)

// appendStartOK appends a connection.start-ok method frame with
// FailureCloseCapability added to the capabilities table of its client
// properties. It appends the frame unchanged when the table is missing or
// has the capability, when the frame cannot be parsed, or when it would
// grow past frameMax.
func appendStartOK(dst, frame []byte, frameMax uint32) []byte {
	// class, method, then the client properties: a table.
	const propsAt = frameHeaderSize + 4
	payload := frame[frameHeaderSize : len(frame)-1]
	if len(payload) < 8 {
		return append(dst, frame...)
	}
	propsLen := int(binary.BigEndian.Uint32(frame[propsAt:]))
	if 4+propsLen > len(payload)-4 {
		return append(dst, frame...)
	}
	typ, capsAt, ok := findField(frame[propsAt+4:propsAt+4+propsLen], "capabilities")
	if !ok || typ != 'F' {
		return append(dst, frame...)
	}
	capsAt += propsAt + 4 // the capabilities table's length field, in frame
	capsLen := int(binary.BigEndian.Uint32(frame[capsAt:]))
	caps := frame[capsAt+4 : capsAt+4+capsLen]
	if _, _, has := findField(caps, FailureCloseCapability); has {
		return append(dst, frame...)
	}
	if frameMax != 0 && len(frame)+len(capabilityEntry) > int(frameMax) {
		return append(dst, frame...)
	}
	start := len(dst)
	end := capsAt + 4 + capsLen
	dst = append(dst, frame[:end]...)
	dst = append(dst, capabilityEntry...)
	dst = append(dst, frame[end:]...)
	out := dst[start:]
	binary.BigEndian.PutUint32(out[capsAt:], uint32(capsLen+len(capabilityEntry)))
	binary.BigEndian.PutUint32(out[propsAt:], uint32(propsLen+len(capabilityEntry)))
	binary.BigEndian.PutUint32(out[3:7], uint32(len(out)-frameOverhead))
	return dst
}

// findField returns the type of the field key in a table's entries and
// the offset of its value; ok is false when the key is absent or the
// entries cannot be parsed.
func findField(entries []byte, key string) (typ byte, at int, ok bool) {
	for pos := 0; pos < len(entries); {
		n := int(entries[pos])
		if pos+1+n+1 > len(entries) {
			return 0, 0, false
		}
		name := entries[pos+1 : pos+1+n]
		typ := entries[pos+1+n]
		value := pos + 1 + n + 1
		size, ok := fieldSize(typ, entries[value:])
		if !ok || value+size > len(entries) {
			return 0, 0, false
		}
		if string(name) == key {
			return typ, value, true
		}
		pos = value + size
	}
	return 0, 0, false
}

// fieldSize is the size of a field value of type typ at the start of b, as
// amqp091-go and RabbitMQ write them.
func fieldSize(typ byte, b []byte) (int, bool) {
	switch typ {
	case 't', 'b', 'B':
		return 1, true
	case 's', 'u':
		return 2, true
	case 'I', 'i', 'f':
		return 4, true
	case 'l', 'd', 'T':
		return 8, true
	case 'D':
		return 5, true
	case 'V':
		return 0, true
	case 'S', 'x', 'A', 'F':
		if len(b) < 4 {
			return 0, false
		}
		return 4 + int(binary.BigEndian.Uint32(b)), true
	}
	return 0, false
}
