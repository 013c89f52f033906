package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// validated is a message type with a Validate method, as generated types
// have.
type validated struct{ ID string }

func (v *validated) Validate() error {
	if v.ID == "" {
		return &runtime.FieldError{Path: "id", Problem: "is required"}
	}
	return nil
}

// TestBadInputIsInvalid publishes what a careless or hostile caller might
// pass: each is an error matching ErrInvalidMessage, nothing reaches the
// transport, and nothing panics or runs without end.
func TestBadInputIsInvalid(t *testing.T) {
	cyclic := runtime.Table{"a": int64(1)}
	cyclic["self"] = cyclic
	deep := runtime.Table{"x": runtime.Table{"y": []any{"z"}}}
	deep["x"].(runtime.Table)["back"] = deep
	list := make([]any, 2)
	list[0] = "a"
	list[1] = list
	// A table that shares one nested table many times over: 2^40 values
	// if walked in full.
	shared := runtime.Table{"leaf": "v"}
	for range 40 {
		shared = runtime.Table{"l": shared, "r": shared}
	}
	tests := []struct {
		name string
		body any
		opts []runtime.PublishOption
		want string // in the error
	}{
		{"NaN header", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"f": math.NaN()})}, "headers.f"},
		{"+Inf header", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"f": math.Inf(1)})}, "finite"},
		{"-Inf float32 header", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"f": float32(math.Inf(-1))})}, "finite"},
		{"NaN in a nested list", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"t": runtime.Table{"l": []any{1.5, math.NaN()}}})}, "headers.t.l[1]"},
		{"a table holding itself", "m", []runtime.PublishOption{runtime.WithHeaders(cyclic)}, "cycle"},
		{"a cycle two levels down", "m", []runtime.PublishOption{runtime.WithHeaders(deep)}, "cycle"},
		{"a list holding itself", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"l": list})}, "cycle"},
		{"a table sharing a value 2^40 times", "m", []runtime.PublishOption{runtime.WithHeaders(shared)}, "values"},
		{"a channel header", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"c": make(chan int)})}, "chan int"},
		{"a func header", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"f": func() {}})}, "func()"},
		{"a map header of another key type", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"m": map[int]int{1: 1}})}, "map[int]int"},
		{"a uint64 header", "m", []runtime.PublishOption{runtime.WithHeaders(runtime.Table{"u": uint64(math.MaxUint64)})}, "uint64"},
		{"a nil message with Validate", (*validated)(nil), nil, "nil *runtime_test.validated"},
		{"an invalid message", &validated{}, nil, "id: is required"},
		{"a TTL over 3650 days", "m", []runtime.PublishOption{runtime.WithTTL(3651 * 24 * time.Hour)}, "3650 days"},
		{"a TTL of 1.5ms", "m", []runtime.PublishOption{runtime.WithTTL(1500 * time.Microsecond)}, "whole milliseconds"},
		{"a body over 128 MiB", make([]byte, 128<<20+1), nil, "128"},
		{"a func body", func() {}, nil, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTransport()
			p := runtime.NewProducer(f)
			done := make(chan error, 1)
			go func() { done <- p.Publish(context.Background(), tt.body, tt.opts...) }()
			select {
			case err := <-done:
				if !errors.Is(err, runtime.ErrInvalidMessage) {
					t.Fatalf("Publish error = %v, want one matching ErrInvalidMessage", err)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %q does not say %q", err, tt.want)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Publish did not return")
			}
			f.requireUntouched(t)
		})
	}
}

// TestBadDialOptions shows that option values a caller may pass by mistake
// neither panic nor break the Conn: a nil logger logs nothing, and a zero
// connect timeout keeps the default.
func TestBadDialOptions(t *testing.T) {
	c := dialTest(t, runtime.WithLogger(nil), runtime.WithConnectTimeout(0), runtime.WithLogger((*slog.Logger)(nil)))
	if err := c.Declare(testContext(t), &runtime.Exchange{Name: "amq.direct"}); err != nil {
		t.Fatal(err)
	}
	p := runtime.NewProducer(c, runtime.WithRoutingKey(uniqueName(t, "nowhere")))
	if err := p.Publish(context.Background(), "m"); err != nil {
		t.Fatal(err)
	}
}

// TestBadInputNeverPanics publishes a spread of odd values through the
// built-in serializers: whatever happens, it is an error or a message, never
// a panic. (The msgpack and yaml codecs test their own.)
func TestBadInputNeverPanics(t *testing.T) {
	type node struct {
		Next *node
		F    func()
	}
	loop := &node{}
	loop.Next = loop
	bodies := []any{nil, 0, math.NaN(), complex(1, 2), struct{}{}, &node{F: func() {}}, loop,
		[]any{make(chan int)}, map[any]any{1: 2}, map[string]any{"c": make(chan int)}, (*node)(nil), (*validated)(nil)}
	for _, ser := range []string{"json", "raw", "text", ""} {
		for i, body := range bodies {
			t.Run(fmt.Sprintf("%s/%d", ser, i), func(t *testing.T) {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("Publish(%T) under %q panicked: %v", body, ser, r)
					}
				}()
				f := newFakeTransport()
				p := runtime.NewProducer(f)
				opts := []runtime.PublishOption{}
				if ser != "" {
					opts = append(opts, runtime.WithSerializer(ser))
				}
				done := make(chan error, 1)
				go func() {
					defer func() {
						if r := recover(); r != nil {
							done <- fmt.Errorf("panic: %v", r)
						}
					}()
					done <- p.Publish(context.Background(), body, opts...)
				}()
				select {
				case err := <-done:
					if err != nil && strings.HasPrefix(err.Error(), "panic: ") {
						t.Errorf("Publish(%T) under %q: %v", body, ser, err)
					}
				case <-time.After(30 * time.Second):
					t.Fatalf("Publish(%T) under %q did not return", body, ser)
				}
			})
		}
	}
}
