package memory

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// queueType is one of RabbitMQ 3.10's queue types, as its queue-type
// module describes itself (rabbit_classic_queue and the like).
type queueType struct {
	name   string
	module string
	// args are the arguments the type takes, in the order RabbitMQ
	// compares them when the queue is declared again (its queue_arguments).
	args []string
	// replicated types refuse auto-delete, exclusive and non-durable
	// queues, and a name left to the server.
	replicated bool
}

var (
	classicQueue = &queueType{name: "classic", module: "rabbit_classic_queue", args: []string{
		"x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key",
		"x-max-length", "x-max-length-bytes", "x-max-priority", "x-overflow", "x-queue-mode",
		"x-queue-version", "x-single-active-consumer", "x-queue-type", "x-queue-master-locator"}}
	quorumQueue = &queueType{name: "quorum", module: "rabbit_quorum_queue", replicated: true, args: []string{
		"x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy", "x-expires",
		"x-max-length", "x-max-length-bytes", "x-max-in-memory-length", "x-max-in-memory-bytes",
		"x-overflow", "x-single-active-consumer", "x-queue-type", "x-quorum-initial-group-size",
		"x-delivery-limit", "x-message-ttl", "x-queue-leader-locator"}}
	streamQueue = &queueType{name: "stream", module: "rabbit_stream_queue", replicated: true, args: []string{
		"x-max-length-bytes", "x-queue-type", "x-max-age", "x-stream-max-segment-size-bytes",
		"x-initial-cluster-size", "x-queue-leader-locator"}}
	queueTypes = []*queueType{classicQueue, quorumQueue, streamQueue}
)

// queueTypeOf returns the type a queue with these arguments has; classic
// when x-queue-type is absent. It is called on validated arguments.
func queueTypeOf(args runtime.Table) *queueType {
	if s, ok := args["x-queue-type"].(string); ok {
		for _, t := range queueTypes {
			if t.name == s {
				return t
			}
		}
	}
	return classicQueue
}

// takes reports whether the type takes the argument key.
func (t *queueType) takes(key string) bool { return slices.Contains(t.args, key) }

// knownToSomeType reports whether some queue type takes key; arguments no
// type knows are taken by every type and ignored.
func knownToSomeType(key string) bool {
	return slices.ContainsFunc(queueTypes, func(t *queueType) bool { return t.takes(key) })
}

// maxExpiry is the longest TTL or x-expires RabbitMQ takes: ten years in
// milliseconds.
const maxExpiry = 315_360_000_000

// maxPriority is the highest x-max-priority RabbitMQ accepts.
const maxPriority = 255

// An argCheck validates one declare argument's field, given all of them,
// and returns RabbitMQ's error term for it, or nil.
type argCheck func(f field, args runtime.Table) any

// declareArgs are RabbitMQ's checks of queue declare arguments, in the
// order it runs them (rabbit_amqqueue:declare_args): when several
// arguments are wrong, the first in this order is reported.
var declareArgs = []struct {
	key   string
	check argCheck
}{
	{"x-expires", checkExpires},
	{"x-message-ttl", checkTTL},
	{"x-dead-letter-exchange", checkString(nil, nil)},
	{"x-dead-letter-routing-key", checkDLRoutingKey},
	{"x-dead-letter-strategy", checkString([]string{"at-most-once", "at-least-once"}, atom("invalid_dlx_strategy"))},
	{"x-max-length", checkNonNegInt},
	{"x-max-length-bytes", checkNonNegInt},
	{"x-max-in-memory-length", checkNonNegInt},
	{"x-max-in-memory-bytes", checkNonNegInt},
	{"x-max-priority", checkMaxPriority},
	{"x-overflow", checkString([]string{dropHead, rejectPublish, rejectPublishDLX}, atom("invalid_overflow"))},
	{"x-queue-mode", checkStringOr([]string{"default", "lazy"}, "unsupported queue mode '%s'")},
	{"x-queue-version", checkQueueVersion},
	{"x-single-active-consumer", checkBool},
	{"x-queue-type", checkQueueType},
	{"x-quorum-initial-group-size", checkPositiveInt},
	{"x-max-age", checkMaxAge},
	{"x-stream-max-segment-size-bytes", checkNonNegInt},
	{"x-initial-cluster-size", checkPositiveInt},
	{"x-queue-leader-locator", checkString([]string{"client-local", "balanced", "random", "least-leaders"}, atom("invalid_queue_locator_arg"))},
}

// intTypes are the field types RabbitMQ takes as integer arguments.
var intTypes = []atom{"byte", "short", "signedint", "long", "unsignedbyte", "unsignedshort", "unsignedint"}

func checkInt(f field, _ runtime.Table) any {
	if !slices.Contains(intTypes, f.typ) {
		return erlString("expected integer, got " + string(f.typ))
	}
	return nil
}

func checkNonNegInt(f field, args runtime.Table) any {
	if err := checkInt(f, args); err != nil {
		return err
	}
	if n := f.val.(int64); n < 0 {
		return tuple{atom("value_negative"), n}
	}
	return nil
}

func checkPositiveInt(f field, args runtime.Table) any {
	if err := checkNonNegInt(f, args); err != nil {
		return err
	}
	if n := f.val.(int64); n == 0 {
		return tuple{atom("value_zero"), n}
	}
	return nil
}

