package runtime_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/faultproxy"
	"github.com/kombugen/kombugen/runtime"
)

// syncBuffer is a log destination safe for the Conn's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLogsHidePasswords logs a failed connect, a connect, a lost
// connection and a reconnect, and finds no password in any line.
func TestLogsHidePasswords(t *testing.T) {
	brokertest.Require(t)
	proxy, err := faultproxy.Start("127.0.0.1:5672")
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	dead := "amqp://guest:guest@127.0.0.1:1/"
	conn, err := runtime.Dial(testContext(t), dead, runtime.WithFailover(proxy.URL(brokertest.URL())), runtime.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	proxy.Cut()
	if err := conn.Declare(testContext(t), &runtime.Exchange{Name: "amq.direct"}); err != nil {
		t.Fatal(err)
	}
	// Publish to the default exchange to make the Conn reconnect.
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(uniqueName(t, "nowhere")))
	if err := prod.Publish(testContext(t), "m"); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, want := range []string{"connect failed", "connected", "connection lost", "amqp://guest:xxxxx@"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, ":guest@") {
		t.Errorf("a log line shows the password:\n%s", out)
	}
}

// TestSilentByDefault checks that a Conn without a logger writes nothing
// to the default logger.
func TestSilentByDefault(t *testing.T) {
	brokertest.Require(t)
	var logs syncBuffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	conn := dialTest(t)
	conn.Close()
	if logs.String() != "" {
		t.Errorf("logged without a logger: %s", logs.String())
	}
}
