package amqpwire

import (
	"bytes"
	"encoding/binary"
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

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

var preamble = []byte("AMQP\x00\x00\x09\x01")

// tuneOK is a connection.tune-ok settling on frameMax.
func tuneOK(frameMax uint32) []byte {
	p := []byte{0, classConnection, 0, methodTuneOK, 0, 10}
	p = binary.BigEndian.AppendUint32(p, frameMax)
	return frame(frameMethod, 0, append(p, 0, 60))
}

// writeInChunks passes stream through a parser in two parts cut at cut,
// or a byte at a time when cut is -1.
func writeInChunks(stream []byte, cut int) []byte {
	r := newParser()
	var out []byte
	if cut < 0 {
		for i := range stream {
			out = r.consume(out, stream[i:i+1])
		}
		return out
	}
	out = r.consume(out, stream[:cut])
	return r.consume(out, stream[cut:])
}

// checkEveryCut passes stream through a parser cut at every place, and a
// byte at a time, and compares what comes out with want.
func checkEveryCut(t *testing.T, stream, want []byte) {
	t.Helper()
	for cut := 0; cut <= len(stream); cut++ {
		if got := writeInChunks(stream, cut); !bytes.Equal(got, want) {
			t.Fatalf("cut at %d:\n got %x\nwant %x", cut, got, want)
		}
	}
	if got := writeInChunks(stream, -1); !bytes.Equal(got, want) {
		t.Fatalf("byte by byte:\n got %x\nwant %x", got, want)
	}
}

func TestCompletesHeaderFrames(t *testing.T) {
	method := frame(frameMethod, 1, []byte{0, 60, 0, 40, 0, 0, 1, 'x', 0, 0})
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
			in:   frame(frameHeader, 1, headerPayload(flagContentType|flagDeliveryMode, shortstr("application/json"), []byte{2})),
			want: frame(frameHeader, 1, headerPayload(flagContentType|flagHeaders|flagDeliveryMode|flagPriority,
				shortstr("application/json"), table(), []byte{2}, []byte{0})),
		},
		{
			name: "headers present, no priority, later properties kept",
			in: frame(frameHeader, 1, headerPayload(flagContentType|flagContentEnc|flagHeaders|flagDeliveryMode|0x0100,
				shortstr("text/plain"), shortstr("utf-8"), someHeader, []byte{1}, shortstr("1500"))),
			want: frame(frameHeader, 1, headerPayload(flagContentType|flagContentEnc|flagHeaders|flagDeliveryMode|flagPriority|0x0100,
				shortstr("text/plain"), shortstr("utf-8"), someHeader, []byte{1}, []byte{0}, shortstr("1500"))),
		},
		{
			name: "priority present, no headers",
			in:   frame(frameHeader, 1, headerPayload(flagPriority, []byte{7})),
			want: frame(frameHeader, 1, headerPayload(flagHeaders|flagPriority, table(), []byte{7})),
		},
		{
			name: "no properties at all",
			in:   frame(frameHeader, 1, headerPayload(0)),
			want: frame(frameHeader, 1, headerPayload(flagHeaders|flagPriority, table(), []byte{0})),
		},
		{
			name:      "both present",
			in:        frame(frameHeader, 1, headerPayload(flagHeaders|flagPriority, someHeader, []byte{3})),
			unchanged: true,
		},
		{
			name:      "not the basic class",
			in:        frame(frameHeader, 1, append([]byte{0, 70}, headerPayload(0)[2:]...)),
			unchanged: true,
		},
		{
			name:      "content type cut short",
			in:        frame(frameHeader, 1, headerPayload(flagContentType, []byte{9, 'a'})),
			unchanged: true,
		},
		{
			name:      "headers table cut short",
			in:        frame(frameHeader, 1, headerPayload(flagHeaders, []byte{0, 0})),
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
			checkEveryCut(t, stream, want)
		})
	}
}

// TestCompletionWithinFrameMax completes a header frame that reaches
// frame_max exactly, and leaves one that would pass it as it is. Only a
// frame with a headers table can be that large (short strings are short),
// so what completion adds is the priority.
func TestCompletionWithinFrameMax(t *testing.T) {
	const frameMax = 4096
	pad := func(n int) []byte {
		// A header frame of n bytes: flags, a headers table with one
		// string "pad" (9 bytes besides the string itself).
		return field("pad", 'S', longBytes(make([]byte, n-frameOverhead-propertiesStart-4-9)))
	}
	header := func(n int) []byte { return frame(frameHeader, 1, headerPayload(flagHeaders, table(pad(n)...))) }
	for _, tt := range []struct {
		name     string
		size     int
		complete bool
	}{
		{"reaches frame_max", frameMax - 1, true},
		{"at frame_max already", frameMax, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := header(tt.size)
			want := in
			if tt.complete {
				want = frame(frameHeader, 1, headerPayload(flagHeaders|flagPriority, table(pad(tt.size)...), []byte{0}))
				if len(want) != frameMax {
					t.Fatalf("completed frame of %d bytes, want %d", len(want), frameMax)
				}
			}
			checkEveryCut(t, concat(preamble, tuneOK(frameMax), in), concat(preamble, tuneOK(frameMax), want))
		})
	}
	// Before the tune-ok the limit is 4096 too; with frame_max 0 there is
	// none.
	big := header(frameMax)
	if got := writeInChunks(concat(preamble, big), 3); !bytes.Equal(got, concat(preamble, big)) {
		t.Error("a frame at 4096 bytes was completed before the tune-ok")
	}
	if got := writeInChunks(concat(preamble, tuneOK(0), big), 3); len(got) != len(preamble)+len(tuneOK(0))+len(big)+1 {
		t.Error("a frame was not completed with frame_max 0")
	}
}

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

func TestStartOKDeclaresFailureClose(t *testing.T) {
	caps := concat(field("connection.blocked", 't', []byte{1}), field("basic.nack", 't', []byte{1}))
	props := func(caps []byte, extra ...[]byte) []byte {
		return concat(append([][]byte{
			field("product", 'S', longBytes([]byte("amqp091-go"))),
			field("capabilities", 'F', longBytes(caps)),
			field("platform", 'S', longBytes([]byte("golang"))),
		}, extra...)...)
	}
	withCap := concat(caps, field(FailureCloseCapability, 't', []byte{1}))
	tests := []struct {
		name     string
		in, want []byte
	}{
		{"added", startOK(props(caps)), startOK(props(withCap))},
		{"there already", startOK(props(withCap)), startOK(props(withCap))},
		{"no capabilities table", startOK(field("product", 'S', longBytes([]byte("x")))), startOK(field("product", 'S', longBytes([]byte("x"))))},
		{
			name: "would pass 4096 bytes",
			in:   startOK(props(caps, field("pad", 'S', longBytes(make([]byte, 4096-31-len(startOK(props(caps)))+1-5-4))))),
			want: startOK(props(caps, field("pad", 'S', longBytes(make([]byte, 4096-31-len(startOK(props(caps)))+1-5-4))))),
		},
		{
			name: "reaches 4096 bytes",
			in:   startOK(props(caps, field("pad", 'S', longBytes(make([]byte, 4096-31-len(startOK(props(caps)))-5-4))))),
			want: startOK(props(withCap, field("pad", 'S', longBytes(make([]byte, 4096-31-len(startOK(props(caps)))-5-4))))),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEveryCut(t, concat(preamble, tt.in, tuneOK(131072)), concat(preamble, tt.want, tuneOK(131072)))
		})
	}
}
