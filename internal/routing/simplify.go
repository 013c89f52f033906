package routing

import (
	"maps"
	"slices"
	"strings"
)

// simplify turns the ways a template meets a binding into an Outcome a
// reader can take in: an alternative that another, asking less, already
// covers is dropped; alternatives differing in one parameter's value are
// merged ("status is "a" or "b""); and an enum condition that allows every
// value asks nothing.
func simplify(t Template, alts alternatives) Outcome {
	var when [][]Condition
	for _, a := range alts {
		when = append(when, conditions(t, a.a))
	}
	when = absorb(when)
	when = mergeValues(t, when)
	for i, conj := range when {
		when[i] = slices.DeleteFunc(conj, func(c Condition) bool { return allValues(t, c) })
	}
	when = absorb(when)
	for _, conj := range when {
		if len(conj) == 0 {
			return Outcome{Always: true}
		}
	}
	return Outcome{When: when}
}

// conditions returns a's conditions in the order their parameters appear in
// the template.
func conditions(t Template, a assignment) []Condition {
	text := t.String()
	at := func(c Condition) int {
		if c.Param != "" {
			return strings.Index(text, "{"+c.Param+"}")
		}
		return strings.Index(text, c.Piece)
	}
	var conj []Condition
	for _, k := range slices.Sorted(maps.Keys(a)) {
		c := Condition{Param: k, Values: []string{a[k]}}
		if strings.Contains(k, "{") {
			// Parameter names hold no braces; words of several do.
			c = Condition{Piece: k, Values: []string{a[k]}}
		}
		conj = append(conj, c)
	}
	slices.SortStableFunc(conj, func(x, y Condition) int { return at(x) - at(y) })
	return conj
}

// implies reports whether conjunction a holding means b holds too: b asks
// nothing a does not ask at least as strictly.
func implies(a, b []Condition) bool {
	for _, cb := range b {
		i := slices.IndexFunc(a, func(ca Condition) bool { return ca.key() == cb.key() })
		if i < 0 {
			return false
		}
		for _, v := range a[i].Values {
			if !slices.Contains(cb.Values, v) {
				return false
			}
		}
	}
	return true
}

// absorb drops every alternative that another, asking no more, covers;
// of two equal ones it keeps the first.
func absorb(when [][]Condition) [][]Condition {
	var out [][]Condition
	for i, conj := range when {
		covered := false
		for j, other := range when {
			if i != j && implies(conj, other) && (!implies(other, conj) || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, conj)
		}
	}
	return out
}

// mergeValues merges alternatives that ask the same of every parameter but
// one, which they ask for different values, until no two are left.
func mergeValues(t Template, when [][]Condition) [][]Condition {
	for {
		i, j, k := mergeable(when)
		if i < 0 {
			return when
		}
		c := &when[i][k]
		for _, v := range when[j][k].Values {
			if !slices.Contains(c.Values, v) {
				c.Values = append(c.Values, v)
			}
		}
		if p := t.param(c.Param); p.Kind == Enum {
			// In the enum's order, not the order they were found in.
			c.Values = slices.DeleteFunc(slices.Clone(p.Values), func(v string) bool { return !slices.Contains(c.Values, v) })
		}
		when = slices.Delete(when, j, j+1)
	}
}

// mergeable finds two alternatives i < j that differ only in the values of
// their k-th condition, a condition on one parameter; i is -1 when there
// are none.
func mergeable(when [][]Condition) (i, j, k int) {
	for i := range when {
		for j := i + 1; j < len(when); j++ {
			if k, ok := differInOne(when[i], when[j]); ok {
				return i, j, k
			}
		}
	}
	return -1, -1, -1
}

func differInOne(a, b []Condition) (int, bool) {
	if len(a) != len(b) {
		return 0, false
	}
	diff := -1
	for k := range a {
		if a[k].key() != b[k].key() {
			return 0, false
		}
		if !slices.Equal(a[k].Values, b[k].Values) {
			if diff >= 0 || a[k].Param == "" {
				return 0, false
			}
			diff = k
		}
	}
	return diff, diff >= 0
}

// allValues reports whether c allows every value of an enum parameter.
func allValues(t Template, c Condition) bool {
	if c.Param == "" {
		return false
	}
	p := t.param(c.Param)
	if p.Kind != Enum {
		return false
	}
	for _, v := range p.Values {
		if !slices.Contains(c.Values, v) {
			return false
		}
	}
	return true
}
