package schemadiff

import (
	"fmt"

	"github.com/kombugen/kombugen/schema"
)

// Category says who a change affects, in AMQP terms.
type Category int

// The categories, in the order a report lists them at one position.
const (
	// Wire changes alter the bytes, properties or headers consumers decode.
	Wire Category = iota
	// Routing changes send messages to other exchanges or queues, or to
	// none.
	Routing
	// Declare changes alter what producers declare; the broker may refuse
	// the redeclare of an existing exchange or queue.
	Declare
	// GoAPI changes alter the generated Go code its callers compile
	// against, or what Publish accepts.
	GoAPI
	// Policy changes alter how messages are published: persistence,
	// expiry, priority, confirms, retries, validation.
	Policy
)

var categoryNames = [...]string{Wire: "WIRE", Routing: "ROUTING", Declare: "DECLARE", GoAPI: "GO_API", Policy: "POLICY"}

// String returns the category as reports print it: WIRE, ROUTING,
// DECLARE, GO_API or POLICY.
func (c Category) String() string {
	if c < 0 || int(c) >= len(categoryNames) {
		return fmt.Sprintf("Category(%d)", int(c))
	}
	return categoryNames[c]
}

// MarshalText writes the category's name, so JSON reports carry "WIRE"
// rather than a number that would shift if categories were added.
func (c Category) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Severity says whether a change breaks anything.
type Severity int

// The severities, least severe first.
const (
	// Compatible changes break nothing; reports list them for review.
	Compatible Severity = iota
	// Warning changes break nothing that compiles or declares, but change
	// behaviour someone may rely on.
	Warning
	// Breaking changes break consumers, routing, declares or callers; the
	// diff command exits 1 when there is one.
	Breaking
)

var severityNames = [...]string{Compatible: "compatible", Warning: "warning", Breaking: "breaking"}

// String returns "breaking", "warning" or "compatible".
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Kind says whether a change adds, removes or alters something.
type Kind int

// The kinds of changes.
const (
	// Changed is something present in both schemas, altered.
	Changed Kind = iota
	// Added is something only the new schema has.
	Added
	// Removed is something only the old schema has.
	Removed
)

var kindNames = [...]string{Changed: "changed", Added: "added", Removed: "removed"}

// String returns "changed", "added" or "removed".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Change is one classified difference between two schemas.
type Change struct {
	Category Category
	Severity Severity
	Kind     Kind
	// Subject names what changed in the schema's terms, such as
	// message "OrderCreated" field "total".
	Subject string
	// Summary says what changed, old -> new, and what it does to whom.
	Summary string
	// Pos is where the change is in the new schema. For a removal it is
	// where the removed thing was in the old schema (Kind tells which).
	Pos schema.Pos
	// OldPos is where the thing was in the old schema; zero for additions.
	OldPos schema.Pos
}

// Where returns the change's position as reports print it: FILE:LINE:COL
// in the new schema, or "(removed, was at FILE:LINE:COL)" in the old one.
func (c Change) Where() string {
	if c.Kind == Removed {
		return "(removed, was at " + c.Pos.String() + ")"
	}
	return c.Pos.String()
}

// String returns the change as one line of the text report.
func (c Change) String() string {
	return fmt.Sprintf("%s: %s %s: %s: %s", c.Where(), c.Severity, c.Category, c.Subject, c.Summary)
}
