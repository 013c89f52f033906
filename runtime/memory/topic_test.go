package memory

import (
	"slices"
	"strings"
	"testing"
)

func TestTopicWords(t *testing.T) {
	tests := []struct {
		key  string
		want []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a.b.c", []string{"a", "b", "c"}},
		{".", []string{"", ""}},
		{"a.", []string{"a", ""}},
		{".a", []string{"", "a"}},
		{"a..b", []string{"a", "", "b"}},
	}
	for _, tt := range tests {
		if got := topicWords(tt.key); !slices.Equal(got, tt.want) {
			t.Errorf("topicWords(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestTopicMatch(t *testing.T) {
	tests := []struct {
		pattern, key string
		want         bool
	}{
		// "#" is zero or more words.
		{"#", "", true},
		{"#", "a", true},
		{"#", "a.b.c", true},
		{"a.#", "a", true},
		{"a.#", "a.b", true},
		{"a.#", "a.b.c", true},
		{"a.#", "b.a", false},
		{"#.a", "a", true},
		{"#.a", "b.a", true},
		{"#.a", "a.b", false},
		{"a.#.b", "a.b", true},
		{"a.#.b", "a.x.y.b", true},
		{"a.#.b", "a.b.c", false},
		{"#.#", "", true},
		{"#.#.#", "a", true},
		{"#.b.#", "b", true},
		{"#.b.#", "a.b.c", true},
		{"#.b.#", "a.c", false},
		// "*" is exactly one word, never none.
		{"*", "", false},
		{"*", "a", true},
		{"*", "a.b", false},
		{"a.*.c", "a.b.c", true},
		{"a.*.c", "a.c", false},
		{"a.*.c", "a.b.b.c", false},
		{"*.*", "a", false},
		{"*.#", "", false},
		{"*.#", "a", true},
		{"#.*.#", "", false},
		{"#.*.#", "oneword", true},
		{"#.*", "a.b", true},
		// The tutorial's animals: <speed>.<colour>.<species>.
		{"*.orange.*", "quick.orange.rabbit", true},
		{"*.orange.*", "lazy.orange.elephant", true},
		{"*.orange.*", "quick.orange.fox", true},
		{"*.orange.*", "quick.brown.fox", false},
		{"*.orange.*", "orange", false},
		{"*.orange.*", "quick.orange.new.rabbit", false},
		{"*.*.rabbit", "quick.orange.rabbit", true},
		{"*.*.rabbit", "lazy.pink.rabbit", true},
		{"*.*.rabbit", "quick.orange.new.rabbit", false},
		{"*.*.rabbit", "lazy.brown.fox", false},
		{"lazy.#", "lazy.orange.elephant", true},
		{"lazy.#", "lazy.brown.fox", true},
		{"lazy.#", "lazy.orange.new.rabbit", true},
		{"lazy.#", "lazy", true},
		{"lazy.#", "quick.brown.fox", false},
		// Empty words are words: '.' always separates two of them.
		{"*", ".", false},
		{"*.*", ".", true},
		{"a.*", "a.", true},
		{"a.*.b", "a..b", true},
		{"a.b", "a..b", false},
		{"a..b", "a..b", true},
		{"a.#.b", "a..b", true},
		{"", "", true},
		{"", "a", false},
		{"a", "", false},
		// Exact words, no wildcards; "#" and "*" inside a word are letters.
		{"a.b.c", "a.b.c", true},
		{"a.b.c", "a.b", false},
		{"a*", "ab", false},
		{"a*", "a*", true},
		{"a#", "a.b", false},
	}
	for _, tt := range tests {
		got := topicMatch(topicWords(tt.pattern), topicWords(tt.key))
		if got != tt.want {
			t.Errorf("binding %q, routing key %q: match = %v, want %v", tt.pattern, tt.key, got, tt.want)
		}
	}
}

// TestTopicMatchManyHashes guards against backtracking: a naive matcher
// takes exponential time here.
func TestTopicMatchManyHashes(t *testing.T) {
	pattern := topicWords(strings.Repeat("#.", 40) + "z")
	key := topicWords(strings.Repeat("a.", 200) + "b")
	if topicMatch(pattern, key) {
		t.Fatal("matched a key not ending in z")
	}
}
