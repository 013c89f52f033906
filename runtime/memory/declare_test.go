package memory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

func TestRedeclare(t *testing.T) {
	ex := func(edit func(*runtime.Exchange)) *runtime.Exchange {
		x := &runtime.Exchange{Name: "x", Type: "topic", Durable: true,
			Arguments: runtime.Table{"alternate-exchange": "ae", "x-custom": 1}}
		if edit != nil {
			edit(x)
		}
		return x
	}
	q := func(edit func(*runtime.Queue)) *runtime.Queue {
		x := &runtime.Queue{Name: "q", Durable: true,
			Arguments: runtime.Table{"x-max-priority": int32(10), "x-queue-type": "classic", "x-queue-mode": "lazy", "x-custom": "a"}}
		if edit != nil {
			edit(x)
		}
		return x
	}
	tests := []struct {
		name  string
		again runtime.Entity
		want  string // "" for no error
	}{
		{"exchange same", ex(nil), ""},
		{"exchange type", ex(func(x *runtime.Exchange) { x.Type = "direct" }),
			"inequivalent arg 'type' for exchange 'x' in vhost '/': received 'direct' but current is 'topic'"},
		{"exchange durable", ex(func(x *runtime.Exchange) { x.Durable = false }),
			"inequivalent arg 'durable' for exchange 'x' in vhost '/': received 'false' but current is 'true'"},
		{"exchange auto_delete", ex(func(x *runtime.Exchange) { x.AutoDelete = true }),
			"inequivalent arg 'auto_delete' for exchange 'x'"},
		{"exchange internal", ex(func(x *runtime.Exchange) { x.Internal = true }),
			"inequivalent arg 'internal' for exchange 'x'"},
		{"exchange alternate-exchange", ex(func(x *runtime.Exchange) { x.Arguments = runtime.Table{"alternate-exchange": "other"} }),
			"inequivalent arg 'alternate-exchange' for exchange 'x' in vhost '/': received 'other' but current is 'ae'"},
		{"exchange alternate-exchange removed", ex(func(x *runtime.Exchange) { x.Arguments = nil }),
			"inequivalent arg 'alternate-exchange' for exchange 'x' in vhost '/': received none but current is the value 'ae' of type 'longstr'"},
		{"exchange other arguments are not compared", ex(func(x *runtime.Exchange) { x.Arguments["x-custom"] = 2 }), ""},
		{"queue same", q(nil), ""},
		{"queue durable", q(func(x *runtime.Queue) { x.Durable = false }),
			"inequivalent arg 'durable' for queue 'q' in vhost '/': received 'false' but current is 'true'"},
		{"queue exclusive", q(func(x *runtime.Queue) { x.Exclusive = true }),
			"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration."},
		{"queue auto_delete", q(func(x *runtime.Queue) { x.AutoDelete = true }),
			"inequivalent arg 'auto_delete' for queue 'q'"},
		{"queue x-max-priority differs", q(func(x *runtime.Queue) { x.Arguments["x-max-priority"] = int32(5) }),
			"inequivalent arg 'x-max-priority' for queue 'q' in vhost '/': received '5' but current is '10'"},
		{"queue x-max-priority missing", q(func(x *runtime.Queue) { delete(x.Arguments, "x-max-priority") }),
			"inequivalent arg 'x-max-priority' for queue 'q' in vhost '/': received none but current is the value '10' of type 'signedint'"},
		// runtime.Conn sends an int64 that fits as a 32-bit signedint.
		{"queue x-message-ttl added", q(func(x *runtime.Queue) { x.Arguments["x-message-ttl"] = int64(1000) }),
			"inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received the value '1000' of type 'signedint' but current is none"},
		{"queue x-message-ttl over 32 bits added", q(func(x *runtime.Queue) { x.Arguments["x-message-ttl"] = int64(1) << 32 }),
			"inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received the value '4294967296' of type 'long' but current is none"},
		{"queue integer is not a float", q(func(x *runtime.Queue) { x.Arguments["x-max-priority"] = 10.0 }),
			"inequivalent arg 'x-max-priority' for queue 'q' in vhost '/': received '10.0' but current is '10'"},
		{"queue integer is not a string", q(func(x *runtime.Queue) { x.Arguments["x-max-priority"] = "10" }),
			"inequivalent arg 'x-max-priority' for queue 'q' in vhost '/': received '10' but current is '10'"},
		{"queue integer width does not matter", q(func(x *runtime.Queue) { x.Arguments["x-max-priority"] = uint8(10) }), ""},
		// The types differ, but RabbitMQ holds both as the same binary.
		{"queue bytes equal a string", q(func(x *runtime.Queue) { x.Arguments["x-queue-mode"] = []byte("lazy") }), ""},
		{"queue x-queue-type classic equals none", q(func(x *runtime.Queue) { delete(x.Arguments, "x-queue-type") }), ""},
		{"queue x-queue-type quorum", q(func(x *runtime.Queue) { x.Arguments["x-queue-type"] = "quorum" }),
			"inequivalent arg 'x-queue-type' for queue 'q'"},
		{"queue other arguments are not compared", q(func(x *runtime.Queue) { x.Arguments["x-custom"] = "b" }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			declare(t, b, &runtime.Exchange{Name: "ae", Type: "fanout"}, ex(nil), q(nil))
			err := b.Declare(context.Background(), tt.again)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("redeclare: %v", err)
				}
				return
			}
			if !strings.Contains(fmt.Sprint(err), tt.want) {
				t.Fatalf("redeclare: err = %v\nwant one containing %q", err, tt.want)
			}
			// The entity that exists is unchanged.
			if qs := b.Queues(); qs[0].Durable != true || qs[0].Arguments["x-max-priority"] != int32(10) {
				t.Errorf("queue changed by a failed redeclare: %+v", qs[0])
			}
		})
	}
}

