package schemadiff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kombugen/kombugen/schema"
)

// base is a small schema most cases edit. Its lines:
//
//	1 version: 1
//	2 package: p
//	3 exchanges:
//	4   orders: {type: topic}
//	5 messages:
//	6   Created:
//	7     exchange: orders
//	8     routing_key: order.created
//	9     fields:
//	10      id: {type: string, required: true}
const base = `version: 1
package: p
exchanges:
  orders: {type: topic}
messages:
  Created:
    exchange: orders
    routing_key: order.created
    fields:
      id: {type: string, required: true}
`

// compareCases are pairs of schemas and the changes between them, each
// written as "CATEGORY severity kind LINE:COL subject", in any order
// (TestReportOrder checks the order). Lines and columns are in the new
// schema, or in the old one for removals.
var compareCases = []struct {
	name     string
	old, new string
	want     []string
	// says are texts the summaries must hold, to pin the reasons.
	says     []string
	breaking bool
}{
	{
		name: "identical",
		old:  base,
		new:  base,
	},
	{
		name: "required field removed",
		old:  base + "      note: {type: string}\n",
		new: strings.Replace(base, "      id: {type: string, required: true}\n",
			"      note: {type: string}\n", 1),
		want: []string{
			`WIRE breaking removed 10:7 message "Created" field "id"`,
			`GO_API breaking removed 10:7 message "Created" field "id"`,
		},
		says:     []string{`consumers reading key "id" get nothing`, "Created.ID is gone"},
		breaking: true,
	},
	{
		name: "optional field removed",
		old:  base + "      note: {type: string}\n",
		new:  base,
		want: []string{
			`WIRE warning removed 11:7 message "Created" field "note"`,
			`GO_API breaking removed 11:7 message "Created" field "note"`,
		},
		says:     []string{"already cope without"},
		breaking: true,
	},
	{
		name: "optional field added",
		old:  base,
		new:  base + "      note: {type: string, max_length: 10}\n",
		want: []string{`WIRE compatible added 11:7 message "Created" field "note"`},
		says: []string{"Created.Note *string", "ignore it"},
	},
	{
		name:     "required string field added: Validate rejects the zero value",
		old:      base,
		new:      base + "      sku: {type: string, required: true}\n",
		want:     []string{`GO_API breaking added 11:7 message "Created" field "sku"`},
		says:     []string{"runtime.ErrInvalidMessage"},
		breaking: true,
	},
	{
		name: "required int field added: the zero value passes",
		old:  base,
		new:  base + "      count: {type: int32, required: true}\n",
		want: []string{`GO_API warning added 11:7 message "Created" field "count"`},
		says: []string{"sends the zero value"},
	},
	{
		name: "field renamed keeping its Go name",
		old:  base,
		new:  strings.Replace(base, "      id: {", "      Id: {", 1),
		want: []string{
			`WIRE breaking removed 10:7 message "Created" field "id"`,
			`WIRE compatible added 10:7 message "Created" field "Id"`,
		},
		says:     []string{`wrote key "id" before`},
		breaking: true,
	},
	{
		name: "optional string made required",
		old:  base + "      note: {type: string}\n",
		new:  base + "      note: {type: string, required: true}\n",
		want: []string{
			`WIRE breaking changed 11:7 message "Created" field "note"`,
			`GO_API breaking changed 11:7 message "Created" field "note"`,
		},
		says:     []string{"optional -> required", "*string -> string"},
		breaking: true,
	},
	{
		name:     "required list made optional: the Go type stays",
		old:      base + "      tags: {type: \"[]string\", required: true}\n",
		new:      base + "      tags: {type: \"[]string\"}\n",
		want:     []string{`WIRE breaking changed 11:7 message "Created" field "tags"`},
		says:     []string{"required -> optional", "left out"},
		breaking: true,
	},
	{
		name: "field type changed",
		old:  base + "      count: {type: int32}\n",
		new:  base + "      count: {type: string}\n",
		want: []string{
			`WIRE breaking changed 11:7 message "Created" field "count"`,
			`GO_API breaking changed 11:7 message "Created" field "count"`,
		},
		says:     []string{"type int32 -> string", "*int32 -> *string"},
		breaking: true,
	},
	{
		name: "integer widened",
		old:  base + "      count: {type: int32}\n",
		new:  base + "      count: {type: int64}\n",
		want: []string{
			`WIRE warning changed 11:7 message "Created" field "count"`,
			`GO_API breaking changed 11:7 message "Created" field "count"`,
		},
		says:     []string{"overflow consumers that decode int32"},
		breaking: true,
	},
	{
		name: "enum field turned string",
		old:  "types:\n  Region: {enum: [EU, US]}\n" + base + "      region: {type: Region}\n",
		new:  "types:\n  Region: {enum: [EU, US]}\n" + base + "      region: {type: string}\n",
		want: []string{
			`WIRE warning changed 13:7 message "Created" field "region"`,
			`GO_API breaking changed 13:7 message "Created" field "region"`,
		},
		says:     []string{`one of "EU", "US"`, "*Region -> *string"},
		breaking: true,
	},
	{
		name: "enum value removed",
		old:  "types:\n  Region: {enum: [EU, US]}\n" + base + "      region: {type: Region}\n",
		new:  "types:\n  Region: {enum: [EU]}\n" + base + "      region: {type: Region}\n",
		want: []string{
			`WIRE breaking removed 2:23 type "Region" value "US"`,
			`GO_API breaking removed 2:23 type "Region" value "US"`,
		},
		says:     []string{"the constant RegionUS is gone", `used by message "Created"`},
		breaking: true,
	},
	{
		name: "enum value added",
		old:  "types:\n  Region: {enum: [EU]}\n" + base,
		new:  "types:\n  Region: {enum: [EU, APAC]}\n" + base,
		want: []string{`WIRE warning added 2:23 type "Region" value "APAC"`},
		says: []string{"constant RegionAPAC", "no message uses it"},
	},
	{
		name: "constraints tightened and loosened",
		old:  base + "      note: {type: string, max_length: 500}\n      qty: {type: int32, minimum: 1}\n",
		new:  base + "      note: {type: string, max_length: 100}\n      qty: {type: int32}\n",
		want: []string{
			`POLICY warning changed 11:7 message "Created" field "note"`,
			`WIRE warning changed 12:7 message "Created" field "qty"`,
		},
		says: []string{"max_length 500 -> 100: Validate may now reject", "minimum 1 -> unset: values outside the old bound"},
	},
	{
		name:     "serializer changed in defaults",
		old:      "defaults: {serializer: json}\n" + base,
		new:      "defaults: {serializer: msgpack}\n" + base,
		want:     []string{`WIRE breaking changed 1:24 message "Created" policy "serializer"`},
		says:     []string{"json -> msgpack (from defaults)", "application/json -> application/x-msgpack", "accept list"},
		breaking: true,
	},
	{
		name:     "compression changed in a named policy",
		old:      "policies:\n  audit: {compression: zlib}\n" + strings.Replace(base, "    exchange: orders\n", "    exchange: orders\n    policy: audit\n", 1),
		new:      "policies:\n  audit: {compression: zstd}\n" + strings.Replace(base, "    exchange: orders\n", "    exchange: orders\n    policy: audit\n", 1),
		want:     []string{`WIRE breaking changed 2:24 message "Created" policy "compression"`},
		says:     []string{`zlib -> zstd (from policy "audit")`, "kombu reads it with the zstandard module installed, 5.2.4 included"},
		breaking: true,
	},
	{
		name: "policy weakened",
		old:  "defaults: {delivery_mode: persistent, ttl: 1h, confirm: true, mandatory: true, priority: 5, retry: {max_retries: 3}}\n" + base,
		new:  "defaults: {delivery_mode: transient, ttl: 1m, confirm: false, mandatory: false, priority: 1, retry: {max_retries: 1}}\n" + base,
		want: []string{
			`POLICY warning changed 1:27 message "Created" policy "delivery_mode"`,
			`POLICY warning changed 1:43 message "Created" policy "ttl"`,
			`POLICY warning changed 1:56 message "Created" policy "confirm"`,
			`POLICY warning changed 1:74 message "Created" policy "mandatory"`,
			`POLICY warning changed 1:91 message "Created" policy "priority"`,
			`POLICY warning changed 1:115 message "Created" policy "retry.max_retries"`,
		},
		says: []string{"lost when the broker restarts", "1h -> 1m", "dropped silently", "goes unnoticed"},
	},
	{
		name: "policy strengthened: set on the message itself",
		old:  "defaults: {delivery_mode: transient, ttl: 1h, confirm: false}\n" + base,
		new:  "defaults: {delivery_mode: transient, ttl: 1h, confirm: false}\n" + strings.Replace(base, "    exchange: orders\n", "    exchange: orders\n    delivery_mode: persistent\n    ttl: 0s\n    confirm: true\n", 1),
		want: []string{
			`POLICY compatible changed 9:20 message "Created" policy "delivery_mode"`,
			`POLICY compatible changed 10:10 message "Created" policy "ttl"`,
			`POLICY compatible changed 11:14 message "Created" policy "confirm"`,
		},
		says: []string{"transient -> persistent: messages in durable queues", "1h -> 0s: messages no longer expire"},
	},
	{
		name: "a field's own enum loses a value and gains one",
		old:  base + "      status: {type: string, enum: [new, paid]}\n",
		new:  base + "      status: {type: string, enum: [new, shipped]}\n",
		want: []string{
			`WIRE breaking removed 11:42 type "Created.status" value "paid"`,
			`GO_API breaking removed 11:42 type "Created.status" value "paid"`,
			`WIRE warning added 11:42 type "Created.status" value "shipped"`,
		},
		says:     []string{"the constant CreatedStatusPaid is gone", "new value (constant CreatedStatusShipped)"},
		breaking: true,
	},
	{
		name:     "type property renamed",
		old:      "defaults: {type: true}\n" + base,
		new:      "defaults: {type: shop.created.v2}\n" + base,
		want:     []string{`WIRE breaking changed 1:18 message "Created" policy "type"`},
		says:     []string{`"Created" -> "shop.created.v2"`, "dispatch on the type property"},
		breaking: true,
	},
	{
		name: "type property added",
		old:  base,
		new:  "defaults: {type: true}\n" + base,
		want: []string{`WIRE compatible changed 1:18 message "Created" policy "type"`},
		says: []string{`"" -> "Created"`},
	},
	{
		name:     "routing key changed",
		old:      base,
		new:      strings.Replace(base, "order.created", "order.placed", 1),
		want:     []string{`ROUTING breaking changed 8:18 message "Created"`},
		says:     []string{`routing key "order.created" -> "order.placed"`},
		breaking: true,
	},
	{
		name: "routing key parameter added",
		old:  base,
		new: strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"order.{region}.created\"\n    params: {region: {}}\n", 1),
		want: []string{
			`ROUTING breaking changed 8:18 message "Created"`,
			`GO_API breaking changed 8:18 message "Created"`,
		},
		says:     []string{"PublishCreated parameters () -> (region string)"},
		breaking: true,
	},
	{
		name: "routing key parameter renamed in place",
		old: strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"order.{region}.created\"\n    params: {region: {}}\n", 1),
		new: strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"order.{area}.created\"\n    params: {area: {}}\n", 1),
		want: []string{`GO_API compatible changed 8:18 message "Created"`},
		says: []string{"the keys sent are the same"},
	},
	{
		name: "routing key parameters reordered",
		old: strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"{a}.{b}\"\n    params: {a: {}, b: {}}\n", 1),
		new: strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"{b}.{a}\"\n    params: {a: {}, b: {}}\n", 1),
		want: []string{
			`ROUTING breaking changed 8:18 message "Created"`,
			`GO_API warning changed 8:18 message "Created"`,
		},
		says:     []string{"moves parameters to other words", "check every call"},
		breaking: true,
	},
	{
		name: "routing key parameters of other types reordered",
		old: "types:\n  Region: {enum: [EU, US]}\n" + strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"{region}.{id}\"\n    params: {region: {type: Region}, id: {}}\n", 1),
		new: "types:\n  Region: {enum: [EU, US]}\n" + strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"{id}.{region}\"\n    params: {region: {type: Region}, id: {}}\n", 1),
		want: []string{
			`ROUTING breaking changed 10:18 message "Created"`,
			`GO_API breaking changed 10:18 message "Created"`,
		},
		says:     []string{"(region Region, id string) -> (id string, region Region)"},
		breaking: true,
	},
	{
		name: "routing key parameter retyped",
		old: "types:\n  Region: {enum: [EU, US]}\n" + strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"order.{region}.created\"\n    params: {region: {}}\n", 1),
		new: "types:\n  Region: {enum: [EU, US]}\n" + strings.Replace(base, "    routing_key: order.created\n",
			"    routing_key: \"order.{region}.created\"\n    params: {region: {type: Region}}\n", 1),
		want:     []string{`GO_API breaking changed 10:18 message "Created"`},
		says:     []string{"(region string) -> (region Region)"},
		breaking: true,
	},
	{
		name: "message moved to another exchange",
		old:  strings.Replace(base, "  orders: {type: topic}\n", "  orders: {type: topic}\n  events: {type: topic}\n", 1),
		new: strings.Replace(strings.Replace(base, "  orders: {type: topic}\n", "  orders: {type: topic}\n  events: {type: topic}\n", 1),
			"    exchange: orders\n", "    exchange: events\n", 1),
		want:     []string{`ROUTING breaking changed 7:3 message "Created"`},
		says:     []string{`exchange "orders" -> exchange "events"`},
		breaking: true,
	},
	{
		name: "exchange removed",
		old:  strings.Replace(base, "  orders: {type: topic}\n", "  orders: {type: topic}\n  audit: {type: fanout}\n", 1),
		new:  base,
		want: []string{
			`ROUTING breaking removed 5:3 exchange "audit"`,
			`GO_API breaking removed 5:3 exchange "audit"`,
		},
		says:     []string{"AuditExchange is gone"},
		breaking: true,
	},
	{
		name: "exchange type changed",
		old:  base,
		new:  strings.Replace(strings.Replace(base, "{type: topic}", "{type: direct}", 1), "order.created", "order-created", 1),
		want: []string{
			`DECLARE breaking changed 4:3 exchange "orders"`,
			`ROUTING breaking changed 4:3 exchange "orders"`,
			`ROUTING breaking changed 8:18 message "Created"`,
		},
		says:     []string{"PRECONDITION_FAILED, 406"},
		breaking: true,
	},
	{
		name: "exchange attributes and arguments",
		old: strings.Replace(base, "  orders: {type: topic}\n",
			"  orders: {type: topic, alternate_exchange: unrouted, arguments: {x-note: a}}\n", 1),
		new: strings.Replace(base, "  orders: {type: topic}\n",
			"  orders: {type: topic, durable: false, alternate_exchange: lost, arguments: {x-note: b}}\n", 1),
		want: []string{
			`DECLARE breaking changed 4:3 exchange "orders"`,
			`DECLARE breaking changed 4:61 exchange "orders" argument "alternate-exchange"`,
			`DECLARE warning changed 4:79 exchange "orders" argument "x-note"`,
		},
		says:     []string{"durable true -> false", `"unrouted" -> "lost"`, "does not compare it"},
		breaking: true,
	},
	{
		name: "queue arguments: compared, ignored, and classic taken for unset",
		old:  base + "queues:\n  q:\n    max_priority: 5\n    arguments: {x-custom: 1}\n",
		new:  base + "queues:\n  q:\n    type: classic\n    max_priority: 10\n    arguments: {x-custom: 2}\n",
		want: []string{
			`DECLARE compatible added 13:11 queue "q" argument "x-queue-type"`,
			`DECLARE breaking changed 14:19 queue "q" argument "x-max-priority"`,
			`DECLARE warning changed 15:17 queue "q" argument "x-custom"`,
		},
		says:     []string{"5 -> 10", "takes a queue without x-queue-type as classic", "does not compare it for classic queues"},
		breaking: true,
	},
	{
		name: "queue type and exclusivity changed",
		old:  base + "queues:\n  q: {exclusive: true, durable: false}\n",
		new:  base + "queues:\n  q: {type: quorum}\n",
		want: []string{
			`DECLARE breaking changed 12:3 queue "q"`,
			`DECLARE breaking changed 12:3 queue "q"`,
			`DECLARE breaking added 12:13 queue "q" argument "x-queue-type"`,
		},
		says:     []string{"RESOURCE_LOCKED, 405", "durable false -> true"},
		breaking: true,
	},
	{
		name:     "binding removed",
		old:      base + "queues:\n  q:\n    bindings:\n      - {exchange: orders, routing_key: \"order.#\"}\n",
		new:      base + "queues:\n  q: {}\n",
		want:     []string{`ROUTING breaking removed 14:9 queue "q" binding to "orders" key "order.#"`},
		says:     []string{`message "Created" stops reaching the queue`, "declaring does not unbind"},
		breaking: true,
	},
	{
		name: "binding added",
		old:  base + "queues:\n  q: {}\n",
		new:  base + "queues:\n  q:\n    bindings:\n      - {exchange: orders, routing_key: \"*.created\"}\n",
		want: []string{`ROUTING compatible added 14:9 queue "q" binding to "orders" key "*.created"`},
		says: []string{`now also receives "Created"`},
	},
	{
		name: "queue removed",
		old:  base + "queues:\n  billing:\n    bindings: [{exchange: orders, routing_key: order.created}]\n",
		new:  base,
		want: []string{
			`ROUTING breaking removed 12:3 queue "billing"`,
			`GO_API breaking removed 12:3 queue "billing"`,
		},
		says:     []string{`message "Created" stops arriving`, "BillingQueue is gone"},
		breaking: true,
	},
	{
		name: "message removed",
		old:  base + "  Deleted: {exchange: orders, routing_key: order.deleted}\n",
		new:  base,
		want: []string{
			`GO_API breaking removed 11:3 message "Deleted"`,
			`ROUTING warning removed 11:3 message "Deleted"`,
		},
		says:     []string{"the type Deleted and Producer.PublishDeleted are no longer generated"},
		breaking: true,
	},
	{
		name: "message added reaching an existing queue",
		old:  base + "queues:\n  q: {bindings: [{exchange: orders, routing_key: \"order.*\"}]}\n",
		new:  strings.Replace(base, "messages:\n", "messages:\n  Deleted: {exchange: orders, routing_key: order.deleted}\n", 1) + "queues:\n  q: {bindings: [{exchange: orders, routing_key: \"order.*\"}]}\n",
		want: []string{
			`GO_API compatible added 6:3 message "Deleted"`,
			`GO_API compatible added 5:1 producer "Producer" message "Deleted"`,
		},
		says: []string{`consumers of existing queue "q" must accept it`},
	},
	{
		name: "producers: message dropped, queue no longer declared, producer removed",
		old: base + "queues:\n  q: {}\nproducers:\n  Orders: {exchange: orders, messages: [Created], declare: [q]}\n" +
			"  Audit: {exchange: orders, messages: [Created]}\n",
		new: base + "queues:\n  q: {}\nproducers:\n  Orders: {exchange: orders, messages: []}\n",
		want: []string{
			`GO_API breaking removed 14:3 producer "Orders" message "Created"`,
			`ROUTING warning removed 14:3 producer "Orders" declare "q"`,
			`GO_API breaking removed 15:3 producer "Audit"`,
		},
		says:     []string{"OrdersProducer.PublishCreated is gone", "NewAuditProducer"},
		breaking: true,
	},
	{
		name:     "package renamed",
		old:      base,
		new:      strings.Replace(base, "package: p", "package: shop", 1),
		want:     []string{`GO_API breaking changed 0:0 package`},
		breaking: true,
	},
	{
		name: "headers and description",
		old:  strings.Replace(base, "    exchange: orders\n", "    exchange: orders\n    headers: {x-version: 1, x-gone: a}\n", 1),
		new:  strings.Replace(base, "    exchange: orders\n", "    exchange: orders\n    description: Made.\n    headers: {x-version: 2, x-new: b}\n", 1),
		want: []string{
			`GO_API compatible changed 6:3 message "Created"`,
			`WIRE warning changed 9:15 message "Created" header "x-version"`,
			`WIRE compatible added 9:29 message "Created" header "x-new"`,
			`WIRE warning removed 8:29 message "Created" header "x-gone"`,
		},
		says: []string{"1 -> 2", `was "a"`},
	},
	{
		name: "struct type renamed, same shape",
		old:  "types:\n  Money: {fields: {amount: {type: int64, required: true}}}\n" + base + "      total: {type: Money, required: true}\n",
		new:  "types:\n  Amount: {fields: {amount: {type: int64, required: true}}}\n" + base + "      total: {type: Amount, required: true}\n",
		want: []string{
			`GO_API compatible added 2:3 type "Amount"`,
			`GO_API breaking changed 13:7 message "Created" field "total"`,
			`GO_API breaking removed 2:3 type "Money"`,
		},
		says:     []string{"Money -> Amount"},
		breaking: true,
	},
	{
		name: "serializer made raw",
		old:  base,
		new: strings.Replace(base, "    fields:\n      id: {type: string, required: true}\n",
			"    serializer: raw\n", 1),
		want: []string{
			`WIRE breaking changed 9:17 message "Created" policy "serializer"`,
			`GO_API breaking changed 6:3 message "Created"`,
		},
		says:     []string{"Created (struct) -> Created ([]byte)"},
		breaking: true,
	},
	{
		name: "new schema: everything is added",
		old:  "",
		new:  base + "queues:\n  q: {}\n",
		want: []string{
			`DECLARE compatible added 4:3 exchange "orders"`,
			`GO_API compatible added 5:1 producer "Producer"`,
			`GO_API compatible added 6:3 message "Created"`,
			`DECLARE compatible added 12:3 queue "q"`,
		},
	},
}

