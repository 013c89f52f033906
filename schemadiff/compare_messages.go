package schemadiff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

func (c *comparer) compareMessages() {
	pair(c.old.Messages, c.new.Messages, messageName, c.messageRemoved, c.messageAdded, c.messageChanged)
}

func (c *comparer) messageRemoved(m *schema.Message) {
	s := removedAt(fmt.Sprintf("message %q", m.Name), m.Pos)
	if same := c.messageByGoName(c.gn.of(m)); same != nil {
		// Renamed so that its Go name stays: the Go code is that of the
		// message now holding the name.
		c.compareGoAPI(changedAt(fmt.Sprintf("message %q", same.Name), same.Pos, m.Pos), m, same)
	} else if gone := c.generatedFor(c.old, m); len(gone) > 0 {
		c.add(s, GoAPI, Breaking, "removed: %s %s no longer generated, so code using %s stops compiling",
			strings.Join(gone, " and "), verb(len(gone), "is", "are"), pronoun(len(gone)))
	}
	who := "no queue of the schema received it"
	if reached := routes(c.old, m); len(reached) > 0 {
		who = "consumers of " + queuesText(reached) + " no longer get it"
	}
	c.add(s, Routing, Warning, "no longer published to %s with key %q: %s", exchangeText(m.Exchange), m.RoutingKey.Template, who)
}

func (c *comparer) messageAdded(m *schema.Message) {
	got := routes(c.new, m)
	var existing []string
	for _, q := range got {
		if c.old.Queue(q) != nil {
			existing = append(existing, q)
		}
	}
	note := "it reaches " + queuesText(got)
	if len(existing) > 0 {
		note += "; the consumers of existing " + plural(len(existing), "queue") + " " + quoteList(existing) + " must accept it"
	}
	c.add(addedAt(fmt.Sprintf("message %q", m.Name), m.Pos), GoAPI, Compatible, "new message %s, published to %s with key %q; %s",
		c.gn.of(m), exchangeText(m.Exchange), m.RoutingKey.Template, note)
}

func (c *comparer) messageChanged(o, n *schema.Message) {
	s := changedAt(fmt.Sprintf("message %q", n.Name), n.Pos, o.Pos)
	c.compareRouting(s, o, n)
	c.compareGoAPI(s, o, n)
	c.compareBodyWire(s, o, n)
	if o.Body == schema.BodyFields && n.Body == schema.BodyFields {
		c.compareFields(s, c.gn.of(n), o.Fields, n.Fields)
	}
	c.compareHeaders(s, o.Headers, n.Headers)
	c.comparePolicy(s, o, n)
	c.describeChange(s, o.Description, n.Description)
}

// messageByGoName returns the message of the new schema with Go name
// goName, or nil.
func (c *comparer) messageByGoName(goName string) *schema.Message {
	for _, m := range c.new.Messages {
		if c.gn.of(m) == goName {
			return m
		}
	}
	return nil
}

// generatedFor names the Go code generated for a message: its type, unless
// it is a go_type, and a Publish method per producer.
func (c *comparer) generatedFor(s *schema.Schema, m *schema.Message) []string {
	var what []string
	if m.Body != schema.BodyGoType {
		what = append(what, "the type "+c.gn.of(m))
	}
	for _, p := range producersOf(s, m.Name) {
		what = append(what, c.gn.of(p)+".Publish"+c.gn.of(m))
	}
	return what
}

// producersOf returns the producers of s that publish the message name.
func producersOf(s *schema.Schema, name string) []*schema.Producer {
	var out []*schema.Producer
	for _, p := range s.Producers {
		if slices.Contains(p.Messages, name) {
			out = append(out, p)
		}
	}
	return out
}

// exchangeText names an exchange in a summary.
func exchangeText(name string) string {
	if name == "" {
		return "the default exchange"
	}
	return fmt.Sprintf("exchange %q", name)
}

// queuesText names the queues a message reaches.
func queuesText(queues []string) string {
	if len(queues) == 0 {
		return "no queue of the schema"
	}
	return plural(len(queues), "queue") + " " + quoteList(queues)
}

// keyShape is a routing key with its parameters' names left out: two keys
// of one shape make the same keys from the same Publish arguments.
func keyShape(k schema.RoutingKey) string {
	var b strings.Builder
	for _, p := range k.Parts {
		if p.Param != "" {
			b.WriteString("{}")
		} else {
			b.WriteString(p.Literal)
		}
	}
	return b.String()
}

