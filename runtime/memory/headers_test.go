package memory

import (
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

func TestHeadersMatch(t *testing.T) {
	msg := runtime.Table{"format": "pdf", "type": "report", "n": int64(3), "x-region": "eu"}
	tests := []struct {
		name string
		args runtime.Table
		want bool
	}{
		{"all by default, every header equal", runtime.Table{"format": "pdf", "type": "report"}, true},
		{"all, one differs", runtime.Table{"format": "pdf", "type": "log"}, false},
		{"all, one missing", runtime.Table{"format": "pdf", "size": "a4"}, false},
		{"explicit all", runtime.Table{"x-match": "all", "format": "pdf"}, true},
		{"all with nothing to compare matches", runtime.Table{}, true},
		{"all with only x-match matches", runtime.Table{"x-match": "all"}, true},
		{"any, one equal", runtime.Table{"x-match": "any", "format": "zip", "type": "report"}, true},
		{"any, none equal", runtime.Table{"x-match": "any", "format": "zip", "type": "log"}, false},
		{"any with nothing to compare never matches", runtime.Table{"x-match": "any"}, false},
		{"all ignores x- arguments", runtime.Table{"format": "pdf", "x-region": "us"}, true},
		{"any ignores x- arguments", runtime.Table{"x-match": "any", "x-region": "eu"}, false},
		{"all-with-x compares x- arguments", runtime.Table{"x-match": "all-with-x", "format": "pdf", "x-region": "us"}, false},
		{"all-with-x, x- argument equal", runtime.Table{"x-match": "all-with-x", "format": "pdf", "x-region": "eu"}, true},
		{"any-with-x, x- argument equal", runtime.Table{"x-match": "any-with-x", "format": "zip", "x-region": "eu"}, true},
		{"any-with-x, nothing equal", runtime.Table{"x-match": "any-with-x", "format": "zip", "x-region": "us"}, false},
		{"nil asks for presence", runtime.Table{"type": nil}, true},
		{"nil, header absent", runtime.Table{"size": nil}, false},
		{"integer widths compare by value", runtime.Table{"n": int32(3)}, true},
		{"int compares with int64", runtime.Table{"n": 3}, true},
		{"uint8 compares with int64", runtime.Table{"n": uint8(3)}, true},
		{"other value", runtime.Table{"n": int64(4)}, false},
		{"a string is not a number", runtime.Table{"n": "3"}, false},
		{"bytes equal a string", runtime.Table{"format": []byte("pdf")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := headersMatch(tt.args, msg); got != tt.want {
				t.Errorf("headersMatch(%v, %v) = %v, want %v", tt.args, msg, got, tt.want)
			}
		})
	}
}

func TestHeadersMatchNoHeaders(t *testing.T) {
	if !headersMatch(runtime.Table{"x-match": "all"}, nil) {
		t.Error("all with nothing to compare did not match a message without headers")
	}
	if headersMatch(runtime.Table{"format": "pdf"}, nil) {
		t.Error("all matched a message without headers")
	}
}

func TestLooselyEqual(t *testing.T) {
	ts := time.Unix(1700000000, 0)
	tests := []struct {
		a, b any
		want bool
	}{
		{int8(-1), int64(-1), true},
		{uint16(7), int32(7), true},
		{int64(1 << 40), int32(0), false},
		{1, 1.0, true}, // Erlang's == compares numbers by value
		{1, 1.5, false},
		{"a", "a", true},
		{"a", "b", false},
		{"a", []byte("a"), true},
		{true, true, true},
		{true, 1, false},
		{nil, nil, true},
		{nil, "", false},
		{ts, int64(1700000000), true},
		{[]any{1, "a"}, []any{int32(1), "a"}, true},
		{[]any{1}, []any{int64(1)}, false}, // nested values keep their type
		{runtime.Table{"k": "v"}, runtime.Table{"k": "v"}, true},
		{runtime.Table{"k": "v"}, runtime.Table{"k": "w"}, false},
		{runtime.Table{"k": "v"}, runtime.Table{"j": "v"}, false},
	}
	for _, tt := range tests {
		if got := looselyEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("looselyEqual(%#v, %#v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
