// Package queueargs knows which queue arguments each RabbitMQ queue type
// takes: declaring a queue with one its type does not take fails with
// PRECONDITION_FAILED ("invalid arg ... of queue type ..."). The schema's
// lint follows it; the in-process broker (runtime/memory) keeps RabbitMQ
// 3.10's own lists, in its order, since it plays that version exactly.
package queueargs

import "slices"

// byArgument lists, for each argument RabbitMQ knows, the queue types that
// take it: the queue_arguments of rabbit_classic_queue,
// rabbit_quorum_queue and rabbit_stream_queue in RabbitMQ 3.10.8 and 4.x
// together, so that no version that takes an argument refuses it here
// (checked against a 3.10.8 broker).
var byArgument = map[string][]string{
	"x-expires":                       {"classic", "quorum"},
	"x-message-ttl":                   {"classic", "quorum"},
	"x-dead-letter-exchange":          {"classic", "quorum"},
	"x-dead-letter-routing-key":       {"classic", "quorum"},
	"x-dead-letter-strategy":          {"quorum"},
	"x-max-length":                    {"classic", "quorum"},
	"x-max-length-bytes":              {"classic", "quorum", "stream"},
	"x-max-in-memory-length":          {"quorum"},
	"x-max-in-memory-bytes":           {"quorum"},
	"x-max-priority":                  {"classic"},
	"x-overflow":                      {"classic", "quorum"},
	"x-queue-mode":                    {"classic"},
	"x-queue-version":                 {"classic"},
	"x-single-active-consumer":        {"classic", "quorum"},
	"x-queue-master-locator":          {"classic"},
	"x-queue-leader-locator":          {"classic", "quorum", "stream"},
	"x-quorum-initial-group-size":     {"quorum"},
	"x-delivery-limit":                {"quorum"},
	"x-max-age":                       {"stream"},
	"x-stream-max-segment-size-bytes": {"stream"},
	"x-stream-filter-size-bytes":      {"stream"},
	"x-initial-cluster-size":          {"stream"},
}

// Refused reports whether a queue of queueType ("" is classic) cannot be
// declared with the argument arg. Arguments RabbitMQ does not know are
// taken by every type.
func Refused(queueType, arg string) bool {
	if queueType == "" {
		queueType = "classic"
	}
	types, known := byArgument[arg]
	return known && !slices.Contains(types, queueType)
}

// Takers returns the queue types that take the argument arg, in the order
// classic, quorum, stream, or nil when RabbitMQ does not know it (and so
// every type takes it).
func Takers(arg string) []string {
	return byArgument[arg]
}