func TestDeclareErrors(t *testing.T) {
	tests := []struct {
		name     string
		entity   runtime.Entity
		want     error
		contains string
	}{
		{"bind to missing exchange", queue("q", "nope", "k"), runtime.ErrNotFound,
			`declare queue "q": bind to exchange "nope" with key "k": `},
		{"bind to missing exchange, RabbitMQ's words", queue("q", "nope", "k"), runtime.ErrNotFound,
			"NOT_FOUND - no exchange 'nope' in vhost '/'"},
		{"bind to the default exchange", queue("q", "", "q"), runtime.ErrAccessRefused,
			"operation not permitted on the default exchange"},
		{"reserved queue name", &runtime.Queue{Name: "amq.mine"}, runtime.ErrAccessRefused,
			"queue name 'amq.mine' contains reserved prefix 'amq.*'"},
		{"alternate-exchange not a string", &runtime.Exchange{Name: "x", Type: "direct",
			Arguments: runtime.Table{"alternate-exchange": 1}}, runtime.ErrPreconditionFailed,
			"PRECONDITION_FAILED - invalid type 'signedint' for arg 'alternate-exchange' in exchange 'x' in vhost '/'"},
		{"negative x-max-priority", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-max-priority": -1}},
			runtime.ErrPreconditionFailed, "invalid arg 'x-max-priority' for queue 'q' in vhost '/'"},
		{"x-max-priority over 255", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-max-priority": 256}},
			runtime.ErrPreconditionFailed, "invalid arg 'x-max-priority'"},
		{"float x-message-ttl", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-message-ttl": 1.5}},
			runtime.ErrPreconditionFailed, "invalid arg 'x-message-ttl'"},
		{"string x-max-length", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-max-length": "10"}},
			runtime.ErrPreconditionFailed, "invalid arg 'x-max-length'"},
		{"x-expires 0", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-expires": 0}},
			runtime.ErrPreconditionFailed, "invalid arg 'x-expires'"},
		{"unknown x-overflow", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-overflow": "drop-tail"}},
			runtime.ErrPreconditionFailed, "invalid arg 'x-overflow'"},
		{"dead-letter key without exchange", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-dead-letter-routing-key": "k"}},
			runtime.ErrPreconditionFailed, "invalid arg 'x-dead-letter-routing-key'"},
		{"bad x-match", &runtime.Queue{Name: "q", Bindings: []runtime.Binding{{Exchange: "amq.headers",
			Arguments: runtime.Table{"x-match": "some"}}}}, runtime.ErrPreconditionFailed,
			"PRECONDITION_FAILED - Invalid x-match field value <<\"some\">>; expected all, any, all-with-x, or any-with-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			err := b.Declare(context.Background(), tt.entity)
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), tt.contains) {
				t.Fatalf("err = %v\nwant %v containing %q", err, tt.want, tt.contains)
			}
			if runtime.Retryable(err) {
				t.Errorf("%v is retryable", err)
			}
			var be *runtime.BrokerError
			if !errors.As(err, &be) || be.Connection {
				t.Errorf("err = %#v, want a channel-level *runtime.BrokerError", err)
			}
			if _, err := b.MaybeDeclare(context.Background(), tt.entity); err == nil {
				t.Error("MaybeDeclare succeeded where Declare failed: a failed declare was cached")
			}
		})
	}
}

