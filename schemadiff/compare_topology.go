package schemadiff

import (
	"fmt"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// refused is what happens when a declared attribute changes: RabbitMQ
// compares it when the entity is declared again and closes the channel.
const refused = "RabbitMQ refuses to redeclare the existing %s (PRECONDITION_FAILED, 406), so the producers' declare before their first publish fails, until the %s is deleted"

func (c *comparer) compareExchanges() {
	pair(c.old.Exchanges, c.new.Exchanges, exchangeName, c.exchangeRemoved, c.exchangeAdded, c.exchangeChanged)
}

func (c *comparer) exchangeRemoved(x *schema.Exchange) {
	s := removedAt(fmt.Sprintf("exchange %q", x.Name), x.Pos)
	what := "no longer declared; no message of the schema was published to it, but publishers and bindings outside it may rely on it"
	if sent := publishedTo(c.old, x.Name); len(sent) > 0 {
		what = fmt.Sprintf("%s %s %s published to it, so queues bound to it stop receiving %s",
			plural(len(sent), "message"), quoteList(sent), verb(len(sent), "was", "were"), pronoun(len(sent)))
	}
	c.add(s, Routing, Breaking, "removed: %s; the broker keeps the exchange until it is deleted", what)
	if !hasGoName(c.gn, c.new.Exchanges, c.gn.of(x)) {
		c.add(s, GoAPI, Breaking, "removed: the generated value %s is gone", c.gn.of(x))
	}
}

func (c *comparer) exchangeAdded(x *schema.Exchange) {
	c.add(addedAt(fmt.Sprintf("exchange %q", x.Name), x.Pos), Declare, Compatible,
		"new %q exchange, declared by the producers that use it (func %s)", x.Type, c.gn.of(x))
}

func (c *comparer) exchangeChanged(o, n *schema.Exchange) {
	s := changedAt(fmt.Sprintf("exchange %q", n.Name), n.Pos, o.Pos)
	refusedX := fmt.Sprintf(refused, "exchange", "exchange")
	if o.Type != n.Type {
		c.add(s, Declare, Breaking, "type %q -> %q: %s", o.Type, n.Type, refusedX)
		c.add(s, Routing, Breaking, "type %q -> %q: bindings match routing keys by other rules, so messages reach other queues", o.Type, n.Type)
	}
	c.attribute(s, "durable", o.Durable, n.Durable, refusedX)
	c.attribute(s, "auto_delete", o.AutoDelete, n.AutoDelete, refusedX)
	c.attribute(s, "internal", o.Internal, n.Internal, refusedX)
	// The broker compares by the existing exchange's type.
	c.compareArguments(s, o.Arguments, n.Arguments, exchangeArgument(o.Type))
	c.compareBindings(s, o.Bindings, n.Bindings, "exchange")
	c.describeChange(s, o.Description, n.Description)
}

// attribute reports a changed boolean declare attribute.
func (c *comparer) attribute(s site, key string, old, new bool, why string) {
	if old != new {
		c.add(s, Declare, Breaking, "%s %s -> %s: %s", key, onOff(old), onOff(new), why)
	}
}

// argumentCheck says how the broker treats a declare argument on
// redeclare: whether it compares it, and in words, why a change matters.
type argumentCheck func(key string) (compared bool, note string)

// exchangeArgument is how RabbitMQ treats exchange arguments: of them it
// compares alternate-exchange only (rabbit_exchange:assert_args_equivalence).
func exchangeArgument(exchangeType string) argumentCheck {
	return func(key string) (bool, string) {
		if key == "alternate-exchange" {
			return true, fmt.Sprintf(refused, "exchange", "exchange")
		}
		note := "RabbitMQ does not compare it on redeclare: an existing exchange keeps its old arguments, so the change applies only once it is deleted and declared again"
		if strings.HasPrefix(exchangeType, "x-") {
			note += fmt.Sprintf(" (the %q plugin may compare it)", exchangeType)
		}
		return false, note
	}
}

// queueArguments are the arguments RabbitMQ compares when a queue of each
// type is declared again (the queue_arguments of its queue type module);
// it ignores the others. Stream lists the arguments of 3.9 to 4.x.
var queueArguments = map[string][]string{
	"classic": {"x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key",
		"x-max-length", "x-max-length-bytes", "x-max-priority", "x-overflow", "x-queue-mode",
		"x-queue-version", "x-single-active-consumer", "x-queue-type", "x-queue-master-locator",
		"x-queue-leader-locator"},
	"quorum": {"x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy",
		"x-expires", "x-max-length", "x-max-length-bytes", "x-max-in-memory-length",
		"x-max-in-memory-bytes", "x-overflow", "x-single-active-consumer", "x-queue-type",
		"x-quorum-initial-group-size", "x-delivery-limit", "x-message-ttl", "x-queue-leader-locator"},
	"stream": {"x-queue-type", "x-max-length-bytes", "x-max-age", "x-stream-max-segment-size-bytes",
		"x-max-segment-size", "x-initial-cluster-size", "x-queue-leader-locator",
		"x-stream-filter-size-bytes", "x-dead-letter-exchange", "x-dead-letter-routing-key",
		"x-max-length", "x-single-active-consumer"},
}

// queueArgument is how RabbitMQ treats the arguments of an existing queue
// of type typ: it compares those its queue type knows.
func queueArgument(typ string) argumentCheck {
	return func(key string) (bool, string) {
		for _, k := range queueArguments[typ] {
			if k == key {
				return true, fmt.Sprintf(refused, "queue", "queue")
			}
		}
		return false, fmt.Sprintf("RabbitMQ does not compare it for %s queues on redeclare: the existing queue keeps its old arguments, so the change applies only once it is deleted and declared again", typ)
	}
}

// compareArguments reports the changed declare arguments of an exchange or
// queue at s.
func (c *comparer) compareArguments(s site, old, new schema.Table, check argumentCheck) {
	for _, key := range tableKeys(old, new) {
		o, inOld := entry(old, key)
		n, inNew := entry(new, key)
		if inOld && inNew && valueEqual(o.Value, n.Value) {
			continue
		}
		compared, note := check(key)
		sev := Warning
		if compared {
			sev = Breaking
		}
		part := fmt.Sprintf("argument %q", key)
		switch {
		case key == "x-queue-type" && classicEither(o, inOld, n, inNew):
			// rabbit_misc special-cases it (rabbitmq-common#341).
			c.add(s.sub(kindOf(inOld, inNew), part, n.Pos, o.Pos), Declare, Compatible,
				"%s: RabbitMQ takes a queue without x-queue-type as classic, so the redeclare succeeds", argumentChange(o, inOld, n, inNew))
		default:
			c.add(s.sub(kindOf(inOld, inNew), part, n.Pos, o.Pos), Declare, sev, "%s: %s", argumentChange(o, inOld, n, inNew), note)
		}
	}
}

// classicEither reports whether x-queue-type went from unset to "classic"
// or back.
func classicEither(o schema.TableEntry, inOld bool, n schema.TableEntry, inNew bool) bool {
	return !inOld && n.Value == "classic" || !inNew && o.Value == "classic"
}

// argumentChange writes an argument's change, old -> new.
func argumentChange(o schema.TableEntry, inOld bool, n schema.TableEntry, inNew bool) string {
	switch {
	case !inOld:
		return "added, " + formatValue(n.Value)
	case !inNew:
		return "removed, was " + formatValue(o.Value)
	}
	return formatValue(o.Value) + " -> " + formatValue(n.Value)
}

// kindOf returns the kind of change of something in old, new or both.
func kindOf(inOld, inNew bool) Kind {
	switch {
	case !inOld:
		return Added
	case !inNew:
		return Removed
	}
	return Changed
}

func (c *comparer) compareQueues() {
	pair(c.old.Queues, c.new.Queues, queueName, c.queueRemoved, c.queueAdded, c.queueChanged)
}

func (c *comparer) queueRemoved(q *schema.Queue) {
	s := removedAt(fmt.Sprintf("queue %q", q.Name), q.Pos)
	got := receivedBy(c.old, q)
	what := "no message of the schema reached it"
	if len(got) > 0 {
		what = plural(len(got), "message") + " " + quoteList(got) + " " + verb(len(got), "stops", "stop") + " arriving there on a fresh broker"
	}
	c.add(s, Routing, Breaking, "removed with its bindings: %s; an existing broker keeps the queue and its bindings until they are deleted", what)
	if !hasGoName(c.gn, c.new.Queues, c.gn.of(q)) {
		c.add(s, GoAPI, Breaking, "removed: the generated value %s is gone", c.gn.of(q))
	}
}

func (c *comparer) queueAdded(q *schema.Queue) {
	got := receivedBy(c.new, q)
	what := "no message of the schema reaches it"
	if len(got) > 0 {
		what = "receives " + quoteList(got)
	}
	c.add(addedAt(fmt.Sprintf("queue %q", q.Name), q.Pos), Declare, Compatible, "new %s queue (func %s); %s", q.Type, c.gn.of(q), what)
}

func (c *comparer) queueChanged(o, n *schema.Queue) {
	s := changedAt(fmt.Sprintf("queue %q", n.Name), n.Pos, o.Pos)
	refusedQ := fmt.Sprintf(refused, "queue", "queue")
	c.attribute(s, "durable", o.Durable, n.Durable, refusedQ)
	c.attribute(s, "auto_delete", o.AutoDelete, n.AutoDelete, refusedQ)
	if o.Exclusive != n.Exclusive {
		c.add(s, Declare, Breaking, "exclusive %s -> %s: RabbitMQ refuses to redeclare the existing queue (RESOURCE_LOCKED, 405) until it is deleted",
			onOff(o.Exclusive), onOff(n.Exclusive))
	}
	// The broker compares by the existing queue's type.
	c.compareArguments(s, o.Arguments, n.Arguments, queueArgument(o.Type))
	c.compareBindings(s, o.Bindings, n.Bindings, "queue")
	c.describeChange(s, o.Description, n.Description)
}

// bindingKey identifies a binding: RabbitMQ tells bindings apart by
// exchange, routing key and arguments, so a binding with other arguments
// is another binding.
func bindingKey(b *schema.Binding) string {
	return b.Exchange + "\x00" + b.RoutingKey + "\x00" + formatTable(b.Arguments)
}

// bindingPart names a binding within its queue's subject.
func bindingPart(b *schema.Binding) string {
	s := fmt.Sprintf("binding to %q key %q", b.Exchange, b.RoutingKey)
	if len(b.Arguments) > 0 {
		s += " arguments " + formatTable(b.Arguments)
	}
	return s
}

// compareBindings reports the bindings of a queue or an exchange (what)
// added or removed at s.
func (c *comparer) compareBindings(s site, o, n []*schema.Binding, what string) {
	onward := ""
	if what == "exchange" {
		onward = ", and with it what is bound to the exchange"
	}
	pair(o, n, bindingKey,
		func(b *schema.Binding) {
			lost := messagesThrough(c.old, b)
			lostText := "no message of the schema matched it"
			if len(lost) > 0 {
				lostText = plural(len(lost), "message") + " " + quoteList(lost) + " " + verb(len(lost), "stops", "stop") +
					" reaching the " + what + " through it" + onward
			}
			c.add(s.sub(Removed, bindingPart(b), schema.Pos{}, b.Pos), Routing, Breaking,
				"removed: %s; declaring does not unbind, so an existing broker keeps the binding until it is removed by hand", lostText)
		},
		func(b *schema.Binding) {
			got := messagesThrough(c.new, b)
			gotText := "no message of the schema matches it"
			switch {
			case len(got) > 0 && what == "queue":
				gotText = "the queue now also receives " + quoteList(got) + ", and its consumers must accept " + pronoun(len(got))
			case len(got) > 0:
				gotText = "the exchange now also receives " + quoteList(got) + ", and passes " + pronoun(len(got)) + " on to what is bound to it"
			}
			c.add(s.sub(Added, bindingPart(b), b.Pos, schema.Pos{}), Routing, Compatible, "new binding: %s", gotText)
		},
		func(_, _ *schema.Binding) {})
}

// messagesThrough returns the messages of s that binding b may route:
// those that may pass its source exchange.
func messagesThrough(s *schema.Schema, b *schema.Binding) []string {
	var out []string
	for _, m := range s.Messages {
		if m.Exchange == "" {
			continue
		}
		if typ, ok := exchangesPassed(s, m)[b.Exchange]; ok && bindingMatches(typ, m, b) {
			out = append(out, m.Name)
		}
	}
	return out
}

// receivedBy returns the messages of s that may reach q.
func receivedBy(s *schema.Schema, q *schema.Queue) []string {
	var out []string
	for _, m := range s.Messages {
		if reaches(s, m, q) {
			out = append(out, m.Name)
		}
	}
	return out
}

// publishedTo returns the messages of s published to the exchange name.
func publishedTo(s *schema.Schema, name string) []string {
	var out []string
	for _, m := range s.Messages {
		if m.Exchange == name {
			out = append(out, m.Name)
		}
	}
	return out
}

// hasGoName reports whether an entity of list has the Go name goName: an
// entity renamed so that its Go name stays (orders.v1 to orders-v1) breaks
// no Go code.
func hasGoName[T any](gn *goNames, list []T, goName string) bool {
	for _, x := range list {
		if gn.of(x) == goName {
			return true
		}
	}
	return false
}
