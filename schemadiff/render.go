package schemadiff

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Formats are the report formats Write takes, for the CLI's --format.
var Formats = []string{"text", "markdown", "json"}

// ErrUnknownFormat is returned by Write for a format not in Formats.
var ErrUnknownFormat = errors.New("unknown report format")

// Write writes r to w in format: text, markdown or json.
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "text":
		return WriteText(w, r)
	case "markdown":
		return WriteMarkdown(w, r)
	case "json":
		return WriteJSON(w, r)
	}
	return fmt.Errorf("%w %q; want one of %s", ErrUnknownFormat, format, strings.Join(Formats, ", "))
}

// counts writes how many changes of each severity r has: "2 breaking,
// 1 warning, 3 compatible".
func counts(r *Report) string {
	return fmt.Sprintf("%d breaking, %d %s, %d compatible",
		r.Count(Breaking), r.Count(Warning), plural(r.Count(Warning), "warning"), r.Count(Compatible))
}

// severities are the severities in report order.
var severities = []Severity{Breaking, Warning, Compatible}

// errWriter remembers the first error of a run of writes, so renderers
// check once at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
