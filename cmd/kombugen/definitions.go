package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/kombugen/kombugen/definitions"
	"github.com/kombugen/kombugen/schema"
)

var definitionsCmd = &command{
	name:  "definitions",
	args:  "[-vhost NAME] [-o FILE] SCHEMA",
	short: "write RabbitMQ definitions JSON for the topology",
	long: `Definitions writes the exchanges, queues and bindings of SCHEMA as RabbitMQ
definitions JSON, for rabbitmqctl import_definitions or the management
API (POST /api/definitions), so that operators can create the topology
before any producer runs. Exclusive queues belong to one connection and
cannot be imported: they are left out, each with a note on stderr. The
file names its virtual host (-vhost, default /), so that importing it
creates the vhost when it is new.

The JSON goes to stdout, or to FILE with -o.
`,
	flags: func(fs *flag.FlagSet) func(stdio, []string) error {
		out := fs.String("o", "", "write the JSON to `FILE` instead of stdout")
		vhost := fs.String("vhost", definitions.DefaultVHost, "the virtual host `NAME` the entities belong to")
		return func(std stdio, args []string) error {
			skipped := func(sk definitions.Skip) { fmt.Fprintf(std.err, "%s\n", sk) }
			return writeFromSchema(std, args, *out, func(w io.Writer, s *schema.Schema) error {
				return definitions.Write(w, s, definitions.VHost(*vhost), definitions.OnSkip(skipped))
			})
		}
	},
}
