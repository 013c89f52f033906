package generator

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"
)

// commentWidth is where generated comments wrap.
const commentWidth = 80

// doc returns a doc comment for the declaration that the caller chains on
// it: first, then the schema's description as further paragraphs. Every line
// becomes a // comment of its own, so no text can end the comment early or be
// read as code: "*/", backticks and newlines in a description stay inside it.
// Both are made safe by commentLines: first holds schema names and values,
// which may hold anything.
func doc(first, description string) *jen.Statement {
	return docParagraphs(first, description)
}

// docParagraphs is doc for several paragraphs, each made safe and wrapped
// as doc's; empty ones are left out.
func docParagraphs(paragraphs ...string) *jen.Statement {
	var lines []string
	for _, p := range paragraphs {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		for _, l := range commentLines(p) {
			lines = append(lines, wrap(l)...)
		}
	}
	s := jen.Null()
	for _, l := range lines {
		s.Comment(commentText(l)).Line()
	}
	return s
}

// commentText renders a comment line; jennifer writes text that starts with
// "//" as it is.
func commentText(l string) string {
	if l == "" {
		return "//"
	}
	return "// " + l
}

// commentLines splits text into lines safe in a // comment: characters Go
// source cannot hold (NUL, a byte order mark) and other control characters
// are written as escapes, and a line that would read as a build constraint
// ("+build ...", which gofmt moves above the package clause) is escaped
// too.
func commentLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029' }) {
		l = strings.TrimRight(escapeControls(l), " \t")
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), "+build") {
			l = "\\" + strings.TrimLeft(l, " \t")
		}
		out = append(out, l)
	}
	return out
}

// escapeControls writes control characters other than tab, and U+FEFF, as
// Go escapes.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, isUnsafeInComment) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isUnsafeInComment(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isUnsafeInComment(r rune) bool {
	return (unicode.IsControl(r) && r != '\t') || r == '\uFEFF' || r == utf8.RuneError
}

// wrap breaks a line at spaces so that it fits commentWidth; a word longer
// than that stays whole.
func wrap(line string) []string {
	words := strings.Fields(line)
	if len(words) == 0 {
		return []string{""}
	}
	var out []string
	cur := words[0]
	for _, w := range words[1:] {
		if len(cur)+1+len(w) > commentWidth-3 {
			out = append(out, cur)
			cur = w
			continue
		}
		cur += " " + w
	}
	return append(out, cur)
}

// article returns "a" or "an" for word.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
