package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestParseArgs checks that flags are taken wherever they are and that
// "--" ends them, unless it is a flag's value.
func TestParseArgs(t *testing.T) {
	for _, tt := range []struct {
		args      string
		rest      string
		out       string
		check     bool
		wantError bool
	}{
		{args: "a.yaml", rest: "a.yaml"},
		{args: "-o x.go a.yaml", rest: "a.yaml", out: "x.go"},
		{args: "a.yaml -o x.go", rest: "a.yaml", out: "x.go"},
		{args: "a.yaml -check b.yaml --o=x.go", rest: "a.yaml b.yaml", out: "x.go", check: true},
		{args: "a.yaml -- -o x.go", rest: "a.yaml -o x.go"},
		{args: "-- -check", rest: "-check"},
		{args: "-o -- a.yaml", rest: "a.yaml", out: "--"},
		{args: "-check -- -o", rest: "-o", check: true},
		{args: "- -check", rest: "-", check: true},
		{args: "a.yaml -nope", wantError: true},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		out := fs.String("o", "", "")
		check := fs.Bool("check", false, "")
		rest, err := parseArgs(fs, strings.Fields(tt.args))
		if tt.wantError {
			if err == nil {
				t.Errorf("parseArgs(%s): no error", tt.args)
			}
			continue
		}
		if err != nil || !slices.Equal(rest, strings.Fields(tt.rest)) || *out != tt.out || *check != tt.check {
			t.Errorf("parseArgs(%s) = %q, %v with -o %q -check %v; want %q with -o %q -check %v",
				tt.args, rest, err, *out, *check, tt.rest, tt.out, tt.check)
		}
	}
}
