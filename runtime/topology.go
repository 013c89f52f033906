package runtime

import "context"

// Topology is a set of exchanges and queues (with their bindings), such as
// the one a generated file exports for its schema.
type Topology struct {
	Exchanges []*Exchange
	Queues    []*Queue
}

// Declare declares every exchange, then binds the exchanges that have
// bindings, then declares every queue with its bindings, so that each
// binding finds its exchanges, whatever their order (exchange-to-exchange
// bindings may form cycles). An exchange with bindings is declared twice,
// the second time with them. Predeclared exchanges are skipped.
func (t Topology) Declare(ctx context.Context, tr Transport) error {
	for _, e := range t.Exchanges {
		if e.Predeclared() {
			continue
		}
		bare := *e
		bare.Bindings = nil
		if err := tr.Declare(ctx, &bare); err != nil {
			return err
		}
	}
	for _, e := range t.Exchanges {
		if e.Predeclared() || len(e.Bindings) == 0 {
			continue
		}
		if err := tr.Declare(ctx, e); err != nil {
			return err
		}
	}
	for _, q := range t.Queues {
		if err := tr.Declare(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
