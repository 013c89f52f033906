package main

import (
	"bytes"
	"fmt"
	"strings"
)

// This file writes unified diffs, as diff -u and git diff do, for
// generate -check: a CI log then shows exactly how the checked-in file
// differs from what the schema produces.

// diffContext is how many unchanged lines a hunk shows around a change.
const diffContext = 3

// maxEdits bounds the edits the line diff searches for between the common
// head and tail of two files. Past it, the rest is shown as all old lines
// removed and all new ones added: a correct diff, if not a minimal one,
// while the search's memory grows with the square of the edits.
const maxEdits = 1000

// unifiedDiff returns a unified diff turning old into new under the header
// lines "--- oldName" and "+++ newName", with diffContext lines of context,
// or "" when they are equal. A last line without a newline is marked
// "\ No newline at end of file", as diff does.
func unifiedDiff(oldName, newName string, old, new []byte) string {
	if bytes.Equal(old, new) {
		return ""
	}
	a, b := splitLines(old), splitLines(new)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(diffLines(a, b), diffContext) {
		writeHunk(&sb, h, a, b)
	}
	return sb.String()
}

// splitLines splits s after each newline; a last line without one is kept.
func splitLines(s []byte) []string {
	var lines []string
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		lines = append(lines, string(s[:i]))
		s = s[i:]
	}
	return lines
}

// An edit is one line of a diff: kept, deleted from a or inserted from b.
// a and b are the indexes of the lines in a and b before the edit, so a
// kept line is a[a] and b[b], a deleted one a[a] and an inserted one b[b].
type edit struct {
	kind byte // ' ', '-' or '+', as the diff prints it
	a, b int
}

// diffLines returns the edits that turn a into b, deleting and inserting
// as few lines as it can: the common head and tail are kept, and the
// middle is diffed with Myers' O(ND) algorithm.
func diffLines(a, b []string) []edit {
	// Lines are compared as numbers: each distinct line gets one.
	ids := make(map[string]int)
	intern := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x, y := intern(a), intern(b)

	head := 0
	for head < len(x) && head < len(y) && x[head] == y[head] {
		head++
	}
	tail := 0
	for tail < len(x)-head && tail < len(y)-head && x[len(x)-1-tail] == y[len(y)-1-tail] {
		tail++
	}

	var edits []edit
	for i := range head {
		edits = append(edits, edit{' ', i, i})
	}
	mid := myers(x[head:len(x)-tail], y[head:len(y)-tail])
	for _, e := range mid {
		edits = append(edits, edit{e.kind, e.a + head, e.b + head})
	}
	for i := range tail {
		edits = append(edits, edit{' ', len(x) - tail + i, len(y) - tail + i})
	}
	return edits
}

// myers returns a shortest edit script from a to b (Eugene W. Myers, "An
// O(ND) Difference Algorithm and Its Variations", 1986), or all of a
// deleted and all of b inserted when that takes more than maxEdits edits.
//
// The search follows diagonals k = x - y: after d edits, v[k] is the
// furthest x reached on diagonal k. trace keeps v after each step, for
// walking back from the end to the start.
func myers(a, b []int) []edit {
	n, m := len(a), len(b)
	limit := n + m
	off := limit + 1 // v is indexed by k + off, k from -limit-1 to limit+1
	v := make([]int, 2*limit+3)
	var trace [][]int
	for d := 0; d <= limit; d++ {
		if d > maxEdits {
			return replaceAll(n, m)
		}
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1] // down from diagonal k+1: insert b[y-1]
			} else {
				x = v[off+k-1] + 1 // right from diagonal k-1: delete a[x-1]
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				trace = append(trace, v[off-d:off+d+1:off+d+1])
				return backtrack(trace, n, m)
			}
		}
		// Keep only diagonals -d..d: the only ones step d reached.
		trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
	}
	panic("unreachable: d = n + m always reaches the end")
}

// backtrack walks the trace of myers back from (n, m) to (0, 0) and
// returns the edits in order. trace[d][k+d] is v[k] after step d.
func backtrack(trace [][]int, n, m int) []edit {
	var rev []edit
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		prev := trace[d-1]
		at := func(k int) int { return prev[k+d-1] }
		k := x - y
		prevK := k - 1
		if k == -d || k != d && at(k-1) < at(k+1) {
			prevK = k + 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x, y = x-1, y-1
			rev = append(rev, edit{' ', x, y})
		}
		if x == prevX {
			y--
			rev = append(rev, edit{'+', x, y})
		} else {
			x--
			rev = append(rev, edit{'-', x, y})
		}
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		rev = append(rev, edit{' ', x, y})
	}
	edits := make([]edit, len(rev))
	for i, e := range rev {
		edits[len(rev)-1-i] = e
	}
	return edits
}

// replaceAll returns the edits deleting n lines and then inserting m.
func replaceAll(n, m int) []edit {
	edits := make([]edit, 0, n+m)
	for i := range n {
		edits = append(edits, edit{'-', i, 0})
	}
	for j := range m {
		edits = append(edits, edit{'+', n, j})
	}
	return edits
}

// hunks groups edits into hunks: each change with up to context kept
// lines around it, changes closer than 2*context lines sharing a hunk.
func hunks(edits []edit, context int) [][]edit {
	var out [][]edit
	for i := 0; i < len(edits); {
		if edits[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-context, 0)
		end := i
		for {
			for end < len(edits) && edits[end].kind != ' ' {
				end++
			}
			kept := 0
			for end+kept < len(edits) && edits[end+kept].kind == ' ' {
				kept++
			}
			if end+kept == len(edits) || kept > 2*context {
				end += min(kept, context)
				break
			}
			end += kept
		}
		out = append(out, edits[start:end])
		i = end
	}
	return out
}

// writeHunk writes one hunk: its @@ line, then its lines.
func writeHunk(sb *strings.Builder, h []edit, a, b []string) {
	var na, nb int
	for _, e := range h {
		if e.kind != '+' {
			na++
		}
		if e.kind != '-' {
			nb++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", hunkRange(h[0].a, na), hunkRange(h[0].b, nb))
	for _, e := range h {
		var line string
		if e.kind == '+' {
			line = b[e.b]
		} else {
			line = a[e.a]
		}
		sb.WriteByte(e.kind)
		sb.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			sb.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a hunk's range of lines starting at the 0-based index
// start, as diff -u does: "LINE,COUNT", just "LINE" for one line, and for
// none the line before the hunk ("0,0" at the top of the file).
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}
