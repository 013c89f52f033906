package schema

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kombugen/kombugen/internal/queueargs"
)

var (
	exchangeKeys = []string{"type", "durable", "auto_delete", "internal", "alternate_exchange", "arguments", "bindings", "description"}
	queueKeys    = []string{"type", "durable", "exclusive", "auto_delete", "max_priority", "message_ttl", "max_length",
		"dead_letter_exchange", "dead_letter_routing_key", "arguments", "bindings", "description"}
	bindingKeys = []string{"exchange", "routing_key", "arguments"}

	exchangeTypes = []string{"direct", "topic", "fanout", "headers"}
	queueTypes    = []string{"classic", "quorum", "stream"}
)

// predeclared are the exchanges every RabbitMQ broker has, with their
// types. The schema may use them without declaring them.
var predeclaredExchanges = map[string]string{
	"":                   "direct",
	"amq.direct":         "direct",
	"amq.fanout":         "fanout",
	"amq.topic":          "topic",
	"amq.headers":        "headers",
	"amq.match":          "headers",
	"amq.rabbitmq.trace": "topic",
}

// PredeclaredExchange returns the type of an exchange every RabbitMQ broker
// has: "" (the default exchange) and the amq.* ones.
func PredeclaredExchange(name string) (typ string, ok bool) {
	typ, ok = predeclaredExchanges[name]
	return typ, ok
}

// rawExchange is a declared exchange whose bindings' source exchanges are
// yet to be checked; the exchanges it may name otherwise
// (alternate_exchange) need not be declared in the schema.
type rawExchange struct {
	x *Exchange
	// sources holds each binding's exchange as written.
	sources []val[string]
}

// exchange reads an exchange.
func (d *decoder) exchange(e entry) *rawExchange {
	ctx := fmt.Sprintf("exchange %q", e.name)
	d.entityName(ctx, e, "exchange")
	k := d.keywords(ctx, e.pos, e.value, exchangeKeys...)
	k.require("type", "type: direct, topic, fanout, headers or a plugin's x- type")
	x := &Exchange{
		Name:        e.name,
		Pos:         e.pos,
		Description: k.str("description").v,
		Type:        d.exchangeType(k).v,
		Durable:     orDefault(k.boolean("durable"), true),
		AutoDelete:  k.boolean("auto_delete").v,
		Internal:    k.boolean("internal").v,
	}
	var args arguments
	if alt := k.str("alternate_exchange"); alt.set {
		args.add("alternate-exchange", alt.v, alt.pos, "alternate_exchange")
	}
	x.Arguments = d.mergeArguments(k, args)
	if i := index(x.Arguments, "alternate-exchange"); i >= 0 {
		// Written under alternate_exchange or under arguments.
		x.AlternateExchange = d.stringArgument(join(ctx, "arguments"), x.Arguments[i])
	}
	r := &rawExchange{x: x}
	x.Bindings, r.sources = d.bindings(k)
	return r
}

// entityName checks the AMQP name of an exchange or queue.
func (d *decoder) entityName(ctx string, e entry, noun string) {
	switch {
	case e.name == "" && noun == "exchange":
		d.errorf(e.pos, "", "the default exchange \"\" cannot be declared; messages may use it undeclared")
	case e.name == "":
		d.errorf(e.pos, "", "a queue needs a name; server-named queues are not supported")
	case strings.HasPrefix(e.name, "amq."):
		d.errorf(e.pos, ctx, "names beginning with \"amq.\" are reserved by the broker; choose another name")
	case len(e.name) > 255:
		d.errorf(e.pos, ctx, "name is %d bytes long; want at most 255", len(e.name))
	}
}

// exchangeType reads an exchange type: one of exchangeTypes or a plugin's
// x- type.
func (d *decoder) exchangeType(k keys) val[string] {
	v := k.str("type")
	if v.set && !slices.Contains(exchangeTypes, v.v) && !(strings.HasPrefix(v.v, "x-") && len(v.v) > 2) {
		d.errorf(v.pos, join(k.ctx, "type"), "unknown exchange type %q%s; want direct, topic, fanout, headers or a plugin's x- type",
			v.v, didYouMean(v.v, exchangeTypes))
		v.set = false
	}
	return v
}

// rawQueue is a declared queue whose bindings' exchanges are yet to be
// checked.
type rawQueue struct {
	q *Queue
	// sources holds each binding's exchange as written.
	sources []val[string]
}

