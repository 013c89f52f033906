package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// udiffTests are diffs checked against GNU diff -u 3.x, which prints the
// same for these inputs (where several shortest diffs exist, the two may
// differ, so these have one).
var udiffTests = []struct {
	name     string
	old, new string
	want     string
}{
	{"equal", "a\nb\n", "a\nb\n", ""},
	{"both empty", "", "", ""},
	{"from empty", "", "a\nb\n", `--- a/f
+++ b/f
@@ -0,0 +1,2 @@
+a
+b
`},
	{"to empty", "a\nb\n", "", `--- a/f
+++ b/f
@@ -1,2 +0,0 @@
-a
-b
`},
	{"one line changed, context cut at 3", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", `--- a/f
+++ b/f
@@ -2,7 +2,7 @@
 2
 3
 4
-5
+five
 6
 7
 8
`},
	{"single-line ranges", "a\n", "a\nb\n", `--- a/f
+++ b/f
@@ -1 +1,2 @@
 a
+b
`},
	{"insert at top", "b\nc\n", "a\nb\nc\n", `--- a/f
+++ b/f
@@ -1,2 +1,3 @@
+a
 b
 c
`},
	{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n", `--- a/f
+++ b/f
@@ -1,4 +1,4 @@
-1
+one
 2
 3
 4
@@ -9,4 +9,4 @@
 9
 10
 11
-12
+twelve
`},
	{"changes 6 lines apart share a hunk", "1\n2\n3\n4\n5\n6\n7\n8\n", "one\n2\n3\n4\n5\n6\n7\neight\n", `--- a/f
+++ b/f
@@ -1,8 +1,8 @@
-1
+one
 2
 3
 4
 5
 6
 7
-8
+eight
`},
	{"no newline at end of old", "a\nb", "a\nb\n", `--- a/f
+++ b/f
@@ -1,2 +1,2 @@
 a
-b
\ No newline at end of file
+b
`},
	{"no newline at end of either", "a\nb", "a\nc", `--- a/f
+++ b/f
@@ -1,2 +1,2 @@
 a
-b
\ No newline at end of file
+c
\ No newline at end of file
`},
	{"deletions before insertions", "a\nb\nc\n", "a\nx\ny\nc\n", `--- a/f
+++ b/f
@@ -1,3 +1,4 @@
 a
-b
+x
+y
 c
`},
}

func TestUnifiedDiff(t *testing.T) {
	for _, tt := range udiffTests {
		t.Run(tt.name, func(t *testing.T) {
			got := unifiedDiff("a/f", "b/f", []byte(tt.old), []byte(tt.new))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unifiedDiff mismatch (-want +got):\n%s", diff)
			}
			if got != "" {
				if back := applyDiff(t, tt.old, got); back != tt.new {
					t.Errorf("applying the diff gives %q, want %q", back, tt.new)
				}
			}
		})
	}
}

// TestUnifiedDiffRandom checks, for many random pairs of small files, that
// the diff turns old into new, changes as few lines as can be (the
// lengths less twice the longest common subsequence), and keeps at most
// diffContext lines of context at a hunk's edges.
func TestUnifiedDiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	randFile := func() string {
		var sb strings.Builder
		for range r.IntN(12) {
			sb.WriteString(string(rune('a' + r.IntN(3))))
			sb.WriteByte('\n')
		}
		if sb.Len() > 0 && r.IntN(4) == 0 {
			return strings.TrimSuffix(sb.String(), "\n")
		}
		return sb.String()
	}
	for i := range 3000 {
		old, new := randFile(), randFile()
		d := unifiedDiff("a/f", "b/f", []byte(old), []byte(new))
		if (d == "") != (old == new) {
			t.Fatalf("#%d: diff %q for %q and %q", i, d, old, new)
		}
		if d == "" {
			continue
		}
		if back := applyDiff(t, old, d); back != new {
			t.Fatalf("#%d: applying\n%s\nto %q gives %q, want %q", i, d, old, back, new)
		}
		a, b := splitLines([]byte(old)), splitLines([]byte(new))
		if got, want := changedLines(d), len(a)+len(b)-2*lcs(a, b); got != want {
			t.Fatalf("#%d: diff changes %d lines, want %d:\n%s", i, got, want, d)
		}
		for _, h := range strings.Split(d, "\n@@")[1:] {
			lines := strings.Split(strings.TrimSuffix(h, "\n"), "\n")[1:]
			lines = slicesDeleteMarkers(lines)
			if lead := countPrefix(lines, " "); lead > diffContext {
				t.Fatalf("#%d: hunk starts with %d lines of context:\n%s", i, lead, d)
			}
		}
	}
}

// TestUnifiedDiffLarge checks that files too different for the edit bound
// still get a diff that applies, and quickly.
func TestUnifiedDiffLarge(t *testing.T) {
	var old, new strings.Builder
	for i := range 3 * maxEdits {
		fmt.Fprintf(&old, "old %d\n", i)
		fmt.Fprintf(&new, "new %d\n", i)
	}
	d := unifiedDiff("a/f", "b/f", []byte(old.String()), []byte(new.String()))
	if back := applyDiff(t, old.String(), d); back != new.String() {
		t.Fatalf("applying the diff does not give the new file")
	}
	if got, want := changedLines(d), 6*maxEdits; got != want {
		t.Errorf("diff changes %d lines, want %d", got, want)
	}
}

var hunkRE = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// applyDiff applies the unified diff d to old, checking every context and
// deleted line and every hunk's counts, as patch would.
func applyDiff(t *testing.T, old, d string) string {
	t.Helper()
	a := splitLines([]byte(old))
	lines := splitLines([]byte(d))
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		t.Fatalf("diff without headers:\n%s", d)
	}
	var out strings.Builder
	pos := 0
	for i := 2; i < len(lines); {
		m := hunkRE.FindStringSubmatch(strings.TrimSuffix(lines[i], "\n"))
		if m == nil {
			t.Fatalf("line %d: want a hunk header, got %q", i+1, lines[i])
		}
		i++
		start, na, nb := atoi(m[1]), count(m[2]), count(m[4])
		if na > 0 {
			start-- // a count of 0 names the line before the hunk
		}
		if start < pos {
			t.Fatalf("hunk at %d overlaps the one before", start)
		}
		for _, l := range a[pos:start] {
			out.WriteString(l)
		}
		pos = start
		for na > 0 || nb > 0 {
			if i >= len(lines) {
				t.Fatalf("hunk ends early")
			}
			kind, text := lines[i][0], lines[i][1:]
			i++
			if i < len(lines) && strings.HasPrefix(lines[i], `\ No newline at end of file`) {
				text = strings.TrimSuffix(text, "\n")
				i++
			}
			switch kind {
			case ' ', '-':
				if pos >= len(a) || a[pos] != text {
					t.Fatalf("line %d of old is not %q", pos+1, text)
				}
				pos++
				na--
				if kind == ' ' {
					out.WriteString(text)
					nb--
				}
			case '+':
				out.WriteString(text)
				nb--
			default:
				t.Fatalf("bad diff line %q", lines[i-1])
			}
		}
		if na != 0 || nb != 0 {
			t.Fatalf("hunk counts do not match its lines")
		}
	}
	for _, l := range a[pos:] {
		out.WriteString(l)
	}
	return out.String()
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// count is a hunk range's count: 1 when not written.
func count(s string) int {
	if s == "" {
		return 1
	}
	return atoi(s)
}

// changedLines counts the lines a diff deletes or inserts.
func changedLines(d string) int {
	n := 0
	for _, l := range strings.Split(d, "\n") {
		if (strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "--- ")) ||
			(strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++ ")) {
			n++
		}
	}
	return n
}

// lcs returns the length of the longest common subsequence of a and b.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	for i := range a {
		cur := make([]int, len(b)+1)
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev = cur
	}
	return prev[len(b)]
}

// slicesDeleteMarkers drops "\ No newline" lines.
func slicesDeleteMarkers(lines []string) []string {
	var out []string
	for _, l := range lines {
		if !strings.HasPrefix(l, `\`) {
			out = append(out, l)
		}
	}
	return out
}

// countPrefix counts the leading lines that start with p.
func countPrefix(lines []string, p string) int {
	n := 0
	for n < len(lines) && strings.HasPrefix(lines[n], p) {
		n++
	}
	return n
}

func TestHunkRange(t *testing.T) {
	for _, tt := range []struct {
		start, count int
		want         string
	}{
		{0, 0, "0,0"},
		{4, 0, "4,0"},
		{0, 1, "1"},
		{9, 1, "10"},
		{0, 3, "1,3"},
		{9, 2, "10,2"},
	} {
		if got := hunkRange(tt.start, tt.count); got != tt.want {
			t.Errorf("hunkRange(%d, %d) = %q, want %q", tt.start, tt.count, got, tt.want)
		}
	}
}
