package memory

import (
	"strings"
	"testing"

	"github.com/kombugen/kombugen/runtime"
)

// The expectations below were read from RabbitMQ 3.10.8's reply texts.

func TestErlFloat(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{5, "5.0"}, {1.5, "1.5"}, {-2.5, "-2.5"}, {0.1, "0.1"}, {0.5, "0.5"},
		{10, "10.0"}, {100, "100.0"}, {120, "120.0"}, {1000, "1.0e3"}, {1.5e6, "1.5e6"},
		{123456789, "123456789.0"}, {123.456, "123.456"}, {1000.5, "1000.5"},
		{1e15, "1.0e15"}, {1234567890123456, "1234567890123456.0"},
		{9007199254740992, "9.007199254740992e15"}, {12345678901234567, "1.2345678901234568e16"},
		{1e20, "1.0e20"}, {1e100, "1.0e100"},
		{0.0001, "0.0001"}, {0.001, "0.001"}, {0.0012, "0.0012"}, {0.00012, "1.2e-4"},
		{1e-5, "1.0e-5"}, {1.5e-7, "1.5e-7"}, {5e-324, "5.0e-324"},
		{float64(float32(0.1)), "0.10000000149011612"},
	}
	for _, tt := range tests {
		if got := erlFloat(tt.f); got != tt.want {
			t.Errorf("erlFloat(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func TestErlP(t *testing.T) {
	tooLarge := func(n string) tuple { return tuple{atom("value_too_large"), bigInt(n)} }
	tests := []struct {
		term  any
		col   int
		width int
		want  string
	}{
		{tooLarge("315360000001"), 35, 80, "{value_too_large,315360000001}"},
		// a term may end two columns short of the width, no closer
		{tooLarge("315360000001"), 48, 80, "{value_too_large,315360000001}"},
		{tooLarge("315360000001"), 49, 80, "{value_too_large,\n" + strings.Repeat(" ", 50) + "315360000001}"},
		{tuple{atom("leftover_string"), erlString(`ab"\`)}, 20, 80, `{leftover_string,"ab\"\\"}`},
		{tuple{atom("leftover_string"), erlString("\x01\x02")}, 20, 80, "{leftover_string,[1,2]}"},
		{tuple{atom("leftover_string"), erlString("\n")}, 20, 80, `{leftover_string,"\n"}`},
		{erlString("unsupported queue type 'bogus'"), 60, 255, `"unsupported queue type 'bogus'"`},
		{tuple{atom("unacceptable_type_in_header"), erlString("CC"), atom("longstr")}, 17, 80,
			`{unacceptable_type_in_header,"CC",longstr}`},
		{[]any{field{"signedint", int64(1)}, field{"longstr", []byte("a")}, field{"binary", []byte("b")}}, 1, 80,
			`[{signedint,1},{longstr,<<"a">>},{binary,<<"b">>}]`},
		{[]any{tableEntry{[]byte("k"), field{"longstr", []byte("v")}}}, 1, 80, `[{<<"k">>,longstr,<<"v">>}]`},
	}
	for _, tt := range tests {
		if got := erlP(tt.term, tt.col, tt.width); got != tt.want {
			t.Errorf("erlP(%v, %d, %d) =\n%s\nwant\n%s", tt.term, tt.col, tt.width, got, tt.want)
		}
	}
}

// TestReplyTextLimit: AMQP carries at most 255 bytes of reply text;
// RabbitMQ cuts longer ones to 252 and "...".
func TestReplyTextLimit(t *testing.T) {
	be := preconditionFailed("%s", strings.Repeat("a", 300)).(*runtime.BrokerError)
	if len(be.Reason) != 255 || !strings.HasPrefix(be.Reason, "PRECONDITION_FAILED - aaa") || !strings.HasSuffix(be.Reason, "a...") {
		t.Errorf("reason is %d bytes: %q", len(be.Reason), be.Reason)
	}
}
