package bench

import (
	"fmt"
	"strings"
)

// The generator's scale: kombubench -run scale times the kombugen binary on
// these schemas, BenchmarkGenerate the schema and generator packages in
// process.

// ScaleSchema returns a schema with n messages spread over the given number
// of exchanges: each exchange has a queue bound to it and a producer of its
// messages. Every message has a routing-key parameter and fields of the
// kinds real schemas use (required, optional with constraints, nested type,
// map, time).
func ScaleSchema(n, exchanges int) []byte {
	var b strings.Builder
	b.WriteString(`version: 1
package: scale
defaults:
  serializer: json
  retry: {max_retries: 3, interval_start: 0s, interval_step: 200ms, interval_max: 1s}
types:
  Region: {enum: [eu, us, apac]}
  Currency: {enum: [EUR, USD, GBP]}
  Money:
    fields:
      amount: {type: int64, required: true, minimum: 0}
      currency: {type: Currency, required: true}
exchanges:
`)
	for e := range exchanges {
		fmt.Fprintf(&b, "  ex%04d: {type: topic}\n", e)
	}
	b.WriteString("queues:\n")
	for e := range exchanges {
		fmt.Fprintf(&b, "  q%04d: {bindings: [{exchange: ex%04d, routing_key: \"#\"}]}\n", e, e)
	}
	b.WriteString("messages:\n")
	for i := range n {
		fmt.Fprintf(&b, `  Event%05d:
    exchange: ex%04d
    routing_key: "ev%05d.{region}"
    params: {region: {type: Region}}
    headers: {x-event-version: 1}
    fields:
      id: {type: string, required: true, max_length: 64}
      at: {type: time, required: true}
      total: {type: Money}
      quantity: {type: int32, minimum: 1, maximum: 1000}
      note: {type: string, max_length: 200}
      tags: {type: "map[string]string"}
`, i, i%exchanges, i)
	}
	b.WriteString("producers:\n")
	for e := range exchanges {
		var msgs []string
		for i := e; i < n; i += exchanges {
			msgs = append(msgs, fmt.Sprintf("Event%05d", i))
		}
		fmt.Fprintf(&b, "  P%04d: {exchange: ex%04d, messages: [%s], declare: [q%04d]}\n", e, e, strings.Join(msgs, ", "), e)
	}
	return []byte(b.String())
}

// SizeSchema returns the schema the size of generated code is measured
// on: n messages published with json to one topic exchange, each with a
// string, an int64, a bool, a float64, a time, a nested struct, a list of
// structs, a map, bytes and an enum field, the nested structs and the enum
// shared by all.
func SizeSchema(n int) []byte {
	var b strings.Builder
	b.WriteString(`version: 1
package: size
defaults: {serializer: json}
exchanges:
  events: {type: topic}
types:
  Status: {enum: [new, active, closed]}
  Money:
    fields:
      amount: {type: int64, required: true}
      currency: {type: string, required: true}
  Line:
    fields:
      sku: {type: string, required: true}
      quantity: {type: int32}
      price: {type: Money}
messages:
`)
	for i := range n {
		fmt.Fprintf(&b, `  Message%05d:
    exchange: events
    routing_key: m%05d
    fields:
      name: {type: string, required: true}
      count: {type: int64}
      flag: {type: bool}
      ratio: {type: float64}
      at: {type: time, required: true}
      total: {type: Money}
      lines: {type: "[]Line"}
      labels: {type: "map[string]string"}
      blob: {type: bytes}
      status: {type: Status, required: true}
`, i, i)
	}
	return []byte(b.String())
}
