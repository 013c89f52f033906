package memory

import (
	"github.com/kombugen/kombugen/internal/routing"
	"github.com/kombugen/kombugen/runtime"
)

// Headers matching lives in internal/routing, shared with the docs
// generator; this broker brings only its way of comparing values
// (looselyEqual, as RabbitMQ compares field values).

// headersMatch reports whether a message with headers matches a headers
// binding with args, as RabbitMQ decides (see routing.HeadersMatch), values
// compared by looselyEqual: an int32 1 matches an int64 1 and a float 1.0,
// the string "1" does not.
func headersMatch(args, headers runtime.Table) bool {
	return routing.HeadersMatch(args, headers, looselyEqual)
}
