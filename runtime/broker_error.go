package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	amqp "github.com/rabbitmq/amqp091-go"
)

// BrokerError is a reply code the broker closed a channel or the connection
// with. It matches ErrAccessRefused, ErrNotFound and ErrPreconditionFailed
// for 403, 404 and 406, and ErrConnectionLost for the connection codes that
// a new connection may not meet again (320, 504, 506, 541); the others
// (such as 503 for an unknown exchange type) are the client's mistakes.
type BrokerError struct {
	Code   int
	Reason string
	// Connection is set when the broker closed the whole connection, not
	// only a channel.
	Connection bool
}

// Error says what the broker closed, with its reply text and code.
func (e *BrokerError) Error() string {
	if e.Connection {
		return fmt.Sprintf("broker closed the connection: %s (%d)", e.Reason, e.Code)
	}
	return fmt.Sprintf("broker: %s (%d)", e.Reason, e.Code)
}

// Is reports whether the reply code is the one target stands for.
func (e *BrokerError) Is(target error) bool {
	switch target {
	case ErrAccessRefused:
		return e.Code == amqp.AccessRefused
	case ErrNotFound:
		return e.Code == amqp.NotFound
	case ErrPreconditionFailed:
		return e.Code == amqp.PreconditionFailed
	case ErrConnectionLost:
		return isTransientConnectionCode(e.Code)
	}
	return false
}

// brokerError turns an amqp091-go error into our errors: a *BrokerError for
// the broker's reply codes, ErrConnectionLost for a broken socket. Other
// errors are returned as they are.
func brokerError(err error) error {
	var ae *amqp.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae) && !ae.Server && ae.Code != amqp.AccessRefused:
		// amqp091-go's own verdict on the socket (a failed write, a
		// missed heartbeat, a closed connection), not the broker's.
		return fmt.Errorf("%w: %s", ErrConnectionLost, ae.Reason)
	case errors.As(err, &ae):
		// Refused credentials come as amqp091-go's own 403, and are final.
		return &BrokerError{Code: ae.Code, Reason: ae.Reason, Connection: isConnectionCode(ae.Code)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.ErrClosedPipe),
		errors.Is(err, net.ErrClosed), isNetError(err):
		return fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	return err
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && !errors.Is(err, context.DeadlineExceeded)
}

// isConnectionCode reports whether code is one the AMQP 0-9-1 spec makes a
// connection exception: the whole connection is gone, not one channel.
func isConnectionCode(code int) bool {
	switch code {
	case amqp.ConnectionForced, amqp.InvalidPath, amqp.FrameError, amqp.SyntaxError,
		amqp.CommandInvalid, amqp.ChannelError, amqp.UnexpectedFrame, amqp.ResourceError,
		amqp.NotAllowed, amqp.NotImplemented, amqp.InternalError:
		return true
	}
	return false
}

// isTransientConnectionCode reports whether a connection closed with code
// may work again when opened anew: the broker was shut down or restarted
// (320), ran out of a resource (506) or failed (541), or a channel was used
// after it closed (504). The other connection codes say the client sent
// something wrong, which a new connection would send again.
func isTransientConnectionCode(code int) bool {
	switch code {
	case amqp.ConnectionForced, amqp.ChannelError, amqp.ResourceError, amqp.InternalError:
		return true
	}
	return false
}
