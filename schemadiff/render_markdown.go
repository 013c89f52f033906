package schemadiff

import (
	"io"
	"strings"
)

// WriteMarkdown writes r as GitHub-flavoured Markdown, for a CI job to
// post on a pull request: a heading with the counts, then a table per
// severity that has changes.
//
// Any text can come from a schema (names, keys, values), so every cell is
// escaped: Markdown punctuation is backslash-escaped so it shows as
// written, pipes cannot end a cell, line breaks cannot end a row, and
// positions go in code spans fenced with more backticks than they hold.
func WriteMarkdown(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	verdict := "no breaking changes"
	if r.Breaking() {
		verdict = "breaking changes"
	}
	if len(r.Changes) == 0 {
		verdict = "no changes"
	}
	ew.printf("## kombugen diff: %s\n\n", verdict)
	ew.printf("%s → %s: %s\n", codeSpan(r.OldFile), codeSpan(r.NewFile), escapeMarkdown(counts(r)))
	for _, sev := range severities {
		changes := r.BySeverity(sev)
		if len(changes) == 0 {
			continue
		}
		ew.printf("\n### %s (%d)\n\n", sectionTitle(sev), len(changes))
		ew.printf("| Where | Category | Subject | Change |\n|---|---|---|---|\n")
		for _, c := range changes {
			ew.printf("| %s | %s | %s | %s |\n", markdownWhere(c), c.Category, escapeMarkdown(c.Subject), escapeMarkdown(c.Summary))
		}
	}
	return ew.err
}

func sectionTitle(s Severity) string {
	switch s {
	case Breaking:
		return "Breaking"
	case Warning:
		return "Warnings"
	}
	return "Compatible"
}

// markdownWhere writes a change's position as a code span, with removals
// marked as Change.Where marks them.
func markdownWhere(c Change) string {
	if c.Kind == Removed {
		return "removed, was at " + codeSpan(c.Pos.String())
	}
	return codeSpan(c.Pos.String())
}

// markdownPunct are the characters that could start Markdown or HTML
// syntax inside a table cell: emphasis, code, links and images (which
// need a bracket), HTML tags, entities, strikethrough and the cell
// separator. The rest, > of "->" included, show as written there.
const markdownPunct = "\\`*_[]<&|~"

// escapeMarkdown makes s show as written in a table cell.
func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s) {
		if strings.ContainsRune(markdownPunct, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan writes s as inline code in a table cell. The fence is one
// backtick longer than the longest run of backticks in s, padded with a
// space when s starts or ends with one (CommonMark's rule); pipes are
// escaped, which GitHub's table parser undoes even inside code.
func codeSpan(s string) string {
	s = oneLine(s)
	if s == "" {
		return ""
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + strings.ReplaceAll(s, "|", `\|`) + fence
}

// longestRun returns the length of the longest run of r in s.
func longestRun(s string, r rune) int {
	longest, run := 0, 0
	for _, c := range s {
		if c != r {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}

// oneLine replaces line breaks, which would end a table row, by spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\u2028", " ", "\u2029", " ", "\u0085", " ").Replace(s)
}