// queue reads an entry of the queues section.
func (d *decoder) queue(e entry) *rawQueue {
	ctx := fmt.Sprintf("queue %q", e.name)
	d.entityName(ctx, e, "queue")
	k := d.keywords(ctx, e.pos, e.value, queueKeys...)
	flags := queueFlags{durable: k.boolean("durable"), exclusive: k.boolean("exclusive"), autoDelete: k.boolean("auto_delete")}
	q := &Queue{
		Name:        e.name,
		Pos:         e.pos,
		Description: k.str("description").v,
		Type:        "classic",
		Durable:     orDefault(flags.durable, true),
		Exclusive:   flags.exclusive.v,
		AutoDelete:  flags.autoDelete.v,
	}
	q.Arguments = d.mergeArguments(k, d.queueArguments(k))
	d.queueFromArguments(ctx, q)
	d.queueRefusals(ctx, q, flags)
	r := &rawQueue{q: q}
	q.Bindings, r.sources = d.bindings(k)
	return r
}

// queueArguments returns the arguments the queue's dedicated keys stand
// for.
func (d *decoder) queueArguments(k keys) arguments {
	var args arguments
	if v := k.oneOf("type", queueTypes...); v.set {
		args.add("x-queue-type", v.v, v.pos, "type")
	}
	if v := k.integer("max_priority", 1, 255); v.set {
		args.add("x-max-priority", v.v, v.pos, "max_priority")
	}
	if v := d.ttl(k, "message_ttl"); v.set {
		args.add("x-message-ttl", int64(v.v/time.Millisecond), v.pos, "message_ttl")
	}
	if v := k.integer("max_length", 0, math.MaxInt64); v.set {
		args.add("x-max-length", v.v, v.pos, "max_length")
	}
	if v := k.str("dead_letter_exchange"); v.set {
		args.add("x-dead-letter-exchange", v.v, v.pos, "dead_letter_exchange")
	}
	if v := k.str("dead_letter_routing_key"); v.set {
		args.add("x-dead-letter-routing-key", v.v, v.pos, "dead_letter_routing_key")
	}
	return args
}

// queueFromArguments fills the queue's fields from its arguments, written
// with dedicated keys or under arguments (a conflict of the two is reported
// already), checking the values of those under arguments as RabbitMQ
// would.
func (d *decoder) queueFromArguments(ctx string, q *Queue) {
	ctx = join(ctx, "arguments")
	for _, a := range q.Arguments {
		switch a.Key {
		case "x-queue-type":
			if s, ok := a.Value.(string); ok && slices.Contains(queueTypes, s) {
				q.Type = s
			} else {
				d.badArgument(ctx, a, "one of "+strings.Join(queueTypes, ", "))
			}
		case "x-max-priority":
			if n, ok := a.Value.(int64); ok && n >= 1 && n <= 255 {
				q.MaxPriority = int(n)
			} else {
				d.badArgument(ctx, a, "an integer from 1 to 255")
			}
		case "x-message-ttl":
			if n, ok := a.Value.(int64); ok && n >= 0 && n <= MaxTTL.Milliseconds() {
				q.MessageTTL = ptr(time.Duration(n) * time.Millisecond)
			} else {
				d.badArgument(ctx, a, fmt.Sprintf("a number of milliseconds up to %d (3650 days, RabbitMQ's limit)", MaxTTL.Milliseconds()))
			}
		case "x-max-length":
			if n, ok := a.Value.(int64); ok && n >= 0 {
				q.MaxLength = ptr(n)
			} else {
				d.badArgument(ctx, a, "an integer of at least 0")
			}
		case "x-dead-letter-exchange":
			q.DeadLetterExchange = d.stringArgument(ctx, a)
		case "x-dead-letter-routing-key":
			q.DeadLetterRoutingKey = d.stringArgument(ctx, a)
		}
	}
}

// queueFlags are a queue's declare flags as written.
type queueFlags struct {
	durable, exclusive, autoDelete val[bool]
}

