package schema

import "testing"

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"money", "money", 0},
		{"moneyy", "money", 1},
		{"exchnage", "exchange", 1},
		{"kitten", "sitting", 3},
		{"ab", "ba", 1},
		{"région", "region", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	candidates := []string{"serializer", "compression", "priority", "ttl", "retry"}
	tests := []struct{ name, want string }{
		{"serialiser", "serializer"},
		{"Priority", "priority"},
		{"tll", "ttl"},
		{"compresion", "compression"},
		{"x", ""},
		{"frobnicate", ""},
		{"ttl", ""}, // an exact match is no suggestion
	}
	for _, tt := range tests {
		if got := suggest(tt.name, candidates); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := didYouMean("Moneyy", []string{"Money"}); got != ` (did you mean "Money"?)` {
		t.Errorf("didYouMean = %q", got)
	}
}
