// Package testmodel holds a hand-written message type that test schemas
// name with go_type, as a service names its own domain types.
package testmodel

import (
	"fmt"

	"github.com/kombugen/kombugen/runtime"
)

// Order is an order as an older service models it.
type Order struct {
	ID    string  `json:"id" yaml:"id" msgpack:"id"`
	Total float64 `json:"total" yaml:"total" msgpack:"total"`
}

// Validate requires an id, so that publishing an Order shows that generated
// producers call a go_type's own Validate.
func (o *Order) Validate() error {
	if o.ID == "" {
		return fmt.Errorf("%w: order id is required", runtime.ErrInvalidMessage)
	}
	return nil
}
