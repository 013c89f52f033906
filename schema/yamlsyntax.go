package schema

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The YAML parser says what is wrong with a file that is not YAML, but
// not well where: go.yaml.in/yaml/v3 gives a line and no column, and for
// most mistakes the line where the enclosing construct starts (a dedent is
// reported at the start of the mapping it leaves, lines before it). This
// file finds the place from the text itself: a scan of the file that
// knows just enough YAML (indentation, keys, list items, flow collections,
// quotes, block scalars, comments) to spot the mistakes people make, each
// with the fix. It runs only on a file the parser refused, and it is
// trusted only at or after the line the parser names: a mistake can be no
// earlier than the construct the parser was reading.

// yamlProblem is a syntax error placed where the text goes wrong.
type yamlProblem struct {
	line, col int // from 1; col counts characters
	msg       string
}

// maxYAMLProblems bounds how many problems scanYAML collects: only the
// first at or after the parser's line is wanted.
const maxYAMLProblems = 100

// locateYAMLError returns the first mistake the scan finds in src, a file
// the YAML parser refused. The scan finds none in valid YAML, so the first
// is where the parser failed too, though the parser may name a line
// before it (the start of the construct) or after it (where a string left
// open ends).
func locateYAMLError(src string) (yamlProblem, bool) {
	problems := scanYAML(src)
	if len(problems) == 0 {
		return yamlProblem{}, false
	}
	return problems[0], true
}

// scanYAML returns the syntax mistakes of src in the order of the text.
func scanYAML(src string) []yamlProblem {
	s := &yamlScanner{}
	lines := strings.Split(src, "\n")
	for _, line := range lines {
		s.lines = append(s.lines, []rune(strings.TrimSuffix(line, "\r")))
	}
	s.step = indentStep(s.lines)
	for i, line := range lines {
		s.scanLine(i+1, s.lines[i], line)
		if len(s.problems) >= maxYAMLProblems {
			break
		}
	}
	s.end()
	return s.problems
}

// yamlLevel is a block mapping or sequence whose lines are indented by
// indent spaces.
type yamlLevel struct {
	indent int
	seq    bool
	line   int    // where it starts
	key    string // a mapping's first key, to name it in messages
	lines  int    // how many lines are at its indentation so far
}

// flowOpener is an unclosed [ or { of a flow collection.
type flowOpener struct {
	char      rune
	line, col int
	// colon is set once the current entry of a flow mapping has its ':'.
	colon bool
	// word is where the current entry's last plain word starts.
	wordLine, wordCol int
}

// yamlScanner holds what scanning one line needs from the lines before.
type yamlScanner struct {
	// lines are the file's lines, for a look at those after the one
	// scanned.
	lines [][]rune
	// step is how much the file mostly indents a block under its key.
	step     int
	problems []yamlProblem
	levels   []yamlLevel

	// quote is the quote character of a scalar still open, and where it
	// opened.
	quote               rune
	quoteLine, quoteCol int
	flow                []flowOpener
	// flowIndent is the indentation of the line where the outermost flow
	// collection opened.
	flowIndent int
	// closedQuote is set when a quoted scalar inside a flow collection has
	// just ended: what follows must end the entry or be its ':'.
	closedQuote bool
	// lastLine and lastCol are where the last character that is neither
	// space nor comment was, for "want } here".
	lastLine, lastCol int

	// blockScalar is set after a | or > value at blockLine: lines
	// indented more than blockIndent are its text, and textIndent is the
	// indentation of its first line of text, or 0 before it.
	blockScalar           bool
	blockIndent           int
	scalarLine, scalarCol int
	textIndent, textLine  int
	textLines             int // how many lines of text so far

	// prev describes the last block line, for the one after it.
	prev struct {
		line, indent int
		opens        bool   // ends in a key or item with no value: a nested block may follow
		value        bool   // has a value on the line
		bare         string // the whole line is a plain scalar (no key), this one
		bareEnd      int    // the column after it
		key          string
	}
}

