package docs

import (
	"fmt"
	"strings"
	"unicode"
)

// Everything a schema says reaches the Markdown through these functions,
// so that no name or description can break out of a table, start a
// heading, open an HTML tag or end a code span, and the Mermaid block
// through mermaidText, so that none can end a label or add a statement.

// mdInline escapes text for Markdown within a line: every character that
// CommonMark or GitHub's extensions could read as markup is
// backslash-escaped, '&' too (no entity can form), and a line break is
// left to the caller.
func mdInline(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case strings.ContainsRune("\\`*_[]<>&|~#!", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) && r != '\n':
			// Nothing a reader can see, and NUL is not allowed.
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCell escapes text for one cell of a table: as mdInline, with line
// breaks as <br> (a newline would end the row).
func mdCell(s string) string {
	lines := strings.Split(strings.TrimSpace(normalizeNewlines(s)), "\n")
	for i, l := range lines {
		lines[i] = mdInline(strings.TrimSpace(l))
	}
	return strings.Join(lines, "<br>")
}

// mdBlock escapes a description for paragraphs of its own: each line as
// mdInline, its leading spaces dropped (which would make a code block) and
// a character that would start a block at the head of a line (a list, a
// quote, a heading underline, an ordered list's "1.") escaped. Blank lines
// stay, separating paragraphs.
func mdBlock(s string) string {
	lines := strings.Split(strings.TrimSpace(normalizeNewlines(s)), "\n")
	for i, l := range lines {
		l = mdInline(strings.TrimSpace(l))
		if l != "" && strings.ContainsRune("-+=", rune(l[0])) {
			l = "\\" + l
		} else if n := leadingDigits(l); n > 0 && n < len(l) && (l[n] == '.' || l[n] == ')') {
			l = l[:n] + "\\" + l[n:]
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func normalizeNewlines(s string) string {
	return strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
}

// code returns s as a code span: fenced with one backtick more than the
// longest run of them in s, padded with a space where s begins or ends
// with a backtick or a space (CommonMark strips one of each). Line breaks
// become spaces. In a table a '|' must be escaped even in a code span, and
// GitHub then shows it bare; elsewhere a backslash would show.
func code(s string, inTable bool) string {
	s = strings.ReplaceAll(normalizeNewlines(s), "\n", " ")
	if s == "" {
		return "*(empty)*"
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if inTable {
		s = strings.ReplaceAll(s, "|", "\\|")
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.TrimSpace(s) != "" {
		s = " " + s + " "
	}
	fence := strings.Repeat("`", longest+1)
	return fence + s + fence
}

// mermaidText escapes text for a quoted Mermaid label. Mermaid decodes
// #NNN; codes itself, so every character that could end the label ('"'),
// start a code ('#'), act as Markdown or HTML (* ` < > &), end an edge
// label ('|'), open a comment or directive ('%') or confuse a shape's
// brackets becomes one. Line breaks become spaces; <br/> is the only
// markup the caller adds.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case strings.ContainsRune("\"#*`<>&|%[]{}()\\", r):
			fmt.Fprintf(&b, "#%d;", r)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// slugger makes the anchors GitHub gives headings: lower case, letters,
// digits, '-' and '_' kept, spaces as '-', everything else dropped, and
// -1, -2, ... added to repeats in the order the headings come.
type slugger map[string]int

func (s slugger) slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	base := b.String()
	n := s[base]
	s[base] = n + 1
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s-%d", base, n)
}
