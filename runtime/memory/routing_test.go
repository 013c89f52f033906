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

// TestTopicRabbitMQSuite replays the topic-matching test of RabbitMQ's own
// suite (test_topic_matching): the same 26 bindings, the same keys, the
// same expected queues.
func TestTopicRabbitMQSuite(t *testing.T) {
	bindings := []struct{ key, queue string }{
		{"a.b.c", "t1"}, {"a.*.c", "t2"}, {"a.#.b", "t3"}, {"a.b.b.c", "t4"},
		{"#", "t5"}, {"#.#", "t6"}, {"#.b", "t7"}, {"*.*", "t8"},
		{"a.*", "t9"}, {"*.b.c", "t10"}, {"a.#", "t11"}, {"a.#.#", "t12"},
		{"b.b.c", "t13"}, {"a.b.b", "t14"}, {"a.b", "t15"}, {"b.c", "t16"},
		{"", "t17"}, {"*.*.*", "t18"}, {"vodka.martini", "t19"}, {"a.b.c", "t20"},
		{"*.#", "t21"}, {"#.*.#", "t22"}, {"*.#.#", "t23"}, {"#.#.#", "t24"},
		{"*", "t25"}, {"#.b.#", "t26"},
	}
	want := map[string]string{
		"a.b.c":               "t1 t2 t5 t6 t10 t11 t12 t18 t20 t21 t22 t23 t24 t26",
		"a.b":                 "t3 t5 t6 t7 t8 t9 t11 t12 t15 t21 t22 t23 t24 t26",
		"a.b.b":               "t3 t5 t6 t7 t11 t12 t14 t18 t21 t22 t23 t24 t26",
		"":                    "t5 t6 t17 t24",
		"b.c.c":               "t5 t6 t18 t21 t22 t23 t24 t26",
		"a.a.a.a.a":           "t5 t6 t11 t12 t21 t22 t23 t24",
		"vodka.gin":           "t5 t6 t8 t21 t22 t23 t24",
		"vodka.martini":       "t5 t6 t8 t19 t21 t22 t23 t24",
		"b.b.c":               "t5 t6 t10 t13 t18 t21 t22 t23 t24 t26",
		"nothing.here.at.all": "t5 t6 t21 t22 t23 t24",
		"oneword":             "t5 t6 t21 t22 t23 t24 t25",
	}
	var got []memory.Route
	b := newBroker(t, memory.WithOnRoute(func(r memory.Route) { got = append(got, r) }))
	declare(t, b, &runtime.Exchange{Name: "test_exchange", Type: "topic"})
	for _, bd := range bindings {
		declare(t, b, queue(bd.queue, "test_exchange", bd.key))
	}
	for key := range want {
		publish(t, b, "test_exchange", key, key)
	}
	for _, r := range got {
		w := strings.Fields(want[r.RoutingKey])
		slices.SortFunc(w, func(a, b string) int { return strings.Compare(a, b) })
		if !slices.Equal(r.Queues, w) {
			t.Errorf("routing key %q went to %v, want %v", r.RoutingKey, r.Queues, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d routes reported for %d publishes", len(got), len(want))
	}
	// The routes must be real: each queue holds what it was routed.
	if n := b.Len("t5"); n != len(want) {
		t.Errorf("t5 (bound with #) holds %d messages, want %d", n, len(want))
	}
	if got := bodies(b, "t25"); !slices.Equal(got, []string{"oneword"}) {
		t.Errorf("t25 (bound with *) holds %q, want [oneword]", got)
	}
}

// TestRouting publishes one message per case into a small topology and
// checks which queues received it.
func TestRouting(t *testing.T) {
	b := newBroker(t)
	declare(t, b,
		&runtime.Exchange{Name: "d", Type: "direct"},
		&runtime.Exchange{Name: "f", Type: "fanout"},
		&runtime.Exchange{Name: "tp", Type: "topic"},
		&runtime.Exchange{Name: "h", Type: "headers"},
		queue("d1", "d", "red", "blue"),
		queue("d2", "d", "red"),
		queue("f1", "f", "ignored"),
		queue("f2", "f", ""),
		queue("orange", "tp", "*.orange.*"),
		queue("rabbit", "tp", "*.*.rabbit", "lazy.#"),
		&runtime.Queue{Name: "hall", Bindings: []runtime.Binding{{Exchange: "h",
			Arguments: runtime.Table{"format": "pdf", "type": "report"}}}},
		&runtime.Queue{Name: "hany", Bindings: []runtime.Binding{{Exchange: "h",
			Arguments: runtime.Table{"x-match": "any", "format": "pdf", "type": "report"}}}},
		&runtime.Queue{Name: "hx", Bindings: []runtime.Binding{{Exchange: "h",
			Arguments: runtime.Table{"x-match": "any-with-x", "x-tenant": "acme"}}}},
		queue("amq", "amq.topic", "#"),
	)
	tests := []struct {
		name     string
		exchange string
		key      string
		headers  runtime.Table
		want     []string
	}{
		{"direct exact key", "d", "red", nil, []string{"d1", "d2"}},
		{"direct other key", "d", "blue", nil, []string{"d1"}},
		{"direct no binding", "d", "green", nil, nil},
		{"direct is case-sensitive", "d", "RED", nil, nil},
		{"fanout ignores the key", "f", "anything", nil, []string{"f1", "f2"}},
		{"fanout empty key", "f", "", nil, []string{"f1", "f2"}},
		{"topic two queues", "tp", "quick.orange.rabbit", nil, []string{"orange", "rabbit"}},
		{"topic once per queue with two matching bindings", "tp", "lazy.pink.rabbit", nil, []string{"rabbit"}},
		{"topic lazy.#", "tp", "lazy.orange.male.rabbit", nil, []string{"rabbit"}},
		{"topic no match", "tp", "quick.brown.fox", nil, nil},
		{"topic one word", "tp", "orange", nil, nil},
		{"headers all", "h", "", runtime.Table{"format": "pdf", "type": "report"}, []string{"hall", "hany"}},
		{"headers any", "h", "", runtime.Table{"format": "pdf", "type": "log"}, []string{"hany"}},
		{"headers ignore the key", "h", "k", runtime.Table{"type": "report", "format": "pdf", "extra": 1}, []string{"hall", "hany"}},
		{"headers any-with-x", "h", "", runtime.Table{"x-tenant": "acme"}, []string{"hx"}},
		{"headers none", "h", "", runtime.Table{"format": "zip"}, nil},
		{"default exchange by queue name", "", "d2", nil, []string{"d2"}},
		{"default exchange no such queue", "", "nope", nil, nil},
		{"predeclared amq.topic", "amq.topic", "x.y", nil, []string{"amq"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, q := range []string{"d1", "d2", "f1", "f2", "orange", "rabbit", "hall", "hany", "hx", "amq"} {
				b.Purge(q)
			}
			publish(t, b, tt.exchange, tt.key, tt.name, func(p *runtime.Publishing) { p.Headers = tt.headers })
			var got []string
			for _, q := range b.Queues() {
				switch n := q.Messages; {
				case n == 1:
					got = append(got, q.Name)
				case n > 1:
					t.Errorf("queue %s got the message %d times", q.Name, n)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("routed to %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAlternateExchange(t *testing.T) {
	topology := []runtime.Entity{
		&runtime.Exchange{Name: "unrouted", Type: "fanout", Internal: true},
		&runtime.Exchange{Name: "main", Type: "direct", Arguments: runtime.Table{"alternate-exchange": "unrouted"}},
		&runtime.Exchange{Name: "chain", Type: "direct", Arguments: runtime.Table{"alternate-exchange": "main"}},
		&runtime.Exchange{Name: "dangling", Type: "direct", Arguments: runtime.Table{"alternate-exchange": "missing"}},
		&runtime.Exchange{Name: "loop1", Type: "direct", Arguments: runtime.Table{"alternate-exchange": "loop2"}},
		&runtime.Exchange{Name: "loop2", Type: "direct", Arguments: runtime.Table{"alternate-exchange": "loop1"}},
		queue("orders", "main", "order"),
		queue("lost", "unrouted", ""),
	}
	tests := []struct {
		exchange, key string
		want          []string
		returned      bool
	}{
		{"main", "order", []string{"orders"}, false},
		{"main", "other", []string{"lost"}, false},
		{"chain", "order", []string{"orders"}, false}, // main routes it
		{"chain", "other", []string{"lost"}, false},   // main's own alternate
		{"dangling", "x", nil, true},
		{"loop1", "x", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.exchange+"/"+tt.key, func(t *testing.T) {
			var route memory.Route
			returned := false
			b := newBroker(t, memory.WithOnRoute(func(r memory.Route) { route = r }))
			declare(t, b, topology...)
			err := publishErr(b, context.Background(), publishing(tt.exchange, tt.key, "m", func(p *runtime.Publishing) {
				p.Mandatory = true
				p.OnReturn = func(runtime.Return) { returned = true }
			}))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(route.Queues, tt.want) {
				t.Errorf("routed to %v, want %v", route.Queues, tt.want)
			}
			if returned != tt.returned {
				t.Errorf("returned = %v, want %v", returned, tt.returned)
			}
			for _, q := range tt.want {
				if n := b.Len(q); n != 1 {
					t.Errorf("queue %s holds %d messages, want 1", q, n)
				}
			}
		})
	}
	// The alternate exchange is internal: publishing to it directly is
	// refused, routing through it is not.
	b := newBroker(t)
	declare(t, b, topology...)
	err := publishErr(b, context.Background(), publishing("unrouted", "", "m"))
	if !errors.Is(err, runtime.ErrAccessRefused) {
		t.Errorf("publish to internal exchange: err = %v, want ErrAccessRefused", err)
	}
}

func TestPublishErrors(t *testing.T) {
	b := newBroker(t)
	declare(t, b, &runtime.Exchange{Name: "internal", Type: "topic", Internal: true})
	tests := []struct {
		name     string
		msg      *runtime.Publishing
		want     error
		contains string
	}{
		{"missing exchange", publishing("nope", "k", "m"), runtime.ErrNotFound, "no exchange 'nope' in vhost '/'"},
		{"internal exchange", publishing("internal", "k", "m"), runtime.ErrAccessRefused, "cannot publish to internal exchange 'internal'"},
		{"bad expiration", publishing("", "k", "m", func(p *runtime.Publishing) { p.Expiration = "1.5" }),
			runtime.ErrPreconditionFailed, "invalid expiration '1.5'"},
		{"negative expiration", publishing("", "k", "m", func(p *runtime.Publishing) { p.Expiration = "-1" }),
			runtime.ErrPreconditionFailed, "invalid expiration"},
		{"nil publishing", nil, runtime.ErrInvalidMessage, "nil publishing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := publishErr(b, context.Background(), tt.msg)
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), tt.contains) {
				t.Errorf("err = %v, want %v containing %q", err, tt.want, tt.contains)
			}
			if runtime.Retryable(err) {
				t.Errorf("%v is retryable", err)
			}
		})
	}
}

// TestHeadersNestedValues: values nested in tables and arrays compare with
// their AMQP types, as RabbitMQ compares them, and the types are those the
// wire carries: every Go integer width that fits is a signed 32-bit field,
// so int64(1) in a binding matches 1 in a header. Top-level values compare
// by value alone.
func TestHeadersNestedValues(t *testing.T) {
	b := newBroker(t)
	bind := func(name string, args runtime.Table) *runtime.Queue {
		return &runtime.Queue{Name: name, Durable: true,
			Bindings: []runtime.Binding{{Exchange: "amq.headers", Arguments: args}}}
	}
	declare(t, b,
		bind("nested-int64", runtime.Table{"t": runtime.Table{"a": int64(1)}, "l": []any{int64(1)}}),
		bind("nested-float", runtime.Table{"l": []any{1.0}}),
		bind("top-float", runtime.Table{"n": 1.0}),
		bind("nested-long", runtime.Table{"l": []any{int64(1) << 40}}),
	)
	publish(t, b, "amq.headers", "", "ints", func(p *runtime.Publishing) {
		p.Headers = runtime.Table{"t": runtime.Table{"a": 1}, "l": []any{1}, "n": 1}
	})
	publish(t, b, "amq.headers", "", "long", func(p *runtime.Publishing) {
		p.Headers = runtime.Table{"l": []any{1 << 40}}
	})
	want := map[string][]string{
		"nested-int64": {"ints"},
		"nested-float": nil, // a nested double is not a nested integer
		"top-float":    {"ints"},
		"nested-long":  {"long"},
	}
	for q, w := range want {
		if got := bodies(b, q); !slices.Equal(got, w) {
			t.Errorf("%s holds %v, want %v", q, got, w)
		}
	}
}

// TestExchangeBindings: exchange-to-exchange bindings route as RabbitMQ
// routes them: through layers of exchanges, each queue reached once even
// through a cycle, and an exchange's alternate exchange only when nothing,
// queue nor exchange, matched.
func TestExchangeBindings(t *testing.T) {
	b := newBroker(t)
	declare(t, b,
		&runtime.Exchange{Name: "in", Type: "topic", Durable: true},
		&runtime.Exchange{Name: "ae", Type: "fanout", Durable: true},
		&runtime.Exchange{Name: "orders", Type: "direct", Durable: true,
			Arguments: runtime.Table{"alternate-exchange": "ae"},
			Bindings:  []runtime.Binding{{Exchange: "in", RoutingKey: "order.*"}}},
		&runtime.Exchange{Name: "audit", Type: "fanout", Durable: true,
			Bindings: []runtime.Binding{{Exchange: "in", RoutingKey: "#"}, {Exchange: "orders", RoutingKey: "order.created"}}},
		&runtime.Exchange{Name: "empty", Type: "direct", Durable: true,
			Bindings: []runtime.Binding{{Exchange: "in", RoutingKey: "dead.end"}}},
		// in <-> loop: a cycle, as RabbitMQ allows
		&runtime.Exchange{Name: "loop", Type: "fanout", Durable: true,
			Bindings: []runtime.Binding{{Exchange: "in", RoutingKey: "loop.#"}}},
		queue("created", "orders", "order.created"),
		queue("unrouted", "ae", ""),
		queue("all", "audit", ""),
	)
	declare(t, b, &runtime.Exchange{Name: "in", Type: "topic", Durable: true,
		Bindings: []runtime.Binding{{Exchange: "loop", RoutingKey: ""}}})
	for _, key := range []string{"order.created", "order.paid", "dead.end", "loop.x"} {
		publish(t, b, "in", key, key)
	}
	want := map[string][]string{
		"created":  {"order.created"},
		"unrouted": {"order.paid"},                                        // orders matched nothing: its alternate exchange
		"all":      {"order.created", "order.paid", "dead.end", "loop.x"}, // once each, through audit
	}
	for q, w := range want {
		if got := bodies(b, q); !slices.Equal(got, w) {
			t.Errorf("%s holds %v, want %v", q, got, w)
		}
	}
	got := b.Bindings()
	if !slices.ContainsFunc(got, func(bd memory.Binding) bool {
		return bd.Exchange == "in" && bd.ToExchange == "orders" && bd.Queue == "" && bd.RoutingKey == "order.*"
	}) {
		t.Errorf("Bindings() = %+v, want in -> orders with key order.*", got)
	}
	for _, x := range b.Exchanges() {
		if x.Name == "audit" && len(x.Bindings) != 2 {
			t.Errorf("Exchanges() shows audit with bindings %+v, want 2", x.Bindings)
		}
	}
	// Deleting an exchange deletes the bindings to it and from it.
	if err := b.DeleteExchange("audit"); err != nil {
		t.Fatal(err)
	}
	publish(t, b, "in", "order.created", "again")
	if got := bodies(b, "all"); len(got) != 4 {
		t.Errorf("all holds %v after audit went", got)
	}
}

func TestExchangeBindingErrors(t *testing.T) {
	tests := []struct {
		name    string
		binding runtime.Binding
		want    string
	}{
		{"missing source", runtime.Binding{Exchange: "nope"}, "NOT_FOUND - no exchange 'nope' in vhost '/'"},
		{"default exchange", runtime.Binding{Exchange: ""}, "ACCESS_REFUSED - operation not permitted on the default exchange"},
		{"bad x-match", runtime.Binding{Exchange: "amq.headers", Arguments: runtime.Table{"x-match": "some"}},
			`PRECONDITION_FAILED - Invalid x-match field value <<"some">>; expected all, any, all-with-x, or any-with-x`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t)
			err := b.Declare(context.Background(), &runtime.Exchange{Name: "x", Type: "direct", Bindings: []runtime.Binding{tt.binding}})
			if !strings.Contains(fmt.Sprint(err), `declare exchange "x": bind to exchange`) || brokerError(t, err).Reason != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
