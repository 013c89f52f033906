package runtime

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
)

// frame builds an AMQP frame.
func frame(typ byte, channel uint16, payload []byte) []byte {
	f := []byte{typ, byte(channel >> 8), byte(channel)}
	f = binary.BigEndian.AppendUint32(f, uint32(len(payload)))
	f = append(f, payload...)
	return append(f, frameEnd)
}

// headerPayload builds a basic content header with the given flags and the
// encoded properties that follow them.
func headerPayload(flags uint16, props ...[]byte) []byte {
	p := binary.BigEndian.AppendUint16(nil, classBasic)
	p = append(p, 0, 0)
	p = binary.BigEndian.AppendUint64(p, 42)
	p = binary.BigEndian.AppendUint16(p, flags)
	for _, b := range props {
		p = append(p, b...)
	}
	return p
}

func shortstr(s string) []byte { return append([]byte{byte(len(s))}, s...) }

func table(entries ...byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(entries))), entries...)
}

// recorder is a net.Conn that keeps what is written to it.
type recorder struct {
	net.Conn
	buf bytes.Buffer
}

func (r *recorder) Write(p []byte) (int, error) { return r.buf.Write(p) }

func TestPropertyWriterCompletesHeaderFrames(t *testing.T) {
	preamble := []byte("AMQP\x00\x00\x09\x01")
	method := frame(1, 1, []byte{0, 60, 0, 40, 0, 0, 1, 'x', 0, 0})
	body := frame(3, 1, bytes.Repeat([]byte{0xCE}, 42))
	heartbeat := frame(8, 0, nil)
	someHeader := table(1, 'k', 't', 1)

	tests := []struct {
		name      string
		in, want  []byte
		unchanged bool
	}{
		{
			name: "no headers, no priority",
			in:   frame(2, 1, headerPayload(flagContentType|flagDeliveryMode, shortstr("application/json"), []byte{2})),
			want: frame(2, 1, headerPayload(flagContentType|flagHeaders|flagDeliveryMode|flagPriority,
				shortstr("application/json"), table(), []byte{2}, []byte{0})),
		},
		{
			name: "headers present, no priority, later properties kept",
			in: frame(2, 1, headerPayload(flagContentType|flagContentEnc|flagHeaders|flagDeliveryMode|0x0100,
				shortstr("text/plain"), shortstr("utf-8"), someHeader, []byte{1}, shortstr("1500"))),
			want: frame(2, 1, headerPayload(flagContentType|flagContentEnc|flagHeaders|flagDeliveryMode|flagPriority|0x0100,
				shortstr("text/plain"), shortstr("utf-8"), someHeader, []byte{1}, []byte{0}, shortstr("1500"))),
		},
		{
			name: "priority present, no headers",
			in:   frame(2, 1, headerPayload(flagPriority, []byte{7})),
			want: frame(2, 1, headerPayload(flagHeaders|flagPriority, table(), []byte{7})),
		},
		{
			name:      "both present",
			in:        frame(2, 1, headerPayload(flagHeaders|flagPriority, someHeader, []byte{3})),
			unchanged: true,
		},
		{
			name:      "not the basic class",
			in:        frame(2, 1, append([]byte{0, 70}, headerPayload(0)[2:]...)),
			unchanged: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.unchanged {
				tt.want = tt.in
			}
			stream := concat(preamble, method, tt.in, body, heartbeat, method, tt.in, body)
			want := concat(preamble, method, tt.want, body, heartbeat, method, tt.want, body)
			// Every way of cutting the stream in two writes, and one byte at a time.
			for cut := 0; cut <= len(stream); cut++ {
				if got := writeInChunks(t, stream, cut); !bytes.Equal(got, want) {
					t.Fatalf("cut at %d:\n got %x\nwant %x", cut, got, want)
				}
			}
			if got := writeInChunks(t, stream, -1); !bytes.Equal(got, want) {
				t.Fatalf("byte by byte:\n got %x\nwant %x", got, want)
			}
		})
	}
}

// writeInChunks writes stream through a propertyWriter in two parts cut at
// cut, or a byte at a time when cut is -1.
func writeInChunks(t *testing.T, stream []byte, cut int) []byte {
	t.Helper()
	rec := &recorder{}
	w := newPropertyWriter(rec)
	var parts [][]byte
	if cut < 0 {
		for i := range stream {
			parts = append(parts, stream[i:i+1])
		}
	} else {
		parts = [][]byte{stream[:cut], stream[cut:]}
	}
	for _, p := range parts {
		n, err := w.Write(p)
		if err != nil || n != len(p) {
			t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(p))
		}
	}
	return rec.buf.Bytes()
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
