package schemadiff

import (
	"cmp"
	"slices"
)

// Report is every change between two schemas, most severe first.
type Report struct {
	// OldFile and NewFile name the schemas compared, as their positions do.
	OldFile, NewFile string
	// Changes are sorted by severity (breaking first), then by position:
	// changes in the new schema by line and column, then removals by their
	// line and column in the old one.
	Changes []Change
}

// Breaking reports whether any change is breaking; kombugen diff exits 1
// exactly then.
func (r *Report) Breaking() bool { return r.Count(Breaking) > 0 }

// Count returns how many changes have severity s.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, c := range r.Changes {
		if c.Severity == s {
			n++
		}
	}
	return n
}

// BySeverity returns the changes of severity s, in report order.
func (r *Report) BySeverity(s Severity) []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Severity == s {
			out = append(out, c)
		}
	}
	return out
}

// sort orders the changes so that the same two schemas always give the same
// report, whatever order the comparers found the changes in.
func (r *Report) sort() {
	slices.SortStableFunc(r.Changes, compareChanges)
}

func compareChanges(a, b Change) int {
	return cmp.Or(
		-cmp.Compare(a.Severity, b.Severity),
		// Positions in the new file first; removals point into the old one.
		cmp.Compare(boolInt(a.Kind == Removed), boolInt(b.Kind == Removed)),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Col, b.Pos.Col),
		cmp.Compare(a.Category, b.Category),
		cmp.Compare(a.Subject, b.Subject),
		cmp.Compare(a.Summary, b.Summary),
	)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
