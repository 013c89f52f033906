package memory_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// brokerError returns err's *runtime.BrokerError, or fails the test.
func brokerError(t *testing.T, err error) *runtime.BrokerError {
	t.Helper()
	var be *runtime.BrokerError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *runtime.BrokerError", err)
	}
	return be
}

// TestDeclareRefusals: declares RabbitMQ 3.10 refuses, with its reply code
// and text (measured against a 3.10.8 broker).
func TestDeclareRefusals(t *testing.T) {
	quorum := func(q runtime.Queue) *runtime.Queue {
		q.Name = "q"
		q.Arguments = runtime.Table{"x-queue-type": "quorum"}
		return &q
	}
	tests := []struct {
		name   string
		first  runtime.Entity // declared before, if not nil
		entity runtime.Entity
		reason string
	}{
		{"non-durable quorum queue", nil, quorum(runtime.Queue{}),
			"PRECONDITION_FAILED - invalid property 'non-durable' for queue 'q' in vhost '/'"},
		{"exclusive quorum queue", nil, quorum(runtime.Queue{Durable: true, Exclusive: true}),
			"PRECONDITION_FAILED - invalid property 'exclusive-owner' for queue 'q' in vhost '/'"},
		{"auto-delete quorum queue", nil, quorum(runtime.Queue{Durable: true, AutoDelete: true, Exclusive: true}),
			"PRECONDITION_FAILED - invalid property 'auto-delete' for queue 'q' in vhost '/'"},
		{"unknown queue type", nil, &runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-queue-type": "bogus"}},
			`PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 'q' in vhost '/': "unsupported queue type 'bogus'"`},
		{"x-message-ttl over ten years", nil, &runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-message-ttl": int64(1) << 40}},
			"PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_too_large,1099511627776}"},
		{"quorum queue redeclared with x-delivery-limit",
			&runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-queue-type": "quorum"}},
			&runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-queue-type": "quorum", "x-delivery-limit": 5}},
			"PRECONDITION_FAILED - inequivalent arg 'x-delivery-limit' for queue 'q' in vhost '/': received the value '5' of type 'signedint' but current is none"},
		{"x-max-length added",
			&runtime.Queue{Name: "q", Durable: true},
			&runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-max-length": int64(6)}},
			"PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received the value '6' of type 'signedint' but current is none"},
		{"x-max-length changed",
			&runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-max-length": 5}},
			&runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-max-length": 6}},
			"PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received '6' but current is '5'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			if tt.first != nil {
				declare(t, b, tt.first)
			}
			be := brokerError(t, b.Declare(context.Background(), tt.entity))
			if be.Code != 406 || be.Reason != tt.reason || be.Connection {
				t.Errorf("got %d %q (connection %v)\nwant 406 %q", be.Code, be.Reason, be.Connection, tt.reason)
			}
		})
	}
}

// TestPublishRefusals: publishes RabbitMQ 3.10 refuses, with its reply
// code and text (measured against a 3.10.8 broker).
func TestPublishRefusals(t *testing.T) {
	tests := []struct {
		name       string
		opts       []memory.Option
		edit       func(*runtime.Publishing)
		code       int
		reason     string
		connection bool
	}{
		{"body over 128 MiB", nil, func(p *runtime.Publishing) { p.Body = make([]byte, 128<<20+1) },
			406, "PRECONDITION_FAILED - message size 134217729 is larger than configured max size 134217728", false},
		{"expiration over ten years", nil, func(p *runtime.Publishing) { p.Expiration = "315360000001" },
			406, "PRECONDITION_FAILED - invalid expiration '315360000001': {value_too_large,315360000001}", false},
		{"user_id not the connection's user", nil, func(p *runtime.Publishing) { p.UserID = "bob" },
			406, "PRECONDITION_FAILED - user_id property set to 'bob' but authenticated user was 'guest'", false},
		{"user_id not the configured user", []memory.Option{memory.WithUser("alice")}, func(p *runtime.Publishing) { p.UserID = "guest" },
			406, "PRECONDITION_FAILED - user_id property set to 'guest' but authenticated user was 'alice'", false},
		{"NaN header", nil, func(p *runtime.Publishing) { p.Headers = runtime.Table{"f": math.NaN()} },
			541, "INTERNAL_ERROR", true},
		{"infinite header", nil, func(p *runtime.Publishing) { p.Headers = runtime.Table{"f": math.Inf(1)} },
			541, "INTERNAL_ERROR", true},
		{"nested -Inf float32", nil, func(p *runtime.Publishing) {
			p.Headers = runtime.Table{"t": runtime.Table{"l": []any{float32(math.Inf(-1))}}}
		}, 541, "INTERNAL_ERROR", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t, tt.opts...)
			declare(t, b, &runtime.Queue{Name: "q", Durable: true})
			err := publishErr(b, context.Background(), publishing("", "q", "m", tt.edit))
			be := brokerError(t, err)
			if be.Code != tt.code || be.Reason != tt.reason || be.Connection != tt.connection {
				t.Errorf("got %d %q (connection %v)\nwant %d %q (connection %v)",
					be.Code, be.Reason, be.Connection, tt.code, tt.reason, tt.connection)
			}
			if n := b.Len("q"); n != 0 {
				t.Errorf("q holds %d messages after a refused publish", n)
			}
		})
	}
}

// TestUserIDOfTheConnection: a user_id equal to the connection's user is
// accepted and kept.
func TestUserIDOfTheConnection(t *testing.T) {
	b := newBroker(t, memory.WithUser("alice"))
	declare(t, b, &runtime.Queue{Name: "q", Durable: true})
	publish(t, b, "", "q", "m", func(p *runtime.Publishing) { p.UserID = "alice" })
	if ms := b.Messages("q"); len(ms) != 1 || ms[0].UserID != "alice" {
		t.Errorf("q holds %+v, want one message from alice", ms)
	}
}