func (s *yamlScanner) problem(line, col int, format string, args ...any) {
	s.problems = append(s.problems, yamlProblem{line: line, col: col, msg: fmt.Sprintf(format, args...)})
}

// scanLine scans one line: raw as in the file, r as runes without \r.
func (s *yamlScanner) scanLine(n int, r []rune, raw string) {
	s.characters(n, raw)
	if s.blockScalar {
		indent := countSpaces(r)
		switch {
		case isBlankRunes(r):
			return
		case s.textIndent == 0 && indent > s.blockIndent:
			s.textIndent, s.textLine, s.textLines = indent, n, 1
			return
		case indent >= s.textIndent && s.textIndent > 0:
			s.textLines++
			return
		case indent > s.blockIndent:
			// The first line of text sets the indentation of the rest.
			agree := 1 + s.linesAt(n, indent, s.blockIndent)
			stepped := indent-s.blockIndent == s.step && s.textIndent-s.blockIndent != s.step
			if s.textLines == 1 && (agree > 1 || stepped) {
				s.problem(s.textLine, s.textIndent+1, "this line, the first of the text of the block scalar at %d:%d, is indented %d spaces, but the text after it, from %d:%d on, is indented %d; indent it as the rest",
					s.scalarLine, s.scalarCol, s.textIndent, n, indent+1, indent)
			} else {
				s.problem(n, indent+1, "this line is indented %d spaces, less than the text of the block scalar at %d:%d, indented %d, and more than its key, indented %d; indent it as the text, or as the key if it is the next key",
					indent, s.scalarLine, s.scalarCol, s.textIndent, s.blockIndent)
			}
			s.blockScalar = false
			return
		}
		s.blockScalar = false
	}
	if s.quote != 0 || len(s.flow) > 0 {
		indent := countSpaces(r)
		if s.quote != 0 && len(s.flow) == 0 && indent <= s.flowIndent && looksLikeBlockKey(r[indent:]) {
			// A string left open: the block goes on with the next key.
			s.problem(s.quoteLine, lastContent(s.lines[s.quoteLine-1])+1, "want %c here to end the string that starts at %d:%d", s.quote, s.quoteLine, s.quoteCol)
			s.quote = 0
		} else if s.quote == 0 && indent <= s.flowIndent && (looksLikeBlockKey(r[indent:]) || isBlockItem(r[indent:])) {
			// A flow collection left open: the block goes on as if it
			// had been closed where its text ends.
			o := s.flow[0]
			s.problem(s.lastLine, s.lastCol+1, "want %c here to close the %c at %d:%d", closer(s.flow[len(s.flow)-1].char), o.char, o.line, o.col)
			s.flow, s.closedQuote = nil, false
		} else {
			s.inline(n, r, 0, true)
			return
		}
	}
	s.blockLine(n, r)
}

