package bench

import (
	"context"

	"github.com/kombugen/kombugen/runtime"
)

// Discard is a runtime.Transport that drops every message: with it an
// in-process benchmark measures the generated producer's own work
// (validating, serializing, compressing, building the Publishing) and
// nothing of a connection's. It reports every entity as declared before, as
// a connection does after the first publish.
type Discard struct{}

// Publish drops msg.
func (Discard) Publish(context.Context, *runtime.Publishing) *runtime.Confirmation { return dropped }

// dropped is the confirmation of every discarded message: done, with no
// error, so every publish may share it.
var dropped = runtime.Settled(nil)

// Declare does nothing.
func (Discard) Declare(context.Context, runtime.Entity) error { return nil }

// MaybeDeclare does nothing and reports that nothing was declared.
func (Discard) MaybeDeclare(context.Context, runtime.Entity) (bool, error) { return false, nil }
