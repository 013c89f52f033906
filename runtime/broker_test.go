package runtime_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/runtime"
)

// dialTest connects a Conn that the test closes when it ends.
func dialTest(t testing.TB, opts ...runtime.DialOption) *runtime.Conn {
	t.Helper()
	brokertest.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := runtime.Dial(ctx, brokertest.URL(), opts...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var nameSeq atomic.Int64

// uniqueName returns an entity name no other test run uses.
func uniqueName(t testing.TB, kind string) string {
	return fmt.Sprintf("kombugen.test.%s.%s.%d.%d", strings.ReplaceAll(t.Name(), "/", "."), kind, os.Getpid(), nameSeq.Add(1))
}

// peer is a plain amqp091-go connection the tests inspect the broker with.
type peer struct {
	t  testing.TB
	ch *amqp.Channel
}

func newPeer(t testing.TB) *peer {
	t.Helper()
	brokertest.Require(t)
	conn, err := amqp.Dial(brokertest.URL())
	if err != nil {
		t.Fatal(err)
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &peer{t: t, ch: ch}
}

// queue declares a transient queue that is deleted when the test ends,
// bound to exchange with key when exchange is not "".
func (p *peer) queue(name string, args amqp.Table, exchange, key string) {
	p.t.Helper()
	if _, err := p.ch.QueueDeclare(name, false, false, false, false, args); err != nil {
		p.t.Fatalf("declare queue %s: %v", name, err)
	}
	p.t.Cleanup(func() { p.deleteQueue(name) })
	if exchange != "" {
		if err := p.ch.QueueBind(name, key, exchange, false, nil); err != nil {
			p.t.Fatalf("bind queue %s: %v", name, err)
		}
	}
}

// exchange declares an exchange deleted when the test ends.
func (p *peer) exchange(name, kind string) {
	p.t.Helper()
	if err := p.ch.ExchangeDeclare(name, kind, false, false, false, false, nil); err != nil {
		p.t.Fatalf("declare exchange %s: %v", name, err)
	}
	p.t.Cleanup(func() { p.deleteExchange(name) })
}

// cleanup deletes entities the code under test declared.
func (p *peer) cleanupQueue(name string)    { p.t.Cleanup(func() { p.deleteQueue(name) }) }
func (p *peer) cleanupExchange(name string) { p.t.Cleanup(func() { p.deleteExchange(name) }) }

func (p *peer) deleteQueue(name string) {
	if ch, err := p.fresh(); err == nil {
		ch.QueueDelete(name, false, false, false)
		ch.Close()
	}
}

func (p *peer) deleteExchange(name string) {
	if ch, err := p.fresh(); err == nil {
		ch.ExchangeDelete(name, false, false)
		ch.Close()
	}
}

// fresh opens a new channel, as a failed passive declare closes one.
func (p *peer) fresh() (*amqp.Channel, error) {
	conn, err := amqp.Dial(brokertest.URL())
	if err != nil {
		return nil, err
	}
	ch, err := conn.Channel()
	if err != nil {
		conn.Close()
		return nil, err
	}
	go func() {
		<-ch.NotifyClose(make(chan *amqp.Error, 1))
		conn.Close()
	}()
	return ch, nil
}

// get takes the next message of queue, failing when there is none.
func (p *peer) get(queue string) amqp.Delivery {
	p.t.Helper()
	d, ok, err := p.ch.Get(queue, true)
	if err != nil {
		p.t.Fatalf("get from %s: %v", queue, err)
	}
	if !ok {
		p.t.Fatalf("queue %s is empty", queue)
	}
	return d
}

// count returns how many messages queue holds, or -1 when it does not exist.
func (p *peer) count(queue string) int {
	ch, err := p.fresh()
	if err != nil {
		p.t.Fatal(err)
	}
	defer ch.Close()
	q, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	if err != nil {
		return -1
	}
	return q.Messages
}
