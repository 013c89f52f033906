package schema

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// base starts most invalid schemas: lines 1 to 3, with a topic exchange e.
const base = "version: 1\npackage: p\nexchanges: {e: {type: topic}}\n"

// xbase starts schemas that declare more exchanges: lines 1 to 4, with a
// topic exchange e, then line 5 in the exchanges section.
const xbase = "version: 1\npackage: p\nexchanges:\n  e: {type: topic}\n"

// invalidTests are schemas with problems and the exact errors Parse reports
// for them, file s.yaml.
var invalidTests = []struct {
	name string
	src  string
	want []string
}{
	// The file as a whole.
	{"empty", "", []string{
		`s.yaml:1:1: empty schema; want a mapping starting with "version: 1"`}},
	{"not a mapping", "- a\n- b\n", []string{
		`s.yaml:1:1: want a mapping with keys such as version, exchanges and messages, got a list`}},
	{"yaml syntax", "version: 1\npackage: p\nexchanges: {e: {type: topic}\n", []string{
		`s.yaml:3:29: invalid YAML: want } here to close the { at 3:12`}},
	{"unknown anchor", "version: 1\npackage: p\nexchanges: *nope\n", []string{
		`s.yaml:3:12: invalid YAML: unknown anchor "nope"; define it with &nope before it is used`}},
	{"two documents", "version: 1\npackage: p\n---\nversion: 1\n", []string{
		`s.yaml:3:1: a second YAML document; a schema is one document`}},
	{"missing version", "package: p\n", []string{
		`s.yaml:1:1: missing key "version"; want version: 1`}},
	{"unsupported version", "version: 2\npackage: p\nexchange: {e: {type: nope}}\n", []string{
		`s.yaml:1:10: unsupported version 2; want 1`}},
	{"version as string", "version: \"1\"\npackage: p\n", []string{
		`s.yaml:1:10: version: want 1, got "1"`}},
	{"no package", "version: 1\n", []string{
		`s.yaml:1:1: missing key "package" (no default package was given)`}},
	{"bad package", "version: 1\npackage: my-pkg\n", []string{
		`s.yaml:2:10: package: "my-pkg" is not a valid Go package name; want an identifier such as orders`}},

	// Keys and YAML types.
	{"unknown key", "version: 1\npackage: p\nexchange: {}\n", []string{
		`s.yaml:3:1: unknown key "exchange" (did you mean "exchanges"?)`}},
	{"unknown key far from any", "version: 1\npackage: p\nfrobnicate: {}\n", []string{
		`s.yaml:3:1: unknown key "frobnicate"; want one of version, package, defaults, policies, exchanges, queues, types, messages, tasks, producers`}},
	{"list for mapping", base + "queues:\n  - q1\n", []string{
		`s.yaml:5:3: queues: want a mapping, got a list`}},
	{"string for bool", base + "queues:\n  q: {durable: yes}\n", []string{
		`s.yaml:5:16: queue "q": durable: want true or false, got "yes"`}},
	{"number for string", base + "messages:\n  M: {exchange: e, routing_key: 42}\n", []string{
		`s.yaml:5:33: message "M": routing_key: want a string, got integer 42 (quote it to make it one)`}},
	{"duplicate key", base + "queues:\n  q: {durable: true, durable: false}\n", []string{
		`s.yaml:5:22: queue "q": duplicate key "durable" (first at 5:7); remove one, or rename it`}},
	{"duplicate name", base + "queues:\n  q: {}\n  q: {}\n", []string{
		`s.yaml:6:3: queues: duplicate queue "q" (first at 5:3); remove one, or rename it`}},
	{"merge of a scalar", base + "messages:\n  M:\n    <<: 3\n    exchange: e\n", []string{
		`s.yaml:6:9: message "M": <<: want a mapping or a list of mappings to merge, got integer 3`}},
	{"merge into itself", base + "defaults: &d {<<: *d}\n", []string{
		`s.yaml:4:15: defaults: merge keys nested more than 64 deep; does an anchor merge itself?`}},

	// Exchanges and queues.
	{"default exchange declared", "version: 1\npackage: p\nexchanges:\n  \"\": {type: direct}\n", []string{
		`s.yaml:4:3: the default exchange "" cannot be declared; messages may use it undeclared`}},
	{"reserved queue name", base + "queues:\n  amq.gen-1: {}\n", []string{
		`s.yaml:5:3: queue "amq.gen-1": names beginning with "amq." are reserved by the broker; choose another name`}},
	{"policy not a mapping", base + "policies:\n  audit: [ttl]\n", []string{
		`s.yaml:5:10: policy "audit": want a mapping, got a list`}},
	{"params not a mapping", base + "messages:\n  M: {exchange: e, params: [a]}\n", []string{
		`s.yaml:5:28: message "M": params: want a mapping, got a list`}},
	{"missing exchange type", "version: 1\npackage: p\nexchanges:\n  e: {durable: true}\n", []string{
		`s.yaml:4:3: exchange "e": missing key "type"; want type: direct, topic, fanout, headers or a plugin's x- type`}},
	{"bad exchange type", "version: 1\npackage: p\nexchanges:\n  e: {type: topik}\n", []string{
		`s.yaml:4:13: exchange "e": type: unknown exchange type "topik" (did you mean "topic"?); want direct, topic, fanout, headers or a plugin's x- type`}},
	{"reserved exchange name", "version: 1\npackage: p\nexchanges:\n  amq.topic: {type: topic}\n", []string{
		`s.yaml:4:3: exchange "amq.topic": names beginning with "amq." are reserved by the broker; choose another name`}},
	{"bad queue type", base + "queues:\n  q: {type: quorom}\n", []string{
		`s.yaml:5:13: queue "q": type: unknown value "quorom" (did you mean "quorum"?); want one of classic, quorum, stream`}},
	{"argument set twice", base + "queues:\n  q: {max_priority: 10, arguments: {x-max-priority: 5}}\n", []string{
		`s.yaml:5:37: queue "q": arguments: "x-max-priority" is also set by max_priority at 5:21; keep one of them`}},
	{"max_priority out of range", base + "queues:\n  q: {max_priority: 0}\n", []string{
		`s.yaml:5:21: queue "q": max_priority: want an integer from 1 to 255, got integer 0`}},
	{"message_ttl fraction of a millisecond", base + "queues:\n  q: {message_ttl: 1.5ms}\n", []string{
		`s.yaml:5:20: queue "q": message_ttl: want 0 or a whole number of milliseconds of at least 1ms, got 1.5ms`}},
	{"binding to unknown exchange", base + "queues:\n  q:\n    bindings:\n      - {exchange: ee, routing_key: a}\n", []string{
		`s.yaml:7:20: queue "q": binding 1: exchange: unknown exchange "ee" (did you mean "e"?)`}},
	{"binding to default exchange", base + "queues:\n  q:\n    bindings:\n      - {exchange: \"\", routing_key: a}\n", []string{
		`s.yaml:7:20: queue "q": binding 1: exchange: the default exchange "" cannot be bound to; it routes to the queue its key names already: bind to an exchange of the schema, or remove the binding`}},
	{"bad argument value", base + "queues:\n  q: {arguments: {x-max-priority: ten, x-queue-type: lazy}}\n", []string{
		`s.yaml:5:19: queue "q": arguments: "x-max-priority": want an integer from 1 to 255, got "ten"`,
		`s.yaml:5:40: queue "q": arguments: "x-queue-type": want one of classic, quorum, stream, got "lazy"`}},
	{"quorum queue with max_priority", base + "queues:\n  q: {type: quorum, max_priority: 5}\n", []string{
		`s.yaml:5:35: queue "q": quorum queues do not take "x-max-priority", so RabbitMQ refuses to declare the queue (PRECONDITION_FAILED); remove it, or make the queue classic`}},
	{"stream with message_ttl", base + "queues:\n  q: {type: stream, message_ttl: 1s}\n", []string{
		`s.yaml:5:34: queue "q": stream queues do not take "x-message-ttl", so RabbitMQ refuses to declare the queue (PRECONDITION_FAILED); remove it, or make the queue classic or quorum`}},
	{"classic queue with a quorum argument", base + "queues:\n  q: {arguments: {x-delivery-limit: 3}}\n", []string{
		`s.yaml:5:19: queue "q": classic queues do not take "x-delivery-limit", so RabbitMQ refuses to declare the queue (PRECONDITION_FAILED); remove it, or make the queue quorum`}},
	{"exclusive quorum queue", base + "queues:\n  q: {type: quorum, exclusive: true}\n", []string{
		`s.yaml:5:32: queue "q": exclusive: a quorum queue must have exclusive: false, or RabbitMQ refuses to declare it (PRECONDITION_FAILED); remove exclusive, or make the queue classic`}},
	{"transient auto-delete stream", base + "queues:\n  q:\n    arguments: {x-queue-type: stream}\n    durable: false\n    auto_delete: true\n", []string{
		`s.yaml:7:14: queue "q": durable: a stream queue must have durable: true, or RabbitMQ refuses to declare it (PRECONDITION_FAILED); remove durable, or make the queue classic`,
		`s.yaml:8:18: queue "q": auto_delete: a stream queue must have auto_delete: false, or RabbitMQ refuses to declare it (PRECONDITION_FAILED); remove auto_delete, or make the queue classic`}},
	{"dead-letter routing key alone", base + "queues:\n  q: {dead_letter_routing_key: k}\n", []string{
		`s.yaml:5:32: queue "q": a dead-letter routing key without a dead-letter exchange, which RabbitMQ refuses to declare (PRECONDITION_FAILED); set dead_letter_exchange ("" for the default exchange), or remove it`}},
	{"bad x-match", "version: 1\npackage: p\nexchanges: {h: {type: headers}}\nqueues:\n  q:\n    bindings: [{exchange: h, arguments: {x-match: some, a: 1}}]\n", []string{
		`s.yaml:6:42: queue "q": binding 1: arguments: x-match: RabbitMQ refuses the binding with "some" (PRECONDITION_FAILED); want all, any, all-with-x or any-with-x`}},

	// Exchange-to-exchange bindings follow the rules of queue bindings.
	{"exchange bound to unknown exchange", xbase + "  f: {type: fanout, bindings: [{exchange: ee}]}\n", []string{
		`s.yaml:5:43: exchange "f": binding 1: exchange: unknown exchange "ee" (did you mean "e"?)`}},
	{"exchange bound to itself", xbase + "  f: {type: fanout, bindings: [{exchange: f}]}\n", []string{
		`s.yaml:5:43: exchange "f": binding 1: exchange: an exchange bound to itself receives nothing more than it is sent; bind it to another exchange`}},
	{"exchange bound to default exchange", xbase + "  f: {type: fanout, bindings: [{exchange: \"\"}]}\n", []string{
		`s.yaml:5:43: exchange "f": binding 1: exchange: the default exchange "" cannot be bound to; bind to an exchange of the schema, or remove the binding`}},
	{"exchange binding bad x-match", xbase + "  h: {type: headers}\n  f: {type: fanout, bindings: [{exchange: h, arguments: {x-match: 1}}]}\n", []string{
		`s.yaml:6:58: exchange "f": binding 1: arguments: x-match: RabbitMQ refuses the binding with integer 1 (PRECONDITION_FAILED); want all, any, all-with-x or any-with-x`}},
	{"exchange binding key too long", xbase + "  f: {type: fanout, bindings: [{exchange: e, routing_key: " + strings.Repeat("k", 256) + "}]}\n", []string{
		`s.yaml:5:59: exchange "f": binding 1: routing_key: 256 bytes long; want at most 255`}},
	{"bad binary header", base + "messages:\n  M: {exchange: e, headers: {a: !!binary \"%%%\"}}\n", []string{
		`s.yaml:5:33: message "M": headers: "a": want a string, bool, 64-bit integer, finite float or list, got "%%%"`}},

	// Policies.
	{"unknown policy", base + "policies:\n  audit: {ttl: 1h}\nmessages:\n  M: {exchange: e, policy: audti}\n", []string{
		`s.yaml:7:28: message "M": policy: unknown policy "audti" (did you mean "audit"?)`}},
	{"bad serializer", base + "defaults: {serializer: jsn}\n", []string{
		`s.yaml:4:24: defaults: serializer: unknown value "jsn" (did you mean "json"?); want one of json, yaml, msgpack, raw, text`}},
	{"bad compression", base + "policies:\n  small: {compression: lz4}\n", []string{
		`s.yaml:5:24: policy "small": compression: unknown value "lz4"; want one of none, zlib, gzip, bzip2, bzip, lzma, xz, zstd, zstandard, brotli`}},
	{"bad delivery_mode", base + "defaults: {delivery_mode: 2}\n", []string{
		`s.yaml:4:27: defaults: delivery_mode: want one of persistent, transient, got integer 2`}},
	{"priority out of range", base + "messages:\n  M: {exchange: e, priority: 256}\n", []string{
		`s.yaml:5:30: message "M": priority: want an integer from 0 to 255, got integer 256`}},
	{"duration without unit", base + "defaults: {ttl: 5}\n", []string{
		`s.yaml:4:17: defaults: ttl: want a duration such as 1.5s, 200ms or 1h, got integer 5`}},
	{"ttl under 1ms", base + "defaults: {ttl: 500us}\n", []string{
		`s.yaml:4:17: defaults: ttl: want 0 or a whole number of milliseconds of at least 1ms, got 500µs`}},
	{"ttl over RabbitMQ's limit", base + "messages:\n  M: {exchange: e, ttl: 87601h}\n", []string{
		`s.yaml:5:25: message "M": ttl: 87601h0m0s is longer than 3650 days (87600h), the longest TTL RabbitMQ takes; want at most 87600h`}},
	{"header integer below 32 bits", base + "messages:\n  M: {exchange: e, headers: {n: [-2147483649]}}\n", []string{
		`s.yaml:5:30: message "M": headers: "n": -2147483649 is below -2147483648, the least integer kombu reads back as sent; write it as a string, or keep it within 32 bits`}},
	{"negative duration", base + "defaults: {retry: {interval_max: -1s}}\n", []string{
		`s.yaml:4:34: defaults: retry: interval_max: want a duration of at least 0s, got -1s`}},
	{"unknown retry key", base + "defaults: {retry: {max_retry: 3}}\n", []string{
		`s.yaml:4:20: defaults: retry: unknown key "max_retry" (did you mean "max_retries"?)`}},

	// Routing keys and params.
	{"param without closing brace", base + "messages:\n  M: {exchange: e, routing_key: \"order.{region.created\"}\n", []string{
		`s.yaml:5:40: message "M": routing_key: "{region.created" has no closing "}"; add it after the parameter's name`}},
	{"closing brace alone", base + "messages:\n  M: {exchange: e, routing_key: \"order}\"}\n", []string{
		`s.yaml:5:39: message "M": routing_key: "}" without "{"; remove it (a key holds no braces of its own), or add the { of its parameter`}},
	{"empty param name", base + "messages:\n  M: {exchange: e, routing_key: \"order.{}\"}\n", []string{
		`s.yaml:5:40: message "M": routing_key: empty parameter name "{}"`}},
	{"invalid param name", base + "messages:\n  M: {exchange: e, routing_key: \"order.{1st}\"}\n", []string{
		`s.yaml:5:40: message "M": routing_key: invalid parameter name "1st"; want a letter followed by letters, digits and underscores`}},
	{"unknown param", base + "messages:\n  M:\n    exchange: e\n    routing_key: \"order.{regin}\"\n    params: {region: {}}\n", []string{
		`s.yaml:7:25: message "M": routing_key: unknown parameter "regin" (did you mean "region"?): params declares "region", which nothing uses`}},
	{"unused param", base + "messages:\n  M:\n    exchange: e\n    routing_key: order\n    params: {region: {}}\n", []string{
		`s.yaml:8:14: message "M": param "region": not used in routing_key "order"; remove it, or use it in the key as {region}, or in a header as "{region}"`}},
	{"float param", base + "messages:\n  M:\n    exchange: e\n    routing_key: \"a.{x}\"\n    params: {x: {type: float64}}\n", []string{
		`s.yaml:8:24: message "M": param "x": type: a routing-key parameter cannot be float64; want string, an integer type or an enum`}},
	{"wildcard in topic key", base + "messages:\n  M: {exchange: e, routing_key: \"order.*\"}\n", []string{
		`s.yaml:5:40: message "M": routing_key: "*" is a wildcard; a topic message is published with a concrete key, only bindings match patterns: write a word, or a {param}, in its place`}},
	{"enum param with dot on topic", base + "types:\n  Zone: {enum: [eu.west, us]}\nmessages:\n  M:\n    exchange: e\n    routing_key: \"a.{z}\"\n    params: {z: {type: Zone}}\n", []string{
		`s.yaml:10:24: message "M": param "z": type: enum "Zone" has value "eu.west" holding "."; a topic key parameter fills one word`}},
	{"routing key too long", base + "messages:\n  M:\n    exchange: e\n    routing_key: \"" + strings.Repeat("k", 250) + ".{a}.{b}.{c}\"\n    params: {a: {}, b: {}, c: {}}\n", []string{
		`s.yaml:7:18: message "M": routing_key: at least 256 bytes long; want at most 255`}},

	// Types and fields.
	{"unknown type", base + "types:\n  Money: {fields: {amount: {type: int64}}}\nmessages:\n  M:\n    exchange: e\n    fields:\n      total: {type: Moneyy}\n", []string{
		`s.yaml:10:21: message "M": field "total": type: unknown type "Moneyy" (did you mean "Money"?)`}},
	{"unknown element type", base + "types:\n  Money: {fields: {amount: {type: int64}}}\nmessages:\n  M:\n    exchange: e\n    fields:\n      totals: {type: \"[]map[string]Mony\"}\n", []string{
		`s.yaml:10:22: message "M": field "totals": type: unknown type "Mony" (did you mean "Money"?)`}},
	{"map with int keys", base + "messages:\n  M:\n    exchange: e\n    fields:\n      m: {type: \"map[int]string\"}\n", []string{
		`s.yaml:8:17: message "M": field "m": type: map keys must be string, got "int"; want map[string]string`}},
	{"message as field type", base + "messages:\n  A: {exchange: e}\n  B:\n    exchange: e\n    fields:\n      a: {type: A}\n", []string{
		`s.yaml:9:17: message "B": field "a": type: "A" is a message; a field's type must be built in or from types`}},
	{"missing field type", base + "types:\n  T:\n    fields:\n      n: {required: true}\n", []string{
		`s.yaml:7:7: type "T": field "n": missing key "type"; want type: string, int64, time, a name from types, []T or map[string]T`}},
	{"required not a bool", base + "types:\n  T:\n    fields:\n      n: {type: int, required: tru}\n", []string{
		`s.yaml:7:32: type "T": field "n": required: want true or false, got "tru"`}},
	{"duplicate enum value", base + "types:\n  Currency: {enum: [EUR, USD, EUR]}\n", []string{
		`s.yaml:5:31: type "Currency": enum: duplicate value "EUR" (first at 5:21); remove one`}},
	{"empty enum", base + "types:\n  Status: {enum: []}\n", []string{
		`s.yaml:5:12: type "Status": enum: want at least one value`}},
	{"enum and fields", base + "types:\n  T: {enum: [a], fields: {}}\n", []string{
		`s.yaml:5:18: type "T": want enum or fields, not both`}},
	{"neither enum nor fields", base + "types:\n  T: {description: nothing}\n", []string{
		`s.yaml:5:3: type "T": missing key "enum" or "fields"; want enum: [values] or fields: {name: {type: T}}`}},
	{"type name not an identifier", base + "types:\n  line-item: {fields: {}}\n", []string{
		`s.yaml:5:3: type "line-item": want a name of letters, digits and underscores starting with a letter, so fields can refer to it`}},
	{"invalid pattern", base + "types:\n  T:\n    fields:\n      sku: {type: string, pattern: \"[a-\"}\n", []string{
		`s.yaml:7:36: type "T": field "sku": pattern: invalid RE2 expression "[a-": missing closing ]; want a regular expression Go's regexp takes`}},
	{"pattern on an int", base + "types:\n  T:\n    fields:\n      n: {type: int, pattern: \"^1\"}\n", []string{
		`s.yaml:7:31: type "T": field "n": pattern does not apply to type int; it needs a string: remove it, or change the type`}},
	{"minimum on a string", base + "types:\n  T:\n    fields:\n      s: {type: string, minimum: 1}\n", []string{
		`s.yaml:7:34: type "T": field "s": minimum does not apply to type string; it needs a number: remove it, or change the type`}},
	{"enum on a float", base + "types:\n  T:\n    fields:\n      n: {type: float64, enum: [1, 2]}\n", []string{
		`s.yaml:7:26: type "T": field "n": enum does not apply to type float64; it needs a string or an integer type: remove it, or change the type`}},
	{"enum value out of its field's range", base + "types:\n  T:\n    fields:\n      n: {type: uint32, enum: [1, -2]}\n", []string{
		`s.yaml:7:35: type "T": field "n": enum: want an integer from 0 to 4294967295 for type uint32, got "-2"`}},
	{"string in an integer field's enum", base + "types:\n  T:\n    fields:\n      n: {type: int32, enum: [1, two]}\n", []string{
		`s.yaml:7:34: type "T": field "n": enum: want an integer from -2147483648 to 2147483647 for type int32, got "two"`}},
	{"enum mixing integers and strings", base + "types:\n  Level: {enum: [1, 2, high]}\n", []string{
		`s.yaml:5:24: type "Level": enum: "high" is a string, where the first value, "1", is an integer; write only integers, or quote the integers to make them strings`}},
	{"pattern beside enum", base + "types:\n  T:\n    fields:\n      s: {type: string, enum: [a], pattern: \"^a$\"}\n", []string{
		`s.yaml:7:45: type "T": field "s": pattern does not apply beside enum, whose values are all the field can hold; remove it`}},
	{"go_name not exported", base + "types:\n  Region: {enum: [{value: eu, go_name: eu}]}\n", []string{
		`s.yaml:5:40: type "Region": enum: go_name: want letters, digits and underscores starting with an upper-case letter or a digit, which follow the type's name in the constant (RegionEU for EU), got "eu"`}},
	{"enum value without its value", base + "types:\n  Region: {enum: [{go_name: EU}]}\n", []string{
		`s.yaml:5:19: type "Region": enum: missing key "value"; want value: the value as sent, with go_name: the constant's name after the type's`}},

	{"min_length above max_length", base + "types:\n  T:\n    fields:\n      s: {type: string, min_length: 5, max_length: 2}\n", []string{
		`s.yaml:7:37: type "T": field "s": min_length 5 is greater than max_length 2, so no value fits; lower min_length or raise max_length`}},
	{"minimum above maximum", base + "types:\n  T:\n    fields:\n      n: {type: int32, minimum: 5, maximum: 2}\n", []string{
		`s.yaml:7:33: type "T": field "n": minimum 5 is greater than maximum 2, so no value fits; lower minimum or raise maximum`}},
	{"minimum out of range", base + "types:\n  T:\n    fields:\n      n: {type: uint32, minimum: -1}\n", []string{
		`s.yaml:7:34: type "T": field "n": minimum: want an integer from 0 to 4294967295 for type uint32, got integer -1`}},
	{"fraction bound on an int", base + "types:\n  T:\n    fields:\n      n: {type: int32, maximum: 1.5}\n", []string{
		`s.yaml:7:33: type "T": field "n": maximum: want an integer from -2147483648 to 2147483647 for type int32, got float 1.5`}},
	{"float32 bound out of range", base + "types:\n  T:\n    fields:\n      f: {type: float32, maximum: 1e39}\n", []string{
		`s.yaml:7:35: type "T": field "f": maximum: 1e39 is out of range for type float32`}},
	{"bound not a number", base + "types:\n  T:\n    fields:\n      f: {type: float64, minimum: low}\n", []string{
		`s.yaml:7:35: type "T": field "f": minimum: want a number, got "low"`}},
	{"enum value a list", base + "types:\n  T: {enum: [a, [b, c]]}\n", []string{
		`s.yaml:5:17: type "T": enum: want a value, got a list`}},
	{"built-in type name", base + "types:\n  string: {enum: [a]}\n", []string{
		`s.yaml:5:3: type "string": "string" is a built-in type; choose another name`}},
	{"cycle of required fields", base + "types:\n  A:\n    fields:\n      b: {type: B, required: true}\n  B:\n    fields:\n      a: {type: \"[]A\", required: true}\n", []string{
		`s.yaml:7:7: type "A": required fields form a cycle no value can satisfy (A.b -> B.a -> A); make one of them optional`}},

	// Messages.
	{"fields on a raw message", base + "messages:\n  M:\n    exchange: e\n    serializer: raw\n    fields: {a: {type: string}}\n", []string{
		`s.yaml:8:5: message "M": a raw message has no fields, its body is a []byte (serializer raw); remove fields, or set a serializer such as json`}},
	{"fields on a text message by default", base + "defaults: {serializer: text}\nmessages:\n  M:\n    exchange: e\n    fields: {a: {type: string}}\n", []string{
		`s.yaml:8:5: message "M": a text message has no fields, its body is a string (serializer text from defaults at 4:24); remove fields, or set a serializer such as json`}},
	{"go_type and fields", base + "messages:\n  M:\n    exchange: e\n    go_type: example.com/m.T\n    fields: {a: {type: string}}\n", []string{
		`s.yaml:7:14: message "M": go_type: want fields or go_type, not both`}},
	{"go_type without type name", base + "messages:\n  M: {exchange: e, go_type: \"example.com/m\"}\n", []string{
		`s.yaml:5:29: message "M": go_type: want an import path, a dot and a type name such as example.com/shop/model.Order, got "example.com/m"`}},
	{"go_type not exported", base + "messages:\n  M: {exchange: e, go_type: example.com/m.order}\n", []string{
		`s.yaml:5:29: message "M": go_type: "order" is not exported, so the generated package cannot use it`}},
	{"go_type pointer", base + "messages:\n  M: {exchange: e, go_type: \"*m.Order\"}\n", []string{
		`s.yaml:5:29: message "M": go_type: "*m" is not a Go import path`}},
	{"go_type generic", base + "messages:\n  M: {exchange: e, go_type: \"m.Page[int]\"}\n", []string{
		`s.yaml:5:29: message "M": go_type: "Page[int]" is not a Go type name; want such as example.com/shop/model.Order`}},
	{"no exchange", base + "messages:\n  M: {routing_key: a}\n", []string{
		`s.yaml:5:3: message "M": no exchange; set exchange on the message or its producer ("" for the default exchange)`}},
	{"producers with different exchanges", "version: 1\npackage: p\nexchanges: {e: {type: topic}, f: {type: direct}}\nmessages:\n  M: {routing_key: a}\nproducers:\n  P1: {exchange: e, messages: [M]}\n  P2: {exchange: f, messages: [M]}\n", []string{
		`s.yaml:5:3: message "M": producers "P1" and "P2" publish to different exchanges ("e", "f"); set exchange on the message`}},
	{"unknown message exchange", base + "messages:\n  M: {exchange: amq.topc}\n", []string{
		`s.yaml:5:17: message "M": exchange: unknown exchange "amq.topc" (did you mean "amq.topic"?)`}},
	{"extension key as exchange", base + "messages:\n  M: {exchange: x-e}\n", []string{
		`s.yaml:5:17: message "M": exchange: unknown exchange "x-e"; names beginning with x- are extension keys and ignored`}},
	{"internal exchange", "version: 1\npackage: p\nexchanges:\n  e: {type: topic, internal: true}\nmessages:\n  M: {exchange: e}\n", []string{
		`s.yaml:6:17: message "M": exchange "e" is internal; it cannot be published to: publish to an exchange bound to it, or set internal: false`}},

	// Producers.
	{"unknown producer exchange", base + "messages:\n  M: {}\nproducers:\n  P: {exchange: orders, messages: [M]}\n", []string{
		`s.yaml:7:17: producer "P": exchange: unknown exchange "orders"; declare it under exchanges`}},
	{"internal producer exchange", "version: 1\npackage: p\nexchanges: {i: {type: direct, internal: true}}\nmessages:\n  M: {}\nproducers:\n  P: {exchange: i, messages: [M]}\n", []string{
		`s.yaml:5:3: message "M": exchange "i" is internal; it cannot be published to: publish to an exchange bound to it, or set internal: false`}},
	{"unknown producer message", base + "messages:\n  OrderCreated: {exchange: e}\nproducers:\n  P: {exchange: e, messages: [OrderCreatd]}\n", []string{
		`s.yaml:7:31: producer "P": messages: unknown message "OrderCreatd" (did you mean "OrderCreated"?)`}},
	{"message listed twice", base + "messages:\n  M: {}\nproducers:\n  P: {exchange: e, messages: [M, M]}\n", []string{
		`s.yaml:7:34: producer "P": messages: message "M" is listed twice (first at 7:31); remove one`}},
	{"unknown declare queue", base + "queues:\n  billing: {}\nproducers:\n  P: {exchange: e, declare: [biling]}\n", []string{
		`s.yaml:7:30: producer "P": declare: unknown queue "biling" (did you mean "billing"?)`}},
}

