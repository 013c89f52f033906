package schemadiff

import (
	"fmt"
	"slices"

	"github.com/kombugen/kombugen/schema"
)

// A field's type matters to consumers by how its values encode, not by
// its name: a struct renamed with the same fields encodes the same, and
// moving between integer kinds keeps the encoding but not the range.

// typeChange says how a field's type change affects consumers. Types of
// the same name are compared where they are declared; types of other
// names but the same shape encode the same.
func (c *comparer) typeChange(a, b *schema.TypeRef) (changed bool, sev Severity, why string) {
	if a.String() == b.String() || c.sameShape(a, b, map[[2]string]bool{}) {
		return false, 0, ""
	}
	switch {
	case a.Kind == b.Kind && (a.Kind == schema.KindSlice || a.Kind == schema.KindMap):
		changed, sev, why = c.typeChange(a.Elem, b.Elem)
		return changed, sev, "its elements: " + why
	case a.Kind == schema.KindEnum && b.Kind == schema.KindString:
		return true, Warning, fmt.Sprintf("any string may now be sent, and consumers that expect one of %s may reject others", quoteList(c.enumOf(c.old, a.Name)))
	case a.Kind == schema.KindString && b.Kind == schema.KindEnum:
		return true, Compatible, fmt.Sprintf("values are now limited to %s", quoteList(c.enumOf(c.new, b.Name)))
	case a.Kind == schema.KindEnum && b.Kind == schema.KindEnum:
		return c.enumChange(c.enumOf(c.old, a.Name), c.enumOf(c.new, b.Name))
	case a.Kind.IsNumber() && b.Kind.IsNumber():
		if sev, why, ok := numberChange(a.Kind, b.Kind); ok {
			return true, sev, why
		}
	}
	return true, Breaking, fmt.Sprintf("consumers decode the value as %s and fail or mis-read it", a)
}

// enumOf returns the values of the enum type name of s.
func (c *comparer) enumOf(s *schema.Schema, name string) []string {
	if t := s.Type(name); t != nil {
		return values(t)
	}
	return nil
}

// enumChange says what moving between two sets of enum values does.
func (c *comparer) enumChange(old, new []string) (bool, Severity, string) {
	gone := slices.DeleteFunc(slices.Clone(old), func(v string) bool { return slices.Contains(new, v) })
	added := slices.DeleteFunc(slices.Clone(new), func(v string) bool { return slices.Contains(old, v) })
	switch {
	case len(gone) > 0:
		return true, Breaking, fmt.Sprintf("%s %s no longer allowed, but messages already queued may still carry them", plural(len(gone), "value"), quoteList(gone))
	case len(added) > 0:
		return true, Warning, fmt.Sprintf("consumers that know only %s may reject %s", quoteList(old), quoteList(added))
	}
	return true, Compatible, "the same values under another type name"
}

// sameShape reports whether a value of type a (in the old schema) and one
// of type b (in the new) encode the same: same kinds, same enum values,
// same struct fields of the same shapes. Constraints do not count.
func (c *comparer) sameShape(a, b *schema.TypeRef, seen map[[2]string]bool) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case schema.KindSlice, schema.KindMap:
		return c.sameShape(a.Elem, b.Elem, seen)
	case schema.KindEnum:
		return slices.Equal(sorted(c.enumOf(c.old, a.Name)), sorted(c.enumOf(c.new, b.Name)))
	case schema.KindStruct:
		return c.sameStruct(a.Name, b.Name, seen)
	}
	return true
}

// sameStruct reports whether the struct types a (old) and b (new) encode
// the same. A pair met again while comparing (a struct holding itself) is
// taken as equal; any difference shows elsewhere.
func (c *comparer) sameStruct(a, b string, seen map[[2]string]bool) bool {
	if seen[[2]string{a, b}] {
		return true
	}
	seen[[2]string{a, b}] = true
	ta, tb := c.old.Type(a), c.new.Type(b)
	if ta == nil || tb == nil || len(ta.Fields) != len(tb.Fields) {
		return false
	}
	for _, fa := range ta.Fields {
		i := slices.IndexFunc(tb.Fields, func(f *schema.Field) bool { return f.Name == fa.Name })
		if i < 0 || tb.Fields[i].Required != fa.Required || !c.sameShape(fa.Type, tb.Fields[i].Type, seen) {
			return false
		}
	}
	return true
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// numberRange is the range of values an integer kind holds.
type numberRange struct{ lo, hi float64 }

var integerRanges = map[schema.Kind]numberRange{
	schema.KindInt32:  {-1 << 31, 1<<31 - 1},
	schema.KindUint32: {0, 1<<32 - 1},
	schema.KindInt:    {-1 << 63, 1<<63 - 1},
	schema.KindInt64:  {-1 << 63, 1<<63 - 1},
	schema.KindUint64: {0, 1<<64 - 1},
}

// numberChange says what changing between two integer or two float kinds
// does: the numbers encode alike, so it comes down to whether every value
// sent still fits what consumers decode. ok is false between an integer
// and a float, which msgpack encodes differently.
func numberChange(a, b schema.Kind) (sev Severity, why string, ok bool) {
	if a.IsFloat() && b.IsFloat() {
		if b == schema.KindFloat32 {
			return Compatible, "every value sent still fits float64", true
		}
		return Warning, "values beyond float32's range and precision may now be sent to consumers that decode float32", true
	}
	ra, okA := integerRanges[a]
	rb, okB := integerRanges[b]
	if !okA || !okB {
		return 0, "", false
	}
	if rb.lo >= ra.lo && rb.hi <= ra.hi {
		return Compatible, fmt.Sprintf("integers encode alike and every value sent still fits %s", a), true
	}
	return Warning, fmt.Sprintf("integers encode alike, but values outside %s's range may now be sent and overflow consumers that decode %s", a, a), true
}
