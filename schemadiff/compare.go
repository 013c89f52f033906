package schemadiff

import (
	"fmt"

	"github.com/kombugen/kombugen/schema"
)

// Compare classifies every difference between two resolved schemas. A nil
// old schema stands for one that did not exist, so everything in new is
// added (a schema file new at the revision compared against); a nil new
// one, for a schema deleted. The report names a schema that did not exist
// /dev/null, as diff does.
func Compare(old, new *schema.Schema) *Report {
	c := &comparer{old: orEmpty(old), new: orEmpty(new)}
	c.gn = newGoNames(c.old, c.new)
	c.comparePackage()
	c.compareExchanges()
	c.compareQueues()
	c.compareTypes()
	c.compareMessages()
	c.compareTasks()
	c.compareProducers()
	r := &Report{OldFile: c.old.File, NewFile: c.new.File, Changes: c.changes}
	if r.Changes == nil {
		r.Changes = []Change{}
	}
	r.sort()
	return r
}

// absentFile names a schema that did not exist.
const absentFile = "/dev/null"

func orEmpty(s *schema.Schema) *schema.Schema {
	if s == nil {
		return &schema.Schema{File: absentFile}
	}
	return s
}

// comparer collects the changes between two schemas.
type comparer struct {
	old, new *schema.Schema
	// gn names the Go side of both.
	gn      *goNames
	changes []Change
}

// site is the thing a change is about: its subject and where it is.
type site struct {
	kind    Kind
	subject string
	pos     schema.Pos // in the new schema; in the old one for removals
	oldPos  schema.Pos
}

// changedAt is a site present in both schemas.
func changedAt(subject string, pos, oldPos schema.Pos) site {
	return site{kind: Changed, subject: subject, pos: pos, oldPos: oldPos}
}

// addedAt is a site only the new schema has.
func addedAt(subject string, pos schema.Pos) site {
	return site{kind: Added, subject: subject, pos: pos}
}

// removedAt is a site only the old schema has; it is placed where it was.
func removedAt(subject string, oldPos schema.Pos) site {
	return site{kind: Removed, subject: subject, pos: oldPos, oldPos: oldPos}
}

// at returns the site placed at a more precise position of the new schema
// when there is one, such as the key a policy value now comes from.
func (s site) at(pos schema.Pos) site {
	if pos.IsValid() && s.kind != Removed {
		s.pos = pos
	}
	return s
}

// sub returns a site for a part of s (a field of a message, an argument of
// a queue) of the given kind and positions.
func (s site) sub(kind Kind, part string, pos, oldPos schema.Pos) site {
	subject := s.subject + " " + part
	switch kind {
	case Added:
		return addedAt(subject, pos)
	case Removed:
		return removedAt(subject, oldPos)
	}
	return changedAt(subject, pos, oldPos)
}

// add records a change at s.
func (c *comparer) add(s site, cat Category, sev Severity, format string, args ...any) {
	c.changes = append(c.changes, Change{
		Category: cat,
		Severity: sev,
		Kind:     s.kind,
		Subject:  s.subject,
		Summary:  fmt.Sprintf(format, args...),
		Pos:      s.pos,
		OldPos:   s.oldPos,
	})
}

// pair matches the entities of two lists by key and calls removed for
// those only in old, added for those only in new and both for the rest.
func pair[T any](old, new []T, key func(T) string, removed, added func(T), both func(o, n T)) {
	inNew := make(map[string]T, len(new))
	for _, n := range new {
		inNew[key(n)] = n
	}
	inOld := make(map[string]bool, len(old))
	for _, o := range old {
		inOld[key(o)] = true
		if n, ok := inNew[key(o)]; ok {
			both(o, n)
		} else {
			removed(o)
		}
	}
	for _, n := range new {
		if !inOld[key(n)] {
			added(n)
		}
	}
}

// describeChange records a changed description: documentation only, it
// reaches the generated doc comments and nothing else.
func (c *comparer) describeChange(s site, old, new string) {
	if old == new {
		return
	}
	switch {
	case old == "":
		c.add(s, GoAPI, Compatible, "description added (doc comment only)")
	case new == "":
		c.add(s, GoAPI, Compatible, "description removed (doc comment only)")
	default:
		c.add(s, GoAPI, Compatible, "description changed (doc comment only)")
	}
}

// comparePackage reports a changed Go package name: every importer refers
// to the generated code by it.
func (c *comparer) comparePackage() {
	o, n := c.old.Package, c.new.Package
	if o == n || o == "" || n == "" {
		return
	}
	// The model keeps no position for the package key; the file is all
	// there is to point at.
	s := changedAt("package", schema.Pos{File: c.new.File}, schema.Pos{File: c.old.File})
	c.add(s, GoAPI, Breaking, "Go package %s -> %s: code importing the generated package refers to it by its old name", o, n)
}
