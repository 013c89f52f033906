package runtime

import "fmt"

// FieldError is a message field that failed its schema's constraints: what
// generated Validate methods return. It matches ErrInvalidMessage.
type FieldError struct {
	// Path leads to the field from the message: total.currency,
	// items[2].sku, tags["eu"].
	Path string
	// Problem says what is wrong with the value.
	Problem string
}

// Error names the field by its path and says what is wrong with it.
func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s: %s", ErrInvalidMessage, e.Path, e.Problem)
}

// Is reports whether target is ErrInvalidMessage.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidMessage }
