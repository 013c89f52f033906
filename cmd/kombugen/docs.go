package main

import (
	"bytes"
	"flag"
	"io"

	"github.com/kombugen/kombugen/docs"
	"github.com/kombugen/kombugen/schema"
)

var docsCmd = &command{
	name:  "docs",
	args:  "[-o FILE] SCHEMA",
	short: "write Markdown docs with a topology diagram",
	long: `Docs writes Markdown for the reviewers and consumers of SCHEMA: a Mermaid
diagram of its exchanges, bindings and queues, and for each message its
exchange, routing key and parameters, the policy in effect (and where each
value comes from), its fields with their types and constraints, and which
queues receive it, worked out from the bindings.

The Markdown goes to stdout, or to FILE with -o (written only when it
changes).
`,
	flags: func(fs *flag.FlagSet) func(stdio, []string) error {
		out := fs.String("o", "", "write the Markdown to `FILE` instead of stdout")
		return func(std stdio, args []string) error {
			return writeFromSchema(std, args, *out, docs.Write)
		}
	},
}

// writeFromSchema loads the one schema args name and writes what write
// makes of it to stdout, or to the file out when it is not "".
func writeFromSchema(std stdio, args []string, out string, write func(io.Writer, *schema.Schema) error) error {
	path, err := oneArg(args, "SCHEMA")
	if err != nil {
		return err
	}
	if out != "" {
		if err := checkOutput(out, path); err != nil {
			return err
		}
	}
	s, err := loadForDiff(path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(&buf, s); err != nil {
		return err
	}
	return emit(std, out, buf.Bytes())
}

// emit writes data to file, or to stdout when file is "".
func emit(std stdio, file string, data []byte) error {
	if file == "" {
		_, err := std.out.Write(data)
		return err
	}
	_, err := writeIfChanged(file, data)
	return err
}
