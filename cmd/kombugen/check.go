package main

import (
	"flag"
	"os"
	"path/filepath"
)

var checkCmd = &command{
	name:  "check",
	args:  "SCHEMA...",
	short: "validate schemas",
	long: `Check validates each SCHEMA as generate would, go_type references included,
and prints every problem of every file, one per line as FILE:LINE:COL:
message. It writes nothing, prints nothing when all are valid, and exits 1
when any is not.
`,
	flags: func(*flag.FlagSet) func(stdio, []string) error {
		return runCheck
	},
}

// runCheck checks each schema in args, printing every problem as it goes,
// and returns errFailed when any had one.
func runCheck(std stdio, args []string) error {
	if len(args) == 0 {
		return usagef("missing SCHEMA")
	}
	if flagAfterArgs(args) {
		return usagef("flags must come before SCHEMA")
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	failed := false
	for _, path := range args {
		// Each schema is checked for the file generate would write by
		// default, so its default package and go_type resolution are
		// generate's.
		out, err := filepath.Abs(outputName(path))
		if err == nil {
			_, err = build(path, target{out: out, cwd: cwd, goPackage: os.Getenv("GOPACKAGE")})
		}
		if err != nil {
			report(std.err, err)
			failed = true
		}
	}
	if failed {
		return errFailed
	}
	return nil
}
