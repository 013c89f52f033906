package memory

import (
	"strings"

	"github.com/kombugen/kombugen/runtime"
)

// xMatch is a headers binding's x-match mode.
type xMatch struct {
	any   bool // any listed header suffices, instead of all of them
	withX bool // headers starting with "x-" take part too
}

// parseXMatch reads a headers binding's x-match argument. RabbitMQ accepts
// only these four strings, and all when the argument is missing.
func parseXMatch(args runtime.Table) (xMatch, bool) {
	v, ok := args["x-match"]
	if !ok {
		return xMatch{}, true
	}
	switch v {
	case "all":
		return xMatch{}, true
	case "any":
		return xMatch{any: true}, true
	case "all-with-x":
		return xMatch{withX: true}, true
	case "any-with-x":
		return xMatch{any: true, withX: true}, true
	}
	return xMatch{}, false
}

// headersMatch reports whether a message with headers matches a headers
// binding with args, as RabbitMQ decides: x-match itself never takes part,
// other "x-" arguments only in the -with-x modes; a nil (void) argument
// asks only that the header be present; values compare by value, so an
// int32 1 matches an int64 1, but the string "1" does not. With nothing
// left to compare, all matches every message and any none.
func headersMatch(args, headers runtime.Table) bool {
	mode, _ := parseXMatch(args) // validated when bound
	for k, want := range args {
		if k == "x-match" || (!mode.withX && strings.HasPrefix(k, "x-")) {
			continue
		}
		got, present := headers[k]
		matched := present && (want == nil || looselyEqual(want, got))
		if mode.any && matched {
			return true
		}
		if !mode.any && !matched {
			return false
		}
	}
	return !mode.any
}
