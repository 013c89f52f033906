package routing

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
		if got := TopicWords(tt.key); !slices.Equal(got, tt.want) {
			t.Errorf("TopicWords(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

// topicCases are RabbitMQ's documented topic routing (tutorial five's
// animals, <speed>.<colour>.<species>) and the edges of its word rules.
var topicCases = []struct {
	pattern, key string
	want         bool
}{
	// Tutorial five: Q1 binds *.orange.*, Q2 *.*.rabbit and lazy.#.
	{"*.orange.*", "quick.orange.rabbit", true},
	{"*.*.rabbit", "quick.orange.rabbit", true},
	{"*.orange.*", "lazy.orange.elephant", true},
	{"lazy.#", "lazy.orange.elephant", true},
	{"*.orange.*", "quick.orange.fox", true},
	{"*.*.rabbit", "quick.orange.fox", false},
	{"lazy.#", "lazy.brown.fox", true},
	{"*.*.rabbit", "lazy.pink.rabbit", true},
	{"lazy.#", "lazy.pink.rabbit", true}, // one queue, delivered once
	{"*.orange.*", "quick.brown.fox", false},
	{"*.*.rabbit", "quick.brown.fox", false},
	{"*.*.rabbit", "lazy.brown.fox", false},
	{"lazy.#", "quick.brown.fox", false},
	{"*.orange.*", "orange", false},
	{"*.orange.*", "quick.orange.new.rabbit", false},
	{"*.*.rabbit", "quick.orange.new.rabbit", false},
	{"lazy.#", "lazy.orange.new.rabbit", true},
	{"lazy.#", "lazy", true},
	// "#" alone takes everything, like a fanout; so does "#.#".
	{"#", "", true},
	{"#", "a", true},
	{"#", "a.b.c", true},
	{"#.#", "", true},
	{"#.#.#", "a", true},
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
	// '*' and '#' inside a word are letters, not wildcards.
	{"a*", "ab", false},
	{"a*", "a*", true},
	{"a#", "a.b", false},
	{"a#", "a#", true},
	{"a.b.c", "a.b.c", true},
	{"a.b.c", "a.b", false},
}

func TestTopicMatch(t *testing.T) {
	for _, tt := range topicCases {
		if got := MatchTopic(tt.pattern, tt.key); got != tt.want {
			t.Errorf("binding %q, routing key %q: match = %v, want %v", tt.pattern, tt.key, got, tt.want)
		}
	}
}

// TestTopicMatchManyHashes guards against backtracking: a naive matcher
// takes exponential time here.
func TestTopicMatchManyHashes(t *testing.T) {
	pattern := TopicWords(strings.Repeat("#.", 40) + "z")
	key := TopicWords(strings.Repeat("a.", 200) + "b")
	if TopicMatch(pattern, key) {
		t.Fatal("matched a key not ending in z")
	}
}
