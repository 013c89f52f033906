package runtime

import (
	"encoding/binary"
)

// RabbitMQ answers wrong credentials by closing the socket, unless the
// client says in connection.start-ok that it understands a
// connection.close instead (the authentication_failure_close capability).
// amqp091-go does not say so, and then a network cut during the handshake
// and a wrong password look the same: the first must be retried, the
// second must not. So the propertyWriter adds the capability to the
// start-ok frame, and RabbitMQ replies to wrong credentials with a 403 of
// its own.

// The AMQP method connection.start-ok, and the capability's name.
const (
	classConnection = 10
	methodStartOK   = 11
	failureClose    = "authentication_failure_close"
)

// askAuthenticationFailureClose returns a method frame with
// authentication_failure_close added to the capabilities of a
// connection.start-ok; other frames, and one it cannot parse, unchanged.
func askAuthenticationFailureClose(frame []byte) []byte {
	payload := frame[7 : len(frame)-1]
	if len(payload) < 8 || binary.BigEndian.Uint16(payload[0:2]) != classConnection ||
		binary.BigEndian.Uint16(payload[2:4]) != methodStartOK {
		return frame
	}
	props := payload[4:]
	size := int(binary.BigEndian.Uint32(props))
	if 4+size > len(props) {
		return frame
	}
	caps, ok := findTable(props[4:4+size], "capabilities")
	if !ok {
		return frame
	}
	entry := append([]byte{byte(len(failureClose))}, failureClose...)
	entry = append(entry, 't', 1)
	// The capabilities table ends at 4+caps+capsLen within props' entries:
	// insert the entry there and grow the two tables and the frame.
	capsStart := 7 + 4 + 4 + caps // its length field, in frame
	capsLen := int(binary.BigEndian.Uint32(frame[capsStart:]))
	end := capsStart + 4 + capsLen
	out := make([]byte, 0, len(frame)+len(entry))
	out = append(out, frame[:end]...)
	out = append(out, entry...)
	out = append(out, frame[end:]...)
	binary.BigEndian.PutUint32(out[capsStart:], uint32(capsLen+len(entry)))
	binary.BigEndian.PutUint32(out[7+4:], uint32(size+len(entry)))
	binary.BigEndian.PutUint32(out[3:7], uint32(len(out)-8))
	return out
}

// findTable returns the offset, within entries, of the length field of the
// nested table under key.
func findTable(entries []byte, key string) (int, bool) {
	for pos := 0; pos < len(entries); {
		n := int(entries[pos])
		if pos+1+n+1 > len(entries) {
			return 0, false
		}
		name := string(entries[pos+1 : pos+1+n])
		typ := entries[pos+1+n]
		value := pos + 1 + n + 1
		if name == key && typ == 'F' {
			return value, value+4 <= len(entries)
		}
		size, ok := fieldSize(typ, entries[value:])
		if !ok {
			return 0, false
		}
		pos = value + size
	}
	return 0, false
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
	case 'l', 'L', 'd', 'T':
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