// checkExpiry is rabbit_misc:check_expiry, for TTLs in milliseconds.
func checkExpiry(n int64) any {
	switch {
	case n < 0:
		return tuple{atom("value_negative"), n}
	case n > maxExpiry:
		return tuple{atom("value_too_large"), n}
	}
	return nil
}

func checkTTL(f field, args runtime.Table) any {
	if err := checkInt(f, args); err != nil {
		return err
	}
	return checkExpiry(f.val.(int64))
}

func checkExpires(f field, args runtime.Table) any {
	if err := checkInt(f, args); err != nil {
		return err
	}
	if n := f.val.(int64); n == 0 {
		return tuple{atom("value_zero"), n}
	}
	return checkExpiry(f.val.(int64))
}

func checkMaxPriority(f field, args runtime.Table) any {
	if err := checkNonNegInt(f, args); err != nil {
		return err
	}
	if n := f.val.(int64); n > maxPriority {
		return tuple{atom("max_value_exceeded"), n}
	}
	return nil
}

func checkQueueVersion(f field, args runtime.Table) any {
	if err := checkNonNegInt(f, args); err != nil {
		return err
	}
	if n := f.val.(int64); n != 1 && n != 2 {
		return erlString("unsupported queue version '" + strconv.FormatInt(n, 10) + "'")
	}
	return nil
}

func checkBool(f field, _ runtime.Table) any {
	if f.typ != "bool" {
		return tuple{atom("unacceptable_type"), f.typ}
	}
	return nil
}

// checkString takes a longstr, one of allowed unless allowed is nil;
// another is the error term bad.
func checkString(allowed []string, bad any) argCheck {
	return func(f field, _ runtime.Table) any {
		if f.typ != "longstr" {
			return tuple{atom("unacceptable_type"), f.typ}
		}
		if allowed != nil && !slices.Contains(allowed, string(f.val.([]byte))) {
			return bad
		}
		return nil
	}
}

// checkStringOr is checkString with an error that quotes the value.
func checkStringOr(allowed []string, format string) argCheck {
	return func(f field, _ runtime.Table) any {
		if f.typ != "longstr" {
			return tuple{atom("unacceptable_type"), f.typ}
		}
		if s := string(f.val.([]byte)); !slices.Contains(allowed, s) {
			return erlString(fmt.Sprintf(format, s))
		}
		return nil
	}
}

func checkQueueType(f field, args runtime.Table) any {
	return checkStringOr([]string{"classic", "quorum", "stream"}, "unsupported queue type '%s'")(f, args)
}

func checkDLRoutingKey(f field, args runtime.Table) any {
	if f.typ != "longstr" {
		return tuple{atom("unacceptable_type"), f.typ}
	}
	if _, ok := args["x-dead-letter-exchange"]; !ok {
		return atom("routing_key_but_no_dlx_defined")
	}
	return nil
}

// maxAge is x-max-age's form: a positive number and a unit.
var maxAge = regexp.MustCompile(`^([0-9]*)(.*)$`)

func checkMaxAge(f field, _ runtime.Table) any {
	if f.typ != "longstr" {
		return tuple{atom("unacceptable_type"), f.typ}
	}
	m := maxAge.FindStringSubmatch(string(f.val.([]byte)))
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n <= 0 || !slices.Contains([]string{"Y", "M", "D", "h", "m", "s"}, m[2]) {
		return atom("invalid_max_age")
	}
	return nil
}

// overflow modes for x-overflow; drop-head is RabbitMQ's default.
const (
	dropHead         = "drop-head"
	rejectPublish    = "reject-publish"
	rejectPublishDLX = "reject-publish-dlx"
)

// queueArgs is what a queue's arguments ask of it, read once when the
// queue is created from arguments already validated. A negative limit
// means none.
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

// parseQueueArgs reads the arguments of a queue of type t.
func parseQueueArgs(t *queueType, args runtime.Table) queueArgs {
	a := queueArgs{maxLength: -1, maxBytes: -1, ttl: -1, overflow: dropHead}
	if t == streamQueue {
		// A stream keeps what it is given: its limits are retention
		// policies, which the broker does not simulate.
		return a
	}
	num := func(key string) (int64, bool) {
		if !t.takes(key) {
			return 0, false
		}
		return integer(args[key])
	}
	if n, ok := num("x-max-priority"); ok {
		a.maxPriority = int(n)
	}
	if n, ok := num("x-max-length"); ok {
		a.maxLength = n
	}
	if n, ok := num("x-max-length-bytes"); ok {
		a.maxBytes = n
	}
	if n, ok := num("x-message-ttl"); ok {
		a.ttl = time.Duration(n) * time.Millisecond
	}
	if n, ok := num("x-expires"); ok {
		a.expires = time.Duration(n) * time.Millisecond
	}
	if s, ok := args["x-overflow"].(string); ok {
		a.overflow = s
	}
	a.dlx, a.hasDLX = args["x-dead-letter-exchange"].(string)
	a.dlrk, a.hasRK = args["x-dead-letter-routing-key"].(string)
	return a
}

// effectivePriority is the priority a queue orders a message by: none
// without x-max-priority, and never above the maximum.
func (a *queueArgs) effectivePriority(p uint8) int {
	return min(int(p), a.maxPriority)
}
