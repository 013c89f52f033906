// Package docs writes a schema's documentation for reviewers and
// consumers, as Markdown (SPEC section 3: kombugen docs [-o FILE] SCHEMA).
//
//	s, err := schema.Load("orders.kombugen.yaml", schema.Options{})
//	...
//	err = docs.Write(os.Stdout, s)
//
// # The document
//
// A title (the package) and summary tables of messages and Celery tasks
// and who receives them; the topology as a Mermaid flowchart (Diagram),
// which GitHub draws, tasks and the queues Celery declares for them
// included; a section per message: its description, exchange, routing key
// and parameters, the publishing policy in effect with where each value
// comes from (built-in, defaults, a named policy or the message), its
// constant headers, its fields with types and constraints, and who
// receives it; a section per task: its Celery name, where it is sent and
// what is declared for it, its positional and keyword arguments, its
// result, call defaults and policy, and who receives it; then the types,
// the exchanges and queues with their arguments, and the producers with
// what they publish, send and declare.
//
// # Who receives a message
//
// Worked out from the bindings with the broker's own matching
// (internal/routing): a routing-key parameter stands for every value its
// type allows (each value of an enum), so a binding takes the message
// always, never, or when a parameter has a certain value, which is said
// ("when region is eu"). Headers bindings are compared with the message's
// constant headers; where they need headers given at publish time, the
// docs say it depends on them. A message that no binding is sure to take
// goes on to its exchange's alternate exchange, as in RabbitMQ.
//
// # Escaping
//
// Everything taken from the schema is escaped for Markdown (tables,
// headings, code spans, HTML) and for Mermaid labels, and node ids are
// made from names with only letters, digits and '_', so no name or
// description can change the document's structure.
//
// # Output is stable
//
// Same schema, same bytes: the schema's order throughout, no dates, no
// paths but the schema's base name. The tests keep a golden file per test
// schema (go test ./docs -update rewrites them), render every diagram with
// the real Mermaid in headless Chromium (tools/mermaid), and keep a
// rendered picture of the example schema, topology.svg, with its source,
// topology.mmd, checked against the generator's example.
package docs