// TestUnknownExchangeType: RabbitMQ answers with 503 COMMAND_INVALID,
// which closes the connection, so the declare-once memory goes with it.
func TestUnknownExchangeType(t *testing.T) {
	b := newBroker(t)
	ctx := context.Background()
	if _, err := b.MaybeDeclare(ctx, &runtime.Exchange{Name: "ok", Type: "direct"}); err != nil {
		t.Fatal(err)
	}
	err := b.Declare(ctx, &runtime.Exchange{Name: "x", Type: "x-delayed-message"})
	var be *runtime.BrokerError
	if !errors.As(err, &be) || be.Code != 503 || !be.Connection ||
		!strings.Contains(be.Reason, "COMMAND_INVALID - unknown exchange type 'x-delayed-message'") {
		t.Fatalf("err = %v, want a connection-level 503 COMMAND_INVALID", err)
	}
	if !strings.HasPrefix(err.Error(), `declare exchange "x": `) {
		t.Errorf("err = %q, want it to name the exchange", err)
	}
	if did, _ := b.MaybeDeclare(ctx, &runtime.Exchange{Name: "ok", Type: "direct"}); !did {
		t.Error("the declare-once memory survived a connection error")
	}
}

// TestExchangeTypeDefault: like kombu and runtime.Conn, an exchange without
// a type is direct.
func TestExchangeTypeDefault(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Exchange{Name: "x"}, queue("q", "x", "k"))
	declare(t, b, &runtime.Exchange{Name: "x", Type: "direct"}) // the same exchange
	publish(t, b, "x", "k", "m")
	if n := b.Len("q"); n != 1 {
		t.Errorf("q holds %d messages, want 1", n)
	}
	if err := b.Declare(context.Background(), &runtime.Exchange{Name: "x", Type: "topic"}); !errors.Is(err, runtime.ErrPreconditionFailed) {
		t.Errorf("redeclare as topic: err = %v, want ErrPreconditionFailed", err)
	}
}

// TestDeclareBindFailureKeepsQueue: as on RabbitMQ, where queue.declare
// succeeds before queue.bind fails, the queue exists after a failed bind.
func TestDeclareBindFailureKeepsQueue(t *testing.T) {
	b := newBroker(t)
	if err := b.Declare(context.Background(), queue("q", "nope", "k")); err == nil {
		t.Fatal("bind to a missing exchange succeeded")
	}
	if qs := b.Queues(); len(qs) != 1 || qs[0].Name != "q" {
		t.Errorf("queues = %+v, want q", qs)
	}
}

func TestPredeclared(t *testing.T) {
	b := newBroker(t)
	var names []string
	for _, x := range b.Exchanges() {
		names = append(names, x.Name+":"+x.Type)
	}
	want := []string{":direct", "amq.direct:direct", "amq.fanout:fanout", "amq.headers:headers", "amq.match:headers", "amq.topic:topic"}
	if !slices.Equal(names, want) {
		t.Errorf("exchanges = %v, want %v", names, want)
	}
	// Declaring one is skipped, whatever it says: kombu never sends it.
	for _, x := range []*runtime.Exchange{{Name: ""}, {Name: "amq.direct", Type: "topic"}} {
		if err := b.Declare(context.Background(), x); err != nil {
			t.Errorf("Declare(%q): %v", x.Name, err)
		}
		if did, err := b.MaybeDeclare(context.Background(), x); did || err != nil {
			t.Errorf("MaybeDeclare(%q) = %v, %v; want false, nil", x.Name, did, err)
		}
	}
	if d := b.Declarations(); len(d) != 0 {
		t.Errorf("declarations = %v, want none", d)
	}
	if err := b.DeleteExchange("amq.topic"); !errors.Is(err, runtime.ErrAccessRefused) {
		t.Errorf("DeleteExchange(amq.topic): err = %v, want ErrAccessRefused", err)
	}
}

