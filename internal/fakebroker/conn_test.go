package fakebroker

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// method encodes a method frame as a client would send it.
func method(t *testing.T, ch uint16, m Method) []byte {
	t.Helper()
	b, err := encodeMethod(ch, m, 0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstFrame returns the first frame of b.
func firstFrame(b []byte) []byte {
	return b[:frameOverhead+int(binary.BigEndian.Uint32(b[3:7]))]
}

// rawClient opens a connection to b by hand, settling on frameMax, and
// reads (and drops) what the broker sends until the connection closes.
func rawClient(t *testing.T, b *Broker, frameMax uint32) net.Conn {
	t.Helper()
	client, err := b.Dial("tcp", "fake")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	go io.Copy(io.Discard, client)
	var hs []byte
	hs = append(hs, protocolHeader[:]...)
	hs = append(hs, method(t, 0, &ConnectionStartOK{Mechanism: "PLAIN", Response: "\x00guest\x00guest", Locale: "en_US"})...)
	hs = append(hs, method(t, 0, &ConnectionTuneOK{ChannelMax: 10, FrameMax: frameMax})...)
	hs = append(hs, method(t, 0, &ConnectionOpen{VirtualHost: "/"})...)
	if _, err := client.Write(hs); err != nil {
		t.Fatal(err)
	}
	return client
}

func TestProtocolErrors(t *testing.T) {
	open := func(t *testing.T) []byte { return method(t, 1, &ChannelOpen{}) }
	tests := []struct {
		name   string
		frames func(t *testing.T) []byte
		code   uint16
		text   string
	}{
		{
			name:   "method on a channel never opened",
			frames: func(t *testing.T) []byte { return method(t, 5, &ExchangeDeclare{Exchange: "x", Type: "direct"}) },
			code:   504,
			text:   "CHANNEL_ERROR - expected 'channel.open'",
		},
		{
			name:   "second channel.open",
			frames: func(t *testing.T) []byte { return append(open(t), open(t)...) },
			code:   504,
			text:   "CHANNEL_ERROR - second 'channel.open' seen",
		},
		{
			name:   "frame over frame_max",
			frames: func(t *testing.T) []byte { return appendFrame(open(t), frameBody, 1, make([]byte, 4096-7)) },
			code:   501,
			text:   "FRAME_ERROR - frame of 4097 bytes, over frame_max 4096",
		},
		{
			name:   "header without a publish",
			frames: func(t *testing.T) []byte { return appendFrame(open(t), frameHeader, 1, make([]byte, 14)) },
			code:   505,
			text:   "UNEXPECTED_FRAME - expected method frame, got non method frame instead",
		},
		{
			name: "method where content was due",
			frames: func(t *testing.T) []byte {
				return append(append(open(t), firstFrame(method(t, 1, &BasicPublish{Exchange: "x"}))...), method(t, 1, &BasicQos{})...)
			},
			code: 505,
			text: "UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(t, Options{})
			client := rawClient(t, b, 4096)
			if _, err := client.Write(tt.frames(t)); err != nil {
				t.Fatal(err)
			}
			m := b.AwaitSent(Is[*ConnectionClose]()).Method.(*ConnectionClose)
			if m.ReplyCode != tt.code || m.ReplyText != tt.text {
				t.Errorf("connection.close %d %q, want %d %q", m.ReplyCode, m.ReplyText, tt.code, tt.text)
			}
		})
	}
}

// TestClosingChannelIgnoresAllButClose checks RabbitMQ's rule: after the
// broker's channel.close, what comes on the channel is discarded until the
// client's close-ok.
func TestClosingChannelIgnoresAllButClose(t *testing.T) {
	b := New(t, Options{})
	client := rawClient(t, b, 0)
	if _, err := client.Write(method(t, 1, &ChannelOpen{})); err != nil {
		t.Fatal(err)
	}
	b.Await(Is[*ChannelOpen]())
	b.Conn(0).CloseChannel(1, 406, "PRECONDITION_FAILED - message size 200 is larger than configured max size 100")
	var frames []byte
	frames = append(frames, method(t, 1, &ExchangeDeclare{Exchange: "late"})...)
	frames = append(frames, method(t, 1, &ChannelCloseOK{})...)
	frames = append(frames, method(t, 1, &ChannelOpen{})...)
	if _, err := client.Write(frames); err != nil {
		t.Fatal(err)
	}
	if ev := b.Await(Is[*ExchangeDeclare]()); !ev.Discarded() {
		t.Errorf("%v on a closing channel was acted on", ev)
	}
	b.Await(Is[*ChannelCloseOK]())
	b.Await(Is[*ChannelOpen]())
	if got := len(Filter(b.Sent(), Is[*ChannelOpenOK]())); got != 1 {
		// The second open-ok may not be sent yet: wait for it.
		b.AwaitSent(Is[*ChannelOpenOK]())
		b.AwaitSent(Is[*ChannelOpenOK]())
	}
	if got := Filter(b.Sent(), Is[*ExchangeDeclareOK]()); len(got) != 0 {
		t.Errorf("sent %v", got)
	}
}

// TestStopReading stalls the broker: the client's writes block until it
// reads again.
func TestStopReading(t *testing.T) {
	b := New(t, Options{})
	client, err := b.Dial("tcp", "fake")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	go io.Copy(io.Discard, client)
	c := b.Conn(0)
	c.StopReading()
	// The pipe has no buffer: a write completes only if the broker reads.
	if err := client.SetWriteDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Write(protocolHeader[:]); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write to a stalled broker = %v, want a timeout", err)
	}
	client.SetWriteDeadline(time.Time{})
	c.ResumeReading()
	if _, err := client.Write(protocolHeader[:]); err != nil {
		t.Fatal(err)
	}
	c.Await(Is[*ProtocolHeader]())
	b.AwaitSent(Is[*ConnectionStart]())
}

// TestHeartbeats checks the broker's heartbeats: one on demand, then one
// every negotiated interval until stopped.
func TestHeartbeats(t *testing.T) {
	b := New(t, Options{})
	client, err := b.Dial("tcp", "fake")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	frames := make(chan frame, 16)
	go func() {
		r := newFrameReader(client)
		for {
			f, err := r.next(0)
			if err != nil {
				close(frames)
				return
			}
			frames <- f
		}
	}()
	hs := append(protocolHeader[:], method(t, 0, &ConnectionStartOK{Mechanism: "PLAIN"})...)
	hs = append(hs, method(t, 0, &ConnectionTuneOK{Heartbeat: 1})...)
	if _, err := client.Write(hs); err != nil {
		t.Fatal(err)
	}
	next := func(typ byte) {
		t.Helper()
		for f := range frames {
			if f.typ == typ {
				return
			}
		}
		t.Fatalf("no frame of type %d", typ)
	}
	next(frameMethod) // connection.start
	next(frameMethod) // connection.tune
	next(frameHeartbeat)
	b.Conn(0).StopHeartbeats()
	b.Conn(0).SendHeartbeat()
	next(frameHeartbeat)
	// A heartbeat, then a method: once the method is seen, so was the
	// heartbeat.
	if _, err := client.Write(append(appendFrame(nil, frameHeartbeat, 0, nil), method(t, 0, &ConnectionOpen{})...)); err != nil {
		t.Fatal(err)
	}
	b.Await(Is[*ConnectionOpen]())
	if got := b.Conn(0).HeartbeatsReceived(); got != 1 {
		t.Errorf("HeartbeatsReceived() = %d, want 1", got)
	}
}
