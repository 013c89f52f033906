// Package definitions writes a schema's topology as a RabbitMQ definitions
// file: the JSON that `rabbitmqctl import_definitions FILE`, the management
// API (POST /api/definitions) and the load_definitions setting read.
//
//	s, err := schema.Load("orders.kombugen.yaml", schema.Options{})
//	...
//	err = definitions.Write(os.Stdout, s, definitions.OnSkip(func(sk definitions.Skip) {
//		fmt.Fprintln(os.Stderr, sk) // orders.kombugen.yaml:21:3: queue "replies" left out: ...
//	}))
//
// # What is written
//
// The file has four lists, in the order RabbitMQ imports them: vhosts
// ([{name}], the one virtual host of every entity), exchanges
// ({name, vhost, type, durable, auto_delete, internal, arguments}), queues
// ({name, vhost, durable, auto_delete, arguments}) and bindings ({source,
// vhost, destination, destination_type, routing_key, arguments}): the
// exchanges' bindings to source exchanges (destination_type "exchange"),
// then the queues' (destination_type "queue"), each in the schema's file
// order, with field names exactly as RabbitMQ's
// rabbit_definitions module reads them. A queue's type travels in its
// x-queue-type argument, which is what the import reads; RabbitMQ's export
// adds a "type" field that its import ignores, so it is not written.
// Arguments keep the schema's order. Output is indented by two spaces and
// ends with a newline: the same schema gives the same bytes.
//
// The queues tasks are sent to that the schema does not describe come
// last, as Celery declares them (and as the generated senders do): each
// durable with no arguments, bound with its name as routing key to a
// durable direct exchange of the same name.
//
// Every entity names the virtual host "/" unless the VHost option says
// otherwise, and the vhosts list names it, so importing the file into a
// virtual host that does not exist yet creates it; one that exists is
// left as it is. Permissions on a new one are for the operator to grant
// (rabbitmqctl set_permissions).
//
// # Decisions
//
//   - Exclusive queues are left out, with their bindings, and reported
//     through OnSkip: an exclusive queue belongs to the connection that
//     declares it, so RabbitMQ's definitions cannot hold one (its export
//     leaves them out for the same reason). This is not an error, so
//     that a schema with a reply queue still yields the rest of its
//     topology; the CLI prints each Skip on stderr.
//   - Predeclared exchanges (amq.*) are never written, as the broker has
//     them; bindings to them are.
//   - Argument values that the definitions format cannot carry are errors,
//     reported with their positions: null (RabbitMQ's import fails with
//     unhandled_type) and !!binary byte strings (JSON has no byte arrays,
//     and a string would arrive as a different AMQP type). Floats are
//     written with a fraction or exponent (2.0, not 2), so that they stay
//     floats and do not arrive as integers.
package definitions
