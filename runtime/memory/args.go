package memory

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/kombugen/kombugen/internal/queueargs"
	"github.com/kombugen/kombugen/runtime"
)

// maxPriority is the highest x-max-priority RabbitMQ accepts.
const maxPriority = 255

// overflow modes for x-overflow; drop-head is RabbitMQ's default.
const (
	dropHead         = "drop-head"
	rejectPublish    = "reject-publish"
	rejectPublishDLX = "reject-publish-dlx"
)

// queueArgs is what a queue's arguments ask of it, parsed once when the
// queue is created. A negative limit means none.
type queueArgs struct {
	maxPriority int // 0: the queue ignores message priorities
	maxLength   int64
	maxBytes    int64
	ttl         time.Duration // x-message-ttl; negative: none
	expires     time.Duration // x-expires; 0: never
	overflow    string
	// dlx is the dead-letter exchange; hasDLX tells "" (the default
	// exchange, a valid target) from no dead-lettering at all.
	dlx    string
	hasDLX bool
	dlrk   string
	hasRK  bool
}

// argCheck validates and applies one queue argument.
type argCheck func(a *queueArgs, v any) error

// queueArgChecks holds the arguments whose values RabbitMQ validates and
// this broker honours; others are stored as they are.
var queueArgChecks = map[string]argCheck{
	"x-max-priority": func(a *queueArgs, v any) error {
		n, err := intArg(v, 0, maxPriority)
		a.maxPriority = int(n)
		return err
	},
	"x-max-length": func(a *queueArgs, v any) (err error) {
		a.maxLength, err = intArg(v, 0, -1)
		return err
	},
	"x-max-length-bytes": func(a *queueArgs, v any) (err error) {
		a.maxBytes, err = intArg(v, 0, -1)
		return err
	},
	"x-message-ttl": func(a *queueArgs, v any) error {
		n, err := intArg(v, 0, -1)
		a.ttl = time.Duration(n) * time.Millisecond
		return err
	},
	"x-expires": func(a *queueArgs, v any) error {
		n, err := intArg(v, 1, -1)
		a.expires = time.Duration(n) * time.Millisecond
		return err
	},
	"x-overflow": func(a *queueArgs, v any) error {
		switch v {
		case dropHead, rejectPublish, rejectPublishDLX:
			a.overflow = v.(string)
			return nil
		}
		return fmt.Errorf("%v is not one of %s, %s, %s", v, dropHead, rejectPublish, rejectPublishDLX)
	},
	"x-dead-letter-exchange": func(a *queueArgs, v any) (err error) {
		a.dlx, err = stringArg(v)
		a.hasDLX = true
		return err
	},
	"x-dead-letter-routing-key": func(a *queueArgs, v any) (err error) {
		a.dlrk, err = stringArg(v)
		a.hasRK = true
		return err
	},
}

// queueArgOrder checks arguments in a fixed order, so that a declare with
// several bad ones always reports the same.
var queueArgOrder = slices.Sorted(maps.Keys(queueArgChecks))

// parseQueueArgs validates the arguments of a queue being declared.
func parseQueueArgs(name string, args runtime.Table) (queueArgs, error) {
	a := queueArgs{maxLength: -1, maxBytes: -1, ttl: -1, overflow: dropHead}
	for _, key := range queueArgOrder {
		v, ok := args[key]
		if !ok {
			continue
		}
		if err := queueArgChecks[key](&a, v); err != nil {
			return a, invalidArg("queue", name, key, err.Error())
		}
	}
	if a.hasRK && !a.hasDLX {
		return a, invalidArg("queue", name, "x-dead-letter-routing-key",
			"a dead-letter routing key needs x-dead-letter-exchange")
	}
	return a, nil
}

// checkQueueType refuses, as RabbitMQ does for a new queue, arguments the
// queue's type does not take (x-max-priority on a quorum queue).
func checkQueueType(name string, args runtime.Table) error {
	typ, _ := args["x-queue-type"].(string)
	for _, key := range slices.Sorted(maps.Keys(args)) {
		if queueargs.Refused(typ, key) {
			return invalidArg("queue", name, key, "not an argument of queue type "+typ)
		}
	}
	return nil
}

// intArg reads an integer argument in [lo, hi]; hi < 0 means no upper
// bound. RabbitMQ refuses floats and strings here.
func intArg(v any, lo, hi int64) (int64, error) {
	n, ok := integer(v)
	switch {
	case !ok:
		return 0, fmt.Errorf("%v of type '%s' is not an integer", v, typeName(v))
	case n < lo:
		return 0, fmt.Errorf("%d is below the minimum of %d", n, lo)
	case hi >= 0 && n > hi:
		return 0, fmt.Errorf("%d is above the maximum of %d", n, hi)
	}
	return n, nil
}

func stringArg(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%v of type '%s' is not a string", v, typeName(v))
	}
	return s, nil
}

// effectivePriority is the priority a queue orders a message by: none
// without x-max-priority, and never above the maximum.
func (a *queueArgs) effectivePriority(p uint8) int {
	return min(int(p), a.maxPriority)
}
