package memory

import (
	"fmt"

	"github.com/kombugen/kombugen/runtime"
)

// vhost is the only virtual host; RabbitMQ names it in every error.
const vhost = "/"

// The reply codes the broker answers requests with, and RabbitMQ's names
// for them, which start its reply texts.
const (
	replyAccessRefused      = 403
	replyNotFound           = 404
	replyPreconditionFailed = 406
	replyCommandInvalid     = 503
)

// The errors below are the *runtime.BrokerError a *runtime.Conn returns
// for the same reply from RabbitMQ, worded as RabbitMQ words it, so a test
// reads the same against either transport and errors.Is matches
// runtime.ErrAccessRefused, ErrNotFound and ErrPreconditionFailed.

func brokerErr(code int, name, format string, args ...any) error {
	return &runtime.BrokerError{Code: code, Reason: name + " - " + fmt.Sprintf(format, args...)}
}

func notFoundExchange(name string) error {
	return brokerErr(replyNotFound, "NOT_FOUND", "no exchange '%s' in vhost '%s'", name, vhost)
}

func accessRefused(format string, args ...any) error {
	return brokerErr(replyAccessRefused, "ACCESS_REFUSED", format, args...)
}

func preconditionFailed(format string, args ...any) error {
	return brokerErr(replyPreconditionFailed, "PRECONDITION_FAILED", format, args...)
}

// commandInvalid is a hard error: RabbitMQ closes the whole connection.
func commandInvalid(format string, args ...any) error {
	err := brokerErr(replyCommandInvalid, "COMMAND_INVALID", format, args...)
	err.(*runtime.BrokerError).Connection = true
	return err
}

// inequivalent is RabbitMQ's answer to a redeclare that differs from the
// entity that exists; kind is "exchange" or "queue".
func inequivalent(kind, name, arg, received, current string) error {
	return preconditionFailed("inequivalent arg '%s' for %s '%s' in vhost '%s': received %s but current is %s",
		arg, kind, name, vhost, received, current)
}

// invalidArg is RabbitMQ's answer to a declare argument it cannot accept.
func invalidArg(kind, name, arg, why string) error {
	return preconditionFailed("invalid arg '%s' for %s '%s' in vhost '%s': %s", arg, kind, name, vhost, why)
}

func closedErr(op string) error {
	return fmt.Errorf("memory broker: %s: %w", op, runtime.ErrClosed)
}
