package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kombugen/kombugen/schema"
)

var checkCmd = &command{
	name:  "check",
	args:  "[-strict] SCHEMA...",
	short: "validate and lint schemas",
	long: `Check validates each SCHEMA as generate would, go_type references included,
and prints every problem of every file, one per line as FILE:LINE:COL:
message. It writes nothing and exits 1 when any schema is invalid.

Valid schemas are then linted for what works but is likely not meant: a
message no binding routes, a priority above what the queue holds, an
argument RabbitMQ refuses for the queue's type, redundant bindings and the
like. Each warning is printed as FILE:LINE:COL: warning: message [rule];
warnings alone exit 0, or 1 with -strict.
`,
	flags: func(fs *flag.FlagSet) func(stdio, []string) error {
		strict := fs.Bool("strict", false, "exit 1 when there are warnings")
		return func(std stdio, args []string) error { return runCheck(std, args, *strict) }
	},
}

// runCheck checks each schema in args, printing every problem and warning
// as it goes, and returns errFailed when any had a problem (or, strict, a
// warning).
func runCheck(std stdio, args []string, strict bool) error {
	if len(args) == 0 {
		return usagef("missing SCHEMA")
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	failed, warned := false, false
	for _, path := range args {
		// Each schema is checked for the file generate would write by
		// default, so its default package and go_type resolution are
		// generate's.
		out, err := filepath.Abs(outputName(path))
		var s *schema.Schema
		if err == nil {
			s, _, err = build(path, target{out: out, cwd: cwd, goPackage: os.Getenv("GOPACKAGE")}, false)
		}
		if err != nil {
			report(std.err, err)
			failed = true
			continue
		}
		if printWarnings(std, s) {
			warned = true
		}
	}
	if failed || (strict && warned) {
		return errFailed
	}
	return nil
}

// printWarnings lints s and prints its warnings on stderr, one per line
// as FILE:LINE:COL: warning: message [rule], reporting whether there were
// any.
func printWarnings(std stdio, s *schema.Schema) bool {
	warnings := schema.Lint(s)
	for _, w := range warnings {
		fmt.Fprintf(std.err, "%s: warning: %s [%s]\n", w.Pos, w.Msg, w.Rule)
	}
	return len(warnings) > 0
}