// compareRouting reports a message sent to another exchange or with
// another routing key, and parameters moved or renamed within its key.
func (c *comparer) compareRouting(s site, o, n *schema.Message) {
	ks := s.at(n.RoutingKey.Pos)
	var what []string
	if o.Exchange != n.Exchange {
		what = append(what, fmt.Sprintf("%s -> %s", exchangeText(o.Exchange), exchangeText(n.Exchange)))
	}
	if keyShape(o.RoutingKey) != keyShape(n.RoutingKey) {
		what = append(what, fmt.Sprintf("routing key %q -> %q", o.RoutingKey.Template, n.RoutingKey.Template))
	}
	change := fmt.Sprintf("routing key %q -> %q", o.RoutingKey.Template, n.RoutingKey.Template)
	switch {
	case len(what) > 0:
		if o.Exchange != n.Exchange && len(what) == 1 {
			ks = s
		}
		c.add(ks, Routing, Breaking, "%s: consumers bound for the old key lose it; %s",
			strings.Join(what, ", "), routeNote(routes(c.old, o), routes(c.new, n)))
	case o.RoutingKey.Template == n.RoutingKey.Template:
	case paramsMoved(o.RoutingKey, n.RoutingKey):
		c.add(ks, Routing, Breaking, "%s moves parameters to other words of the key: bindings that select on a parameter's word now see another parameter", change)
		if slices.Equal(paramTypes(o), paramTypes(n)) {
			c.add(ks, GoAPI, Warning, "%s: calls still compile, but each argument now fills the parameter of another name; check every call", change)
		}
	default:
		c.add(ks, GoAPI, Compatible, "%s renames parameters only: the keys sent are the same", change)
	}
}

// paramsMoved reports whether a parameter of the old key fills another
// place in the new one, keys of one shape compared place by place.
func paramsMoved(old, new schema.RoutingKey) bool {
	o, n := keyParams(old), keyParams(new)
	for i, name := range n {
		if i < len(o) && o[i] != name && slices.Contains(o, name) {
			return true
		}
	}
	return false
}

// keyParams returns the parameter filling each place of a key, repeats
// included.
func keyParams(k schema.RoutingKey) []string {
	var out []string
	for _, p := range k.Parts {
		if p.Param != "" {
			out = append(out, p.Param)
		}
	}
	return out
}

// compareGoAPI reports changes to the Go code of a message that callers
// compile against: the type of its body and the parameters of its Publish
// methods.
func (c *comparer) compareGoAPI(s site, o, n *schema.Message) {
	if ob, nb := c.bodyGoType(o), c.bodyGoType(n); ob != nb {
		c.add(s, GoAPI, Breaking, "Go body type %s -> %s: code building or publishing it stops compiling", ob, nb)
	}
	if len(producersOf(c.old, o.Name)) == 0 || len(producersOf(c.new, n.Name)) == 0 {
		// No Publish method on one side; the producers say so.
		return
	}
	if !slices.Equal(paramTypes(o), paramTypes(n)) {
		c.add(s.at(n.RoutingKey.Pos), GoAPI, Breaking, "Publish%s parameters %s -> %s: callers stop compiling",
			c.gn.of(n), c.paramList(o), c.paramList(n))
	}
}

// compareBodyWire reports a body that the schema's fields no longer, or
// newly, describe: a go_type encodes as its own Go code says.
func (c *comparer) compareBodyWire(s site, o, n *schema.Message) {
	if o.Policy.Serializer != n.Policy.Serializer {
		// The serializer's change says it all.
		return
	}
	switch ob, nb := c.bodyGoType(o), c.bodyGoType(n); {
	case ob == nb:
	case n.Body == schema.BodyGoType:
		c.add(s, Wire, Warning, "body is now encoded from the Go type %s, which the schema does not describe: check that it encodes the keys consumers read", nb)
	case o.Body == schema.BodyGoType:
		c.add(s, Wire, Warning, "body is now described by the schema's fields instead of the Go type %s: check that they encode the same keys", ob)
	}
}

// compareHeaders reports the changed constant headers of a message.
// Consumers may read headers, so losing or changing one is a warning.
func (c *comparer) compareHeaders(s site, old, new schema.Table) {
	for _, key := range tableKeys(old, new) {
		o, inOld := entry(old, key)
		n, inNew := entry(new, key)
		hs := s.sub(kindOf(inOld, inNew), fmt.Sprintf("header %q", key), n.Pos, o.Pos)
		switch {
		case !inOld:
			c.add(hs, Wire, Compatible, "new constant header, %s: consumers that do not read it are unaffected", formatValue(n.Value))
		case !inNew:
			c.add(hs, Wire, Warning, "no longer sent (was %s): consumers that read it break", formatValue(o.Value))
		case !valueEqual(o.Value, n.Value):
			c.add(hs, Wire, Warning, "%s -> %s: consumers that read it see the new value", formatValue(o.Value), formatValue(n.Value))
		}
	}
}