func TestMaybeDeclare(t *testing.T) {
	b := newBroker(t)
	ctx := context.Background()
	entities := []struct {
		e         runtime.Entity
		cacheable bool
	}{
		{&runtime.Exchange{Name: "x", Type: "direct", Durable: true}, true},
		{&runtime.Exchange{Name: "ad", Type: "direct", AutoDelete: true}, false},
		{queue("q", "x", "k"), true},
		{&runtime.Queue{Name: "ad", AutoDelete: true}, false},
		{&runtime.Queue{Name: "ex", Exclusive: true}, false},
		{&runtime.Queue{Name: "exp", Arguments: runtime.Table{"x-expires": 60000}}, false},
	}
	for round := 1; round <= 3; round++ {
		for _, tt := range entities {
			did, err := b.MaybeDeclare(ctx, tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if want := round == 1 || !tt.cacheable; did != want {
				t.Errorf("round %d: MaybeDeclare(%s) = %v, want %v", round, tt.e.DeclareKey(), did, want)
			}
		}
	}
	want := map[string]int{"E|x": 1, "E|ad": 3, "Q|q": 1, "Q|ad": 3, "Q|ex": 3, "Q|exp": 3}
	for key, n := range want {
		if got := b.DeclareCount(key); got != n {
			t.Errorf("DeclareCount(%s) = %d, want %d", key, got, n)
		}
	}
	// Declare always declares, and a reconnect forgets.
	declare(t, b, &runtime.Exchange{Name: "x", Type: "direct", Durable: true})
	b.Disconnect()
	if did, _ := b.MaybeDeclare(ctx, entities[0].e); !did {
		t.Error("MaybeDeclare skipped an exchange after Disconnect")
	}
	if got := b.DeclareCount("E|x"); got != 3 {
		t.Errorf("DeclareCount(E|x) = %d, want 3", got)
	}
}

func TestServerNamedQueue(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Queue{Bindings: []runtime.Binding{{Exchange: "amq.fanout"}}},
		&runtime.Queue{Exclusive: true})
	qs := b.Queues()
	if len(qs) != 2 || qs[0].Name != "amq.gen-1" || qs[1].Name != "amq.gen-2" {
		t.Fatalf("queues = %+v, want amq.gen-1 and amq.gen-2", qs)
	}
	publish(t, b, "amq.fanout", "", "m")
	if n := b.Len("amq.gen-1"); n != 1 {
		t.Errorf("amq.gen-1 holds %d messages, want 1", n)
	}
}

func TestInspect(t *testing.T) {
	b := newBroker(t)
	declare(t, b,
		&runtime.Exchange{Name: "orders", Type: "topic", Durable: true},
		&runtime.Queue{Name: "billing", Durable: true, Arguments: runtime.Table{"x-max-priority": 5},
			Bindings: []runtime.Binding{
				{Exchange: "orders", RoutingKey: "order.*"},
				{Exchange: "orders", RoutingKey: "order.*"}, // binding twice is one binding
				{Exchange: "amq.headers", Arguments: runtime.Table{"x-match": "any", "a": 1}},
			}},
		queue("audit", "orders", "#"),
	)
	publish(t, b, "orders", "order.created", "m")
	wantBindings := []memory.Binding{
		{Exchange: "amq.headers", Queue: "billing", Arguments: runtime.Table{"x-match": "any", "a": 1}},
		{Exchange: "orders", Queue: "audit", RoutingKey: "#"},
		{Exchange: "orders", Queue: "billing", RoutingKey: "order.*"},
	}
	got := b.Bindings()
	if len(got) != len(wantBindings) {
		t.Fatalf("bindings = %+v, want %+v", got, wantBindings)
	}
	for i, w := range wantBindings {
		g := got[i]
		if g.Exchange != w.Exchange || g.Queue != w.Queue || g.RoutingKey != w.RoutingKey || len(g.Arguments) != len(w.Arguments) {
			t.Errorf("binding %d = %+v, want %+v", i, g, w)
		}
	}
	qs := b.Queues()
	if len(qs) != 2 || qs[1].Name != "billing" || qs[1].Messages != 1 || len(qs[1].Bindings) != 2 ||
		!qs[1].Durable || qs[1].Arguments["x-max-priority"] != int32(5) {
		t.Errorf("queues = %+v", qs)
	}
	// What the inspection API returns is a copy.
	qs[1].Arguments["x-max-priority"] = 1
	got[0].Arguments["a"] = 2
	// Arguments read as RabbitMQ received them from runtime.Conn: an int
	// as a 32-bit signedint.
	if b.Queues()[1].Arguments["x-max-priority"] != int32(5) || b.Bindings()[0].Arguments["a"] != int32(1) {
		t.Error("changing what the inspection API returned changed the broker")
	}
}

