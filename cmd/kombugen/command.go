package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// stdio is where a verb prints.
type stdio struct {
	out, err io.Writer
}

// A command is one verb of the command line: its usage and how to run it.
type command struct {
	// name is the verb.
	name string
	// args is the usage after "kombugen NAME", such as "[-o FILE] SCHEMA".
	args string
	// short is the one line the verb list shows.
	short string
	// long explains the verb in the usage -h prints; it ends in a newline.
	long string
	// flags defines the verb's flags on fs and returns the function that
	// carries out the verb with the arguments left after the flags. It
	// returns nil on success, errFailed once it has printed why it failed,
	// a *usageError, or another error for run to print.
	flags func(fs *flag.FlagSet) func(std stdio, args []string) error
}

// usageError is a mistake in how a verb was called: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a *usageError.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// main parses the verb's flags, runs it and returns the exit code.
func (c *command) main(std stdio, args []string) int {
	fs, runVerb := c.flagSet()
	// The flag package prints a bad flag's error to fs's output; the usage
	// that follows is ours, on stderr, while -h prints it on stdout.
	fs.SetOutput(std.err)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printHelp(std.out)
			return exitOK
		}
		c.printUsageHint(std.err)
		return exitUsage
	}
	err := runVerb(std, fs.Args())
	var uerr *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &uerr):
		fmt.Fprintf(std.err, "%s %s: %s\n", programName, c.name, uerr.msg)
		c.printUsageHint(std.err)
		return exitUsage
	case errors.Is(err, errFailed):
		return exitFailed
	}
	report(std.err, err)
	return exitFailed
}

// flagSet returns a FlagSet with the verb's flags, and the verb.
func (c *command) flagSet() (*flag.FlagSet, func(stdio, []string) error) {
	fs := flag.NewFlagSet(programName+" "+c.name, flag.ContinueOnError)
	// Usage is printed by main, which knows whether it was asked for.
	fs.Usage = func() {}
	return fs, c.flags(fs)
}

// printUsageHint prints the usage line and where to read more, after a
// usage mistake.
func (c *command) printUsageHint(w io.Writer) {
	fmt.Fprintf(w, "%s\nRun \"%s %s -h\" for details.\n", c.usageLine(), programName, c.name)
}

// usageLine returns "usage: kombugen NAME ARGS".
func (c *command) usageLine() string {
	return strings.TrimSpace(fmt.Sprintf("usage: %s %s %s", programName, c.name, c.args))
}

// printHelp prints the verb's full usage: the usage line, the explanation
// and the flags.
func (c *command) printHelp(w io.Writer) {
	fs, _ := c.flagSet()
	fmt.Fprintln(w, c.usageLine())
	if c.long != "" {
		fmt.Fprintf(w, "\n%s", c.long)
	}
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintf(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// oneArg returns the only argument, or a usage error naming what was
// wanted.
func oneArg(args []string, what string) (string, error) {
	switch {
	case len(args) == 0:
		return "", usagef("missing %s", what)
	case len(args) > 1:
		if flagAfterArgs(args) {
			return "", usagef("flags must come before %s", what)
		}
		return "", usagef("want one %s, got %d arguments: %s", what, len(args), strings.Join(args, " "))
	}
	return args[0], nil
}

// flagAfterArgs reports whether args, which the flag package left over,
// hold something that looks like a flag: the flag package stops at the
// first argument that is not one.
func flagAfterArgs(args []string) bool {
	for _, a := range args[1:] {
		if len(a) > 1 && a[0] == '-' {
			return true
		}
	}
	return false
}
