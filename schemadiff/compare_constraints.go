package schemadiff

import (
	"cmp"
	"fmt"
	"strconv"

	"github.com/kombugen/kombugen/schema"
)

// Constraints cut two ways. Tightened, they make Validate reject values it
// accepted, so Publish calls that worked fail: a POLICY warning for the
// producers. Loosened, they let values through that consumers never saw
// (a longer string for a VARCHAR(500) column): a WIRE warning.

const (
	tightened = "Validate may now reject messages it accepted, and Publish returns runtime.ErrInvalidMessage for them"
	loosened  = "values outside the old bound may now be sent to consumers that relied on it"
)

// bound is one numeric constraint of a field, old and new; nil is unset.
type bound struct {
	key      string
	old, new *num
	// lower is set for minimums: raising one tightens it.
	lower bool
}

// num is a bound's value: exact for integers (an int64 bound may not fit
// a float64), else a float.
type num struct {
	i     int64
	f     float64
	isInt bool
}

// compare returns -1, 0 or +1 as a is less than, equal to or greater
// than b.
func (a num) compare(b num) int {
	if a.isInt && b.isInt {
		return cmp.Compare(a.i, b.i)
	}
	return cmp.Compare(a.f, b.f)
}

func (a num) String() string {
	if a.isInt {
		return strconv.FormatInt(a.i, 10)
	}
	return strconv.FormatFloat(a.f, 'g', -1, 64)
}

// compareConstraints reports the changed constraints of a field.
func (c *comparer) compareConstraints(fs site, o, n *schema.Field) {
	bounds := []bound{
		{key: "min_length", old: intBound(o.MinLength), new: intBound(n.MinLength), lower: true},
		{key: "max_length", old: intBound(o.MaxLength), new: intBound(n.MaxLength)},
		{key: "minimum", old: numberBound(o.Minimum), new: numberBound(n.Minimum), lower: true},
		{key: "maximum", old: numberBound(o.Maximum), new: numberBound(n.Maximum)},
	}
	for _, b := range bounds {
		c.compareBound(fs, b)
	}
	c.comparePattern(fs, o.Pattern, n.Pattern)
}

func (c *comparer) compareBound(fs site, b bound) {
	var tighter bool
	switch {
	case b.old == nil && b.new == nil:
		return
	case b.old == nil:
		tighter = true
	case b.new == nil:
		tighter = false
	case b.old.compare(*b.new) == 0:
		return
	default:
		tighter = (b.new.compare(*b.old) > 0) == b.lower
	}
	change := fmt.Sprintf("%s %s -> %s", b.key, formatBound(b.old), formatBound(b.new))
	if tighter {
		c.add(fs, Policy, Warning, "%s: %s", change, tightened)
	} else {
		c.add(fs, Wire, Warning, "%s: %s", change, loosened)
	}
}

func (c *comparer) comparePattern(fs site, old, new string) {
	switch {
	case old == new:
	case old == "":
		c.add(fs, Policy, Warning, "pattern %q added: %s", new, tightened)
	case new == "":
		c.add(fs, Wire, Warning, "pattern %q removed: %s", old, loosened)
	default:
		c.add(fs, Policy, Warning, "pattern %q -> %q: %s; and consumers may get values the old pattern excluded", old, new, tightened)
	}
}

func intBound(n *int) *num {
	if n == nil {
		return nil
	}
	return &num{i: int64(*n), f: float64(*n), isInt: true}
}

// numberBound reads a minimum or maximum. Number.Int is set for integer
// fields, with Float its value too; a float field leaves Int 0, so only
// a bound of 0 reads as an integer, which compares the same.
func numberBound(n *schema.Number) *num {
	if n == nil {
		return nil
	}
	return &num{i: n.Int, f: n.Float, isInt: n.Float == float64(n.Int)}
}

func formatBound(n *num) string {
	if n == nil {
		return "unset"
	}
	return n.String()
}
