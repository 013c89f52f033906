package runtime

import (
	"context"
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"
)

// declare declares e on the admin channel; with once, only if this
// connection has not declared it before.
func (s *session) declare(ctx context.Context, e Entity, once bool) (bool, error) {
	if ex, ok := e.(*Exchange); ok && ex.Predeclared() {
		return false, nil
	}
	if once && s.declared.Has(e) {
		return false, nil
	}
	select {
	case s.adminTurn <- struct{}{}:
	case <-ctx.Done():
		return false, fmt.Errorf("declare %s: %w", describe(e), ctx.Err())
	}
	defer func() { <-s.adminTurn }()
	if once && s.declared.Has(e) {
		return false, nil
	}
	ch, err := s.adminChannel(ctx)
	if err != nil {
		return false, fmt.Errorf("declare %s: %w", describe(e), err)
	}
	err = s.withContext(ctx, ch, func() error { return declareOn(ch, e) })
	if err != nil {
		return false, s.declareError(e, err)
	}
	s.declared.Add(e)
	return true, nil
}

// withContext runs rpc, which amqp091-go cannot cancel, and returns early
// when ctx ends. The channel is then closed, as the reply that is still to
// come would otherwise be taken for the next request's.
func (s *session) withContext(ctx context.Context, ch *amqp.Channel, rpc func() error) error {
	if ctx.Done() == nil {
		return rpc()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- rpc() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// Closing waits for the broker too: not on the caller's time.
		s.background.Add(1)
		go func() {
			defer s.background.Done()
			ch.Close()
		}()
		return ctx.Err()
	}
}

// declareError names the entity and turns the broker's reply into ours.
func (s *session) declareError(e Entity, err error) error {
	if err == context.Canceled || err == context.DeadlineExceeded {
		return fmt.Errorf("declare %s: %w", describe(e), err)
	}
	be := brokerError(err)
	if !s.alive() {
		be = s.lostError()
	}
	return fmt.Errorf("declare %s: %w", describe(e), be)
}

// describe names an entity for errors: exchange "orders".
func describe(e Entity) string {
	switch e := e.(type) {
	case *Exchange:
		return fmt.Sprintf("exchange %q", e.Name)
	case *Queue:
		return fmt.Sprintf("queue %q", e.Name)
	}
	return e.DeclareKey()
}

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
