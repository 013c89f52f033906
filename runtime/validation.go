package runtime

import (
	"fmt"
	"strconv"
	"strings"
)

// FieldError is a message field that failed its schema's constraints: what
// generated Validate methods return. It matches ErrInvalidMessage.
type FieldError struct {
	// Path leads to the field from the message: total.currency,
	// items[2].sku, tags["eu"].
	Path string
	// Problem says what is wrong with the value.
	Problem string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s: %s", ErrInvalidMessage, e.Path, e.Problem)
}

// Is reports whether target is ErrInvalidMessage.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidMessage }

// Invalid returns a FieldError for field.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Path: field, Problem: fmt.Sprintf(format, args...)}
}

// InField puts the error of a nested value's Validate under field: the
// problem at currency becomes the problem at total.currency.
func InField(field string, err error) error {
	if err == nil {
		return nil
	}
	if fe, ok := err.(*FieldError); ok {
		sep := "."
		if fe.Path == "" || strings.HasPrefix(fe.Path, "[") {
			sep = ""
		}
		return &FieldError{Path: field + sep + fe.Path, Problem: fe.Problem}
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
// one word without them, or the message would go elsewhere than meant.
func CheckRoutingParam(name, value string, topic bool) error {
	if value == "" {
		return invalidf("routing key parameter %s is empty", name)
	}
	if topic && strings.ContainsAny(value, ".*#") {
		return invalidf("routing key parameter %s %q holds '.', '*' or '#', which a topic key cannot take in one word", name, value)
	}
	return nil
}
