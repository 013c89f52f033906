package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/runtime"
)

// attempts counts the publishes a producer hands its transport: one per
// attempt, retries included.
type attempts struct {
	runtime.Transport
	n atomic.Int64
}

func (a *attempts) Publish(ctx context.Context, msg *runtime.Publishing) *runtime.Confirmation {
	a.n.Add(1)
	return a.Transport.Publish(ctx, msg)
}

// TestReturnsExactOnAHeadersExchange publishes pairs of mandatory messages
// with the same body and routing key to a headers exchange, one routed by
// its header and one not, concurrently from many goroutines: every routed
// one is confirmed and every other one is ErrUnroutable.
func TestReturnsExactOnAHeadersExchange(t *testing.T) {
	c := dialTest(t)
	p := newPeer(t)
	ex, q := uniqueName(t, "hx"), uniqueName(t, "q")
	if err := p.ch.ExchangeDeclare(ex, "headers", false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	p.cleanupExchange(ex)
	if _, err := p.ch.QueueDeclare(q, false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	p.cleanupQueue(q)
	if err := p.ch.QueueBind(q, "", ex, false, amqp.Table{"x-match": "all", "h": int32(1)}); err != nil {
		t.Fatal(err)
	}
	prod := runtime.NewProducer(c, runtime.WithExchange(&runtime.Exchange{Name: ex, Type: "headers"}),
		runtime.WithAutoDeclare(false), runtime.WithMandatory(true), runtime.WithRetry(runtime.NoRetry))
	ctx := testContext(t)
	const goroutines, pairs = 8, 100
	var wrong atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range pairs {
				var routed, unrouted error
				var pair sync.WaitGroup
				pair.Go(func() { routed = prod.Publish(ctx, "same", runtime.WithHeaders(runtime.Table{"h": 1})) })
				pair.Go(func() { unrouted = prod.Publish(ctx, "same", runtime.WithHeaders(runtime.Table{"h": 2})) })
				pair.Wait()
				if routed != nil || !errors.Is(unrouted, runtime.ErrUnroutable) {
					if wrong.Add(1) <= 3 {
						t.Errorf("pair %d.%d: routed = %v, unrouted = %v", g, i, routed, unrouted)
					}
				}
			}
		})
	}
	wg.Wait()
	if n := wrong.Load(); n > 0 {
		t.Errorf("%d of %d pairs reported wrongly", n, goroutines*pairs)
	}
	if n := p.count(q); n != goroutines*pairs {
		t.Errorf("queue holds %d, want %d", n, goroutines*pairs)
	}
}

// TestRefusalsAreFinalOnRabbitMQ publishes what RabbitMQ refuses, under
// the default retry policy: each refusal is final, and sent at most once.
func TestRefusalsAreFinalOnRabbitMQ(t *testing.T) {
	c := dialTest(t)
	long := uniqueName(t, strings.Repeat("x", 200))
	tests := []struct {
		name     string
		exchange string
		opts     []runtime.PublishOption
		body     any
		want     error
		maxSent  int64
	}{
		// The reply text is cut at 255 bytes, before the exchange's name
		// ends.
		{"404 for a long exchange name", long, nil, "m", runtime.ErrNotFound, 1},
		// RabbitMQ would close the channel; the runtime refuses first.
		{"406 for a body over 128 MiB", "", nil, make([]byte, 128<<20+1), runtime.ErrInvalidMessage, 0},
		{"406 for an expiration over 3650 days", "", []runtime.PublishOption{runtime.WithTTL(3651 * 24 * time.Hour)}, "m", runtime.ErrInvalidMessage, 0},
		{"406 for another user's id", "", []runtime.PublishOption{runtime.WithUserID("not-" + brokerUser())}, "m", runtime.ErrInvalidMessage, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &attempts{Transport: c}
			prod := runtime.NewProducer(tr, runtime.WithExchange(&runtime.Exchange{Name: tt.exchange}),
				runtime.WithAutoDeclare(false), runtime.WithRoutingKey(uniqueName(t, "k")))
			err := prod.Publish(testContext(t), tt.body, tt.opts...)
			if !errors.Is(err, tt.want) || runtime.Retryable(err) {
				t.Errorf("Publish = %v, want a final %v", err, tt.want)
			}
			if n := tr.n.Load(); n > 1 {
				t.Errorf("%d attempts, want 1: a refusal was retried", n)
			}
		})
	}
}

// brokerUser is the user the test broker's URL authenticates as.
func brokerUser() string {
	u, err := url.Parse(brokertest.URL())
	if err != nil || u.User == nil {
		return "guest"
	}
	return u.User.Username()
}

// TestRefusedWriteIsFinal publishes to the default exchange as a user
// RabbitMQ gives no write permission: the 403 names amq.default, not the
// exchange published to, and is final all the same.
func TestRefusedWriteIsFinal(t *testing.T) {
	brokertest.Require(t)
	ctl, err := exec.LookPath("rabbitmqctl")
	if err != nil {
		brokertest.Unavailable(t, "rabbitmqctl not found: %v", err)
	}
	u, err := url.Parse(brokertest.URL())
	if err != nil {
		t.Fatal(err)
	}
	vhost := strings.TrimPrefix(u.Path, "/")
	if vhost == "" {
		vhost = "/"
	}
	user := fmt.Sprintf("kombugen-readonly-%d", time.Now().UnixNano())
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(ctl, args...).CombinedOutput(); err != nil {
			t.Fatalf("rabbitmqctl %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	run("add_user", user, "pw")
	t.Cleanup(func() { exec.Command(ctl, "delete_user", user).Run() })
	run("set_permissions", "-p", vhost, user, ".*", "", ".*")
	u.User = url.UserPassword(user, "pw")
	ctx := testContext(t)
	c, err := runtime.Dial(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tr := &attempts{Transport: c}
	prod := runtime.NewProducer(tr, runtime.WithRoutingKey(uniqueName(t, "k")))
	err = prod.Publish(ctx, "m")
	if !errors.Is(err, runtime.ErrAccessRefused) || runtime.Retryable(err) || !strings.Contains(err.Error(), "amq.default") {
		t.Errorf("Publish = %v, want a final ErrAccessRefused naming amq.default", err)
	}
	if n := tr.n.Load(); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}
