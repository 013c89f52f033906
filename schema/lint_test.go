package schema

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lintCases are schemas, each made to break one rule (or none), with
// every warning Lint must give, as Warning.String prints them. Sources
// start on line 1 with "version: 1".
var lintCases = []struct {
	name string
	src  string
	want []string
}{
	{
		name: "clean",
		src: `version: 1
package: p
exchanges:
  ev: {type: topic}
queues:
  q: {bindings: [{exchange: ev, routing_key: "order.#"}]}
messages:
  Created: {exchange: ev, routing_key: "order.{region}.created", params: {region: {}}}
`,
	},
	{
		name: "unroutable topic, a param is one word",
		src: `version: 1
package: p
exchanges:
  ev: {type: topic}
queues:
  q: {bindings: [{exchange: ev, routing_key: "order.*.created"}]}
messages:
  Created: {exchange: ev, routing_key: "order.{region}.created", params: {region: {}}}
  Shipped: {exchange: ev, routing_key: "order.{region}.shipped", params: {region: {}}}
  Deep: {exchange: ev, routing_key: "order.eu.{a}.created", params: {a: {}}}
`,
		want: []string{
			`t.yaml:9:40: message "Shipped": no binding of exchange "ev" can take routing key "order.{region}.shipped"; the broker drops it (mandatory is off) [unroutable]`,
			`t.yaml:10:37: message "Deep": no binding of exchange "ev" can take routing key "order.eu.{a}.created"; the broker drops it (mandatory is off) [unroutable]`,
		},
	},
	{
		name: "unroutable enum and integer params, mandatory",
		src: `version: 1
package: p
types:
  Region: {enum: [us, apac]}
exchanges:
  ev: {type: topic}
  jobs: {type: direct}
queues:
  q:
    bindings:
      - {exchange: ev, routing_key: "order.eu.created"}
      - {exchange: jobs, routing_key: "job-x"}
      - {exchange: jobs, routing_key: "run-7"}
messages:
  Created:
    exchange: ev
    routing_key: "order.{region}.created"
    params: {region: {type: Region}}
    mandatory: true
  Job: {exchange: jobs, routing_key: "job-{n}", params: {n: {type: int32}}}
  Run: {exchange: jobs, routing_key: "run-{n}", params: {n: {type: uint64}}}
`,
		want: []string{
			`t.yaml:17:18: message "Created": no binding of exchange "ev" can take routing key "order.{region}.created"; publishing it fails as unroutable (mandatory is on) [unroutable]`,
			`t.yaml:20:38: message "Job": no binding of exchange "jobs" can take routing key "job-{n}"; the broker drops it (mandatory is off) [unroutable]`,
		},
	},
	{
		name: "alternate exchanges",
		src: `version: 1
package: p
exchanges:
  ev: {type: direct, alternate_exchange: lost}
  lost: {type: fanout}
  ev2: {type: direct, alternate_exchange: lost2}
  lost2: {type: direct}
queues:
  q: {bindings: [{exchange: ev, routing_key: a}, {exchange: lost}, {exchange: lost2, routing_key: z}]}
messages:
  A: {exchange: ev, routing_key: b}
  B: {exchange: ev2, routing_key: b}
`,
		want: []string{
			`t.yaml:12:35: message "B": no binding of exchange "ev2" or its alternate exchange "lost2" can take routing key "b"; the broker drops it (mandatory is off) [unroutable]`,
		},
	},
	{
		name: "headers",
		src: `version: 1
package: p
exchanges:
  h: {type: headers}
queues:
  q:
    bindings:
      - {exchange: h, arguments: {x-match: all, kind: a, level: 1}}
messages:
  Fixed: {exchange: h, headers: {kind: a, level: 1.0}}
  Open: {exchange: h, headers: {kind: a}}
  Wrong: {exchange: h, headers: {kind: b}}
`,
		want: []string{
			`t.yaml:12:3: message "Wrong": no binding of exchange "h" can take routing key ""; the broker drops it (mandatory is off) [unroutable]`,
		},
	},
	{
		name: "no bindings",
		src: `version: 1
package: p
exchanges:
  ev: {type: topic}
queues:
  inbox: {}
messages:
  A: {exchange: ev, routing_key: a}
  ByName: {exchange: "", routing_key: inbox}
  Nowhere: {exchange: "", routing_key: outbox}
  Param: {exchange: "", routing_key: "in{x}", params: {x: {}}}
`,
		want: []string{
			`t.yaml:8:3: message "A": no queue is bound to exchange "ev" in the schema; unless one is bound elsewhere, the broker drops it (mandatory is off) [no-bindings]`,
			`t.yaml:10:3: message "Nowhere": the default exchange routes by queue name, and routing key "outbox" names no queue of the schema; unless such a queue is declared elsewhere, the broker drops it (mandatory is off) [no-bindings]`,
		},
	},
	{
		name: "no queues at all: consumers declare them",
		src: `version: 1
package: p
exchanges:
  ev: {type: topic}
messages:
  A: {exchange: ev, routing_key: a}
`,
	},
	{
		name: "plugin exchange type: cannot tell",
		src: `version: 1
package: p
exchanges:
  d: {type: x-delayed-message}
queues:
  q: {bindings: [{exchange: d, routing_key: b}]}
messages:
  A: {exchange: d, routing_key: a}
`,
	},
	{
		name: "mandatory without confirm",
		src: `version: 1
package: p
defaults: {confirm: false}
exchanges:
  ev: {type: fanout}
queues:
  q: {bindings: [{exchange: ev}]}
messages:
  A: {exchange: ev, mandatory: true}
  B: {exchange: ev, mandatory: true, confirm: true}
`,
		want: []string{
			`t.yaml:3:21: message "A": mandatory without confirm: Publish returns before the broker can return the message, so it never fails as unroutable; only an on-return callback hears of it [mandatory-without-confirm]`,
		},
	},
	{
		name: "priority above max",
		src: `version: 1
package: p
policies:
  urgent: {priority: 9}
exchanges:
  ev: {type: direct}
queues:
  low: {max_priority: 5, bindings: [{exchange: ev, routing_key: a}]}
  plain: {bindings: [{exchange: ev, routing_key: a}]}
  high: {max_priority: 10, bindings: [{exchange: ev, routing_key: a}]}
  quorum: {type: quorum, bindings: [{exchange: ev, routing_key: a}]}
  other: {bindings: [{exchange: ev, routing_key: b}]}
messages:
  A: {exchange: ev, routing_key: a, policy: urgent}
  B: {exchange: ev, routing_key: b, priority: 3}
`,
		want: []string{
			`t.yaml:4:22: message "A": priority 9 has no effect in queue "plain", which it can reach, as the queue has no max_priority [priority-above-max]`,
			`t.yaml:4:22: message "A": priority 9 is above max_priority 5 of queue "low", which it can reach; the broker treats it as 5 [priority-above-max]`,
			`t.yaml:15:47: message "B": priority 3 has no effect in queue "other", which it can reach, as the queue has no max_priority [priority-above-max]`,
		},
	},
	{
		name: "stream ttl and priority",
		src: `version: 1
package: p
exchanges:
  ev: {type: fanout}
queues:
  log: {type: stream, bindings: [{exchange: ev}]}
messages:
  A: {exchange: ev, ttl: 1m, priority: 2}
  B: {exchange: ev}
`,
		want: []string{
			`t.yaml:8:26: message "A": ttl 1m0s has no effect in stream "log", which it can reach; streams expire messages by x-max-age, not per message [stream-ttl]`,
			`t.yaml:8:40: message "A": priority 2 has no effect in stream "log", which it can reach; streams keep messages in order [stream-priority]`,
		},
	},
	{
		name: "dead letters",
		src: `version: 1
package: p
exchanges:
  ev: {type: fanout}
  dlx: {type: direct}
  dlx2: {type: direct}
queues:
  b: {dead_letter_exchange: elsewhere, bindings: [{exchange: ev}]}
  c: {dead_letter_exchange: dlx, bindings: [{exchange: ev}]}
  d: {dead_letter_exchange: dlx2, dead_letter_routing_key: k, bindings: [{exchange: ev}]}
  e: {dead_letter_exchange: "", bindings: [{exchange: ev}]}
  dead: {bindings: [{exchange: dlx2, routing_key: k}]}
messages:
  A: {exchange: ev}
`,
		want: []string{
			`t.yaml:8:29: queue "b": dead_letter_exchange "elsewhere" is not in the schema; fine if it is declared elsewhere, else dead letters are dropped [external-dead-letter-exchange]`,
			`t.yaml:9:29: queue "c": no queue is bound to dead_letter_exchange "dlx" in the schema; unless one is bound elsewhere, dead letters are dropped [dead-letters-dropped]`,
		},
	},
	{
		name: "unused queue",
		src: `version: 1
package: p
exchanges:
  ev: {type: fanout}
queues:
  bound: {bindings: [{exchange: ev}]}
  orphan: {}
  declared: {}
  named: {}
messages:
  A: {exchange: ev}
  B: {exchange: "", routing_key: named}
producers:
  P: {exchange: ev, messages: [A, B], declare: [declared]}
`,
		want: []string{
			`t.yaml:7:3: queue "orphan" has no bindings, no producer declares it and no message or task is routed to it by name [unused-queue]`,
		},
	},
	{
		name: "binding keys",
		src: `version: 1
package: p
exchanges:
  h: {type: headers}
  f: {type: fanout}
  t: {type: topic}
  d: {type: direct}
queues:
  q:
    bindings:
      - {exchange: h, arguments: {x-match: any, a: 1}}
      - {exchange: f, routing_key: ignored}
      - {exchange: t, routing_key: "order.*created"}
      - {exchange: d, routing_key: "order.#"}
      - {exchange: t, routing_key: "a.*.#"}
      - {exchange: h, routing_key: k, arguments: {a: 2}}
messages:
  H: {exchange: h, headers: {a: 1}}
  F: {exchange: f}
  T: {exchange: t, routing_key: a.b}
  D: {exchange: d, routing_key: "order.#"}
`,
		want: []string{
			`t.yaml:12:9: queue "q": binding 2: fanout exchange "f" ignores routing_key "ignored" [ignored-routing-key]`,
			`t.yaml:13:9: queue "q": binding 3: routing_key "order.*created": * and # are wildcards only as whole words, so "*created" matches only the word "*created" itself [literal-wildcard]`,
			`t.yaml:14:9: queue "q": binding 4: routing_key "order.#": direct exchange "d" compares keys exactly, with no wildcards; did you mean a topic exchange? [literal-wildcard]`,
			`t.yaml:16:9: queue "q": binding 6: headers exchange "h" ignores routing_key "k" [ignored-routing-key]`,
		},
	},
	{
		name: "extension names",
		src: `version: 1
package: p
x-common: &c {id: {type: string}, x-skip: {type: int}}
exchanges:
  ev: {type: fanout, x-note: kept for anchors}
  x-old: {type: topic}
queues:
  q: {bindings: [{exchange: ev}]}
messages:
  A: {exchange: ev, fields: *c}
  B: {exchange: ev, fields: *c, params: {x-p: {}}}
`,
		want: []string{
			`t.yaml:3:35: message "A": field "x-skip" is ignored: a name beginning with x- is an extension key; rename it if it is meant as a field [extension-name]`,
			`t.yaml:6:3: exchange "x-old" is ignored: a name beginning with x- is an extension key; rename it if it is meant as an exchange [extension-name]`,
			`t.yaml:11:42: message "B": param "x-p" is ignored: a name beginning with x- is an extension key; rename it if it is meant as a param [extension-name]`,
		},
	},
	{
		name: "duplicate and overlapping bindings",
		src: `version: 1
package: p
exchanges:
  t: {type: topic}
  f: {type: fanout}
  d: {type: direct}
queues:
  q:
    bindings:
      - {exchange: t, routing_key: "order.*.created"}
      - {exchange: t, routing_key: "order.#"}
      - {exchange: t, routing_key: "order.#", arguments: {x-note: same routing}}
      - {exchange: t, routing_key: "order.#"}
      - {exchange: t, routing_key: "invoice.#.paid"}
      - {exchange: t, routing_key: "invoice.*.paid"}
      - {exchange: f}
      - {exchange: f, routing_key: x}
      - {exchange: d, routing_key: k}
      - {exchange: d, routing_key: k, arguments: {v: 1}}
      - {exchange: d, routing_key: other}
messages:
  T: {exchange: t, routing_key: order.a.created}
  F: {exchange: f}
  D: {exchange: d, routing_key: k}
`,
		want: []string{
			`t.yaml:10:9: queue "q": binding 1 (routing_key "order.*.created") is covered by binding 2 (routing_key "order.#") at 11:9; a message reaches the queue once, so binding 1 is redundant [overlapping-bindings]`,
			`t.yaml:12:9: queue "q": binding 3 (routing_key "order.#") is covered by binding 2 (routing_key "order.#") at 11:9; a message reaches the queue once, so binding 3 is redundant [overlapping-bindings]`,
			`t.yaml:12:59: queue "q": binding 3: topic exchange "t" ignores binding arguments; only headers exchanges match them [ignored-binding-arguments]`,
			`t.yaml:13:9: queue "q": binding 4 repeats binding 2 at 11:9; RabbitMQ keeps one [duplicate-binding]`,
			`t.yaml:15:9: queue "q": binding 6 (routing_key "invoice.*.paid") is covered by binding 5 (routing_key "invoice.#.paid") at 14:9; a message reaches the queue once, so binding 6 is redundant [overlapping-bindings]`,
			`t.yaml:17:9: queue "q": binding 8: fanout exchange "f" ignores routing_key "x" [ignored-routing-key]`,
			`t.yaml:17:9: queue "q": binding 8 (routing_key "x") is covered by binding 7 (routing_key "") at 16:9, as fanout exchange "f" ignores routing keys; a message reaches the queue once, so binding 8 is redundant [overlapping-bindings]`,
			`t.yaml:19:9: queue "q": binding 10 (routing_key "k") is covered by binding 9 (routing_key "k") at 18:9, as direct exchange "d" ignores binding arguments; a message reaches the queue once, so binding 10 is redundant [overlapping-bindings]`,
			`t.yaml:19:51: queue "q": binding 10: direct exchange "d" ignores binding arguments; only headers exchanges match them [ignored-binding-arguments]`,
		},
	},
	{
		name: "alternate exchange elsewhere, unused exchange",
		src: `version: 1
package: p
exchanges:
  ev: {type: topic, alternate_exchange: elsewhere}
  spare: {type: topic}
  lost: {type: fanout}
  ev2: {type: topic, arguments: {alternate-exchange: lost}}
  dlx: {type: fanout}
queues:
  q: {dead_letter_exchange: dlx, bindings: [{exchange: ev, routing_key: "#"}, {exchange: ev2, routing_key: "#"}]}
  dead: {bindings: [{exchange: dlx}]}
messages:
  A: {exchange: ev, routing_key: a}
`,
		want: []string{
			`t.yaml:4:41: exchange "ev": alternate_exchange "elsewhere" is not in the schema; fine if it is declared elsewhere, else unroutable messages are dropped [external-alternate-exchange]`,
			`t.yaml:5:3: exchange "spare" is not used: no message or producer publishes to it, no queue is bound to it, and no exchange or queue sends messages to it [unused-exchange]`,
		},
	},
	{
		name: "producers and messages",
		src: `version: 1
package: p
exchanges:
  ev: {type: fanout}
queues:
  q: {bindings: [{exchange: ev}]}
  replies: {exclusive: true, auto_delete: true}
messages:
  A: {exchange: ev}
  Unsent: {exchange: ev}
producers:
  P: {messages: [A], declare: [q, replies]}
`,
		want: []string{
			`t.yaml:10:3: message "Unsent" is in no producer's messages, so no Publish method is generated for it [unpublished-message]`,
			`t.yaml:12:3: producer "P" declares exclusive queue "replies", which then belongs to the producer's connection: no consumer can read it; leave declaring it to its consumer [declared-exclusive-queue]`,
		},
	},
	{
		name: "unused types",
		src: `version: 1
package: p
exchanges:
  ev: {type: fanout}
queues:
  q: {bindings: [{exchange: ev}]}
types:
  Region: {enum: [eu]}
  Money: {fields: {amount: {type: int64}, inner: {type: "map[string][]Inner"}}}
  Inner: {fields: {x: {type: string}}}
  Orphan: {fields: {self: {type: "[]Orphan"}}}
  Lonely: {enum: [a]}
messages:
  A: {exchange: ev, routing_key: "{r}", params: {r: {type: Region}}, fields: {total: {type: Money}}}
`,
		want: []string{
			`t.yaml:11:3: type "Orphan" is used by no message or task, directly or through other types [unused-type]`,
			`t.yaml:12:3: type "Lonely" is used by no message or task, directly or through other types [unused-type]`,
		},
	},
	{
		// Messages reach queues through exchange-to-exchange bindings, and
		// an exchange only bound from, or to, is used.
		name: "exchange bindings",
		src: `version: 1
package: p
exchanges:
  in: {type: topic}
  orders: {type: direct, internal: true, bindings: [{exchange: in, routing_key: "order.*"}]}
  audit: {type: fanout, internal: true, bindings: [{exchange: in, routing_key: "#"}, {exchange: orders, routing_key: order.created}]}
  dlx: {type: fanout}
  parked: {type: fanout, internal: true, bindings: [{exchange: dlx, routing_key: k}]}
queues:
  created: {bindings: [{exchange: orders, routing_key: order.created}]}
  all: {bindings: [{exchange: audit}]}
  retry: {dead_letter_exchange: dlx, bindings: [{exchange: parked}]}
messages:
  Created: {exchange: in, routing_key: order.created}
  Paid: {exchange: in, routing_key: order.paid}
`,
		want: []string{
			`t.yaml:8:53: exchange "parked": binding 1: fanout exchange "dlx" ignores routing_key "k" [ignored-routing-key]`,
		},
	},
	{
		name: "unroutable through exchange bindings",
		src: `version: 1
package: p
exchanges:
  in: {type: topic}
  orders: {type: direct, internal: true, bindings: [{exchange: in, routing_key: "order.*"}]}
queues:
  created: {bindings: [{exchange: orders, routing_key: order.created}]}
messages:
  Created: {exchange: in, routing_key: order.created}
  Paid: {exchange: in, routing_key: order.paid}
`,
		want: []string{
			`t.yaml:10:37: message "Paid": no binding of exchange "in", nor of exchange "orders" bound to it, can take routing key "order.paid"; the broker drops it (mandatory is off) [unroutable]`,
		},
	},
}

