package schema

import (
	"fmt"
	"strings"
)

// didYouMean returns ` (did you mean "X"?)` naming the candidate closest to
// name, or "" when none is close enough to be a likely typo.
func didYouMean(name string, candidates []string) string {
	if s := suggest(name, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// unknownHint follows "unknown X %q" in a message: a suggestion from
// known, else a note that x- names are ignored, else otherwise.
func unknownHint(name string, known []string, otherwise string) string {
	if hint := didYouMean(name, known); hint != "" {
		return hint
	}
	if isExtension(name) {
		return "; names beginning with x- are extension keys and ignored"
	}
	return otherwise
}

// suggest returns the candidate closest to name by edit distance, ignoring
// case, when at most a third of name's letters (and at least one) would
// have to change. Ties go to the candidate closest with case (Itme is
// Item, not time), then to the earlier one.
func suggest(name string, candidates []string) string {
	best, bestDist, bestCase := "", -1, 0
	limit := max(1, len([]rune(name))/3)
	lower := strings.ToLower(name)
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := editDistance(lower, strings.ToLower(c))
		if d > limit {
			continue
		}
		dc := editDistance(name, c)
		if bestDist < 0 || d < bestDist || d == bestDist && dc < bestCase {
			best, bestDist, bestCase = c, d, dc
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b:
// the insertions, deletions, substitutions and swaps of neighbouring
// letters that turn one into the other.
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	// rows[i%3] holds the distances for s[:i].
	var rows [3][]int
	for i := range rows {
		rows[i] = make([]int, len(t)+1)
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur, prev, prev2 := rows[i%3], rows[(i-1)%3], rows[(i+1)%3]
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
	}
	return rows[len(s)%3][len(t)]
}
