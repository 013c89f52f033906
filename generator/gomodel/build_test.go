package gomodel_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// base starts most invalid schemas: lines 1 to 3, with a topic exchange e.
const base = "version: 1\npackage: p\nexchanges: {e: {type: topic}}\n"

// check parses src as s.yaml and builds its model, as kombugen check does,
// and returns the problems of both.
func check(t *testing.T, src string) []string {
	t.Helper()
	s, err := schema.Parse("s.yaml", []byte(src), schema.Options{})
	err = gomodel.Check(s, err)
	if err == nil {
		return nil
	}
	var list schema.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %T is not a schema.ErrorList: %v", err, err)
	}
	return lines(list)
}

func lines(list schema.ErrorList) []string {
	var out []string
	for _, e := range list {
		out = append(out, e.Error())
	}
	return out
}

// invalidTests are schemas whose Go side is wrong, and the exact errors
// for them.
var invalidTests = []struct {
	name string
	src  string
	want []string
}{
	{"publish methods clash", base + "messages:\n  OrderCreated: {exchange: e}\n  OrderCreatedAsync: {exchange: e}\n", []string{
		`s.yaml:6:3: message "OrderCreatedAsync": producer "Producer" would have two methods PublishOrderCreatedAsync, one for message "OrderCreated"; rename one of them`}},
	{"param Go names clash", base + "messages:\n  M:\n    exchange: e\n    routing_key: \"{a_b}.{aB}\"\n    params: {a_b: {}, aB: {}}\n", []string{
		`s.yaml:8:23: message "M": param "aB": Go name "aB" is already used by param "a_b" at 8:14; rename one of them`}},
	{"enum value without identifier", base + "types:\n  Sign: {enum: [plus, \"-\"]}\n", []string{
		`s.yaml:5:23: type "Sign": enum: value "-" yields no Go constant; want a letter, digit or underscore in it`}},
	{"enum constants clash", base + "types:\n  Status: {enum: [in-progress, in.progress]}\n", []string{
		`s.yaml:5:32: type "Status": enum value "in.progress": Go name "StatusInProgress" is already used by enum value "in-progress" of type "Status" at 5:19; rename one of them`}},
	{"field names clash", base + "types:\n  T:\n    fields:\n      order_id: {type: string}\n      orderId: {type: string}\n", []string{
		`s.yaml:8:7: type "T": field "orderId": Go name "OrderID" is already used by field "order_id" at 7:7; rename one of them`}},
	{"field named validate", base + "types:\n  T:\n    fields:\n      validate: {type: string}\n", []string{
		`s.yaml:7:7: type "T": field "validate": Go name "Validate" is taken by the generated Validate method; rename the field`}},
	{"field named append_json", base + "types:\n  T:\n    fields:\n      append_json: {type: string}\nmessages:\n  M: {exchange: e, fields: {t: {type: \"[]T\"}}}\n", []string{
		`s.yaml:7:7: type "T": field "append_json": Go name "AppendJSON" is taken by the generated AppendJSON method; rename the field`}},
	{"field named append_msgpack", base + "messages:\n  M:\n    exchange: e\n    serializer: msgpack\n    fields: {append_msgpack: {type: string}}\n", []string{
		`s.yaml:8:14: message "M": field "append_msgpack": Go name "AppendMsgpack" is taken by the generated AppendMsgpack method; rename the field`}},
	{"field name without identifier", base + "types:\n  T:\n    fields:\n      \"--\": {type: string}\n", []string{
		`s.yaml:7:7: type "T": field "--": the name yields no Go identifier; want a letter or digit in it`}},
	{"local go_type clashes with a type", base + "types:\n  Order: {fields: {}}\nmessages:\n  M: {exchange: e, go_type: Order}\n", []string{
		`s.yaml:7:29: message "M": go_type: Go name "Order" is already used by type "Order" at 5:3; rename one of them`}},
	{"local go_type named like an import", base + "messages:\n  M: {exchange: e, go_type: context}\n", []string{
		`s.yaml:5:29: message "M": go_type: "context" is a name the generated file needs for itself (a package it imports or a predeclared identifier); rename the type`}},
	{"type named Topology", base + "types:\n  Topology: {enum: [a]}\n", []string{
		`s.yaml:5:3: type "Topology": Go name "Topology" is taken by the generated func Topology, which returns the schema's exchanges and queues; rename it`}},
	{"field name with a comma", base + "messages:\n  M:\n    exchange: e\n    fields: {\"id,string\": {type: string}}\n", []string{
		`s.yaml:7:14: message "M": field "id,string": a field name is the key of the json, yaml and msgpack encodings, which cannot hold quotes, backslashes, commas or control characters, nor begin or end with a space`}},
	{"message and type clash", base + "types:\n  Foo: {enum: [a]}\nmessages:\n  Foo: {exchange: e}\n", []string{
		`s.yaml:7:3: message "Foo": Go name "Foo" is already used by type "Foo" at 5:3; rename one of them`}},
	{"producer type and message clash", base + "messages:\n  OrdersProducer: {exchange: e}\nproducers:\n  Orders: {exchange: e, messages: [OrdersProducer]}\n", []string{
		`s.yaml:7:3: producer "Orders": Go name "OrdersProducer" is already used by message "OrdersProducer" at 5:3; rename one of them`}},
	{"enum constant and message clash", base + "types:\n  Status: {enum: [done]}\nmessages:\n  StatusDone: {exchange: e}\n", []string{
		`s.yaml:7:3: message "StatusDone": Go name "StatusDone" is already used by enum value "done" of type "Status" at 5:19; rename one of them`}},
	{"exchange names clash", "version: 1\npackage: p\nexchanges:\n  orders: {type: topic}\n  orders.exchange: {type: topic}\n", []string{
		`s.yaml:5:3: exchange "orders.exchange": Go name "OrdersExchange" is already used by exchange "orders" at 4:3; rename one of them`}},
	{"field name with a space at its end", base + "messages:\n  M:\n    exchange: e\n    fields: {\"id \": {type: string}}\n", []string{
		`s.yaml:7:14: message "M": field "id ": a field name is the key of the json, yaml and msgpack encodings, which cannot hold quotes, backslashes, commas or control characters, nor begin or end with a space`}},
	{"exchange name without identifier", "version: 1\npackage: p\nexchanges:\n  \"-\": {type: topic}\n  \"*\": {type: topic}\n  \"~\": {type: fanout}\n", []string{
		`s.yaml:4:3: exchange "-": the name yields no Go identifier; want a letter or digit in it`,
		`s.yaml:5:3: exchange "*": the name yields no Go identifier; want a letter or digit in it`,
		`s.yaml:6:3: exchange "~": the name yields no Go identifier; want a letter or digit in it`}},
	{"queue name without identifier", base + "queues:\n  _: {}\n  \"\\U0001F389\": {}\n", []string{
		`s.yaml:5:3: queue "_": the name yields no Go identifier; want a letter or digit in it`,
		"s.yaml:6:3: queue \"\U0001F389\": the name yields no Go identifier; want a letter or digit in it"}},
	{"enum value with NUL", base + "types:\n  E: {enum: [ok, \"a\\0b\"]}\n", []string{
		`s.yaml:5:18: type "E": enum: value "a\x00b" holds a NUL character, which nobody can see in a schema or a consumer's code; remove it`}},
	{"enum value with a byte order mark", base + "types:\n  E: {enum: [\"\\ufeffok\"]}\n", []string{
		`s.yaml:5:14: type "E": enum: value "\ufeffok" holds a byte order mark (U+FEFF), which nobody can see in a schema or a consumer's code; remove it`}},
	{"param named like the key function", base + "messages:\n  M:\n    exchange: e\n    routing_key: \"{kombugen_m_key}.{kombugenMKey_}\"\n    params: {kombugen_m_key: {}, kombugenMKey_: {}}\n", []string{
		`s.yaml:8:34: message "M": param "kombugenMKey_": Go name "kombugenMKey_" is already used by param "kombugen_m_key" at 8:14; rename one of them`}},
	{"task and message clash", base + "messages:\n  Resize: {exchange: e}\ntasks:\n  Resize: {name: images.resize}\n", []string{
		`s.yaml:7:3: task "Resize": Go name "Resize" is already used by message "Resize" at 5:3; rename one of them`}},
	{"task and type clash", base + "types:\n  Resize: {enum: [a]}\ntasks:\n  Resize: {name: images.resize}\n", []string{
		`s.yaml:7:3: task "Resize": Go name "Resize" is already used by type "Resize" at 5:3; rename one of them`}},
	{"argument names clash", base + "tasks:\n  T:\n    name: t\n    args: [{name: image_url, type: string}]\n    kwargs: {imageURL: {type: string}}\n", []string{
		`s.yaml:8:14: task "T": field "imageURL": Go name "ImageURL" is already used by field "image_url" at 7:19; rename one of them`}},
	{"argument named validate", base + "tasks:\n  T: {name: t, kwargs: {validate: {type: bool}}}\n", []string{
		`s.yaml:5:25: task "T": field "validate": Go name "Validate" is taken by the generated Validate method; rename the field`}},
	{"task name without identifier", base + "tasks:\n  \"-\": {name: t}\n", []string{
		`s.yaml:5:3: task "-": the name yields no Go identifier; want a letter or digit in it`}},
	{"schema and Go problems in one run", base + "messages:\n  M:\n    exchange: ee\n    fields:\n      order_id: {type: string}\n      orderId: {type: strin}\n", []string{
		`s.yaml:6:15: message "M": exchange: unknown exchange "ee" (did you mean "e"?)`,
		`s.yaml:9:7: message "M": field "orderId": Go name "OrderID" is already used by field "order_id" at 8:7; rename one of them`,
		`s.yaml:9:23: message "M": field "orderId": type: unknown type "strin" (did you mean "string"?)`}},
}

func TestInvalid(t *testing.T) {
	for _, tt := range invalidTests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, tt.src)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s\nschema:\n%s", diff, tt.src)
			}
		})
	}
}
