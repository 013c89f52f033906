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
	args, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printHelp(std.out)
			return exitOK
		}
		c.printUsageHint(std.err)
		return exitUsage
	}
	err = runVerb(std, args)
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

// parseArgs parses the flags of fs wherever they are among args and
// returns the other arguments in order: users write flags after the files
// (kombugen diff -against main orders.yaml -format markdown) as often as
// before them. The flag package stops at the first argument that is not a
// flag, so parsing resumes after each one. "--" ends the flags: what
// follows it is taken as it is, dashes and all.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if n := len(args) - len(left); n > 0 && args[n-1] == "--" && !flagTakesValue(fs, args[:n-1]) {
			return append(rest, left...), nil
		}
		if len(left) == 0 {
			return rest, nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// flagTakesValue reports whether the last of parsed is a flag that takes
// the argument after it as its value, as "-o" does in "-o --".
func flagTakesValue(fs *flag.FlagSet, parsed []string) bool {
	if len(parsed) == 0 {
		return false
	}
	name, ok := strings.CutPrefix(parsed[len(parsed)-1], "-")
	if !ok || name == "" || strings.Contains(name, "=") {
		return false
	}
	name = strings.TrimPrefix(name, "-")
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, isBool := f.Value.(interface{ IsBoolFlag() bool })
	return !isBool || !b.IsBoolFlag()
}

// oneArg returns the only argument, or a usage error naming what was
// wanted.
func oneArg(args []string, what string) (string, error) {
	switch {
	case len(args) == 0:
		return "", usagef("missing %s", what)
	case len(args) > 1:
		return "", usagef("want one %s, got %d arguments: %s", what, len(args), strings.Join(args, " "))
	}
	return args[0], nil
}
