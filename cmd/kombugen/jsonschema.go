package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/kombugen/kombugen/jsonschema"
	"github.com/kombugen/kombugen/schema"
)

var jsonschemaCmd = &command{
	name:  "jsonschema",
	args:  "[-message NAME] [-serializer NAME] [-o FILE] SCHEMA",
	short: "write a JSON Schema of each message's body, for consumers",
	long: `Jsonschema writes a JSON Schema (draft 2020-12) of each message's body as a
consumer decodes it, so that consumers (Python's jsonschema package, for
one) can validate what arrives: one JSON object with a schema per
message, keyed by the message's name, or with -message the one schema of
that message. A raw or go_type message has no schema: it is left out, with
a note on stderr. A body is described as its message's serializer sends
it (bytes and times differ), or as -serializer's, for producers that
choose it when they publish.

The JSON goes to stdout, or to FILE with -o.
`,
	flags: func(fs *flag.FlagSet) func(stdio, []string) error {
		out := fs.String("o", "", "write the JSON to `FILE` instead of stdout")
		message := fs.String("message", "", "write the schema of the message `NAME` alone")
		serializer := fs.String("serializer", "", "describe bodies as the serializer `NAME` (json, yaml, msgpack) sends them")
		return func(std stdio, args []string) error {
			opts := []jsonschema.Option{jsonschema.OnSkip(func(sk jsonschema.Skip) { fmt.Fprintln(std.err, sk) })}
			if *serializer != "" {
				opts = append(opts, jsonschema.Serializer(*serializer))
			}
			return writeFromSchema(std, args, *out, func(w io.Writer, s *schema.Schema) error {
				if *message != "" {
					return jsonschema.WriteMessage(w, s, *message, opts...)
				}
				return jsonschema.Write(w, s, opts...)
			})
		}
	},
}
