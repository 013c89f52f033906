package main

import (
	"flag"
	"fmt"
	"runtime/debug"
)

var versionCmd = &command{
	name:  "version",
	args:  "",
	short: "print kombugen's version",
	long: `Version prints "kombugen VERSION": the version of the kombugen module this
binary was built from, or (devel) when it was built from a checkout or a
replace directive. Generated files never hold it.
`,
	flags: func(*flag.FlagSet) func(stdio, []string) error {
		return func(std stdio, args []string) error {
			if len(args) > 0 {
				return usagef("want no arguments, got %q", args[0])
			}
			bi, _ := debug.ReadBuildInfo()
			fmt.Fprintf(std.out, "%s %s\n", programName, moduleVersion(bi))
			return nil
		}
	},
}

// modulePath is kombugen's module.
const modulePath = "github.com/kombugen/kombugen"

// moduleVersion returns the version of kombugen in bi: of the main module
// when kombugen was built on its own (go install ...@v1.2.0), else of the
// dependency, as under go run or go tool from a user's module. A module
// replaced by a directory, or built from a checkout without VCS stamping,
// is (devel).
func moduleVersion(bi *debug.BuildInfo) string {
	const devel = "(devel)"
	if bi == nil {
		return devel
	}
	m := &bi.Main
	if m.Path != modulePath {
		m = nil
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				m = d
				break
			}
		}
	}
	if m == nil {
		return devel
	}
	if m.Replace != nil {
		m = m.Replace
	}
	if m.Version == "" {
		return devel
	}
	return m.Version
}
