package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kombugen/kombugen/schema"
	"github.com/kombugen/kombugen/schemadiff"
)

var diffCmd = &command{
	name:  "diff",
	args:  "[-format text|markdown|json] OLD NEW | [-format ...] -against GITREV NEW",
	short: "report what a schema change breaks",
	long: `Diff compares two versions of a schema and lists every change, classified
in AMQP terms and placed at FILE:LINE:COL:

  WIRE     the bytes consumers read change (a field removed, a type, the
           serializer or compression)
  ROUTING  messages go elsewhere (an exchange, a routing key, a binding)
  DECLARE  the broker refuses the redeclare with PRECONDITION_FAILED (an
           exchange's or queue's attributes or arguments)
  GO_API   callers of the generated code stop compiling
  POLICY   how messages are published weakens (confirms off, persistence
           dropped, TTL shortened)

Each change is breaking, a warning or compatible. Diff exits 1 when any is
breaking and 0 otherwise. With -against, OLD is NEW as it was at GITREV in
its git repository (a schema that did not exist there is all additions).
-format markdown is meant to be posted on a pull request.
`,
	flags: func(fs *flag.FlagSet) func(stdio, []string) error {
		d := new(diffFlags)
		fs.StringVar(&d.format, "format", "text", "the report's `format`: "+strings.Join(schemadiff.Formats, ", "))
		fs.StringVar(&d.against, "against", "", "read OLD from git at `GITREV` (a commit, branch or tag)")
		return d.run
	},
}

// diffFlags are diff's flags.
type diffFlags struct {
	format  string
	against string
}

func (d *diffFlags) run(std stdio, args []string) error {
	if !slices.Contains(schemadiff.Formats, d.format) {
		return usagef("unknown -format %q; want one of %s", d.format, strings.Join(schemadiff.Formats, ", "))
	}
	oldPath, newPath, err := d.paths(args)
	if err != nil {
		return err
	}
	newSchema, err := loadForDiff(newPath)
	if err != nil {
		report(std.err, err)
		return errFailed
	}
	oldSchema, err := d.loadOld(oldPath, newPath)
	if err != nil {
		report(std.err, err)
		return errFailed
	}
	r := schemadiff.Compare(oldSchema, newSchema)
	if err := schemadiff.Write(std.out, r, d.format); err != nil {
		return err
	}
	if r.Breaking() {
		return errFailed
	}
	return nil
}

// paths returns OLD and NEW from the arguments; OLD is "" with -against.
func (d *diffFlags) paths(args []string) (string, string, error) {
	if d.against != "" {
		newPath, err := oneArg(args, "NEW (with -against)")
		return "", newPath, err
	}
	if len(args) != 2 {
		return "", "", usagef("want OLD and NEW, got %d arguments", len(args))
	}
	return args[0], args[1], nil
}

// loadOld loads OLD from its file or from git.
func (d *diffFlags) loadOld(oldPath, newPath string) (*schema.Schema, error) {
	if d.against == "" {
		return loadForDiff(oldPath)
	}
	s, err := schemadiff.LoadAtRevision(context.Background(), d.against, newPath, diffOptions(newPath))
	if errors.Is(err, schemadiff.ErrNotAtRevision) {
		return nil, nil
	}
	return s, err
}

// loadForDiff loads a schema with the package generate would give it, for
// the verbs that read a schema without generating its code.
func loadForDiff(path string) (*schema.Schema, error) {
	return load(path, diffOptions(path))
}

func diffOptions(path string) schema.Options {
	cwd, _ := os.Getwd()
	out, err := filepath.Abs(outputName(path))
	if err != nil {
		out = outputName(path)
	}
	return schema.Options{DefaultPackage: defaultPackage(out, cwd, os.Getenv("GOPACKAGE"))}
}
