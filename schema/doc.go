// Package schema reads a kombugen schema: a YAML file of AMQP exchanges,
// queues, bindings, message types, Celery tasks and publishing policies
// (SPEC.md sections 2 and 6). It checks everything, reports every problem of a file at once, and
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
// %q and say what was wanted. A file that is not YAML gets one error, at
// the line and column where the text goes wrong (a tab in the
// indentation, a line indented between two blocks, a ':' or '}' left out,
// a string never closed), found by a scan of the text, as the YAML parser
// names only the line where the construct it failed in starts. Parse rejects unknown keys, values of the
// wrong YAML type, missing required keys, unknown references, duplicate
// names, malformed routing keys, constraints that do not fit their field,
// out-of-range numbers, durations, names and patterns, and structs that
// contain themselves through required fields. What the schema's names
// become in Go (clashes, names that yield no identifier) is the
// generator's to check, in generator/gomodel: Parse returns the schema as
// far as it resolved it along with its errors, so that gomodel.Check
// reports both in one run.
//
// # The model
//
// Schema is a tree of plain data: entities refer to each other by name
// (Message.Exchange, TypeRef.Name, Producer.Messages), lists keep the order
// of the file, and each entity carries its Pos and description. It knows
// nothing of the Go code generated from it: the generator's own model,
// generator/gomodel, names that. Each message's Policy is resolved from the built-in defaults, the
// defaults section, its named policy and its own keys, in that order, and
// records in Origins where each value came from. Exchanges and queues carry
// their AMQP declare arguments fully computed.
//
// A Task is a Celery task: the name its worker registered it under, where
// it is sent (a queue through the default exchange, as Celery 5 sends
// tasks, "celery" by default; or an exchange and routing key), its
// positional and keyword arguments as Fields, its result's type, and the
// defaults of its call options. Its Policy starts from the defaults
// section too, except that a task is sent as json and is mandatory unless
// it says otherwise; it takes the policy keys serializer (json, msgpack or
// yaml), compression, priority, mandatory, confirm and retry, and a named
// policy setting any other is an error. Parse refuses a task name used
// twice, a required positional argument after an optional one (Python
// refuses such a function), an argument named twice, a result with
// ignore_result, and a queue whose Celery declaration would clash with an
// exchange the schema declares otherwise.
//
// # Lint
//
// Lint is a second pass over a valid schema, for `kombugen check`: it
// reports what works but is most likely a mistake, each Warning with a
// position and one of these rule names.
//
//   - unroutable: no binding of the message's exchange (or of its
//     alternate exchanges) can take its routing key, whatever values its
//     {params} take; or, for a task sent to an exchange, its routing key
//     and task header.
//   - no-bindings: the schema declares queues, but none is bound to the
//     message's exchange (or, for the default exchange, named by its key).
//     A schema without queues leaves them to its consumers, and is not
//     warned about.
//   - mandatory-without-confirm: mandatory publishing without confirms,
//     so Publish never fails as unroutable.
//   - priority-above-max: a message's or task's priority above the
//     max_priority of a classic queue it can reach, or sent to one without
//     max_priority (as Celery declares a task queue the schema does not
//     describe).
//   - soft-time-limit-too-late: a task's soft_time_limit not below its
//     time_limit: a prefork worker arms the hard limit only when the soft
//     one fires, to go off time_limit - soft_time_limit later, here at
//     once, so time_limit adds nothing.
//   - stream-ttl: a TTL sent to a stream the message can reach; streams
//     expire messages by age and size only.
//   - stream-priority: a priority sent to a stream, which has none.
//   - external-dead-letter-exchange: a dead_letter_exchange the schema does
//     not declare; fine when it is declared elsewhere.
//   - external-alternate-exchange: the same for an alternate_exchange.
//   - dead-letters-dropped: a dead_letter_exchange of the schema that no
//     queue is bound to.
//   - unused-queue: a queue with no bindings that no producer declares and
//     no message reaches by name.
//   - ignored-routing-key: a routing_key on a fanout or headers binding.
//   - ignored-binding-arguments: arguments on a binding of a direct, topic
//     or fanout exchange, which route by key alone (or not at all).
//   - literal-wildcard: * or # inside a word of a topic binding, or in a
//     direct binding, where they are no wildcards.
//   - duplicate-binding: a binding repeated.
//   - overlapping-bindings: a binding another binding of the queue to the
//     same exchange covers ("order.*.created" beside "order.#"): the
//     message arrives once, so the narrower binding is redundant.
//   - unused-exchange: an exchange nothing publishes to, binds to or sends
//     to.
//   - declared-exclusive-queue: a producer declaring an exclusive queue,
//     which then belongs to the producer's connection.
//   - unpublished-message: a message no producer publishes.
//   - unsent-task: a task no producer sends.
//   - unused-type: a type no message or task uses, directly or through
//     others.
//   - extension-name: a name beginning with x- where the name of an
//     exchange, queue, type, message, task, policy, producer, field, kwarg or param
//     goes: an extension key, so what it seems to declare is not there.
//
// Routing is judged generously: a {param} stands for every value the
// runtime lets through (for topic exchanges, any one word without "*" and
// "#"; for integers, canonical decimals; for enums, their values), and a
// headers binding can match headers a publish adds. So Lint warns only when
// no message can be routed, and "can reach" means some can. Exchanges of a
// plugin's type and alternate exchanges declared elsewhere are not judged.
// What RabbitMQ refuses to declare is no warning but a Parse error: it
// can never work.
//
// # JSON Schema
//
// kombugen.schema.json, beside this file, is a JSON Schema (draft
// 2020-12) of the schema file for editors: a schema file whose first line
// is
//
//	# yaml-language-server: $schema=RELATIVE/PATH/TO/schema/kombugen.schema.json
//
// gets completion, hover documentation and checking as it is typed in
// any editor using yaml-language-server. JSONSchema makes it from the
// parser's own key tables and value lists, and a test keeps the committed
// file equal to its output (go test ./schema -update rewrites it). It
// checks keys, types, enums, ranges and the shape of names and durations;
// what needs the whole file, such as references and routing keys, only
// Parse checks.
//
// # YAML
//
// Anchors, aliases and merge keys (<<: *common) work anywhere. Keys that
// begin with x- are extension keys and are ignored everywhere except in
// arguments and headers, where x- is AMQP's own convention; so anchors can
// live in keys such as x-common, and no exchange, queue, type, field,
// message, param, policy or producer can have a name beginning with x-.
// Where such a name is written, Schema.IgnoredNames records it and Lint
// warns (extension-name), so that nothing is dropped in silence.
//
// # Decisions where SPEC.md is silent
//
//   - A {param} of a routing key that params does not declare is a string
//     parameter, placed in the key; params gives a type or a description.
//     A param without a type is a string. Params must be used, and a
//     {param} close to a declared param that the key does not use is
//     reported as its misspelling.
//   - Parameter types are string, the integer types and enums.
//   - Message and binding exchanges must be declared in the schema or be
//     predeclared by the broker ("" and amq.*); alternate_exchange and
//     dead_letter_exchange may name exchanges managed elsewhere.
//   - An exchange's bindings (exchange-to-exchange bindings) name their
//     source exchanges with the rules of a queue's bindings; an exchange
//     cannot be bound to itself. Bindings may form cycles, as RabbitMQ
//     allows: it passes each exchange once.
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
//   - x-queue-type is only sent when the queue's type is written. What
//     RabbitMQ refuses to declare (PRECONDITION_FAILED) is an error where
//     it is written: a quorum queue or stream that is not durable, or is
//     exclusive or auto-delete; an argument the queue's type does not take
//     (x-max-priority on a quorum queue, x-message-ttl on a stream, as
//     internal/queueargs lists them); a dead-letter routing key without a
//     dead-letter exchange; an x-match other than all, any, all-with-x and
//     any-with-x on a headers binding.
//   - Compression aliases are kombu's (internal/codecs), stored under
//     their main names (gzip as zlib, bzip as bzip2, xz as lzma, zstandard
//     as zstd).
package schema
