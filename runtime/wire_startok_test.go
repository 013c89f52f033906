package runtime

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// field encodes a table entry.
func field(key string, typ byte, value []byte) []byte {
	b := append([]byte{byte(len(key))}, key...)
	b = append(b, typ)
	return append(b, value...)
}

func longBytes(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)
}

// startOK builds a connection.start-ok method frame with the client
// properties props, as amqp091-go writes it.
func startOK(props []byte) []byte {
	p := []byte{0, classConnection, 0, methodStartOK}
	p = append(p, longBytes(props)...)
	p = append(p, shortstr("PLAIN")...)
	p = append(p, longBytes([]byte("\x00guest\x00guest"))...)
	p = append(p, shortstr("en_US")...)
	return frame(frameMethod, 0, p)
}

func TestStartOKAsksForAuthenticationFailureClose(t *testing.T) {
	caps := bytes.Join([][]byte{field("connection.blocked", 't', []byte{1}), field("basic.nack", 't', []byte{1})}, nil)
	before := bytes.Join([][]byte{
		field("product", 'S', longBytes([]byte("amqp091-go"))),
		field("capabilities", 'F', longBytes(caps)),
		field("platform", 'S', longBytes([]byte("golang"))),
	}, nil)
	after := bytes.Join([][]byte{
		field("product", 'S', longBytes([]byte("amqp091-go"))),
		field("capabilities", 'F', longBytes(append(caps, field(failureClose, 't', []byte{1})...))),
		field("platform", 'S', longBytes([]byte("golang"))),
	}, nil)
	tuneOK := frame(frameMethod, 0, []byte{0, classConnection, 0, 31, 0, 0, 0, 2, 0, 0, 0, 0})
	preamble := []byte("AMQP\x00\x00\x09\x01")
	stream := concat(preamble, startOK(before), tuneOK)
	want := concat(preamble, startOK(after), tuneOK)
	for cut := 0; cut <= len(stream); cut++ {
		if got := writeInChunks(t, stream, cut); !bytes.Equal(got, want) {
			t.Fatalf("cut at %d:\n got %x\nwant %x", cut, got, want)
		}
	}

	// Without a capabilities table there is nothing to add to.
	plain := concat(preamble, startOK(field("product", 'S', longBytes([]byte("x")))))
	if got := writeInChunks(t, plain, -1); !bytes.Equal(got, plain) {
		t.Errorf("a start-ok without capabilities changed:\n got %x\nwant %x", got, plain)
	}
}
