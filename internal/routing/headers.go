package routing

import "strings"

// XMatch is a headers binding's x-match mode.
type XMatch struct {
	// Any makes one matching header enough, instead of all of them.
	Any bool
	// WithX lets arguments whose names begin with "x-" take part; without
	// it RabbitMQ skips them.
	WithX bool
}

// ParseXMatch reads the x-match argument of a headers binding's arguments.
// RabbitMQ takes only the strings all, any, all-with-x and any-with-x, and
// all when the argument is missing; ok is false for anything else.
func ParseXMatch(args map[string]any) (m XMatch, ok bool) {
	v, present := args["x-match"]
	if !present {
		return XMatch{}, true
	}
	s, isString := v.(string)
	if !isString {
		return XMatch{}, false
	}
	switch s {
	case "all":
		return XMatch{}, true
	case "any":
		return XMatch{Any: true}, true
	case "all-with-x":
		return XMatch{WithX: true}, true
	case "any-with-x":
		return XMatch{Any: true, WithX: true}, true
	}
	return XMatch{}, false
}

// Compares reports whether the binding argument key takes part in
// matching: x-match never does, other "x-" arguments only with WithX.
func (m XMatch) Compares(key string) bool {
	return key != "x-match" && (m.WithX || !strings.HasPrefix(key, "x-"))
}

// Verdict is a three-valued answer: when not everything about a message is
// known, whether it matches may depend on what is not.
type Verdict int8

// The verdicts.
const (
	No Verdict = iota
	Maybe
	Yes
)

// String returns "no", "maybe" or "yes".
func (v Verdict) String() string {
	switch v {
	case No:
		return "no"
	case Maybe:
		return "maybe"
	case Yes:
		return "yes"
	}
	return "invalid"
}

// HeadersVerdict decides whether a headers binding with args takes a
// message, asking header whether the message's header key satisfies want
// (a nil want asks only that the header be present), which it may answer
// with Maybe when the header is not known. An invalid x-match counts as
// all; bindings are checked when made.
//
// As RabbitMQ decides: with all, every compared argument must be
// satisfied, so all with nothing to compare takes every message; with any,
// one must be, so any with nothing to compare takes none.
func HeadersVerdict(args map[string]any, header func(key string, want any) Verdict) Verdict {
	mode, _ := ParseXMatch(args)
	result := Yes // what all gives when nothing fails
	if mode.Any {
		result = No
	}
	for k, want := range args {
		if !mode.Compares(k) {
			continue
		}
		switch v := header(k, want); {
		case mode.Any && v == Yes, !mode.Any && v == No:
			return v
		case v == Maybe:
			result = Maybe
		}
	}
	return result
}

// HeadersMatch reports whether a headers binding with args takes a message
// with headers. equal compares a binding's value with a header's; how
// values compare depends on how they are represented (RabbitMQ compares
// numbers by value whatever their width), so the caller says.
func HeadersMatch(args, headers map[string]any, equal func(want, got any) bool) bool {
	return HeadersVerdict(args, func(key string, want any) Verdict {
		got, present := headers[key]
		if present && (want == nil || equal(want, got)) {
			return Yes
		}
		return No
	}) == Yes
}
