package schemadiff

import "io"

// WriteText writes r for a terminal or a CI log: one line per change,
// most severe first, each starting with its position as compilers print
// theirs, then a line of counts.
//
//	new.kombugen.yaml:14:7: breaking WIRE: message "OrderCreated" field "total": type Money -> int64: ...
//	(removed, was at old.kombugen.yaml:20:7): breaking WIRE: message "OrderCreated" field "note": removed: ...
//	kombugen diff old.kombugen.yaml -> new.kombugen.yaml: 2 breaking, 0 warnings, 1 compatible
//
// Names from the schema are quoted as Go quotes strings, so no text in a
// schema can forge a line.
func WriteText(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	for _, c := range r.Changes {
		ew.printf("%s\n", c)
	}
	if len(r.Changes) == 0 {
		ew.printf("kombugen diff %s -> %s: no changes\n", r.OldFile, r.NewFile)
		return ew.err
	}
	ew.printf("kombugen diff %s -> %s: %s\n", r.OldFile, r.NewFile, counts(r))
	return ew.err
}
