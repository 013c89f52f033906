package memory

import (
	"fmt"

	"github.com/kombugen/kombugen/runtime"
)

// The reply codes the broker answers requests with, and RabbitMQ's names
// for them, which start its reply texts.
const (
	replyAccessRefused      = 403
	replyNotFound           = 404
	replyResourceLocked     = 405
	replyPreconditionFailed = 406
	replyCommandInvalid     = 503
	replyInternalError      = 541
)

// maxReplyText is AMQP's limit on a reply text (a short string); RabbitMQ
// cuts longer ones to 252 bytes and "...".
const maxReplyText = 255

// The errors below are the *runtime.BrokerError a *runtime.Conn returns
// for the same reply from RabbitMQ, worded as RabbitMQ words it, so a test
// reads the same against either transport and errors.Is matches
// runtime.ErrAccessRefused, ErrNotFound and ErrPreconditionFailed.

func brokerErr(code int, name, text string) *runtime.BrokerError {
	reason := name
	if text != "" {
		reason += " - " + text
	}
	if len(reason) > maxReplyText {
		reason = reason[:maxReplyText-3] + "..."
	}
	return &runtime.BrokerError{Code: code, Reason: reason}
}

func accessRefused(format string, args ...any) error {
	return brokerErr(replyAccessRefused, "ACCESS_REFUSED", fmt.Sprintf(format, args...))
}

func notFound(format string, args ...any) error {
	return brokerErr(replyNotFound, "NOT_FOUND", fmt.Sprintf(format, args...))
}

func resourceLocked(format string, args ...any) error {
	return brokerErr(replyResourceLocked, "RESOURCE_LOCKED", fmt.Sprintf(format, args...))
}

func preconditionFailed(format string, args ...any) error {
	return brokerErr(replyPreconditionFailed, "PRECONDITION_FAILED", fmt.Sprintf(format, args...))
}

// commandInvalid is a hard error: RabbitMQ closes the whole connection.
func commandInvalid(format string, args ...any) error {
	err := brokerErr(replyCommandInvalid, "COMMAND_INVALID", fmt.Sprintf(format, args...))
	err.Connection = true
	return err
}

// internalError is RabbitMQ's answer when a frame crashes its parser, as a
// header it cannot read does: the connection closes.
func internalError() error {
	err := brokerErr(replyInternalError, "INTERNAL_ERROR", "")
	err.Connection = true
	return err
}

// resource names an entity as RabbitMQ's rabbit_misc:rs does in its reply
// texts: "queue 'q' in vhost '/'".
func (b *Broker) resource(kind, name string) string {
	return fmt.Sprintf("%s '%s' in vhost '%s'", kind, name, b.vhost)
}

func (b *Broker) noExchange(name string) error {
	return notFound("no %s", b.resource("exchange", name))
}

func (b *Broker) noQueue(name string) error {
	return notFound("no %s", b.resource("queue", name))
}

func closedErr(op string) error {
	return fmt.Errorf("memory broker: %s: %w", op, runtime.ErrClosed)
}
