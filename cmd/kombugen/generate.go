package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/diff"
)

var generateCmd = &command{
	name:  "generate",
	args:  "[-o FILE] [-package NAME] [-check] [-strict] SCHEMA",
	short: "write the Go producers for a schema",
	long: `Generate validates SCHEMA and writes its Go producers to FILE. A schema with
problems writes nothing: each is printed as FILE:LINE:COL: message.

FILE defaults to a file beside SCHEMA named after it, with .yaml or .yml,
then .kombugen, cut off and _gen.go appended: orders.kombugen.yaml writes
orders_gen.go. FILE is replaced atomically, keeps its permissions, and is
not touched when it already holds what would be written. It must be a
regular file, or not exist yet, and not SCHEMA itself.

The package is -package, else the schema's package key, else $GOPACKAGE
when FILE is in the current directory (go generate sets it), else FILE's
directory name made an identifier.

The lint warnings check prints are printed on stderr too; with -strict a
schema with warnings fails as one with problems does, and nothing is
written.

With -check nothing is written: generate exits 0 when FILE is up to date,
and otherwise prints a unified diff from FILE to what would be generated
and exits 1.
`,
	flags: func(fs *flag.FlagSet) func(stdio, []string) error {
		g := new(generateFlags)
		fs.StringVar(&g.out, "o", "", "write the Go code to `FILE` (default: SCHEMA's name with _gen.go, beside it)")
		fs.StringVar(&g.pkg, "package", "", "the Go package `NAME`, overriding the schema's package key")
		fs.BoolVar(&g.check, "check", false, "write nothing; exit 1 with a diff when FILE is not what would be generated")
		fs.BoolVar(&g.strict, "strict", false, "fail on lint warnings, writing nothing")
		return g.run
	},
}

// generateFlags are generate's flags.
type generateFlags struct {
	out    string
	pkg    string
	check  bool
	strict bool
}

// run generates the file for the one schema in args, or with -check
// compares it with the file on disk.
func (g *generateFlags) run(std stdio, args []string) error {
	path, err := oneArg(args, "SCHEMA")
	if err != nil {
		return err
	}
	out := g.out
	if out == "" {
		out = outputName(path)
	}
	if err := checkOutput(out, path); err != nil {
		return err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	s, src, err := build(path, target{out: abs, pkg: g.pkg, cwd: cwd, goPackage: os.Getenv("GOPACKAGE")}, true)
	if err != nil {
		return err
	}
	if printWarnings(std, s) && g.strict {
		return errFailed
	}
	if g.check {
		return checkFile(std, out, displayPath(out, cwd), src)
	}
	_, err = writeIfChanged(out, src)
	return err
}

// checkFile compares the file at name, shown as display, with src, the
// code that would be generated. When they differ it prints a diff from the
// file to src on stdout and returns errFailed.
func checkFile(std stdio, name, display string, src []byte) error {
	old, err := readOutput(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(std.err, "%s: %s does not exist; run %s generate\n", programName, display, programName)
		std.out.Write(diff.Diff("/dev/null", nil, diffName("b/", display), src))
		return errFailed
	case err != nil:
		return err
	case bytes.Equal(old, src):
		return nil
	}
	fmt.Fprintf(std.err, "%s: %s is not what the schema generates; run %s generate\n", programName, display, programName)
	std.out.Write(diff.Diff(diffName("a/", display), old, diffName("b/", display), src))
	return errFailed
}

// diffName returns how a diff's header names the file shown as display:
// with git's a/ or b/ prefix when it is relative, as it is when absolute.
func diffName(prefix, display string) string {
	if filepath.IsAbs(filepath.FromSlash(display)) {
		return display
	}
	return prefix + display
}
