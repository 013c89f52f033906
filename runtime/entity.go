package runtime

import "strings"

// Table holds AMQP field-table values: headers and declare arguments. Values
// may be nil, bool, the integer and float types AMQP carries, string, []byte,
// time.Time, []any and nested Table (or map[string]any).
type Table = map[string]any

// Entity is something a producer declares before it publishes: an *Exchange
// or a *Queue (with its bindings).
type Entity interface {
	// DeclareKey names the entity for the declare-once memory: its kind and
	// name, as kombu keys its cache.
	DeclareKey() string
	// Cacheable reports whether declaring the entity once per connection is
	// enough. Entities that the broker may delete on its own (auto-delete,
	// exclusive, or queues with x-expires) are declared every time.
	Cacheable() bool
}

// Exchange describes an AMQP exchange and the exchange-to-exchange
// bindings that feed it. Declaring an exchange declares it and then binds
// it; the exchanges it binds to must exist.
type Exchange struct {
	// Name is the exchange's AMQP name; "" is the default exchange, which is
	// never declared.
	Name string
	// Type is direct, topic, fanout, headers or a plugin's x- type; ""
	// means direct, as in kombu.
	Type       string
	Durable    bool
	AutoDelete bool
	Internal   bool
	Arguments  Table
	// Bindings bind the exchange to source exchanges: what a source routes
	// with a binding's key (and arguments) goes on through this exchange,
	// as a queue's bindings bring messages to the queue.
	Bindings []Binding
}

// DeclareKey returns "E|" and the exchange's name.
func (e *Exchange) DeclareKey() string { return "E|" + e.Name }

// Cacheable reports whether the exchange survives without publishers: it is
// not auto-delete.
func (e *Exchange) Cacheable() bool { return !e.AutoDelete }

// Predeclared reports whether the broker provides the exchange itself (the
// default exchange and the amq.* ones), so that declaring it is skipped, as
// kombu does.
func (e *Exchange) Predeclared() bool {
	return e.Name == "" || strings.HasPrefix(e.Name, "amq.")
}

// Queue describes an AMQP queue and the bindings that feed it. Declaring a
// queue declares it and then binds it; the exchanges it binds to must exist.
type Queue struct {
	Name       string
	Durable    bool
	Exclusive  bool
	AutoDelete bool
	// Arguments carry x-queue-type, x-max-priority, x-message-ttl and the like.
	Arguments Table
	Bindings  []Binding
}

// Binding routes messages from an exchange, the source, to the queue or
// exchange that holds the binding.
type Binding struct {
	// Exchange is the source exchange.
	Exchange   string
	RoutingKey string
	Arguments  Table
}

// DeclareKey returns "Q|" and the queue's name.
func (q *Queue) DeclareKey() string { return "Q|" + q.Name }

// Cacheable reports whether the queue outlives its connection: it is neither
// auto-delete nor exclusive, and has no x-expires argument.
func (q *Queue) Cacheable() bool {
	if q.AutoDelete || q.Exclusive || q.Name == "" {
		return false
	}
	_, expires := q.Arguments["x-expires"]
	return !expires
}