func TestCompare(t *testing.T) {
	if len(compareCases) < 25 {
		t.Fatalf("%d cases; keep at least 25", len(compareCases))
	}
	for _, tc := range compareCases {
		t.Run(tc.name, func(t *testing.T) {
			var old *schema.Schema
			if tc.old != "" {
				old = mustParse(t, "old.yaml", tc.old)
			}
			r := Compare(old, mustParse(t, "new.yaml", tc.new))
			var got []string
			var summaries strings.Builder
			for _, c := range r.Changes {
				got = append(got, fmt.Sprintf("%s %s %s %d:%d %s", c.Category, c.Severity, c.Kind, c.Pos.Line, c.Pos.Col, c.Subject))
				summaries.WriteString(c.Summary + "\n")
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("changes (-want +got):\n%s\nsummaries:\n%s", diff, summaries.String())
			}
			for _, s := range tc.says {
				if !strings.Contains(summaries.String(), s) {
					t.Errorf("no summary says %q; they are:\n%s", s, summaries.String())
				}
			}
			if r.Breaking() != tc.breaking {
				t.Errorf("Breaking() = %v, want %v", r.Breaking(), tc.breaking)
			}
		})
	}
}

// TestComparePositionsNameFiles checks that changes point into the new
// file, and removals into the old one, marked so.
func TestComparePositionsNameFiles(t *testing.T) {
	old := mustParse(t, "old.yaml", base+"      note: {type: string}\n")
	new := mustParse(t, "new.yaml", strings.Replace(base+"      note: {type: int32}\n", "order.created", "order.made", 1))
	r := Compare(old, new)
	for _, c := range r.Changes {
		wantFile := "new.yaml"
		if c.Kind == Removed {
			wantFile = "old.yaml"
		}
		if c.Pos.File != wantFile {
			t.Errorf("%s: Pos in %q, want %q", c, c.Pos.File, wantFile)
		}
		if c.Kind == Changed && c.OldPos.File != "old.yaml" {
			t.Errorf("%s: OldPos in %q, want old.yaml", c, c.OldPos.File)
		}
	}
	removed := Change{Kind: Removed, Pos: schema.Pos{File: "old.yaml", Line: 3, Col: 5}}
	if got, want := removed.Where(), "(removed, was at old.yaml:3:5)"; got != want {
		t.Errorf("Where() = %q, want %q", got, want)
	}
}