func TestLint(t *testing.T) {
	for _, tt := range lintCases {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tt.src), Options{})
			if err != nil {
				t.Fatalf("the schema is invalid:\n%v", err)
			}
			var got []string
			for _, w := range Lint(s) {
				got = append(got, w.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLintSpecExample lints SPEC section 2's example, which names
// exchanges declared elsewhere.
func TestLintSpecExample(t *testing.T) {
	s, err := Load(ordersFile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range Lint(s) {
		got = append(got, w.String())
	}
	want := []string{
		`testdata/orders.kombugen.yaml:21:25: exchange "orders": alternate_exchange "orders.unroutable" is not in the schema; fine if it is declared elsewhere, else unroutable messages are dropped [external-alternate-exchange]`,
		`testdata/orders.kombugen.yaml:33:27: queue "billing.order-events": dead_letter_exchange "orders.dlx" is not in the schema; fine if it is declared elsewhere, else dead letters are dropped [external-dead-letter-exchange]`,
		`testdata/orders.kombugen.yaml:68:3: message "AuditBlob": no queue is bound to exchange "audit" in the schema; unless one is bound elsewhere, the broker drops it (mandatory is off) [no-bindings]`,
		`testdata/orders.kombugen.yaml:69:3: message "LegacyOrder" is in no producer's messages, so no Publish method is generated for it [unpublished-message]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestLintRulesDocumented checks that every rule a test shows is listed in
// the package documentation, and every listed rule is shown by a test.
func TestLintRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	documented := make(map[string]bool)
	for _, m := range regexp.MustCompile(`(?m)^//   - ([a-z-]+): `).FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	shown := make(map[string]bool)
	for _, tt := range append(lintCases, taskLintCases...) {
		for _, w := range tt.want {
			shown[w[strings.LastIndex(w, "[")+1:len(w)-1]] = true
		}
	}
	for rule := range shown {
		if !documented[rule] {
			t.Errorf("rule %q is not listed under # Lint in doc.go", rule)
		}
	}
	for rule := range documented {
		if !shown[rule] {
			t.Errorf("rule %q of doc.go has no test case in lintCases or taskLintCases", rule)
		}
	}
}
