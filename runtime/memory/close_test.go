package memory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

func TestClose(t *testing.T) {
	b := memory.New()
	ctx := context.Background()
	declare(t, b, &runtime.Queue{Name: "q"})
	publish(t, b, "", "q", "kept")
	for i := range 2 { // idempotent
		if err := b.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	calls := map[string]func() error{
		"Publish": func() error { return publishErr(b, ctx, publishing("", "q", "m")) },
		"Declare": func() error { return b.Declare(ctx, &runtime.Queue{Name: "q2"}) },
		"MaybeDeclare": func() error {
			_, err := b.MaybeDeclare(ctx, &runtime.Queue{Name: "q2"})
			return err
		},
		"MaybeDeclare predeclared": func() error {
			_, err := b.MaybeDeclare(ctx, &runtime.Exchange{Name: "amq.topic"})
			return err
		},
		"Producer.Publish": func() error {
			return runtime.NewProducer(b).Publish(ctx, "m", runtime.WithRoutingKey("q"))
		},
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, runtime.ErrClosed) {
			t.Errorf("%s after Close: err = %v, want ErrClosed", name, err)
		}
		if runtime.Retryable(err) {
			t.Errorf("%s after Close: %v is retryable", name, err)
		}
	}
	// What the broker held stays readable.
	if got := bodies(b, "q"); len(got) != 1 || got[0] != "kept" {
		t.Errorf("messages after Close = %v, want [kept]", got)
	}
}
