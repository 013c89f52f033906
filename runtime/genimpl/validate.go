package genimpl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/bodyenc"
)

// The helpers of generated Validate methods and routing-key functions.

// Invalid returns a *runtime.FieldError for field: what generated
// Validate methods return.
func Invalid(field, format string, args ...any) error {
	return &runtime.FieldError{Path: field, Problem: fmt.Sprintf(format, args...)}
}

// InField puts the error of a nested value's Validate under field: the
// problem at currency becomes the problem at total.currency.
func InField(field string, err error) error {
	if err == nil {
		return nil
	}
	if fe, ok := err.(*runtime.FieldError); ok {
		sep := "."
		if fe.Path == "" || strings.HasPrefix(fe.Path, "[") {
			sep = ""
		}
		return &runtime.FieldError{Path: field + sep + fe.Path, Problem: fe.Problem}
	}
	return fmt.Errorf("%s: %w", field, err)
}

// InElement puts the error of element i of a list under field[i].
func InElement(field string, i int, err error) error {
	if err == nil {
		return nil
	}
	return InField(field+"["+strconv.Itoa(i)+"]", err)
}

// InKey puts the error of a map's value under field["key"].
func InKey(field, key string, err error) error {
	if err == nil {
		return nil
	}
	return InField(field+"["+strconv.Quote(key)+"]", err)
}

// CheckRoutingParam checks a routing-key parameter before it is put into a
// key: it must not be empty, and in a topic exchange's key, where words are
// separated by '.' and '*' and '#' are wildcards of bindings, it must be
// one word without them, or the message would go elsewhere than meant. Its
// error is a *runtime.FieldError at "routing key parameter NAME", the path
// generated code gives Invalid for an enum parameter's value too.
func CheckRoutingParam(name, value string, topic bool) error {
	path := "routing key parameter " + name
	if value == "" {
		return Invalid(path, "is empty")
	}
	if topic && strings.ContainsAny(value, ".*#") {
		return Invalid(path, "%q holds '.', '*' or '#', which a topic key cannot take in one word", value)
	}
	return nil
}

// CheckCycles reports whether v, a value of a generated struct that can
// hold itself, does: a cycle, which Validate and the encoders would walk
// forever. It matches runtime.ErrInvalidMessage.
func CheckCycles(v any) error {
	if err := bodyenc.CheckCycles(v); err != nil {
		return fmt.Errorf("%w: %w", runtime.ErrInvalidMessage, err)
	}
	return nil
}
