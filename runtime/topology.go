package runtime

import "context"

// Topology is a set of exchanges and queues (with their bindings), such as
// the one a generated file exports for its schema.
type Topology struct {
	Exchanges []*Exchange
	Queues    []*Queue
}

// Declare declares every exchange, then every queue with its bindings, so
// that each binding finds its exchange. Predeclared exchanges are skipped.
func (t Topology) Declare(ctx context.Context, tr Transport) error {
	for _, e := range t.Exchanges {
		if e.Predeclared() {
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
