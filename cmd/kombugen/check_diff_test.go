package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// generate -check prints go-internal's unified diff from the file on disk
// to the code that would be generated. These tests check that what it
// prints is a diff patch applies, for the shapes of change -check meets:
// files created, emptied, edited anywhere, without a last newline, and
// large files changed throughout.

// checkDiff runs checkFile's diff of old to new, as -check prints it.
func checkDiff(t *testing.T, old, new string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	std := stdio{out: &out, err: &errOut}
	name := t.TempDir() + "/f.go"
	if old != "" {
		if err := os.WriteFile(name, []byte(old), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := checkFile(std, name, "f.go", []byte(new))
	if (err == nil) != (old == new) {
		t.Fatalf("checkFile = %v for %q and %q", err, old, new)
	}
	return out.String()
}

func TestCheckDiffApplies(t *testing.T) {
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
	for i := range 1000 {
		old, new := randFile(), randFile()
		if old == "" || old == new {
			continue
		}
		d := checkDiff(t, old, new)
		if back := applyDiff(t, old, d); back != new {
			t.Fatalf("#%d: applying\n%s\nto %q gives %q, want %q", i, d, old, back, new)
		}
	}
}

func TestCheckDiffFromNothing(t *testing.T) {
	d := checkDiff(t, "", "a\nb\n")
	want := "diff /dev/null b/f.go\n--- /dev/null\n+++ b/f.go\n@@ -0,0 +1,2 @@\n+a\n+b\n"
	if d != want {
		t.Errorf("diff\n%s\nwant\n%s", d, want)
	}
}

// TestCheckDiffLarge checks the diff of two large files that differ on
// every line, as a regenerated file of thousands of messages may: the diff
// does not search for the shortest, so it comes quickly, and applies.
func TestCheckDiffLarge(t *testing.T) {
	var old, new strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&old, "old %d\n", i)
		fmt.Fprintf(&new, "new %d\n", i)
	}
	d := checkDiff(t, old.String(), new.String())
	if back := applyDiff(t, old.String(), d); back != new.String() {
		t.Fatalf("applying the diff does not give the new file")
	}
}

var hunkRE = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// applyDiff applies the unified diff d to old, checking every context and
// deleted line and every hunk's counts, as patch would.
func applyDiff(t *testing.T, old, d string) string {
	t.Helper()
	a := splitAfterLines(old)
	lines := splitAfterLines(d)
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "diff ") || !strings.HasPrefix(lines[1], "--- ") || !strings.HasPrefix(lines[2], "+++ ") {
		t.Fatalf("diff without headers:\n%s", d)
	}
	var out strings.Builder
	pos := 0
	for i := 3; i < len(lines); {
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

// splitAfterLines splits s after each newline; a last line without one
// is kept.
func splitAfterLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
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
