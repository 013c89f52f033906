package runtime

import (
	"errors"
	"fmt"
)

// The errors of the runtime, to test for with errors.Is. The package
// documentation's Errors section says which are retried.
var (
	// ErrInvalidMessage is returned when a message or its publish options
	// cannot be sent as they are: a value the serializer cannot encode, a
	// routing key over 255 bytes, a TTL under one millisecond, a priority
	// over 255, a header AMQP cannot carry. Nothing is sent when it is
	// returned.
	ErrInvalidMessage = errors.New("invalid message")

	// ErrUnroutable is returned by a confirmed mandatory publish when the
	// broker returned the message because no queue was bound to receive it.
	ErrUnroutable = errors.New("message unroutable")

	// ErrNacked is returned when the broker answered a confirmed publish
	// with a basic.nack: it did not take responsibility for the message.
	ErrNacked = errors.New("message nacked by the broker")

	// ErrConfirmLost is returned when the channel carrying a confirmed
	// publish closed before the broker confirmed it. Unlike ErrNacked, the
	// message may or may not have reached a queue.
	ErrConfirmLost = errors.New("publisher confirm lost: channel closed before the broker answered")

	// ErrConnectionLost is returned when the connection to the broker broke
	// under a request.
	ErrConnectionLost = errors.New("connection lost")

	// ErrClosed is returned by every operation on a transport after its
	// Close.
	ErrClosed = errors.New("connection closed")

	// ErrNotRegistered is returned for a serializer or compression name
	// that no one registered. It is returned together with
	// ErrInvalidMessage.
	ErrNotRegistered = errors.New("not registered")

	// ErrAccessRefused, ErrNotFound and ErrPreconditionFailed are returned
	// for the broker's replies 403, 404 and 406, which concern the request
	// itself and so are never retried. ErrPreconditionFailed is what a
	// redeclare with other attributes than the entity already has gets.
	ErrAccessRefused      = errors.New("access refused (403)")
	ErrNotFound           = errors.New("not found (404)")
	ErrPreconditionFailed = errors.New("precondition failed (406)")

	// ErrInvalidURL is returned by Dial for a broker URL it cannot use. The
	// error shows the URL with its password hidden.
	ErrInvalidURL = errors.New("invalid broker URL")

	// ErrUnreachable is returned when no broker URL accepted a connection.
	// It is worth retrying: the broker may be restarting.
	ErrUnreachable = errors.New("no broker reachable")

	// ErrBlocked is returned, with WithFailWhenBlocked, while the broker
	// blocks publishing because of a memory or disk alarm.
	ErrBlocked = errors.New("broker blocked publishing")
)

// invalidf returns an error wrapping ErrInvalidMessage.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidMessage, fmt.Sprintf(format, args...))
}

// ReturnError is the error of a confirmed mandatory publish that the broker
// returned. It matches ErrUnroutable with errors.Is.
type ReturnError struct {
	Return Return
}

// Error names the exchange and routing key the message was returned
// from, with the broker's reply code and text.
func (e *ReturnError) Error() string {
	return fmt.Sprintf("%s: exchange %q routing key %q: %d %s", ErrUnroutable,
		e.Return.Exchange, e.Return.RoutingKey, e.Return.ReplyCode, e.Return.ReplyText)
}

// Is reports whether target is ErrUnroutable.
func (e *ReturnError) Is(target error) bool { return target == ErrUnroutable }
