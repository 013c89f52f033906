package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

func TestConnPublishConfirmed(t *testing.T) {
	conn := dialTest(t)
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, nil, "", "")

	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := prod.Publish(ctx, map[string]any{"hello": "world"}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	d := p.get(q)
	if d.ContentType != "application/json" || d.ContentEncoding != "utf-8" || d.DeliveryMode != 2 || d.Priority != 0 {
		t.Errorf("properties = %q %q %d %d", d.ContentType, d.ContentEncoding, d.DeliveryMode, d.Priority)
	}
	if d.Headers == nil {
		t.Errorf("headers table not sent")
	}
	if string(d.Body) != `{"hello":"world"}` {
		t.Errorf("body = %s", d.Body)
	}
}
