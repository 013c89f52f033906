package memory

import (
	"fmt"

	"github.com/kombugen/kombugen/runtime"
)

// exchangeArgKeys are the exchange arguments RabbitMQ compares when an
// exchange is declared again; it ignores differences in any other.
var exchangeArgKeys = []string{"alternate-exchange"}

// queueArgKeys are the queue arguments RabbitMQ compares when a classic
// queue is declared again; it ignores differences in any other.
var queueArgKeys = []string{
	"x-dead-letter-exchange", "x-dead-letter-routing-key", "x-expires",
	"x-max-length", "x-max-length-bytes", "x-max-priority", "x-message-ttl",
	"x-overflow", "x-queue-leader-locator", "x-queue-master-locator",
	"x-queue-mode", "x-queue-type", "x-queue-version", "x-single-active-consumer",
}

// checkExchangeEquivalent reports how req, a redeclare, differs from the
// exchange cur, in the order RabbitMQ checks.
func checkExchangeEquivalent(cur, req *runtime.Exchange) error {
	if cur.Type != req.Type {
		return inequivalent("exchange", cur.Name, "type", quote(req.Type), quote(cur.Type))
	}
	flags := []struct {
		arg      string
		cur, req bool
	}{
		{"durable", cur.Durable, req.Durable},
		{"auto_delete", cur.AutoDelete, req.AutoDelete},
		{"internal", cur.Internal, req.Internal},
	}
	for _, f := range flags {
		if f.cur != f.req {
			return inequivalent("exchange", cur.Name, f.arg, quote(f.req), quote(f.cur))
		}
	}
	return checkArgsEquivalent("exchange", cur.Name, exchangeArgKeys, cur.Arguments, req.Arguments)
}

// checkQueueEquivalent reports how req, a redeclare, differs from the queue
// cur.
func checkQueueEquivalent(cur, req *runtime.Queue) error {
	flags := []struct {
		arg      string
		cur, req bool
	}{
		{"durable", cur.Durable, req.Durable},
		{"exclusive", cur.Exclusive, req.Exclusive},
		{"auto_delete", cur.AutoDelete, req.AutoDelete},
	}
	for _, f := range flags {
		if f.cur != f.req {
			return inequivalent("queue", cur.Name, f.arg, quote(f.req), quote(f.cur))
		}
	}
	return checkArgsEquivalent("queue", cur.Name, queueArgKeys, cur.Arguments, req.Arguments)
}

// checkArgsEquivalent compares the arguments named by keys. As in RabbitMQ,
// integer widths do not matter (an int32 5 equals an int64 5), but an
// integer is not a float, nor a string bytes.
func checkArgsEquivalent(kind, name string, keys []string, cur, req runtime.Table) error {
	for _, k := range keys {
		cv, cok := cur[k]
		rv, rok := req[k]
		if argsEquivalent(k, cv, cok, rv, rok) {
			continue
		}
		return inequivalent(kind, name, k, describe(rv, rok), describe(cv, cok))
	}
	return nil
}

func argsEquivalent(key string, cv any, cok bool, rv any, rok bool) bool {
	switch {
	case !cok && !rok:
		return true
	case cok && rok:
		return typeClass(cv) == typeClass(rv) && looselyEqual(cv, rv)
	case key == "x-queue-type":
		// A classic queue need not carry the argument: RabbitMQ takes
		// "classic" and none as the same.
		return cv == "classic" || rv == "classic"
	}
	return false
}

func quote(v any) string { return fmt.Sprintf("'%v'", v) }
