package routing

import (
	"bytes"
	"testing"
)

// equal compares as a test needs: strings and byte slices by their bytes,
// everything else with ==.
func equal(want, got any) bool {
	w, wok := asBytes(want)
	g, gok := asBytes(got)
	if wok || gok {
		return wok && gok && bytes.Equal(w, g)
	}
	return want == got
}

func asBytes(v any) ([]byte, bool) {
	switch v := v.(type) {
	case string:
		return []byte(v), true
	case []byte:
		return v, true
	}
	return nil, false
}

// TestHeadersMatch follows RabbitMQ's documentation of the headers exchange:
// x-match all (the default) needs every argument to match, any one of
// them; x- arguments take part only with all-with-x and any-with-x; an
// argument without a value asks only that the header be there.
func TestHeadersMatch(t *testing.T) {
	msg := map[string]any{"format": "pdf", "type": "report", "n": 3, "x-region": "eu"}
	tests := []struct {
		name string
		args map[string]any
		want bool
	}{
		{"all by default, every header equal", map[string]any{"format": "pdf", "type": "report"}, true},
		{"all, one differs", map[string]any{"format": "pdf", "type": "log"}, false},
		{"all, one missing", map[string]any{"format": "pdf", "size": "a4"}, false},
		{"explicit all", map[string]any{"x-match": "all", "format": "pdf"}, true},
		{"all with nothing to compare matches", map[string]any{}, true},
		{"all with only x-match matches", map[string]any{"x-match": "all"}, true},
		{"any, one equal", map[string]any{"x-match": "any", "format": "zip", "type": "report"}, true},
		{"any, none equal", map[string]any{"x-match": "any", "format": "zip", "type": "log"}, false},
		{"any with nothing to compare never matches", map[string]any{"x-match": "any"}, false},
		{"all skips x- arguments", map[string]any{"format": "pdf", "x-region": "us"}, true},
		{"any skips x- arguments", map[string]any{"x-match": "any", "x-region": "eu"}, false},
		{"all-with-x compares x- arguments", map[string]any{"x-match": "all-with-x", "format": "pdf", "x-region": "us"}, false},
		{"all-with-x, x- argument equal", map[string]any{"x-match": "all-with-x", "format": "pdf", "x-region": "eu"}, true},
		{"any-with-x, x- argument equal", map[string]any{"x-match": "any-with-x", "format": "zip", "x-region": "eu"}, true},
		{"any-with-x, nothing equal", map[string]any{"x-match": "any-with-x", "format": "zip", "x-region": "us"}, false},
		{"void asks for presence", map[string]any{"type": nil}, true},
		{"void, header absent", map[string]any{"size": nil}, false},
		{"other value", map[string]any{"n": 4}, false},
		{"equality is the caller's", map[string]any{"format": []byte("pdf")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HeadersMatch(tt.args, msg, equal); got != tt.want {
				t.Errorf("HeadersMatch(%v, %v) = %v, want %v", tt.args, msg, got, tt.want)
			}
		})
	}
}

func TestHeadersMatchNoHeaders(t *testing.T) {
	if !HeadersMatch(map[string]any{"x-match": "all"}, nil, equal) {
		t.Error("all with nothing to compare did not take a message without headers")
	}
	if HeadersMatch(map[string]any{"format": "pdf"}, nil, equal) {
		t.Error("all took a message without headers")
	}
}

func TestParseXMatch(t *testing.T) {
	tests := []struct {
		value any
		want  XMatch
		ok    bool
	}{
		{"all", XMatch{}, true},
		{"any", XMatch{Any: true}, true},
		{"all-with-x", XMatch{WithX: true}, true},
		{"any-with-x", XMatch{Any: true, WithX: true}, true},
		{"some", XMatch{}, false},
		{"ALL", XMatch{}, false},
		{[]byte("any"), XMatch{}, false},
		{1, XMatch{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseXMatch(map[string]any{"x-match": tt.value})
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseXMatch(%v) = %+v, %v; want %+v, %v", tt.value, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := ParseXMatch(nil); got != (XMatch{}) || !ok {
		t.Errorf("ParseXMatch without x-match = %+v, %v; want all", got, ok)
	}
}

// TestHeadersVerdict decides bindings when some headers are unknown: a
// known header answers, an unknown one may go either way.
func TestHeadersVerdict(t *testing.T) {
	known := map[string]any{"kind": "a"}
	header := func(key string, want any) Verdict {
		got, ok := known[key]
		switch {
		case !ok:
			return Maybe
		case want == nil || equal(want, got):
			return Yes
		}
		return No
	}
	tests := []struct {
		args map[string]any
		want Verdict
	}{
		{map[string]any{"kind": "a"}, Yes},
		{map[string]any{"kind": "b"}, No},
		{map[string]any{"kind": nil}, Yes},
		{map[string]any{"size": "a4"}, Maybe},
		{map[string]any{"kind": "a", "size": "a4"}, Maybe},
		{map[string]any{"kind": "b", "size": "a4"}, No},
		{map[string]any{"x-match": "any", "kind": "a", "size": "a4"}, Yes},
		{map[string]any{"x-match": "any", "kind": "b", "size": "a4"}, Maybe},
		{map[string]any{"x-match": "any", "kind": "b"}, No},
		{map[string]any{"x-match": "any"}, No},
		{map[string]any{}, Yes},
		{map[string]any{"x-trace": "1"}, Yes},
		{map[string]any{"x-match": "all-with-x", "x-trace": "1"}, Maybe},
	}
	for _, tt := range tests {
		if got := HeadersVerdict(tt.args, header); got != tt.want {
			t.Errorf("HeadersVerdict(%v) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
