package schema

import (
	"testing"

	"github.com/kombugen/kombugen/internal/routing"
)

func TestTopicCovers(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"order.#", "order.*.created", true},
		{"order.*.created", "order.#", false},
		{"#", "", true},
		{"#", "a.b.#", true},
		{"", "#", false},
		{"", "", true},
		{"*", "", false},
		{"*.#", "#.x", true}, // every key "#.x" matches has a word
		{"#.x", "*.#", false},
		{"a.#.#", "a.#", true},
		{"a.#", "a.#.#", true},
		{"a.*.#", "a.#", false}, // "a" alone
		{"#.a.#", "x.#.a", true},
		{"#.a.#.b.#", "#.a.b.#", true},
		{"#.a.b.#", "#.a.#.b.#", false},
		{"a.*created", "a.*created", true}, // a literal word, not a wildcard
		{"a.*", "a.*created", true},
		{"a.*created", "a.*", false},
		{"a..b", "a.*.b", false},
		{"a.*.b", "a..b", true}, // "*" matches the empty word
	}
	for _, tt := range tests {
		if got := topicCovers(tt.a, tt.b); got != tt.want {
			t.Errorf("topicCovers(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestTopicCoversExhaustive compares topicCovers with trying every key of
// up to six words over a, b and c on every pair of patterns of up to
// three words over a, b, * and #.
func TestTopicCoversExhaustive(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	patterns := words([]string{"a", "b", "*", "#"}, 3)
	keys := words([]string{"a", "b", "c"}, 6)
	matches := make([][]bool, len(patterns))
	for i, p := range patterns {
		matches[i] = make([]bool, len(keys))
		for j, k := range keys {
			matches[i][j] = topicCanMatch(routing.TopicWords(p), literalWords(k))
		}
	}
	for i, a := range patterns {
		for j, b := range patterns {
			want := true
			for k := range keys {
				if matches[j][k] && !matches[i][k] {
					want = false
					break
				}
			}
			if got := topicCovers(a, b); got != want {
				t.Errorf("topicCovers(%q, %q) = %v, trying keys says %v", a, b, got, want)
			}
		}
	}
}

// words returns every key of up to n of the given words.
func words(alphabet []string, n int) []string {
	out := []string{""}
	last := []string{""}
	for range n {
		var next []string
		for _, prefix := range last {
			for _, w := range alphabet {
				if prefix == "" {
					next = append(next, w)
				} else {
					next = append(next, prefix+"."+w)
				}
			}
		}
		out = append(out, next...)
		last = next
	}
	return out
}

func literalWords(key string) []keyWord {
	var out []keyWord
	for _, w := range routing.TopicWords(key) {
		out = append(out, keyWord{literal: w})
	}
	return out
}

func TestTopicCanMatchTemplate(t *testing.T) {
	src := `version: 1
package: p
types:
  Region: {enum: [eu, us]}
exchanges:
  ev: {type: topic}
messages:
  M: {exchange: ev, routing_key: "order.{region}.v{n}.{free}", params: {region: {type: Region}, n: {type: uint32}, free: {}}}
`
	s, err := Parse("t.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	key := s.templateWords(s.Message("M"))
	tests := []struct {
		pattern     string
		can, always bool
	}{
		{"#", true, true},
		{"order.*.*.*", true, true},
		{"order.eu.#", true, false},
		{"order.apac.#", false, false},
		{"*.*.v7.*", true, false},
		{"*.*.v07.*", false, false}, // integers are written canonically
		{"*.*.x7.*", false, false},
		{"*.*.*.a.b", false, false}, // a parameter holds no dots
		{"*.*.*.anything", true, false},
		{"order.*.*", false, false},
	}
	for _, tt := range tests {
		p := routing.TopicWords(tt.pattern)
		if got := topicCanMatch(p, key); got != tt.can {
			t.Errorf("topicCanMatch(%q) = %v, want %v", tt.pattern, got, tt.can)
		}
		if got := topicAlwaysMatches(p, key); got != tt.always {
			t.Errorf("topicAlwaysMatches(%q) = %v, want %v", tt.pattern, got, tt.always)
		}
	}
}

func TestHeadersMatch(t *testing.T) {
	table := func(kv ...any) Table {
		var t Table
		for i := 0; i < len(kv); i += 2 {
			t = append(t, TableEntry{Key: kv[i].(string), Value: kv[i+1]})
		}
		return t
	}
	msg := table("kind", "a", "n", int64(3))
	tests := []struct {
		args        Table
		fixed, open bool // without and with headers added at publish
	}{
		{table("kind", "a"), true, true},
		{table("kind", "b"), false, false},
		{table("n", 3.0), true, true},
		{table("n", "3"), false, false},
		{table("other", "x"), false, true},
		{table("kind", nil), true, true},
		{table("x-match", "any", "kind", "b", "other", 1), false, true},
		{table("x-match", "any"), false, false},
		{table(), true, true},
		{table("x-region", "eu"), true, true},
		{table("x-match", "all-with-x", "x-region", "eu"), false, true},
		{table("x-match", "bogus"), false, false},
	}
	for _, tt := range tests {
		if got := headersMatch(tt.args, msg, false); got != tt.fixed {
			t.Errorf("headersMatch(%v, fixed) = %v, want %v", tt.args.Map(), got, tt.fixed)
		}
		if got := headersMatch(tt.args, msg, true); got != tt.open {
			t.Errorf("headersMatch(%v, open) = %v, want %v", tt.args.Map(), got, tt.open)
		}
	}
}