func TestDeleteAndAutoDelete(t *testing.T) {
	b := newBroker(t)
	declare(t, b,
		&runtime.Exchange{Name: "temp", Type: "fanout", AutoDelete: true},
		&runtime.Exchange{Name: "kept", Type: "fanout"},
		&runtime.Exchange{Name: "unbound", Type: "fanout", AutoDelete: true},
		queue("a", "temp", ""),
		queue("b", "temp", ""),
		queue("c", "kept", ""),
		&runtime.Queue{Name: "mine", Exclusive: true, Bindings: []runtime.Binding{{Exchange: "kept"}}},
	)
	publish(t, b, "temp", "", "m")
	if n := b.DeleteQueue("a"); n != 1 {
		t.Errorf("DeleteQueue(a) = %d, want 1 message", n)
	}
	if !hasExchange(b, "temp") {
		t.Error("auto-delete exchange gone while b is still bound")
	}
	b.DeleteQueue("b")
	if hasExchange(b, "temp") {
		t.Error("auto-delete exchange kept after its last binding went")
	}
	if !hasExchange(b, "unbound") {
		t.Error("an auto-delete exchange that never had a binding was deleted")
	}
	// A lost connection takes its exclusive queues.
	b.Disconnect()
	if qs := b.Queues(); len(qs) != 1 || qs[0].Name != "c" {
		t.Errorf("queues after Disconnect = %+v, want only c", qs)
	}
	if err := b.DeleteExchange("kept"); err != nil {
		t.Fatal(err)
	}
	if hasExchange(b, "kept") || len(b.Bindings()) != 0 {
		t.Errorf("exchange kept or its bindings survived DeleteExchange: %v", b.Bindings())
	}
}

func hasExchange(b *memory.Broker, name string) bool {
	return slices.ContainsFunc(b.Exchanges(), func(x runtime.Exchange) bool { return x.Name == name })
}

func TestDeclareUnsupportedEntity(t *testing.T) {
	b := newBroker(t)
	ctx := context.Background()
	for _, e := range []runtime.Entity{nil, (*runtime.Exchange)(nil), (*runtime.Queue)(nil), other{}} {
		if err := b.Declare(ctx, e); !errors.Is(err, runtime.ErrInvalidMessage) {
			t.Errorf("Declare(%#v): err = %v, want ErrInvalidMessage", e, err)
		}
		if _, err := b.MaybeDeclare(ctx, e); !errors.Is(err, runtime.ErrInvalidMessage) {
			t.Errorf("MaybeDeclare(%#v): err = %v, want ErrInvalidMessage", e, err)
		}
	}
	if d := b.Declarations(); len(d) != 0 {
		t.Errorf("declarations = %v, want none", d)
	}
}

type other struct{}

func (other) DeclareKey() string { return "O|" }
func (other) Cacheable() bool    { return true }

// TestQueueTypeArguments checks that a new queue is refused an argument its
// type does not take, as RabbitMQ refuses it.
func TestQueueTypeArguments(t *testing.T) {
	b := memory.New()
	defer b.Close()
	q := &runtime.Queue{Name: "q", Durable: true, Arguments: runtime.Table{"x-queue-type": "quorum", "x-max-priority": 10}}
	err := b.Declare(context.Background(), q)
	if !errors.Is(err, runtime.ErrPreconditionFailed) || !strings.Contains(err.Error(), "invalid arg 'x-max-priority' for queue 'q'") {
		t.Fatalf("Declare = %v, want PRECONDITION_FAILED for x-max-priority", err)
	}
	delete(q.Arguments, "x-max-priority")
	if err := b.Declare(context.Background(), q); err != nil {
		t.Errorf("quorum queue without x-max-priority: %v", err)
	}
}