func TestInvalid(t *testing.T) {
	for _, tt := range invalidTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(tt.src), Options{})
			if diff := cmp.Diff(tt.want, errorLines(t, err)); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s\nschema:\n%s", diff, tt.src)
			}
		})
	}
}

// errorLines returns err's lines, checking that it is an ErrorList of
// positioned errors.
func errorLines(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %T is not an ErrorList: %v", err, err)
	}
	var lines []string
	for _, e := range list {
		if !e.Pos.IsValid() || e.Pos.File == "" {
			t.Errorf("error without a position: %q", e.Msg)
		}
		lines = append(lines, e.Error())
	}
	return lines
}

// TestManyProblems checks that every problem of a file is reported in one
// run, in the order of the file.
func TestManyProblems(t *testing.T) {
	_, err := Load("testdata/invalid/many.kombugen.yaml", Options{})
	const f = "testdata/invalid/many.kombugen.yaml"
	want := []string{
		f + `:3:3: defaults: unknown key "serialiser" (did you mean "serializer"?)`,
		f + `:4:8: defaults: ttl: want a duration such as 1.5s, 200ms or 1h, got "soon"`,
		f + `:7:18: exchange "orders": type: unknown exchange type "topics" (did you mean "topic"?); want direct, topic, fanout, headers or a plugin's x- type`,
		f + `:8:14: exchange "orders": durable: want true or false, got "maybe"`,
		f + `:11:15: queue "billing": bindings: want a list, got a mapping`,
		f + `:15:7: type "Money": field "amount": unknown key "requird" (did you mean "required"?)`,
		f + `:18:15: message "OrderCreated": exchange: unknown exchange "order" (did you mean "orders"?)`,
		f + `:19:24: message "OrderCreated": routing_key: "{region" has no closing "}"; add it after the parameter's name`,
		f + `:23:21: message "OrderCreated": field "total": type: unknown type "Moneyy" (did you mean "Money"?)`,
		f + `:25:40: message "OrderCreated": field "note": max_length: want an integer from 0 to 2147483647, got integer -1`,
		f + `:28:16: producer "Orders": messages: unknown message "OrderCreate" (did you mean "OrderCreated"?)`,
		f + `:29:15: producer "Orders": declare: unknown queue "biling" (did you mean "billing"?)`,
	}
	if diff := cmp.Diff(want, errorLines(t, err)); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
}
