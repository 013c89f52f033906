// Package schema reads a kombugen schema: a YAML file of AMQP exchanges,
// queues, bindings, message types and publishing policies (SPEC.md section
// 2). It checks everything, reports every problem of a file at once, and
// resolves the schema into a plain model that the generator turns into Go
// code without looking at YAML again.
//
//	s, err := schema.Load("orders.kombugen.yaml", schema.Options{DefaultPackage: "orders"})
//	if err != nil {
//		fmt.Fprintln(os.Stderr, err) // orders.kombugen.yaml:12:5: message "OrderCreated": ...
//		os.Exit(1)
//	}
//	for _, m := range s.Messages { ... }
//
// # Errors
//
// A schema's problems come back together as an ErrorList, sorted by
// position, each printed as FILE:LINE:COL: message, such as
//
//	orders.yaml:12:5: message "OrderCreated": field "total": type: unknown type "Moneyy" (did you mean "Money"?)
//
// Messages name the entity in the schema's own terms, quote user names with
// %q and say what was wanted. Parse rejects unknown keys, values of the
// wrong YAML type, missing required keys, unknown references, duplicate
// names and names that yield the same Go identifier, malformed routing
// keys, constraints that do not fit their field, out-of-range numbers,
// durations, names and patterns, and structs that contain themselves
// through required fields.
//
// # The model
//
// Schema is a tree of plain data: entities refer to each other by name
// (Message.Exchange, TypeRef.Name, Producer.Messages), lists keep the order
// of the file, and each entity carries its Pos and description. Go names
// are worked out here, once, by the rules in names.go (GoName, VarName,
// EnumConstName, ProducerName, ExchangeName, QueueName), and stored on the
// model. Each message's Policy is resolved from the built-in defaults, the
// defaults section, its named policy and its own keys, in that order, and
// records in Origins where each value came from. Exchanges and queues carry
// their AMQP declare arguments fully computed.
//
// # YAML
//
// Anchors, aliases and merge keys (<<: *common) work anywhere. Keys that
// begin with x- are extension keys and are ignored everywhere except in
// arguments and headers, where x- is AMQP's own convention; so anchors can
// live in keys such as x-common, and no exchange, queue, type, field,
// message, param, policy or producer can have a name beginning with x-.
//
// # Decisions where SPEC.md is silent
//
//   - Every {param} of a routing key must be declared under params; a
//     param without a type is a string. Params must be used.
//   - Parameter types are string, the integer types and enums.
//   - Message and binding exchanges must be declared in the schema or be
//     predeclared by the broker ("" and amq.*); alternate_exchange and
//     dead_letter_exchange may name exchanges managed elsewhere.
//   - A message with no exchange of its own takes its producers'; with none
//     there, or different ones, it is an error ("" must be written to use
//     the default exchange). Internal exchanges cannot be published to. A
//     message no producer lists is allowed (its type is still generated).
//   - A {param} may fill part of a word (order.v{version}); on a topic
//     exchange the runtime rejects values holding ".", "*" or "#", so it
//     stays within one word. A message's routing key on a topic exchange is
//     a publish key: its literal text may not hold the wildcards * and #,
//     and enum parameters may not have values holding ".", "*" or "#".
//     Binding keys may hold wildcards. There is no escape for a literal
//     brace. The 255-byte limit counts each parameter as one byte.
//   - Durations that go on the wire in milliseconds (ttl, message_ttl) must
//     be whole milliseconds.
//   - x-queue-type is only sent when the queue's type is written. Quorum
//     queues and streams must be durable, non-exclusive, not auto-delete.
//   - Compression aliases are stored under their main names (gzip as zlib,
//     xz as lzma).
//   - A producer's Go type is its GoName plus Producer (Orders =>
//     OrdersProducer; Producer stays Producer); exchanges and queues get
//     topology values named with Exchange and Queue appended. All these,
//     messages, types and enum constants share one namespace, checked for
//     clashes; a field may not be named Validate, the generated method.
package schema
