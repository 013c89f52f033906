package amqpwire_test

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/amqpwire"
	"github.com/kombugen/kombugen/internal/fakebroker"
)

// writes records what amqp091-go writes, once on.
type writes struct {
	net.Conn
	mu  sync.Mutex
	on  bool
	buf bytes.Buffer
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.on {
		w.buf.Write(p)
	}
	w.mu.Unlock()
	return w.Conn.Write(p)
}

// publishBytes returns what amqp091-go writes for one publish of a 1 KiB
// persistent message with the properties a kombu-style producer sets, no
// headers and no priority (so the shim completes it).
func publishBytes(b *testing.B) []byte {
	broker := fakebroker.New(b, fakebroker.Options{})
	d := amqpwire.Dialer{NetDial: broker.DialContext}
	h := d.Handshake(context.Background())
	var rec *writes
	conn, err := amqp.DialConfig("amqp://guest:guest@fake/", amqp.Config{Dial: func(network, addr string) (net.Conn, error) {
		c, err := h.Dial(network, addr)
		if err != nil {
			return nil, err
		}
		rec = &writes{Conn: c}
		return rec, nil
	}})
	h.End()
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	rec.mu.Lock()
	rec.on = true
	rec.mu.Unlock()
	err = ch.PublishWithContext(context.Background(), "orders", "order.created", false, false, amqp.Publishing{
		ContentType: "application/json", ContentEncoding: "utf-8", DeliveryMode: amqp.Persistent,
		MessageId: "6f1c1d3e-8b7a-4a57-9d36-0b1c2e3f4a5b", Timestamp: time.Unix(1700000000, 0),
		Body: bytes.Repeat([]byte("x"), 1024),
	})
	if err != nil {
		b.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return bytes.Clone(rec.buf.Bytes())
}

// discard is a socket that takes every write at once.
type discard struct{ net.Conn }

func (discard) Write(p []byte) (int, error)      { return len(p), nil }
func (discard) Close() error                     { return nil }
func (discard) SetWriteDeadline(time.Time) error { return nil }

// openConn returns a Conn over discard, past the protocol header and a
// tune-ok, as it is when a connection publishes.
func openConn(b *testing.B) *amqpwire.Conn {
	c := amqpwire.NewConn(discard{}, 0)
	tuneOK := []byte{1, 0, 0, 0, 0, 0, 12, 0, 10, 0, 31, 0x07, 0xff, 0, 2, 0, 0, 0, 10, 0xCE}
	if _, err := c.Write(append([]byte("AMQP\x00\x00\x09\x01"), tuneOK...)); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkWritePublish writes one publish at a time, as one publisher
// does.
func BenchmarkWritePublish(b *testing.B) {
	publish := publishBytes(b)
	c := openConn(b)
	defer c.Close()
	b.SetBytes(int64(len(publish)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(publish); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWritePublishParallel writes publishes from many goroutines,
// one at a time under a lock, as amqp091-go serializes a connection's
// writes.
func BenchmarkWritePublishParallel(b *testing.B) {
	publish := publishBytes(b)
	c := openConn(b)
	defer c.Close()
	var mu sync.Mutex
	b.SetBytes(int64(len(publish)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			_, err := c.Write(publish)
			mu.Unlock()
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkHeaderFrameSize(b *testing.B) {
	p := amqp.Publishing{
		ContentType: "application/json", ContentEncoding: "utf-8", DeliveryMode: amqp.Persistent,
		MessageId: "6f1c1d3e-8b7a-4a57-9d36-0b1c2e3f4a5b", Headers: amqp.Table{"task": "images.resize", "retries": int32(0)},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := amqpwire.HeaderFrameSize(&p, 131072); err != nil {
			b.Fatal(err)
		}
	}
}
