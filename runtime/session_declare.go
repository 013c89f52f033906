package runtime

import (
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"
)

// declareOn sends the declare of e and then its bindings.
func declareOn(ch *amqp.Channel, e Entity) error {
	switch e := e.(type) {
	case *Exchange:
		if err := ch.ExchangeDeclare(e.Name, exchangeType(e), e.Durable, e.AutoDelete, e.Internal, false, toAMQPTable(e.Arguments)); err != nil {
			return err
		}
		for _, b := range e.Bindings {
			if err := ch.ExchangeBind(e.Name, b.RoutingKey, b.Exchange, false, toAMQPTable(b.Arguments)); err != nil {
				return fmt.Errorf("bind to exchange %q with key %q: %w", b.Exchange, b.RoutingKey, brokerError(err))
			}
		}
		return nil
	case *Queue:
		if _, err := ch.QueueDeclare(e.Name, e.Durable, e.AutoDelete, e.Exclusive, false, toAMQPTable(e.Arguments)); err != nil {
			return err
		}
		for _, b := range e.Bindings {
			if err := ch.QueueBind(e.Name, b.RoutingKey, b.Exchange, false, toAMQPTable(b.Arguments)); err != nil {
				return fmt.Errorf("bind to exchange %q with key %q: %w", b.Exchange, b.RoutingKey, brokerError(err))
			}
		}
		return nil
	}
	return fmt.Errorf("%w: cannot declare %T", ErrInvalidMessage, e)
}

// exchangeType is the exchange's type, direct when not given as in kombu.
func exchangeType(e *Exchange) string {
	if e.Type == "" {
		return amqp.ExchangeDirect
	}
	return e.Type
}
