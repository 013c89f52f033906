package schemadiff

import (
	"fmt"

	"github.com/kombugen/kombugen/schema"
)

// Producers are Go API and nothing else on the wire: each is a type, a
// constructor and a Publish method per message; what they declare before
// their first publish decides whether messages find their queues on a
// fresh broker.

func (c *comparer) compareProducers() {
	pair(c.old.Producers, c.new.Producers, producerName, c.producerRemoved, c.producerAdded, c.producerChanged)
}

func (c *comparer) producerRemoved(p *schema.Producer) {
	if hasGoName(c.gn, c.new.Producers, c.gn.of(p)) {
		return
	}
	c.add(removedAt(fmt.Sprintf("producer %q", p.Name), p.Pos), GoAPI, Breaking,
		"removed: the type %s and %s are gone, and code using them stops compiling", c.gn.of(p), c.gn.constructors[p])
}

func (c *comparer) producerAdded(p *schema.Producer) {
	c.add(addedAt(fmt.Sprintf("producer %q", p.Name), p.Pos), GoAPI, Compatible,
		"new producer type %s (%s)", c.gn.of(p), c.gn.constructors[p])
}

func (c *comparer) producerChanged(o, n *schema.Producer) {
	s := changedAt(fmt.Sprintf("producer %q", n.Name), n.Pos, o.Pos)
	if o.Exchange != n.Exchange {
		c.add(s, Routing, Warning, "default exchange %q -> %q: what it declares first and where publishes through Runtime() go change; its messages' own exchanges are listed with them",
			o.Exchange, n.Exchange)
	}
	c.compareProducerMessages(s, o, n)
	c.compareProducerTasks(s, o, n)
	c.compareProducerDeclares(s, o, n)
	c.describeChange(s, o.Description, n.Description)
}

// compareProducerMessages reports the Publish methods a producer gained
// and lost. A message removed from the schema says so itself.
func (c *comparer) compareProducerMessages(s site, o, n *schema.Producer) {
	// The model keeps no position for list items: the producer is the
	// nearest place.
	pair(o.Messages, n.Messages, identity,
		func(name string) {
			m := c.new.Message(name)
			if m == nil {
				return
			}
			c.add(s.sub(Removed, fmt.Sprintf("message %q", name), schema.Pos{}, o.Pos), GoAPI, Breaking,
				"no longer published by this producer: %s.Publish%s is gone, and its callers stop compiling", c.gn.of(o), c.gn.of(m))
		},
		func(name string) {
			if m := c.new.Message(name); m != nil {
				c.add(s.sub(Added, fmt.Sprintf("message %q", name), n.Pos, schema.Pos{}), GoAPI, Compatible,
					"new method %s.Publish%s", c.gn.of(n), c.gn.of(m))
			}
		},
		func(_, _ string) {})
}

// compareProducerDeclares reports the queues a producer no longer, or
// newly, declares before its first publish.
func (c *comparer) compareProducerDeclares(s site, o, n *schema.Producer) {
	pair(o.Declare, n.Declare, identity,
		func(name string) {
			if c.new.Queue(name) == nil {
				return // the queue's removal says it all
			}
			c.add(s.sub(Removed, fmt.Sprintf("declare %q", name), schema.Pos{}, o.Pos), Routing, Warning,
				"no longer declared before the first publish: on a fresh broker its messages are unroutable (dropped, or returned when mandatory) until something else declares the queue and its bindings")
		},
		func(name string) {
			c.add(s.sub(Added, fmt.Sprintf("declare %q", name), n.Pos, schema.Pos{}), Declare, Compatible,
				"now declared, with its bindings, before the first publish")
		},
		func(_, _ string) {})
}
