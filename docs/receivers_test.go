package docs

import (
	"strings"
	"testing"

	"github.com/kombugen/kombugen/schema"
)

func parse(t *testing.T, src string) *schema.Schema {
	t.Helper()
	s, err := schema.Parse("t.kombugen.yaml", []byte(src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// receiving sums up where message name goes, a line per delivery (queue,
// exchange, when) and one for the end.
func receiving(t *testing.T, s *schema.Schema, name string) string {
	t.Helper()
	m := s.Message(name)
	r := route(s, m)
	var out []string
	for _, d := range r.deliveries {
		out = append(out, d.queue+" on "+d.exchange+": "+when(d))
	}
	if e := ending(r, m.Policy.Mandatory); e != "" {
		out = append(out, e)
	}
	return strings.Join(out, "\n")
}

func TestReceivers(t *testing.T) {
	s := parse(t, `version: 1
package: p
exchanges:
  orders: {type: topic, alternate_exchange: orders.ae}
  orders.ae: {type: fanout, alternate_exchange: elsewhere}
  plain: {type: direct}
  hdrs: {type: headers}
  a: {type: direct, alternate_exchange: b}
  b: {type: direct, alternate_exchange: a}
queues:
  any-region: {bindings: [{exchange: orders, routing_key: "order.*.created"}]}
  eu: {bindings: [{exchange: orders, routing_key: "order.eu.created"}]}
  EU: {bindings: [{exchange: orders, routing_key: "order.EU.#"}]}
  v2: {bindings: [{exchange: orders, routing_key: "report.v2"}]}
  direct-eu: {bindings: [{exchange: plain, routing_key: "order.eu"}]}
  leftovers: {bindings: [{exchange: orders.ae}]}
  pdf: {bindings: [{exchange: hdrs, arguments: {format: pdf}}]}
  pdf-or-urgent: {bindings: [{exchange: hdrs, arguments: {x-match: any, format: pdf, urgent: null}}]}
  zipped: {bindings: [{exchange: hdrs, arguments: {compression: application/x-gzip}}]}
  p.7: {}
types:
  Region: {enum: [EU, US]}
messages:
  Free: {exchange: orders, routing_key: "order.{region}.created", params: {region: {}}, serializer: raw}
  Enum: {exchange: orders, routing_key: "order.{region}.created", params: {region: {type: Region}}, serializer: raw}
  Report: {exchange: orders, routing_key: "report.v{version}", params: {version: {type: int64}}, serializer: raw}
  Direct: {exchange: plain, routing_key: "order.{region}", params: {region: {}}, serializer: raw}
  Pdf: {exchange: hdrs, routing_key: "", headers: {format: pdf}, serializer: raw}
  Zip: {exchange: hdrs, routing_key: "", headers: {format: zip}, compression: zlib, serializer: raw}
  Bare: {exchange: hdrs, routing_key: "", serializer: raw, mandatory: true}
  Looping: {exchange: a, routing_key: x, serializer: raw}
  ByName: {exchange: "", routing_key: "p.{n}", params: {n: {type: uint32}}, serializer: raw}
`)
	tests := []struct{ message, want string }{
		// A free parameter filling a word is any one word.
		{"Free", "any-region on orders: always\n" +
			"eu on orders: when `region` is `eu`\n" +
			"EU on orders: when `region` is `EU`"},
		// An enum parameter takes each of its values.
		{"Enum", "any-region on orders: always\n" +
			"EU on orders: when `region` is `EU`"},
		// A parameter inside a word; otherwise the alternate exchange, then
		// one the schema does not declare.
		{"Report", "v2 on orders: when `version` is `2`\n" +
			"leftovers on orders.ae: when no binding of `orders` takes it"},
		{"Direct", "direct-eu on plain: when `region` is `eu`\n" +
			"When none of these takes it, it is unroutable, and the broker drops it (mandatory is off)."},
		// Constant headers decide; a binding needing others depends on the
		// headers given at publish time.
		{"Pdf", "pdf on hdrs: always\n" +
			"pdf-or-urgent on hdrs: always\n" +
			"zipped on hdrs: depends on headers: published with `compression` = `application/x-gzip`"},
		{"Zip", "pdf-or-urgent on hdrs: depends on headers: published with one of `urgent` present\n" +
			"zipped on hdrs: always"},
		{"Bare", "pdf on hdrs: depends on headers: published with `format` = `pdf`\n" +
			"pdf-or-urgent on hdrs: depends on headers: published with one of `format` = `pdf`, `urgent` present\n" +
			"zipped on hdrs: depends on headers: published with `compression` = `application/x-gzip`\n" +
			"When none of these takes it, it is unroutable, and as mandatory is on, the broker returns it to the publisher (`runtime.ErrUnroutable`)."},
		{"Looping", "No binding in this schema takes it: `a` passes it to its alternate exchange `b`, then the alternate exchange of `b` leads back to `a`, where RabbitMQ stops: it is unroutable, and the broker drops it (mandatory is off)."},
		// The default exchange binds every queue by its name.
		{"ByName", "p.7 on : when `n` is `7`\n" +
			"When none of these takes it, it is unroutable, and the broker drops it (mandatory is off)."},
	}
	for _, tt := range tests {
		if got := receiving(t, s, tt.message); got != tt.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tt.message, got, tt.want)
		}
	}
}

// TestReceiversExternal follows alternate exchanges to one the schema
// does not declare.
func TestReceiversExternal(t *testing.T) {
	s := parse(t, `version: 1
package: p
exchanges:
  orders: {type: topic, alternate_exchange: orders.ae}
  orders.ae: {type: topic, alternate_exchange: elsewhere}
queues:
  q: {bindings: [{exchange: orders.ae, routing_key: "x.#"}]}
messages:
  M: {exchange: orders, routing_key: "y", serializer: raw}
`)
	want := "No binding in this schema takes it: `orders` passes it to its alternate exchange `orders.ae`, then `orders.ae` sends it to its alternate exchange `elsewhere`, which this schema does not declare."
	if got := receiving(t, s, "M"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDiagramIDs(t *testing.T) {
	// Names that come out the same; the schema's checks on Go names would
	// reject some of these, the diagram must cope all the same.
	s := &schema.Schema{
		Package: "p",
		Exchanges: []*schema.Exchange{
			{Name: "a.b", Type: "direct", Durable: true},
			{Name: "a-b", Type: "direct", Durable: true},
			{Name: "default", Type: "direct", Durable: true},
		},
		Queues: []*schema.Queue{{Name: "a.b", Type: "classic", Durable: true}, {Name: "end", Type: "classic", Durable: true}},
		Messages: []*schema.Message{
			{Name: "M", Exchange: "", ExchangeType: "direct", RoutingKey: schema.RoutingKey{Template: "end", Parts: []schema.KeyPart{{Literal: "end"}}}},
		},
	}
	got := Diagram(s)
	for _, want := range []string{
		`  ex_a_b{{"a.b<br/>direct"}}`,
		`  ex_a_b_2{{"a-b<br/>direct"}}`,
		`  ex_default{{"default<br/>direct"}}`,
		`  ex_default_2{{"#40;default exchange#41;<br/>direct, predeclared"}}`,
		`  q_a_b[("a.b<br/>classic")]`,
		`  q_end[("end<br/>classic")]`,
		`  msg_M -->|"end"| ex_default_2`,
		`  ex_default_2 -->|"by queue name"| q_end`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("diagram lacks %s:\n%s", want, got)
		}
	}
}
