package memory

import (
	"maps"
	"slices"

	"github.com/kombugen/kombugen/internal/routing"
	"github.com/kombugen/kombugen/runtime"
)

// Route tells where one published message went; WithOnRoute reports one
// for every publish.
type Route struct {
	// Exchange and RoutingKey are those the message was published with.
	Exchange   string
	RoutingKey string
	// Queues are the queues the message was routed to, sorted, through
	// alternate exchanges and exchange-to-exchange bindings. Empty means
	// the message was unroutable.
	Queues []string
}

// route returns the queues a message published to x reaches, each once,
// as rabbit_exchange:route finds them. The default exchange sends it to
// the queues its routing keys name. Any other exchange sends it to the
// queues its bindings match and on through the exchanges they match; an
// exchange whose bindings match nothing passes it to its alternate
// exchange. Each exchange is visited once, so cycles end, and a missing
// exchange is skipped.
func (b *Broker) route(x *exchange, m Message) []string {
	keys := m.routingKeys()
	if x.decl.Name == "" {
		var out []string
		for _, k := range keys {
			if _, ok := b.queues[k]; ok {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	var words [][]string
	for _, k := range keys {
		words = append(words, routing.TopicWords(k))
	}
	queues := make(map[string]struct{})
	seen := map[string]bool{x.decl.Name: true}
	work := []*exchange{x}
	visit := func(name string) {
		if next := b.exchanges[name]; next != nil && !seen[name] {
			seen[name] = true
			work = append(work, next)
		}
	}
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		matched := b.match(x, keys, words, m.Headers)
		if len(matched) == 0 {
			if ae, ok := x.alternate(); ok {
				visit(ae)
			}
		}
		for _, bd := range matched {
			if bd.toExchange {
				visit(bd.dest)
			} else if _, ok := b.queues[bd.dest]; ok {
				queues[bd.dest] = struct{}{}
			}
		}
	}
	return slices.Sorted(maps.Keys(queues))
}

// match returns the bindings of x that take a message with these routing
// keys and headers. The default exchange, reached as an alternate
// exchange, binds every queue by its name.
func (b *Broker) match(x *exchange, keys []string, words [][]string, hdrs runtime.Table) []*binding {
	var out []*binding
	if x.decl.Name == "" {
		for _, k := range keys {
			if _, ok := b.queues[k]; ok {
				out = append(out, &binding{dest: k, key: k})
			}
		}
		return out
	}
	for _, bd := range x.bindings {
		if x.matches(bd, keys, words, hdrs) {
			out = append(out, bd)
		}
	}
	return out
}
