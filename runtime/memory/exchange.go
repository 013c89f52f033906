package memory

import (
	"slices"

	"github.com/kombugen/kombugen/internal/routing"
	"github.com/kombugen/kombugen/runtime"
)

// The exchange types the broker routes.
const (
	direct  = "direct"
	fanout  = "fanout"
	topic   = "topic"
	headers = "headers"
)

// exchange is an exchange and the bindings from it to queues and to other
// exchanges.
type exchange struct {
	decl     runtime.Exchange
	bindings []*binding
}

// binding routes messages from an exchange to the queue or, with
// toExchange, the exchange named dest.
type binding struct {
	dest       string
	toExchange bool
	key        string
	args       runtime.Table
	words      []string // key's topic words, split once
}

// predeclared returns the exchanges every RabbitMQ virtual host has.
func predeclared() []runtime.Exchange {
	return []runtime.Exchange{
		{Name: "", Type: direct, Durable: true},
		{Name: "amq.direct", Type: direct, Durable: true},
		{Name: "amq.fanout", Type: fanout, Durable: true},
		{Name: "amq.headers", Type: headers, Durable: true},
		{Name: "amq.match", Type: headers, Durable: true},
		{Name: "amq.topic", Type: topic, Durable: true},
	}
}

func knownType(t string) bool {
	switch t {
	case direct, fanout, topic, headers:
		return true
	}
	return false
}

// matches reports whether b takes a message with these routing keys
// (each split into words, for a topic exchange) and headers.
func (x *exchange) matches(b *binding, keys []string, words [][]string, hdrs runtime.Table) bool {
	switch x.decl.Type {
	case direct:
		return slices.Contains(keys, b.key)
	case fanout:
		return true
	case topic:
		return slices.ContainsFunc(words, func(w []string) bool { return routing.TopicMatch(b.words, w) })
	case headers:
		return headersMatch(b.args, hdrs)
	}
	return false
}

// bind adds b unless the same binding exists: binding twice is no error in
// AMQP, and a binding is its destination, key and arguments together.
func (x *exchange) bind(b *binding) {
	for _, old := range x.bindings {
		if old.dest == b.dest && old.toExchange == b.toExchange && old.key == b.key && sameTable(old.args, b.args) {
			return
		}
	}
	x.bindings = append(x.bindings, b)
}

// unbind removes every binding to the queue or exchange dest and reports
// whether that left x, which had some, with none: the moment an
// auto-delete exchange goes.
func (x *exchange) unbind(dest string, toExchange bool) (emptied bool) {
	had := len(x.bindings) > 0
	x.bindings = slices.DeleteFunc(x.bindings, func(b *binding) bool {
		return b.dest == dest && b.toExchange == toExchange
	})
	return had && len(x.bindings) == 0
}

// alternate returns the name of x's alternate exchange, if it has one.
func (x *exchange) alternate() (string, bool) {
	name, ok := x.decl.Arguments["alternate-exchange"].(string)
	return name, ok
}