// characters reports what YAML allows nowhere: bytes that are not UTF-8,
// and control characters.
func (s *yamlScanner) characters(n int, raw string) {
	col := 1
	for i := 0; i < len(raw); {
		c, size := utf8.DecodeRuneInString(raw[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			s.problem(n, col, "byte 0x%02x is not UTF-8; save the file as UTF-8", raw[i])
			return
		case !yamlPrintable(c):
			s.problem(n, col, "control character %U; YAML files hold printable text only: remove it (write it as an escape in a double-quoted string)", c)
			return
		}
		i += size
		col++
	}
}

// yamlPrintable reports whether YAML lets c be in a file.
func yamlPrintable(c rune) bool {
	switch {
	case c == '\t' || c == '\n' || c == '\r' || c == 0x85:
		return true
	case c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0:
		return false
	case c >= 0xd800 && c < 0xe000, c == 0xfffe, c == 0xffff:
		return false
	}
	return true
}

// blockLine scans a line that starts in block context.
func (s *yamlScanner) blockLine(n int, r []rune) {
	indent := countSpaces(r)
	if indent < len(r) && r[indent] == '\t' {
		s.problem(n, indent+1, "a tab indents this line; YAML indents with spaces only: replace the tab with spaces")
		return
	}
	rest := r[indent:]
	if isBlankRunes(rest) || rest[0] == '#' {
		return
	}
	if indent == 0 && (rest[0] == '%' || isDocumentMarker(rest)) {
		return // a directive, or the start or end of a document
	}
	s.structure(n, indent, r)
}

// isDocumentMarker reports whether a line is --- or ..., alone or before a
// space.
func isDocumentMarker(r []rune) bool {
	if len(r) < 3 || string(r[:3]) != "---" && string(r[:3]) != "..." {
		return false
	}
	return len(r) == 3 || r[3] == ' '
}

// structure checks where a block line sits among the lines before it, and
// scans its content.
func (s *yamlScanner) structure(n, indent int, r []rune) {
	item := r[indent] == '-' && (indent+1 == len(r) || r[indent+1] == ' ')
	if !s.place(n, indent, item, r) {
		return
	}
	col := indent
	// Items may nest on one line (- - a) and hold a mapping (- key: v),
	// whose keys are indented as the text after "- ".
	for col < len(r) && r[col] == '-' && (col+1 == len(r) || r[col+1] == ' ') {
		col++
		for col < len(r) && r[col] == ' ' {
			col++
		}
		switch {
		case col < len(r) && r[col] == '-':
			s.push(yamlLevel{indent: col, seq: true, line: n, lines: 1})
		case col < len(r) && hasKey(r[col:]):
			s.push(yamlLevel{indent: col, line: n, key: keyOf(r[col:]), lines: 1})
		}
	}
	s.content(n, col, r)
}

// place checks the indentation of a line against the open blocks, and
// records the level it opens. It reports whether the line's content is to
// be scanned: not when the line goes on with a plain value of the line
// before.
func (s *yamlScanner) place(n, indent int, item bool, r []rune) bool {
	p := s.prev
	var popped *yamlLevel
	for len(s.levels) > 0 && s.levels[len(s.levels)-1].indent > indent {
		l := s.levels[len(s.levels)-1]
		popped = &l
		s.levels = s.levels[:len(s.levels)-1]
	}
	var top *yamlLevel
	if len(s.levels) > 0 {
		top = &s.levels[len(s.levels)-1]
	}
	switch {
	case top == nil || top.indent < indent:
		if popped != nil && p.line != 0 && !(p.opens && indent > p.indent) {
			s.dedent(n, indent, popped, top)
			return false
		}
		if p.line != 0 && item && !p.opens && top != nil && top.seq && indent <= p.indent {
			// An item indented more than the list's items, less than
			// their text.
			s.misalignedItem(n, indent, top)
			return false
		}
		if p.line != 0 && indent > p.indent && !p.opens {
			switch {
			case p.value && p.bare == "" && !item && !hasKey(r[indent:]):
				return false // more text of the value before
			case p.bare != "" && !item && !hasKey(r[indent:]):
				return false // more text of a plain scalar
			case p.bare != "" && !item && hasKey(r[indent:]):
				s.bareKey(p.line, p.indent, p.bare)
			case p.value && (item || hasKey(r[indent:])):
				s.overIndent(n, indent, item, top)
			}
		}
		s.push(yamlLevel{indent: indent, seq: item, line: n, key: keyOf(r[indent:]), lines: 1})
	case top.seq && !item:
		if len(s.levels) > 1 && s.levels[len(s.levels)-2].indent == indent {
			// A list written at its key's indentation ends here.
			s.levels = s.levels[:len(s.levels)-1]
			s.levels[len(s.levels)-1].lines++
			return s.mapLine(n, indent, r)
		}
		s.problem(n, indent+1, "want '- ' here: this line is in the list that starts at %d:%d, whose items begin with '- '", top.line, indent+1)
		return false
	case !top.seq && item:
		if p.opens && p.indent == indent && p.line != 0 {
			// key: then its list at the key's own indentation.
			s.push(yamlLevel{indent: indent, seq: true, line: n, lines: 1})
			return true
		}
		s.problem(n, indent+1, "a list item where a key of the mapping at %d:%d is expected; put the list under a key with no value on its line (key:), indented", top.line, indent+1)
		return false
	case !top.seq:
		top.lines++
		if p.bare != "" && p.indent == indent && hasKey(r[indent:]) {
			// The line before, the first of its mapping, was meant as a key.
			s.bareKey(p.line, p.indent, p.bare)
		}
		return s.mapLine(n, indent, r)
	default:
		top.lines++
	}
	return true
}

// indentStep returns how many spaces the lines mostly indent a block
// under the key it belongs to, 2 when there is no such block.
func indentStep(lines [][]rune) int {
	counts := make(map[int]int)
	for i := 0; i < len(lines); i++ {
		r := lines[i]
		if end := lastContent(r); end == 0 || r[end-1] != ':' {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if next := lines[j]; !isBlankRunes(next) {
				if d := countSpaces(next) - countSpaces(r); d > 0 {
					counts[d]++
				}
				break
			}
		}
	}
	step, most := 2, 0
	for d, c := range counts {
		if c > most || c == most && d < step {
			step, most = d, c
		}
	}
	return step
}

// linesAt counts the lines after line n indented by indent spaces, up to
// the first line indented by stop or less: the lines that agree with a
// line at indent on where a block's lines go.
func (s *yamlScanner) linesAt(n, indent, stop int) int {
	count := 0
	for _, r := range s.lines[n:] {
		i := countSpaces(r)
		if isBlankRunes(r) || r[i] == '#' {
			continue
		}
		if i <= stop {
			break
		}
		if i == indent {
			count++
		}
	}
	return count
}

// misplaced reports lines of level l, indented i, that disagree with the
// line n, indented k, and the lines after it that agree with n, when
// those are more, or as many and indented by the file's step under the
// block around them, indented stop, while l is not; it reports whether it
// did. With onlyStepped, n's line must be indented by the file's step.
func (s *yamlScanner) misplaced(n, k int, l *yamlLevel, stop int, onlyStepped bool) bool {
	agree, disagree := 1+s.linesAt(n, k, stop), l.lines+s.linesAt(n, l.indent, stop)
	stepped := stop >= 0 && k-stop == s.step && l.indent-stop != s.step
	if agree < disagree || agree == disagree && !stepped || onlyStepped && !stepped {
		return false
	}
	s.problem(l.line, l.indent+1, "this line is indented %d spaces, but the lines it goes with, from %d:%d on, are indented %d; indent it as they are",
		l.indent, n, k+1, k)
	return true
}

// misalignedItem reports a list item indented otherwise than the items of
// its list, or the list's items when the items after it agree with it.
func (s *yamlScanner) misalignedItem(n, indent int, list *yamlLevel) {
	stop := -1
	if len(s.levels) > 1 {
		stop = s.levels[len(s.levels)-2].indent
	}
	if s.misplaced(n, indent, list, stop, false) {
		return
	}
	s.problem(n, indent+1, "this item is indented %d spaces, but the items of its list, from %d:%d on, are indented %d; indent it as they are",
		indent, list.line, list.indent+1, list.indent)
}

// overIndent reports a line indented under one that has a value on its
// line, so that it can be no part of that value; or, when the lines after
// it are indented as it is, the line before as indented too little.
func (s *yamlScanner) overIndent(n, indent int, item bool, top *yamlLevel) {
	p := s.prev
	if top != nil && top.indent == p.indent {
		stop := -1
		if len(s.levels) > 1 {
			stop = s.levels[len(s.levels)-2].indent
		}
		if s.misplaced(n, indent, top, stop, false) {
			return
		}
	}
	if item {
		s.problem(n, indent+1, "a list item indented under %q (%d:%d), which has a value on its line already; write %q with no value on its line to give it a list",
			p.key, p.line, p.indent+1, p.key)
		return
	}
	s.problem(n, indent+1, "this line is indented under %q (%d:%d), which has a value on its line already; indent it as %q is, or put the value of %q on the lines under it",
		p.key, p.line, p.indent+1, p.key, p.key)
}

// mapLine checks a line at the indentation of a mapping's keys, and
// reports whether its content is to be scanned.
func (s *yamlScanner) mapLine(n, indent int, r []rune) bool {
	rest := r[indent:]
	if hasKey(rest) || strings.ContainsRune("?&!*\"'{[", rest[0]) {
		return true // content checks quoted and flow keys
	}
	s.bareKey(n, indent, plainText(rest))
	return false
}

// bareKey reports text, a plain scalar at col (from 0) of line n, where a
// key was meant: it lacks its ':', or the space after it.
func (s *yamlScanner) bareKey(n, col int, text string) {
	if i := strings.Index(text, ":"); i > 0 && i+1 < len(text) && text[i+1] != ' ' {
		s.problem(n, col+utf8.RuneCountInString(text[:i])+2, "want a space after ':' in %q: without one it is text, not a key and its value", text)
		return
	}
	s.problem(n, col+utf8.RuneCountInString(text)+1, "want ':' after %q: a mapping holds key: value lines", text)
}

// dedent reports a line indented less than the block it follows but more
// than the block around that, so that it belongs to neither; or, when the
// lines after it are indented as it is, the block it follows as indented
// too much.
func (s *yamlScanner) dedent(n, indent int, inner, outer *yamlLevel) {
	// The line may be right and the block around too deep, as the first
	// key under "queues:" indented 1 where the others are indented 2:
	// when the line is indented by the file's step under the block around
	// that, it is taken to be one of its keys.
	if outer != nil {
		around := -1
		if len(s.levels) > 1 {
			around = s.levels[len(s.levels)-2].indent
		}
		if s.misplaced(n, indent, outer, around, true) {
			return
		}
	}
	stop := -1
	if outer != nil {
		stop = outer.indent
	}
	if s.misplaced(n, indent, inner, stop, false) {
		return
	}
	what := func(l *yamlLevel) string {
		if l.seq {
			return fmt.Sprintf("the items of the list at %d:%d", l.line, l.indent+1)
		}
		return fmt.Sprintf("the keys of the mapping at %d:%d (%s)", l.line, l.indent+1, l.key)
	}
	msg := fmt.Sprintf("this line is indented %d spaces, between %s, indented %d", indent, what(inner), inner.indent)
	if outer != nil {
		msg += fmt.Sprintf(", and %s, indented %d", what(outer), outer.indent)
	}
	s.problem(n, indent+1, "%s; indent it as the lines it belongs with", msg)
}

func (s *yamlScanner) push(l yamlLevel) {
	if len(s.levels) > 0 && s.levels[len(s.levels)-1].indent == l.indent && s.levels[len(s.levels)-1].seq == l.seq {
		return
	}
	s.levels = append(s.levels, l)
}

// content scans the text of a block line from col: a key, then its
// value; or a value alone.
func (s *yamlScanner) content(n, col int, r []rune) {
	indent := countSpaces(r)
	s.prev.line, s.prev.indent = n, indent
	s.prev.opens, s.prev.value, s.prev.bare, s.prev.key = false, false, "", ""
	if col >= len(r) || r[col] == '#' {
		s.prev.opens = true // "-" alone
		s.prev.indent = col
		return
	}
	s.prev.indent = col
	key, after, ok := splitKey(r[col:])
	if !ok {
		if !startsValue(r[col:]) {
			text := plainText(r[col:])
			s.prev.bare, s.prev.bareEnd = text, col+utf8.RuneCountInString(text)+1
		}
		s.value(n, col, r)
		s.prev.value = true
		return
	}
	s.prev.key = key
	v := skipBlanks(r, col+after)
	if v >= len(r) || r[v] == '#' {
		s.prev.opens = true
		return
	}
	s.prev.value = true
	s.value(n, v, r)
}

// value scans a value in block context starting at col.
func (s *yamlScanner) value(n, col int, r []rune) {
	// Anchors, tags and aliases come before the value itself.
	for col < len(r) && (r[col] == '&' || r[col] == '!') {
		for col < len(r) && r[col] != ' ' && r[col] != '\t' {
			col++
		}
		col = skipBlanks(r, col)
	}
	if col >= len(r) || r[col] == '#' {
		s.prev.opens = true
		return
	}
	switch c := r[col]; {
	case c == '|' || c == '>':
		s.blockScalar, s.blockIndent = true, countSpaces(r)
		s.scalarLine, s.scalarCol, s.textIndent = n, col+1, 0
		if len(s.levels) > 0 {
			s.blockIndent = min(s.blockIndent, s.levels[len(s.levels)-1].indent)
		}
	case c == '{' || c == '[' || c == '"' || c == '\'':
		s.flowIndent = countSpaces(r)
		s.inline(n, r, col, false)
	case c == '}' || c == ']':
		s.problem(n, col+1, "a stray %c where a value is expected; quote the value if %c is part of it", c, c)
	case c == '@' || c == '`':
		s.problem(n, col+1, "%c cannot start a plain value; quote the value", c)
	case c == '-' && col+1 < len(r) && r[col+1] == ' ':
		s.problem(n, col+1, "a list cannot start on the line of its key; put each '- item' on a line of its own under the key, indented")
	default:
		text := []rune(plainText(r[col:]))
		for i := 0; i+1 < len(text); i++ {
			if text[i] == ':' && text[i+1] == ' ' {
				s.problem(n, col+i+1, "a plain value cannot hold ': '; quote the value (%q)", string(text))
				return
			}
		}
		if len(text) > 0 && text[len(text)-1] == ':' && s.prev.key != "" {
			s.problem(n, col+len(text), "a plain value cannot end in ':'; quote the value (%q)", string(text))
		}
	}
}

// inline scans flow collections and quoted scalars, which may span lines,
// from col of line n; started says one is open already.
func (s *yamlScanner) inline(n int, r []rune, col int, started bool) {
	for i := col; i < len(r); i++ {
		c := r[i]
		if s.quote != 0 {
			i = s.quoted(n, r, i)
			continue
		}
		switch {
		case c == ' ' || c == '\t':
			continue
		case c == '#' && (i == 0 || r[i-1] == ' ' || r[i-1] == '\t'):
			return
		case started && len(s.flow) == 0:
			s.afterValue(n, r, i)
			return
		case s.closedQuote && len(s.flow) > 0 && !strings.ContainsRune(",}]:", c):
			o := s.flow[len(s.flow)-1]
			s.problem(n, i+1, "want ',' or %c after the string that ends before this; quote the whole value", closer(o.char))
			s.flow, s.closedQuote = nil, false
			return
		case c == '"' || c == '\'':
			s.quote, s.quoteLine, s.quoteCol = c, n, i+1
		case c == '{' || c == '[':
			if len(s.flow) == 0 {
				s.flowIndent = countSpaces(r)
			}
			s.flow = append(s.flow, flowOpener{char: c, line: n, col: i + 1})
		case c == '}' || c == ']':
			if len(s.flow) == 0 {
				s.problem(n, i+1, "a stray %c: no [ or { is open here; remove it", c)
				return
			}
			o := s.flow[len(s.flow)-1]
			if closer(o.char) != c {
				s.problem(n, i+1, "%c where %c is wanted to close the %c at %d:%d", c, closer(o.char), o.char, o.line, o.col)
				s.flow = nil
				return
			}
			s.flow = s.flow[:len(s.flow)-1]
		case c == ',':
			s.flow[len(s.flow)-1].colon = false
			s.flow[len(s.flow)-1].wordLine = 0
		case c == ':' && (i+1 == len(r) || strings.ContainsRune(" \t,}]", r[i+1])):
			o := &s.flow[len(s.flow)-1]
			if o.char == '{' && o.colon && o.wordLine != 0 {
				s.problem(o.wordLine, o.wordCol, "want ',' before this entry of the mapping that starts at %d:%d", o.line, o.col)
				s.flow = nil
				return
			}
			o.colon = true
			o.wordLine = 0
		default:
			o := &s.flow[len(s.flow)-1]
			if i == 0 || r[i-1] == ' ' || r[i-1] == '\t' || strings.ContainsRune("{[,:", r[i-1]) {
				if c == '@' || c == '`' {
					s.problem(n, i+1, "%c cannot start a plain value; quote the value", c)
					s.flow = nil
					return
				}
				o.wordLine, o.wordCol = n, i+1
			}
		}
		started = true
		s.closedQuote = false
		s.lastLine, s.lastCol = n, i+1
	}
}

// quoted scans a quoted scalar from i, which is inside it, and returns the
// index of its closing quote or the end of the line.
func (s *yamlScanner) quoted(n int, r []rune, i int) int {
	if i == len(r) || len(s.flow) == 0 {
		// A flow collection's string rarely goes on to the next line:
		// one that seems to end with the collection lacks its quote.
	} else if end := lastContent(r); end > 0 && (r[end-1] == '}' || r[end-1] == ']') && !strings.ContainsRune(string(r[i:end-1]), s.quote) {
		s.problem(n, end, "want %c before this %c to end the string that starts at %d:%d", s.quote, r[end-1], s.quoteLine, s.quoteCol)
		s.quote, s.flow, s.closedQuote = 0, nil, false
		return len(r)
	}
	for ; i < len(r); i++ {
		c := r[i]
		switch {
		case s.quote == '"' && c == '\\':
			if i+1 < len(r) && !strings.ContainsRune("0abt\tnvfre \"/\\N_LPxuU", r[i+1]) {
				s.problem(n, i+1, "unknown escape \"\\%c\" in a double-quoted string; write the value in single quotes, where \\ is itself ('^\\d+$'), or double the backslash", r[i+1])
				s.quote = 0
				return len(r)
			}
			i++
		case c == s.quote && s.quote == '\'' && i+1 < len(r) && r[i+1] == '\'':
			i++ // '' is a quote
		case c == s.quote:
			s.quote = 0
			s.lastLine, s.lastCol = n, i+1
			if len(s.flow) == 0 {
				s.afterValue(n, r, i+1)
				return len(r)
			}
			s.closedQuote = true
			return i
		}
	}
	return i
}

// afterValue checks what follows a quoted scalar or flow collection that
// ends a block value at i: only a ':' (it was a key), space or a comment.
func (s *yamlScanner) afterValue(n int, r []rune, i int) {
	for ; i < len(r); i++ {
		switch c := r[i]; {
		case c == ' ' || c == '\t':
		case c == '#' && (r[i-1] == ' ' || r[i-1] == '\t'):
			return
		case c == ':' && (i+1 == len(r) || r[i+1] == ' '):
			s.prev.key, s.prev.value, s.prev.opens = strings.TrimSpace(string(r[countSpaces(r):i])), false, true
			if rest := r[i+1:]; !isBlankRunes(rest) {
				v := skipBlanks(r, i+1)
				if v < len(r) && r[v] != '#' {
					s.prev.opens, s.prev.value = false, true
					s.value(n, v, r)
				}
			}
			return
		case c == '}' || c == ']':
			s.problem(n, i+1, "an extra %c: what it would close is closed already; remove it", c)
			return
		default:
			s.problem(n, i+1, "text after the end of the value; quote the whole value, or put a ',' or line break before this")
			return
		}
	}
}

// end reports what the file leaves open.
func (s *yamlScanner) end() {
	switch {
	case s.quote != 0:
		s.problem(s.quoteLine, s.quoteCol, "the %c here is never closed; end the string with %c on its line", s.quote, s.quote)
	case len(s.flow) > 0:
		o := s.flow[0]
		s.problem(s.lastLine, s.lastCol+1, "want %c here to close the %c at %d:%d", closer(s.flow[len(s.flow)-1].char), o.char, o.line, o.col)
	}
}

func closer(open rune) rune {
	if open == '{' {
		return '}'
	}
	return ']'
}

// skipBlanks returns the index of the first rune of r from i on that is
// neither space nor tab.
func skipBlanks(r []rune, i int) int {
	for i < len(r) && (r[i] == ' ' || r[i] == '\t') {
		i++
	}
	return i
}

func countSpaces(r []rune) int {
	n := 0
	for n < len(r) && r[n] == ' ' {
		n++
	}
	return n
}

func isBlankRunes(r []rune) bool {
	for _, c := range r {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// lastContent returns the column of the last character of r that is
// neither space nor part of a comment.
func lastContent(r []rune) int {
	end := len(r)
	for i := 1; i < len(r); i++ {
		if r[i] == '#' && (r[i-1] == ' ' || r[i-1] == '\t') {
			end = i
			break
		}
	}
	for end > 0 && (r[end-1] == ' ' || r[end-1] == '\t') {
		end--
	}
	return end
}

// plainText returns a plain scalar's text: up to a comment, trimmed.
func plainText(r []rune) string {
	return strings.TrimSpace(string(r[:lastContent(r)]))
}

// startsValue reports whether r starts a value that is not a plain scalar.
func startsValue(r []rune) bool {
	return len(r) > 0 && strings.ContainsRune("{[\"'|>&!*-}]@`", r[0])
}

// splitKey splits a block line's text into a plain key and the index
// after its ':', when it has one.
func splitKey(r []rune) (key string, after int, ok bool) {
	if startsValue(r) {
		return "", 0, false
	}
	for i := 0; i < len(r); i++ {
		switch {
		case r[i] == '#' && i > 0 && (r[i-1] == ' ' || r[i-1] == '\t'):
			return "", 0, false
		case r[i] == ':' && (i+1 == len(r) || r[i+1] == ' ' || r[i+1] == '\t'):
			return strings.TrimSpace(string(r[:i])), i + 1, true
		}
	}
	return "", 0, false
}

// hasKey reports whether a line's text holds a key: a plain, quoted or
// flow key followed by ':'.
func hasKey(r []rune) bool {
	if _, _, ok := splitKey(r); ok {
		return true
	}
	if end := quotedEnd(r); end > 0 {
		rest := strings.TrimLeft(string(r[end+1:]), " ")
		return strings.HasPrefix(rest, ":")
	}
	return false
}

// quotedEnd returns the index of the quote that ends the quoted scalar r
// starts with, or 0: ” stands for ' in single quotes, \ escapes in
// double quotes.
func quotedEnd(r []rune) int {
	if len(r) == 0 || r[0] != '"' && r[0] != '\'' {
		return 0
	}
	for i := 1; i < len(r); i++ {
		switch {
		case r[0] == '"' && r[i] == '\\':
			i++
		case r[i] == r[0] && r[0] == '\'' && i+1 < len(r) && r[i+1] == '\'':
			i++
		case r[i] == r[0]:
			return i
		}
	}
	return 0
}

// keyOf returns the key a line's text starts with, or "".
func keyOf(r []rune) string {
	key, _, _ := splitKey(r)
	return key
}

// isBlockItem reports whether a line's text starts a block list item.
func isBlockItem(r []rune) bool {
	return len(r) > 0 && r[0] == '-' && (len(r) == 1 || r[1] == ' ')
}

// looksLikeBlockKey reports whether a line, inside a flow collection,
// looks like a key of the block around it: a word, then ':'.
func looksLikeBlockKey(r []rune) bool {
	if len(r) == 0 || strings.ContainsRune("{[}],#\"'", r[0]) {
		return false
	}
	_, _, ok := splitKey(r)
	return ok
}
