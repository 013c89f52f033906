package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// The exit codes, as SPEC.md section 3 sets them.
const (
	exitOK     = 0
	exitFailed = 1 // the input is wrong, or a check failed
	exitUsage  = 2 // an unknown verb or flag, missing arguments
)

// programName starts every message that is not a schema's problem.
const programName = "kombugen"

// commands are the verbs in the order the usage lists them. A verb is
// added by writing its file, which defines its command, and listing it
// here.
var commands = []*command{
	generateCmd,
	checkCmd,
	diffCmd,
	docsCmd,
	jsonschemaCmd,
	definitionsCmd,
	versionCmd,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run carries out the command line args (without the program name) and
// returns the exit code. It is main without the process around it, so
// tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	std := stdio{out: stdout, err: stderr}
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	switch verb := args[0]; verb {
	case "help", "-h", "-help", "--help":
		if verb == "help" && len(args) > 1 {
			return help(std, args[1:])
		}
		printUsage(stdout)
		return exitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "%s: unknown verb %q\n\n", programName, args[0])
		printUsage(stderr)
		return exitUsage
	}
	return c.main(std, args[1:])
}

// lookup returns the command named name, or nil.
func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// help prints the usage of the verb "kombugen help VERB" names.
func help(std stdio, args []string) int {
	c := lookup(args[0])
	if c == nil || len(args) > 1 {
		fmt.Fprintf(std.err, "%s help: want one verb of: %s\n", programName, verbNames())
		return exitUsage
	}
	c.printHelp(std.out)
	return exitOK
}

// printUsage lists the verbs.
func printUsage(w io.Writer) {
	fmt.Fprintf(w, "%s compiles a YAML schema of AMQP topology and messages into typed Go producers.\n\n", programName)
	fmt.Fprintf(w, "Usage:\n\n\t%s <verb> [arguments]\n\nVerbs:\n\n", programName)
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-*s  %s\n", width, c.name, c.short)
	}
	fmt.Fprintf(w, "\nRun \"%s <verb> -h\" for a verb's usage.\n", programName)
}

// verbNames returns the verbs, comma-separated.
func verbNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// errFailed is returned by a verb that has already printed why it failed;
// run exits 1 without printing more.
var errFailed = errors.New("failed")

// report prints err on w: a schema's problems one per line as
// FILE:LINE:COL: message, anything else prefixed with the program name.
func report(w io.Writer, err error) {
	var list schema.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintln(w, e)
		}
		return
	}
	fmt.Fprintf(w, "%s: %v\n", programName, err)
}
