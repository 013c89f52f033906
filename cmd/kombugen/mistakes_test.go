package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mistakeMark marks, in a mistake's schema, the character the error must
// point at.
const mistakeMark = "⟨"

// hint is what an error says to put a mistake right: what was wanted, a
// name close to the one written, or what to do.
var hint = regexp.MustCompile(`did you mean|want |rename|declare it|set |remove|quote|indent it|replace|add |write |make (one|the)|keep one|choose|define it|end the string|to close|put |use |lower |raise |publish to|bind to`)

// mistakes are schemas with one deliberate mistake each, the kinds a team
// makes writing its first schemas: typos, values of the wrong type, YAML
// that is not YAML, tabs, dedents, duplicates, references to nothing and
// what RabbitMQ or kombu would refuse. want is a part of the message.
var mistakes = []struct {
	category, name, src, want string
}{
	// Typos in keys, each with a suggestion.
	{"typo", "top-level key", "version: 1\npackage: p\n⟨exchange: {}\n", `unknown key "exchange" (did you mean "exchanges"?)`},
	{"typo", "defaults key", "version: 1\npackage: p\ndefaults:\n  ⟨serialiser: json\n", `did you mean "serializer"?`},
	{"typo", "exchange key", "version: 1\npackage: p\nexchanges:\n  e: {type: topic, ⟨durabel: true}\n", `did you mean "durable"?`},
	{"typo", "queue key", "version: 1\npackage: p\nqueues:\n  q: {⟨max_prority: 5}\n", `did you mean "max_priority"?`},
	{"typo", "binding key", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nqueues:\n  q:\n    bindings: [{exchange: e, ⟨routingkey: a}]\n", `did you mean "routing_key"?`},
	{"typo", "message key", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M:\n    exchange: e\n    ⟨routing_kye: a\n", `did you mean "routing_key"?`},
	{"typo", "field key", "version: 1\npackage: p\ntypes:\n  T:\n    fields:\n      a: {type: string, ⟨requird: true}\n", `did you mean "required"?`},
	{"typo", "param key", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: \"{a}\", params: {a: {⟨typ: string}}}\n", `did you mean "type"?`},
	{"typo", "producer key", "version: 1\npackage: p\nproducers:\n  P: {⟨message: []}\n", `did you mean "messages"?`},
	{"typo", "retry key", "version: 1\npackage: p\ndefaults: {retry: {⟨max_retry: 3}}\n", `did you mean "max_retries"?`},
	{"typo", "type key", "version: 1\npackage: p\ntypes:\n  T: {⟨feilds: {}}\n", `did you mean "fields"?`},
	{"typo", "policy key", "version: 1\npackage: p\npolicies:\n  slow: {⟨tll: 1h}\n", `did you mean "ttl"?`},

	// Typos in values and references.
	{"typo", "exchange type", "version: 1\npackage: p\nexchanges:\n  e: {type: ⟨topik}\n", `did you mean "topic"?`},
	{"typo", "queue type", "version: 1\npackage: p\nqueues:\n  q: {type: ⟨quorom}\n", `did you mean "quorum"?`},
	{"typo", "serializer", "version: 1\npackage: p\ndefaults: {serializer: ⟨jsno}\n", `unknown value "jsno"`},
	{"typo", "compression", "version: 1\npackage: p\ndefaults: {compression: ⟨gzipp}\n", `did you mean "gzip"?`},
	{"typo", "delivery mode", "version: 1\npackage: p\ndefaults: {delivery_mode: ⟨persistant}\n", `did you mean "persistent"?`},
	{"typo", "message exchange", "version: 1\npackage: p\nexchanges: {orders: {type: topic}}\nmessages:\n  M: {exchange: ⟨ordrs}\n", `did you mean "orders"?`},
	{"typo", "binding exchange", "version: 1\npackage: p\nexchanges: {orders: {type: topic}}\nqueues:\n  q: {bindings: [{exchange: ⟨order}]}\n", `did you mean "orders"?`},
	{"typo", "field type", "version: 1\npackage: p\ntypes:\n  T:\n    fields:\n      a: {type: ⟨strng}\n", `did you mean "string"?`},
	{"typo", "type name", "version: 1\npackage: p\ntypes:\n  Money: {fields: {a: {type: int64}}}\n  T:\n    fields:\n      m: {type: ⟨Mony}\n", `did you mean "Money"?`},
	{"typo", "element type", "version: 1\npackage: p\ntypes:\n  Item: {fields: {a: {type: int64}}}\n  T:\n    fields:\n      m: {type: ⟨\"[]Itme\"}\n", `did you mean "Item"?`},
	{"typo", "policy name", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\npolicies: {audit: {ttl: 1h}}\nmessages:\n  M: {exchange: e, policy: ⟨audti}\n", `did you mean "audit"?`},
	{"typo", "producer message", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  Created: {exchange: e}\nproducers:\n  P: {exchange: e, messages: [⟨Craeted]}\n", `did you mean "Created"?`},
	{"typo", "declared queue", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nqueues: {billing: {}}\nproducers:\n  P: {exchange: e, declare: [⟨biling]}\n", `did you mean "billing"?`},
	{"typo", "routing key param", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: \"a.⟨{regoin}\", params: {region: {}}}\n", `did you mean "region"?`},
	{"typo", "param type", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\ntypes: {Region: {enum: [eu]}}\nmessages:\n  M: {exchange: e, routing_key: \"{r}\", params: {r: {type: ⟨Regoin}}}\n", `did you mean "Region"?`},

	// Values of the wrong type.
	{"type", "string for a bool", "version: 1\npackage: p\nqueues:\n  q: {durable: ⟨yes}\n", `want true or false, got "yes"`},
	{"type", "number for a string", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: ⟨42}\n", `quote it`},
	{"type", "string for a number", "version: 1\npackage: p\ndefaults: {priority: ⟨high}\n", `want an integer from 0 to 255`},
	{"type", "list for a mapping", "version: 1\npackage: p\nqueues:\n  ⟨- q\n", `want a mapping, got a list`},
	{"type", "mapping for a list", "version: 1\npackage: p\nqueues:\n  q:\n    bindings: ⟨{exchange: e}\n", `want a list, got a mapping`},
	{"type", "duration without unit", "version: 1\npackage: p\ndefaults: {ttl: ⟨5}\n", `want a duration such as 1.5s`},
	{"type", "duration as words", "version: 1\npackage: p\ndefaults: {retry: {interval_max: ⟨soon}}\n", `want a duration`},
	{"type", "version as a string", "version: ⟨\"1\"\npackage: p\n", `want 1`},
	{"type", "bound not a number", "version: 1\npackage: p\ntypes:\n  T: {fields: {n: {type: int, minimum: ⟨low}}}\n", `want a number`},
	{"type", "length not an integer", "version: 1\npackage: p\ntypes:\n  T: {fields: {s: {type: string, max_length: ⟨ten}}}\n", `want an integer`},
	{"type", "required not a bool", "version: 1\npackage: p\ntypes:\n  T: {fields: {s: {type: string, required: ⟨tru}}}\n", `want true or false`},
	{"type", "messages not a list", "version: 1\npackage: p\nproducers:\n  P: {messages: ⟨Created}\n", `want a list`},
	{"type", "bad package name", "version: 1\npackage: ⟨my-service\n", `not a valid Go package name`},

	// YAML that is not YAML.
	{"yaml", "tab indenting a key", "version: 1\npackage: p\nexchanges:\n⟨\te: {type: topic}\n", `a tab indents this line`},
	{"yaml", "tab after spaces", "version: 1\npackage: p\nexchanges:\n  e:\n  ⟨\t type: topic\n", `a tab indents this line`},
	{"yaml", "tab deep in a message", "version: 1\npackage: p\nmessages:\n  M:\n    exchange: e\n⟨\t  routing_key: a\n", `tab`},
	{"yaml", "dedent between blocks", "version: 1\npackage: p\nmessages:\n  M:\n    exchange: e\n    routing_key: a\n   ⟨fields: {}\n", `indented 3 spaces`},
	{"yaml", "dedent in fields", "version: 1\npackage: p\ntypes:\n  T:\n    fields:\n      a: {type: string}\n     ⟨b: {type: string}\n", `indented 5 spaces`},
	{"yaml", "dedent in a list", "version: 1\npackage: p\nqueues:\n  q:\n    bindings:\n      - {exchange: e}\n     ⟨- {exchange: f}\n", `indented 5 spaces`},
	{"yaml", "over-indent", "version: 1\npackage: p\nmessages:\n  M:\n    exchange: e\n      ⟨routing_key: a\n", `which has a value on its line already`},
	{"yaml", "first key over-indented", "version: 1\npackage: p\nexchanges:\n   ⟨a: {type: topic}\n  b: {type: topic}\n  c: {type: topic}\n", `indent it as they are`},
	{"yaml", "missing colon", "version: 1\npackage: p\nmessages:\n  M⟨\n    exchange: e\n", `want ':' after "M"`},
	{"yaml", "no space after colon", "version: 1\npackage: p\nmessages:\n  M:\n    exchange:⟨e\n    routing_key: a\n", `want a space after ':'`},
	{"yaml", "unclosed flow mapping", "version: 1\npackage: p\nexchanges:\n  e: {type: topic⟨\nmessages: {}\n", `want } here to close the {`},
	{"yaml", "unclosed flow list", "version: 1\npackage: p\nproducers:\n  P: {messages: [A, B⟨}\n", `} where ] is wanted`},
	{"yaml", "extra closer", "version: 1\npackage: p\nmessages: {}⟨}\n", `an extra }`},
	{"yaml", "missing comma in flow", "version: 1\npackage: p\nexchanges:\n  e: {type: topic ⟨durable: true}\n", `want ','`},
	{"yaml", "unclosed string", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: \"a.b⟨}\n", `to end the string`},
	{"yaml", "unclosed string before a key", "version: 1\npackage: p\nmessages:\n  M:\n    description: \"an order⟨\n    exchange: e\n", `to end the string`},
	{"yaml", "backslash in a pattern", "version: 1\npackage: p\ntypes:\n  T: {fields: {s: {type: string, pattern: \"^⟨\\d+$\"}}}\n", `write the value in single quotes`},
	{"yaml", "two colons in a value", "version: 1\npackage: p\nmessages:\n  M: {exchange: e}\n  N:\n    description: note⟨: read me\n", `quote the value`},
	{"yaml", "list on the key's line", "version: 1\npackage: p\nproducers:\n  P:\n    messages: ⟨- A\n", `a list cannot start on the line of its key`},
	{"yaml", "list item in a mapping", "version: 1\npackage: p\nqueues:\n  q:\n    durable: true\n    ⟨- exclusive\n", `a list item where a key`},
	{"yaml", "at sign", "version: 1\npackage: p\nmessages:\n  M: {description: ⟨@team}\n", `quote the value`},
	{"yaml", "unknown anchor", "version: 1\npackage: p\nmessages:\n  M: {fields: ⟨*common}\n", `define it with &common`},
	{"yaml", "control character", "version: 1\npackage: p\nmessages:\n  M: {description: a⟨\x07b}\n", `control character`},

	// Duplicates.
	{"duplicate", "key", "version: 1\npackage: p\nqueues:\n  q: {durable: true, ⟨durable: false}\n", `duplicate key "durable" (first at 4:7)`},
	{"duplicate", "exchange", "version: 1\npackage: p\nexchanges:\n  e: {type: topic}\n  ⟨e: {type: fanout}\n", `duplicate exchange "e"`},
	{"duplicate", "message", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e}\n  ⟨M: {exchange: e}\n", `duplicate message "M"`},
	{"duplicate", "field", "version: 1\npackage: p\ntypes:\n  T:\n    fields:\n      a: {type: string}\n      ⟨a: {type: int}\n", `duplicate field "a"`},
	{"duplicate", "enum value", "version: 1\npackage: p\ntypes:\n  Region: {enum: [eu, us, ⟨eu]}\n", `duplicate value "eu"`},
	{"duplicate", "message in a producer", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e}\nproducers:\n  P: {exchange: e, messages: [M, ⟨M]}\n", `listed twice`},
	{"duplicate", "Go name of two fields", "version: 1\npackage: p\ntypes:\n  T:\n    fields:\n      order_id: {type: string}\n      ⟨orderId: {type: string}\n", `OrderID`},
	{"duplicate", "argument set twice", "version: 1\npackage: p\nqueues:\n  q: {max_priority: 5, arguments: {⟨x-max-priority: 9}}\n", `keep one`},

	// Routing keys and params.
	{"routing", "unclosed param", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: \"order.⟨{region\"}\n", `has no closing "}"`},
	{"routing", "stray brace", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: \"order⟨}\"}\n", `"}" without "{"`},
	{"routing", "param not a name", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: \"order.⟨{1st}\"}\n", `want a letter`},
	{"routing", "wildcard in a publish key", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: \"order.⟨*\"}\n", `is a wildcard`},
	{"routing", "unused param", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M:\n    exchange: e\n    routing_key: order\n    params: {⟨region: {}}\n", `not used in routing_key`},
	{"routing", "float param", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, routing_key: \"{x}\", params: {x: {type: ⟨float64}}}\n", `want string, an integer type or an enum`},
	{"routing", "no exchange", "version: 1\npackage: p\nmessages:\n  ⟨M: {routing_key: a}\n", `set exchange`},
	{"routing", "default exchange bound", "version: 1\npackage: p\nqueues:\n  q: {bindings: [{exchange: ⟨\"\"}]}\n", `cannot be bound to`},

	// Types, fields and constraints.
	{"constraint", "pattern on an int", "version: 1\npackage: p\ntypes:\n  T: {fields: {n: {type: int, pattern: ⟨\"^1\"}}}\n", `it needs a string`},
	{"constraint", "minimum on a string", "version: 1\npackage: p\ntypes:\n  T: {fields: {s: {type: string, minimum: ⟨1}}}\n", `it needs a number`},
	{"constraint", "min above max", "version: 1\npackage: p\ntypes:\n  T: {fields: {n: {type: int32, minimum: ⟨5, maximum: 2}}}\n", `greater than maximum`},
	{"constraint", "bound out of range", "version: 1\npackage: p\ntypes:\n  T: {fields: {n: {type: uint32, minimum: ⟨-1}}}\n", `want an integer from 0 to 4294967295`},
	{"constraint", "bad pattern", "version: 1\npackage: p\ntypes:\n  T: {fields: {s: {type: string, pattern: ⟨\"([\"}}}\n", `invalid RE2 expression`},
	{"constraint", "map with int keys", "version: 1\npackage: p\ntypes:\n  T: {fields: {m: {type: ⟨\"map[int]string\"}}}\n", `map keys must be string`},
	{"constraint", "missing field type", "version: 1\npackage: p\ntypes:\n  T:\n    fields:\n      ⟨n: {required: true}\n", `missing key "type"`},
	{"constraint", "empty enum", "version: 1\npackage: p\ntypes:\n  Status: {⟨enum: []}\n", `want at least one value`},
	{"constraint", "enum and fields", "version: 1\npackage: p\ntypes:\n  T: {enum: [a], ⟨fields: {}}\n", `want enum or fields, not both`},
	{"constraint", "required cycle", "version: 1\npackage: p\ntypes:\n  A:\n    fields:\n      ⟨b: {type: B, required: true}\n  B:\n    fields:\n      a: {type: A, required: true}\n", `make one of them optional`},
	{"constraint", "fields on a raw message", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M:\n    exchange: e\n    serializer: raw\n    ⟨fields: {a: {type: string}}\n", `a raw message has no fields`},
	{"constraint", "go_type without a package", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, go_type: ⟨\"example.com/m\"}\n", `want an import path, a dot and a type name`},

	// What RabbitMQ refuses, and values no publish carries.
	{"broker", "quorum with max_priority", "version: 1\npackage: p\nqueues:\n  q: {type: quorum, max_priority: ⟨5}\n", `make the queue classic`},
	{"broker", "exclusive quorum queue", "version: 1\npackage: p\nqueues:\n  q: {type: quorum, exclusive: ⟨true}\n", `remove exclusive`},
	{"broker", "stream with message_ttl", "version: 1\npackage: p\nqueues:\n  q: {type: stream, message_ttl: ⟨1h}\n", `stream queues do not take "x-message-ttl"`},
	{"broker", "dead-letter key alone", "version: 1\npackage: p\nqueues:\n  q: {dead_letter_routing_key: ⟨dead}\n", `set dead_letter_exchange`},
	{"broker", "bad x-match", "version: 1\npackage: p\nexchanges: {h: {type: headers}}\nqueues:\n  q: {bindings: [{exchange: h, arguments: {⟨x-match: some}}]}\n", `want all, any, all-with-x or any-with-x`},
	{"broker", "priority over 255", "version: 1\npackage: p\ndefaults: {priority: ⟨256}\n", `want an integer from 0 to 255`},
	{"broker", "ttl over 3650 days", "version: 1\npackage: p\ndefaults: {ttl: ⟨87601h}\n", `want at most 87600h`},
	{"broker", "ttl fraction of a millisecond", "version: 1\npackage: p\ndefaults: {ttl: ⟨1500us}\n", `whole number of milliseconds`},
	{"broker", "header integer below 32 bits", "version: 1\npackage: p\nexchanges: {e: {type: topic}}\nmessages:\n  M: {exchange: e, headers: {⟨offset: -3000000000}}\n", `write it as a string`},
	{"broker", "reserved exchange name", "version: 1\npackage: p\nexchanges:\n  ⟨amq.orders: {type: topic}\n", `reserved by the broker`},
	{"broker", "internal exchange published to", "version: 1\npackage: p\nexchanges: {e: {type: topic, internal: true}}\nmessages:\n  M: {exchange: ⟨e}\n", `internal`},
}

// TestMistakes runs kombugen check on each mistake and checks that it
// reports that one problem, at the line and column of the mark, with the
// message wanted and a hint of how to put it right.
func TestMistakes(t *testing.T) {
	if n := len(mistakes); n < 80 {
		t.Fatalf("%d mistakes; the issue asks for 80 or more", n)
	}
	dir := t.TempDir()
	for _, m := range mistakes {
		t.Run(m.category+"/"+m.name, func(t *testing.T) {
			i := strings.Index(m.src, mistakeMark)
			if i < 0 {
				t.Fatalf("no %s in the schema", mistakeMark)
			}
			before := m.src[:i]
			line := 1 + strings.Count(before, "\n")
			col := 1 + len([]rune(before[strings.LastIndexByte(before, '\n')+1:]))
			path := filepath.Join(dir, strings.NewReplacer("/", "-", " ", "-").Replace(m.category+"-"+m.name)+".kombugen.yaml")
			if err := os.WriteFile(path, []byte(before+m.src[i+len(mistakeMark):]), 0o666); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"check", path}, &stdout, &stderr); code != exitFailed {
				t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitFailed, &stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 {
				t.Fatalf("%d problems reported, want the one:\n%s", len(lines), &stderr)
			}
			got := lines[0]
			prefix := fmt.Sprintf("%s:%d:%d: ", path, line, col)
			msg, ok := strings.CutPrefix(got, prefix)
			switch {
			case !ok:
				t.Errorf("reported as\n\t%s\nwant it at %d:%d", got, line, col)
			case !strings.Contains(msg, m.want):
				t.Errorf("message %q\nwant it to say %q", msg, m.want)
			case !hint.MatchString(msg):
				t.Errorf("message %q gives no hint of the fix", msg)
			}
		})
	}
}
