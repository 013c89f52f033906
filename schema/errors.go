package schema

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a position in a schema file. Line and Col count from 1. The zero
// Pos stands for "not written in the schema", as for a built-in default.
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "FILE:LINE:COL", or "FILE" when p has no line.
func (p Pos) String() string {
	if !p.IsValid() {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// lineCol returns "LINE:COL", how an error names another place in the same
// file.
func (p Pos) lineCol() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

func comparePos(a, b Pos) int {
	return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}

// Error is one problem in a schema, at the position it concerns.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "FILE:LINE:COL: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every problem found in one schema file, sorted by position.
// Parse and Load return one as their error; use errors.As to get at it.
type ErrorList []*Error

// Error returns the problems one per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// add records a problem.
func (l *ErrorList) add(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// sorted returns the problems ordered by line and column, keeping the order
// they were found in for one position, with repeats dropped (a mistake in
// an anchor is found again through every alias of it).
func (l ErrorList) sorted() ErrorList {
	out := slices.Clone(l)
	slices.SortStableFunc(out, func(a, b *Error) int { return comparePos(a.Pos, b.Pos) })
	return slices.CompactFunc(out, func(a, b *Error) bool { return *a == *b })
}

// Err returns the list sorted by position, repeats dropped, as an error;
// nil when it is empty. It is how a list collected from several passes
// (the schema's and the generator's) is reported as one.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.sorted()
}