// TestCompareNilNew treats a deleted schema as everything removed.
func TestCompareNilNew(t *testing.T) {
	r := Compare(mustParse(t, "old.yaml", base), nil)
	if !r.Breaking() {
		t.Errorf("deleting a schema is not breaking:\n%v", r.Changes)
	}
	for _, c := range r.Changes {
		if c.Kind != Removed {
			t.Errorf("%s: kind %s, want removed", c, c.Kind)
		}
	}
}

// TestReportOrder checks the sort: severity, then new positions, then
// removals.
func TestReportOrder(t *testing.T) {
	r := &Report{Changes: []Change{
		{Severity: Compatible, Pos: schema.Pos{Line: 1}},
		{Severity: Breaking, Kind: Removed, Pos: schema.Pos{Line: 1}},
		{Severity: Breaking, Pos: schema.Pos{Line: 9}},
		{Severity: Warning, Pos: schema.Pos{Line: 2}},
		{Severity: Breaking, Pos: schema.Pos{Line: 3}},
	}}
	r.sort()
	var got []string
	for _, c := range r.Changes {
		got = append(got, fmt.Sprintf("%s %s %d", c.Severity, c.Kind, c.Pos.Line))
	}
	want := []string{"breaking changed 3", "breaking changed 9", "breaking removed 1", "warning changed 2", "compatible changed 1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func mustParse(t *testing.T, name, src string) *schema.Schema {
	t.Helper()
	s, err := schema.Parse(name, []byte(src), schema.Options{})
	if err != nil {
		t.Fatalf("%s:\n%s\n%v", name, src, err)
	}
	return s
}
