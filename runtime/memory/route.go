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
	// Queues are the queues the message was routed to, sorted, through an
	// alternate exchange if its own exchange had none. Empty means the
	// message was unroutable.
	Queues []string
}

// route returns the queues x sends a message with key and hdrs to, each
// once however many bindings match. When none does, the message goes to
// x's alternate exchange, and to that one's, as RabbitMQ does; a missing
// alternate exchange or a loop of them ends the search.
func (b *Broker) route(x *exchange, key string, hdrs runtime.Table) []string {
	seen := make(map[string]bool)
	for x != nil && !seen[x.decl.Name] {
		seen[x.decl.Name] = true
		if queues := b.match(x, key, hdrs); len(queues) > 0 {
			return queues
		}
		ae, ok := x.alternate()
		if !ok {
			break
		}
		x = b.exchanges[ae]
	}
	return nil
}

// match returns the queues x's own bindings send a message to, sorted.
func (b *Broker) match(x *exchange, key string, hdrs runtime.Table) []string {
	if x.decl.Name == "" {
		// The default exchange binds every queue by its name, implicitly.
		if _, ok := b.queues[key]; ok {
			return []string{key}
		}
		return nil
	}
	var words []string
	if x.decl.Type == topic {
		words = routing.TopicWords(key)
	}
	set := make(map[string]struct{})
	for _, bd := range x.bindings {
		if x.matches(bd, key, words, hdrs) {
			set[bd.queue] = struct{}{}
		}
	}
	return slices.Sorted(maps.Keys(set))
}
