package celery_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/celerytest"
	"github.com/kombugen/kombugen/internal/faultproxy"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/celery"
)

// TestCallLostWithTheConnection cuts the connection under a call waiting
// for its result on RabbitMQ: the reply queue went with the connection, and
// the call fails at once with ErrResultLost rather than wait for a result
// that can no longer come.
func TestCallLostWithTheConnection(t *testing.T) {
	brokertest.Require(t)
	proxy, err := faultproxy.Start("127.0.0.1:5672")
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := runtime.Dial(ctx, proxy.URL(brokertest.URL()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	queue := "kombugen.test.lost." + string(celery.NewTaskID())
	res, err := celery.Call[int](ctx, runtime.NewProducer(conn), conn, celery.Task{Name: "kg.add", Args: []any{1, 2}},
		celery.WithQueue(queue))
	if err != nil {
		t.Fatal(err)
	}
	celerytest.DeleteQueues(t, queue)
	proxy.Cut()
	wait, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	if _, err := res.Wait(wait); !errors.Is(err, celery.ErrResultLost) {
		t.Fatalf("Wait = %v, want ErrResultLost once the connection was lost", err)
	}
}
