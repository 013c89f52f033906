package memory

import (
	"fmt"

	"github.com/kombugen/kombugen/runtime"
)

// Declaring an entity that exists checks that the declare asks for what
// exists, as RabbitMQ 3.10 checks it (rabbit_exchange:assert_equivalence,
// rabbit_amqqueue:assert_equivalence), in its order and with its words.

// checkExchangeEquivalent reports how req, a redeclare, differs from the
// exchange cur: its type and flags, then of its arguments only
// alternate-exchange, the one RabbitMQ compares.
func (b *Broker) checkExchangeEquivalent(cur, req *runtime.Exchange) error {
	name := b.resource("exchange", cur.Name)
	if cur.Type != req.Type {
		return inequivalent("type", name, plainValue([]byte(req.Type)), plainValue([]byte(cur.Type)))
	}
	if err := checkFlags(name, []flag{
		{"durable", cur.Durable, req.Durable},
		{"auto_delete", cur.AutoDelete, req.AutoDelete},
		{"internal", cur.Internal, req.Internal},
	}); err != nil {
		return err
	}
	return checkArgsEquivalent(name, []string{"alternate-exchange"}, cur.Arguments, req.Arguments)
}

// checkQueueEquivalent reports how req, a redeclare (its arguments as
// received), differs from the queue cur: whether it asks for the same
// exclusivity, then its flags, then the arguments cur's type takes.
// Exclusive queues are never durable, as in RabbitMQ.
func (b *Broker) checkQueueEquivalent(cur *queue, req *runtime.Queue) error {
	name := b.resource("queue", cur.decl.Name)
	if cur.decl.Exclusive != req.Exclusive {
		return resourceLocked("cannot obtain exclusive access to locked %s. It could be originally declared "+
			"on another connection or the exclusive property value does not match that of the original declaration.", name)
	}
	if err := checkFlags(name, []flag{
		{"durable", cur.decl.Durable, req.Durable && !req.Exclusive},
		{"auto_delete", cur.decl.AutoDelete, req.AutoDelete},
	}); err != nil {
		return err
	}
	return checkArgsEquivalent(name, cur.typ.args, cur.decl.Arguments, req.Arguments)
}

// flag is a declare's boolean attribute: what exists and what is asked.
type flag struct {
	name     string
	cur, req bool
}

func checkFlags(resource string, flags []flag) error {
	for _, f := range flags {
		if f.cur != f.req {
			return inequivalent(f.name, resource, plainValue(atom(fmt.Sprint(f.req))), plainValue(atom(fmt.Sprint(f.cur))))
		}
	}
	return nil
}

// checkArgsEquivalent compares the arguments named by keys, in that
// order, as rabbit_misc:assert_args_equivalence does: two values are
// equivalent when their types are of one class (every integer width is
// one) and their values equal, or when they are the very same value
// (an integer and a timestamp of the same value are, a string and the
// same bytes are). A classic queue may carry x-queue-type "classic" or
// none.
func checkArgsEquivalent(resource string, keys []string, cur, req runtime.Table) error {
	for _, k := range keys {
		cv, cok := cur[k]
		rv, rok := req[k]
		switch {
		case !cok && !rok:
		case cok && rok:
			c, r := toField(cv), toField(rv)
			if typeClass(c.typ) == typeClass(r.typ) && erlEqual(c.val, r.val, false) || erlEqual(c.val, r.val, true) {
				continue
			}
			return inequivalent(k, resource, plainValue(r.val), plainValue(c.val))
		case k == "x-queue-type" && (isClassic(cv, cok) || isClassic(rv, rok)):
		default:
			return inequivalent(k, resource, typedValue(rv, rok), typedValue(cv, cok))
		}
	}
	return nil
}

func isClassic(v any, present bool) bool { return present && v == "classic" }

// inequivalent is RabbitMQ's answer to a redeclare that differs from the
// entity that exists.
func inequivalent(arg, resource, received, current string) error {
	return preconditionFailed("inequivalent arg '%s' for %s: received %s but current is %s", arg, resource, received, current)
}

// plainValue quotes an Erlang value as RabbitMQ's rabbit_misc:val does:
// a binary as its text, anything else as Erlang prints it.
func plainValue(v any) string {
	if b, ok := v.([]byte); ok {
		return "'" + string(b) + "'"
	}
	return "'" + erlP(v, 1, 80) + "'"
}

// typedValue quotes a field value with its type, or "none" when absent.
func typedValue(v any, present bool) string {
	if !present {
		return "none"
	}
	f := toField(v)
	if b, ok := f.val.([]byte); ok {
		return fmt.Sprintf("the value '%s' of type '%s'", b, f.typ)
	}
	return fmt.Sprintf("the value '%s' of type '%s'", erlP(f.val, len("the value '"), 80), f.typ)
}