// queueRefusals reports what RabbitMQ refuses to declare (PRECONDITION_FAILED)
// for the queue's type, each where it is written: quorum queues and
// streams are replicated and outlive their connections, so they must be
// durable and can be neither exclusive nor auto-delete; each type takes
// only some arguments (internal/queueargs); and a dead-letter routing key
// needs a dead-letter exchange.
func (d *decoder) queueRefusals(ctx string, q *Queue, flags queueFlags) {
	if q.Type == "quorum" || q.Type == "stream" {
		for _, f := range []struct {
			key  string
			v    val[bool]
			want bool
		}{{"durable", flags.durable, true}, {"exclusive", flags.exclusive, false}, {"auto_delete", flags.autoDelete, false}} {
			if f.v.set && f.v.v != f.want {
				d.errorf(f.v.pos, join(ctx, f.key), "a %s queue must have %s: %v, or RabbitMQ refuses to declare it (PRECONDITION_FAILED); remove %s, or make the queue classic",
					q.Type, f.key, f.want, f.key)
			}
		}
	}
	for _, a := range q.Arguments {
		if queueargs.Refused(q.Type, a.Key) {
			d.errorf(a.Pos, ctx, "%s queues do not take %q, so RabbitMQ refuses to declare the queue (PRECONDITION_FAILED); remove it, or make the queue %s",
				q.Type, a.Key, strings.Join(queueargs.Takers(a.Key), " or "))
		}
	}
	if i := index(q.Arguments, "x-dead-letter-routing-key"); i >= 0 && index(q.Arguments, "x-dead-letter-exchange") < 0 {
		d.errorf(q.Arguments[i].Pos, ctx, "a dead-letter routing key without a dead-letter exchange, which RabbitMQ refuses to declare (PRECONDITION_FAILED); set dead_letter_exchange (\"\" for the default exchange), or remove it")
	}
}

// stringArgument returns the value of an argument that must be a string.
func (d *decoder) stringArgument(ctx string, a TableEntry) string {
	s, ok := a.Value.(string)
	if !ok {
		d.badArgument(ctx, a, "a string")
	}
	return s
}

// badArgument reports an argument whose value RabbitMQ would refuse.
func (d *decoder) badArgument(ctx string, a TableEntry, want string) {
	d.errorf(a.Pos, ctx, "%q: want %s, got %s", a.Key, want, describeValue(a.Value))
}

// describeValue says what a table value is, for "got ..." in a message.
func describeValue(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case int64:
		return fmt.Sprintf("integer %d", v)
	case float64:
		return fmt.Sprintf("float %v", v)
	case bool:
		return fmt.Sprintf("bool %v", v)
	case nil:
		return "null"
	case Table:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

// bindings reads the bindings of a queue or an exchange, with each
// binding's exchange as written, for the resolver to check.
func (d *decoder) bindings(k keys) (bindings []*Binding, sources []val[string]) {
	e, ok := k.get("bindings")
	if !ok {
		return nil, nil
	}
	items, _ := d.list(join(k.ctx, "bindings"), e.value)
	for i, item := range items {
		item = d.deref(item)
		if item == nil {
			continue
		}
		ctx := fmt.Sprintf("%s: binding %d", k.ctx, i+1)
		bk := d.keywords(ctx, d.pos(item), item, bindingKeys...)
		bk.require("exchange", "exchange: the exchange to bind to")
		exchange, key := bk.str("exchange"), bk.str("routing_key")
		if len(key.v) > 255 {
			d.errorf(key.pos, join(ctx, "routing_key"), "%d bytes long; want at most 255", len(key.v))
		}
		bindings = append(bindings, &Binding{
			Pos:        d.pos(item),
			Exchange:   exchange.v,
			RoutingKey: key.v,
			Arguments:  bk.table("arguments"),
		})
		sources = append(sources, exchange)
	}
	return bindings, sources
}

// arguments are the AMQP arguments a dedicated key stands for, before the
// arguments key is merged in.
type arguments struct {
	t    Table
	keys []string // the dedicated key each argument came from
}

func (a *arguments) add(name string, v any, pos Pos, key string) {
	a.t = append(a.t, TableEntry{Key: name, Value: v, Pos: pos})
	a.keys = append(a.keys, key)
}

// mergeArguments appends the arguments key's table to the dedicated
// arguments, reporting an argument that a dedicated key sets too.
func (d *decoder) mergeArguments(k keys, dedicated arguments) Table {
	t := dedicated.t
	for _, a := range k.table("arguments") {
		if i := index(dedicated.t, a.Key); i >= 0 {
			d.errorf(a.Pos, join(k.ctx, "arguments"), "%q is also set by %s at %s; keep one of them",
				a.Key, dedicated.keys[i], dedicated.t[i].Pos.lineCol())
			continue
		}
		t = append(t, a)
	}
	return t
}

func index(t Table, key string) int {
	for i, e := range t {
		if e.Key == key {
			return i
		}
	}
	return -1
}

// orDefault returns v's value, or def when it was not written.
func orDefault[T any](v val[T], def T) T {
	if v.set {
		return v.v
	}
	return def
}
