package celerytest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
	kgruntime "github.com/kombugen/kombugen/runtime"
)

// CountingConn is a *runtime.Conn to the test broker whose Consume counts
// what it delivers by correlation id: the replies to each task id, for
// tests that check what did not come.
type CountingConn struct {
	*kgruntime.Conn
	mu   sync.Mutex
	seen map[string]int
}

// DialCounting connects to the test broker; the connection is closed when
// tb ends.
func DialCounting(tb testing.TB) *CountingConn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := kgruntime.Dial(ctx, brokertest.URL())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	return &CountingConn{Conn: conn, seen: map[string]int{}}
}

// Consume consumes q as the Conn does, counting each message by its
// correlation id before delivering it.
func (c *CountingConn) Consume(ctx context.Context, q *kgruntime.Queue, deliver func(kgruntime.Properties, []byte)) (<-chan struct{}, error) {
	return c.Conn.Consume(ctx, q, func(p kgruntime.Properties, body []byte) {
		c.mu.Lock()
		c.seen[p.CorrelationID]++
		c.mu.Unlock()
		deliver(p, body)
	})
}

// Replies returns how many messages with correlation id id were delivered.
func (c *CountingConn) Replies(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[id]
}
