package schema

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const ordersFile = "testdata/orders.kombugen.yaml"

// at is a position in ordersFile.
func at(line, col int) Pos { return Pos{File: ordersFile, Line: line, Col: col} }

// ignoreOrigins leaves Policy.Origins to TestPolicyOrigins, and a Schema's
// index of its entities out.
var ignoreOrigins = cmp.Options{cmpopts.IgnoreFields(Policy{}, "Origins"), cmpopts.IgnoreUnexported(Schema{})}

func TestLoadOrders(t *testing.T) {
	got, err := Load(ordersFile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	retry := Retry{MaxRetries: 3, IntervalStep: 200 * time.Millisecond, IntervalMax: time.Second}
	defaults := Policy{Serializer: "json", Compression: "none", DeliveryMode: "persistent", Confirm: true, Retry: retry}
	str := &TypeRef{Kind: KindString}
	hour := time.Hour
	maxLength := int64(100000)
	want := &Schema{
		File:     ordersFile,
		Version:  1,
		Package:  "orders",
		Defaults: defaults,
		Exchanges: []*Exchange{
			{
				Name: "orders", Pos: at(16, 3),
				Description: "Order lifecycle events.", Type: "topic", Durable: true,
				AlternateExchange: "orders.unroutable",
				Arguments:         Table{{Key: "alternate-exchange", Value: "orders.unroutable", Pos: at(21, 25)}},
			},
			{Name: "audit", Pos: at(24, 3), Type: "fanout", Durable: true},
		},
		Queues: []*Queue{{
			Name: "billing.order-events", Pos: at(26, 3),
			Type: "quorum", Durable: true, MessageTTL: &hour, MaxLength: &maxLength,
			DeadLetterExchange: "orders.dlx", DeadLetterRoutingKey: "dead",
			Arguments: Table{
				{Key: "x-queue-type", Value: "quorum", Pos: at(27, 11)},
				{Key: "x-message-ttl", Value: int64(3600000), Pos: at(31, 18)},
				{Key: "x-max-length", Value: int64(100000), Pos: at(32, 17)},
				{Key: "x-dead-letter-exchange", Value: "orders.dlx", Pos: at(33, 27)},
				{Key: "x-dead-letter-routing-key", Value: "dead", Pos: at(34, 30)},
			},
			Bindings: []*Binding{{Pos: at(37, 9), Exchange: "orders", RoutingKey: "order.*.created"}},
		}, {
			Name: "shipping.urgent", Pos: at(38, 3),
			Type: "classic", Durable: true, MaxPriority: 10,
			Arguments: Table{{Key: "x-max-priority", Value: int64(10), Pos: at(39, 19)}},
			Bindings:  []*Binding{{Pos: at(41, 9), Exchange: "orders", RoutingKey: "order.*.created"}},
		}},
		Types: []*Type{
			{Name: "Currency", Base: KindString, Pos: at(43, 3), Kind: KindEnum, Values: []*EnumValue{
				{Value: "EUR", Pos: at(43, 21)},
				{Value: "USD", Pos: at(43, 26)},
				{Value: "GBP", Pos: at(43, 31)},
			}},
			{Name: "Region", Base: KindString, Pos: at(44, 3), Kind: KindEnum, Values: []*EnumValue{
				{Value: "EU", Pos: at(44, 19)},
				{Value: "US", Pos: at(44, 23)},
			}},
			{Name: "LineItem", Pos: at(45, 3), Kind: KindStruct, Fields: []*Field{
				{Name: "sku", Pos: at(47, 7), Type: str, Required: true},
				{Name: "quantity", Pos: at(48, 7), Type: &TypeRef{Kind: KindInt32},
					Minimum: &Number{Int: 1, Float: 1}},
			}},
			{Name: "Money", Pos: at(49, 3), Kind: KindStruct, Fields: []*Field{
				{Name: "amount", Pos: at(51, 7), Type: &TypeRef{Kind: KindInt64}, Required: true},
				{Name: "currency", Pos: at(52, 7), Required: true,
					Type: &TypeRef{Kind: KindEnum, Base: KindString, Name: "Currency"}},
			}},
		},
		Messages: []*Message{
			{
				Name: "OrderCreated", Pos: at(54, 3),
				Description: "An order was placed.",
				Exchange:    "orders", ExchangeType: "topic",
				RoutingKey: RoutingKey{Template: "order.{region}.created", Pos: at(57, 18), Parts: []KeyPart{
					{Literal: "order."}, {Param: "region"}, {Literal: ".created"},
				}},
				Params: []*Param{{Name: "region", InKey: true, Pos: at(58, 14),
					Type: &TypeRef{Kind: KindEnum, Base: KindString, Name: "Region"}}},
				PolicyName: "audit",
				Policy: Policy{Serializer: "json", Compression: "zlib", DeliveryMode: "persistent",
					TTL: 24 * time.Hour, Confirm: true, Retry: retry},
				Headers: Table{{Key: "x-event-version", Value: int64(2), Pos: at(60, 15)}},
				Body:    BodyFields,
				Fields: []*Field{
					{Name: "order_id", Pos: at(62, 7), Type: str, Required: true,
						Description: "Shop-wide order id."},
					{Name: "total", Pos: at(63, 7), Required: true,
						Type: &TypeRef{Kind: KindStruct, Name: "Money"}},
					{Name: "items", Pos: at(64, 7), Type: &TypeRef{Kind: KindSlice,
						Elem: &TypeRef{Kind: KindStruct, Name: "LineItem"}}},
					{Name: "tags", Pos: at(65, 7), Type: &TypeRef{Kind: KindMap, Elem: str}},
					{Name: "placed_at", Pos: at(66, 7), Type: &TypeRef{Kind: KindTime}, Required: true},
					{Name: "note", Pos: at(67, 7), Type: str, MaxLength: ptr(500)},
				},
			},
			{
				Name: "AuditBlob", Pos: at(68, 3),
				Exchange: "audit", ExchangeType: "fanout",
				RoutingKey: RoutingKey{Template: "audit", Pos: at(68, 45), Parts: []KeyPart{{Literal: "audit"}}},
				Policy: Policy{Serializer: "raw", Compression: "none", DeliveryMode: "persistent",
					Confirm: true, Retry: retry},
				Body: BodyRaw,
			},
			{
				Name: "LegacyOrder", Pos: at(69, 3),
				Exchange: "orders", ExchangeType: "topic",
				RoutingKey: RoutingKey{Template: "legacy", Pos: at(69, 48), Parts: []KeyPart{{Literal: "legacy"}}},
				Policy:     defaults,
				Body:       BodyGoType,
				GoType:     &GoType{Pos: at(69, 65), ImportPath: "example.com/shop/model", Name: "Order"},
			},
		},
		Producers: []*Producer{{
			Name: "Orders", Pos: at(71, 3),
			Exchange: "orders",
			Messages: []string{"OrderCreated", "AuditBlob"},
			Declare:  []string{"billing.order-events"},
		}},
	}
	if diff := cmp.Diff(want, got, ignoreOrigins); diff != "" {
		t.Errorf("Load(%s) mismatch (-want +got):\n%s", ordersFile, diff)
	}
}

func TestPolicyOrigins(t *testing.T) {
	s, err := Load(ordersFile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Message("OrderCreated").Policy.Origins
	want := map[string]Origin{
		"serializer":           {Layer: LayerDefaults, Pos: at(5, 15)},
		"compression":          {Layer: LayerPolicy, Policy: "audit", Pos: at(14, 24)},
		"delivery_mode":        {Layer: LayerDefaults, Pos: at(7, 18)},
		"priority":             {Layer: LayerDefaults, Pos: at(8, 13)},
		"ttl":                  {Layer: LayerPolicy, Policy: "audit", Pos: at(14, 35)},
		"mandatory":            {Layer: LayerDefaults, Pos: at(10, 14)},
		"confirm":              {Layer: LayerDefaults, Pos: at(11, 12)},
		"retry.max_retries":    {Layer: LayerDefaults, Pos: at(12, 24)},
		"retry.interval_start": {Layer: LayerDefaults, Pos: at(12, 43)},
		"retry.interval_step":  {Layer: LayerDefaults, Pos: at(12, 62)},
		"retry.interval_max":   {Layer: LayerDefaults, Pos: at(12, 83)},
		"retry.timeout":        {Layer: LayerDefaults, Pos: at(12, 96)},
		"type":                 {Layer: LayerBuiltin},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OrderCreated origins mismatch (-want +got):\n%s", diff)
	}
}

// TestPolicyLayers checks each layer overriding the one before, key by
// key, retry keys included.
func TestPolicyLayers(t *testing.T) {
	const src = `version: 1
package: p
defaults: {priority: 1, retry: {max_retries: 5}}
policies:
  slow: {priority: 2, ttl: 1.5s, retry: {interval_max: 10s}}
exchanges: {e: {type: direct}}
messages:
  A: {exchange: e, policy: slow, priority: 3, compression: xz, retry: {timeout: 1m}}
  B: {exchange: e}
`
	s, err := Parse("p.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.Message("A").Policy, s.Message("B").Policy
	checks := []struct {
		name      string
		got, want any
	}{
		{"A priority", a.Priority, 3},
		{"A ttl", a.TTL, 1500 * time.Millisecond},
		{"A compression", a.Compression, "lzma"},
		{"A max_retries", a.Retry.MaxRetries, 5},
		{"A interval_max", a.Retry.IntervalMax, 10 * time.Second},
		{"A timeout", a.Retry.Timeout, time.Minute},
		{"A interval_step", a.Retry.IntervalStep, 200 * time.Millisecond},
		{"A priority origin", a.Origins["priority"].Layer, LayerMessage},
		{"A ttl origin", a.Origins["ttl"], Origin{Layer: LayerPolicy, Policy: "slow", Pos: Pos{"p.yaml", 5, 28}}},
		{"A interval_step origin", a.Origins["retry.interval_step"].Layer, LayerBuiltin},
		{"B priority", b.Priority, 1},
		{"B ttl", b.TTL, time.Duration(0)},
		{"B max_retries origin", b.Origins["retry.max_retries"].Layer, LayerDefaults},
		{"defaults untouched", s.Defaults.Priority, 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestDefaultProducer checks a schema without producers: one producer
// named Producer holds every message, and the package comes from the
// caller.
func TestDefaultProducer(t *testing.T) {
	const src = `version: 1
exchanges: {events: {type: topic}}
messages:
  Ping: {exchange: events, routing_key: ping, serializer: text}
  Pong: {exchange: amq.topic, routing_key: "pong.{n}", params: {n: {type: int64}}}
`
	s, err := Parse("p.yaml", []byte(src), Options{DefaultPackage: "events"})
	if err != nil {
		t.Fatal(err)
	}
	want := []*Producer{{
		Name: "Producer",
		Pos:  Pos{"p.yaml", 3, 1}, Messages: []string{"Ping", "Pong"},
	}}
	if diff := cmp.Diff(want, s.Producers); diff != "" {
		t.Errorf("producers mismatch (-want +got):\n%s", diff)
	}
	if s.Package != "events" {
		t.Errorf("package = %q, want events", s.Package)
	}
	if m := s.Message("Ping"); m.Body != BodyText {
		t.Errorf("Ping body = %v, want text", m.Body)
	}
	pong := s.Message("Pong")
	if pong.ExchangeType != "topic" || pong.Params[0].Type.Kind != KindInt64 {
		t.Errorf("Pong = %s %v, want topic and an int64 param", pong.ExchangeType, pong.Params[0].Type)
	}
}

func TestPackage(t *testing.T) {
	tests := []struct {
		src  string
		opts Options
		want string
	}{
		{"package: inschema\n", Options{DefaultPackage: "dflt"}, "inschema"},
		{"package: inschema\n", Options{Package: "override", DefaultPackage: "dflt"}, "override"},
		{"", Options{DefaultPackage: "dflt"}, "dflt"},
	}
	for _, tt := range tests {
		src := "version: 1\n" + tt.src
		s, err := Parse("p.yaml", []byte(src), tt.opts)
		if err != nil {
			t.Errorf("Parse(%q, %+v): %v", src, tt.opts, err)
			continue
		}
		if s.Package != tt.want {
			t.Errorf("Parse(%q, %+v).Package = %q, want %q", src, tt.opts, s.Package, tt.want)
		}
	}
}

// TestExtensions checks that x- keys are ignored wherever keywords or names
// are written, that anchors, aliases and merge keys work, and that x- keys
// are kept in arguments and headers.
func TestExtensions(t *testing.T) {
	s, err := Load("testdata/anchors.kombugen.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	fieldNames := func(fields []*Field) []string {
		var names []string
		for _, f := range fields {
			names = append(names, f.Name)
		}
		return names
	}
	a, b := s.Message("OrderShipped"), s.Message("OrderCancelled")
	if diff := cmp.Diff([]string{"order_id", "at", "carrier"}, fieldNames(a.Fields)); diff != "" {
		t.Errorf("OrderShipped fields (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"order_id", "at", "reason"}, fieldNames(b.Fields)); diff != "" {
		t.Errorf("OrderCancelled fields (-want +got):\n%s", diff)
	}
	// The merged-in field keeps the anchor's position.
	if got, want := b.Fields[0].Pos, (Pos{"testdata/anchors.kombugen.yaml", 5, 3}); got != want {
		t.Errorf("merged field position = %v, want %v", got, want)
	}
	// at is overridden by the message's own key.
	if got := b.Fields[1].Type.Kind; got != KindString {
		t.Errorf("OrderCancelled.at type = %v, want string (overridden)", got)
	}
	if a.Policy.Priority != 7 || b.Policy.Priority != 7 || a.Policy.Mandatory != true {
		t.Errorf("merged policy keys not applied: %+v", a.Policy)
	}
	wantHeaders := Table{{Key: "x-source", Value: "shop", Pos: Pos{"testdata/anchors.kombugen.yaml", 9, 13}}}
	if diff := cmp.Diff(wantHeaders, a.Headers); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	q := s.Queue("shipping")
	if v, _ := q.Arguments.Get("x-overflow"); v != "reject-publish" {
		t.Errorf("queue arguments = %v, want x-overflow kept", q.Arguments)
	}
	if diff := cmp.Diff([]string{"order_id", "at"}, fieldNames(s.Message("OrderPaid").Fields)); diff != "" {
		t.Errorf("OrderPaid fields (-want +got):\n%s", diff)
	}
	if len(s.Types) != 1 || len(s.Exchanges) != 1 || len(s.Messages) != 3 {
		t.Errorf("x- entries not ignored: %d types, %d exchanges, %d messages", len(s.Types), len(s.Exchanges), len(s.Messages))
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"), Options{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want os.ErrNotExist", err)
	}
}

// TestLoadBounded checks that Load stops reading a file past MaxFileSize,
// such as one that never ends, and that a file of MaxFileSize is read.
func TestLoadBounded(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	body := "# " + strings.Repeat("x", MaxFileSize-len("# \nversion: 1\n")) + "\nversion: 1\n"
	if err := os.WriteFile(big, []byte(body), 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big, Options{}); errors.Is(err, ErrFileTooLarge) {
		t.Errorf("Load of %d bytes: %v", len(body), err)
	}
	if err := os.WriteFile(big, []byte(body+"\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{big, "/dev/zero"} {
		if path == "/dev/zero" {
			if _, err := os.Stat(path); err != nil {
				continue
			}
		}
		_, err := Load(path, Options{})
		var pe *fs.PathError
		if !errors.Is(err, ErrFileTooLarge) || !errors.As(err, &pe) || pe.Path != path {
			t.Errorf("Load(%s) = %v; want a *fs.PathError for it wrapping ErrFileTooLarge", path, err)
		}
	}
}

// TestErrorListType checks the error Parse returns: an ErrorList, sorted,
// one problem per line.
func TestErrorListType(t *testing.T) {
	_, err := Parse("bad.yaml", []byte("version: 1\npackage: p\nfoo: 1\nbar: 2\n"), Options{})
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("Parse error = %#v, want an ErrorList of 2", err)
	}
	if list[0].Pos != (Pos{"bad.yaml", 3, 1}) {
		t.Errorf("first error at %v, want bad.yaml:3:1", list[0].Pos)
	}
	if got := strings.Count(err.Error(), "\n"); got != 1 {
		t.Errorf("Error() has %d newlines, want 1:\n%s", got, err)
	}
}

// TestArguments checks that arguments written under arguments rather than
// with their own keys fill the same fields, and that both kinds of
// argument are declared.
func TestArguments(t *testing.T) {
	const src = `version: 1
package: p
exchanges:
  h: {type: headers, arguments: {alternate-exchange: unrouted}}
queues:
  q:
    arguments: {x-queue-type: quorum, x-max-length: 10, x-message-ttl: 60000, x-expires: 1000}
    bindings:
      - {exchange: h, arguments: {x-match: all, kind: order}}
      - {exchange: amq.match}
`
	s, err := Parse("a.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if x := s.Exchange("h"); x.AlternateExchange != "unrouted" {
		t.Errorf("AlternateExchange = %q, want unrouted", x.AlternateExchange)
	}
	q := s.Queue("q")
	if q.Type != "quorum" || *q.MaxLength != 10 || *q.MessageTTL != time.Minute {
		t.Errorf("queue = %s, %d, %v; want quorum, 10, 1m", q.Type, *q.MaxLength, *q.MessageTTL)
	}
	want := map[string]any{"x-queue-type": "quorum", "x-max-length": int64(10), "x-message-ttl": int64(60000), "x-expires": int64(1000)}
	if diff := cmp.Diff(want, q.Arguments.Map()); diff != "" {
		t.Errorf("queue arguments (-want +got):\n%s", diff)
	}
	wantBinding := map[string]any{"x-match": "all", "kind": "order"}
	if diff := cmp.Diff(wantBinding, q.Bindings[0].Arguments.Map()); diff != "" {
		t.Errorf("binding arguments (-want +got):\n%s", diff)
	}
	if b := q.Bindings[1]; b.Exchange != "amq.match" || b.RoutingKey != "" || b.Arguments != nil {
		t.Errorf("second binding = %+v", b)
	}
}

// TestTableValues checks every kind of value a field table holds.
func TestTableValues(t *testing.T) {
	const src = `version: 1
package: p
exchanges: {e: {type: fanout}}
messages:
  M:
    exchange: e
    headers:
      s: text
      i: 0x10
      f: 1.5
      b: true
      n: null
      bin: !!binary aGk=
      list: [1, two]
      nested: {a: {b: 1}}
`
	s, err := Parse("h.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"s": "text", "i": int64(16), "f": 1.5, "b": true, "n": nil, "bin": []byte("hi"),
		"list": []any{int64(1), "two"}, "nested": map[string]any{"a": map[string]any{"b": int64(1)}},
	}
	if diff := cmp.Diff(want, s.Message("M").Headers.Map()); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
}

// TestProducerExchange checks messages taking their exchange from their
// producers, the default exchange "" included.
func TestProducerExchange(t *testing.T) {
	const src = `version: 1
package: p
exchanges: {e: {type: topic}}
messages:
  ToQueue: {routing_key: billing}
  Event: {routing_key: a.b}
  Own: {exchange: amq.fanout}
producers:
  Direct: {exchange: "", messages: [ToQueue]}
  Events: {exchange: e, messages: [Event, Own]}
  Also: {messages: [Event]}
`
	s, err := Parse("p.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ msg, exchange, typ string }{
		{"ToQueue", "", "direct"},
		{"Event", "e", "topic"},
		{"Own", "amq.fanout", "fanout"},
	} {
		m := s.Message(tt.msg)
		if m.Exchange != tt.exchange || m.ExchangeType != tt.typ {
			t.Errorf("%s: exchange %q (%s), want %q (%s)", tt.msg, m.Exchange, m.ExchangeType, tt.exchange, tt.typ)
		}
	}
}

func TestIsPackageName(t *testing.T) {
	for name, want := range map[string]bool{"orders": true, "orders_v2": true, "_": false, "my-pkg": false, "2x": false, "": false} {
		if got := IsPackageName(name); got != want {
			t.Errorf("IsPackageName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestExchangeBindings reads an exchange's bindings to source exchanges.
func TestExchangeBindings(t *testing.T) {
	src := `version: 1
package: p
exchanges:
  in: {type: headers}
  out:
    type: fanout
    bindings:
      - {exchange: in, arguments: {x-match: any, region: eu}}
      - {exchange: amq.topic, routing_key: "order.#"}
`
	s, err := Parse("s.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []*Binding{
		{Pos: Pos{File: "s.yaml", Line: 8, Col: 9}, Exchange: "in", Arguments: Table{
			{Key: "x-match", Value: "any", Pos: Pos{File: "s.yaml", Line: 8, Col: 36}},
			{Key: "region", Value: "eu", Pos: Pos{File: "s.yaml", Line: 8, Col: 50}}}},
		{Pos: Pos{File: "s.yaml", Line: 9, Col: 9}, Exchange: "amq.topic", RoutingKey: "order.#"},
	}
	if diff := cmp.Diff(want, s.Exchange("out").Bindings); diff != "" {
		t.Errorf("bindings (-want +got):\n%s", diff)
	}
}

// TestEnums checks the kinds of enums: of the types section, string or
// integer by their values; on a field, a type of its own named
// OWNER.FIELD, of the field's type; and go_name.
func TestEnums(t *testing.T) {
	const src = `version: 1
package: p
exchanges: {e: {type: direct}}
types:
  Level: {enum: [1, 2, 3]}
  Region: {enum: [{value: eu, go_name: EU}, us, "1"]}
  Point:
    fields:
      label: {type: string, enum: [origin, other]}
messages:
  M:
    exchange: e
    fields:
      status: {type: string, enum: [new, {value: in-progress, go_name: Busy}], required: true}
      tier: {type: int32, enum: [0, 10]}
      level: {type: Level}
`
	s, err := Parse("e.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	type value struct {
		Value  string
		Int    int64
		GoName string
	}
	type enum struct {
		Name, Owner, Field string
		Base               Kind
		Values             []value
	}
	var got []enum
	for _, typ := range s.Types {
		if typ.Kind != KindEnum {
			continue
		}
		e := enum{Name: typ.Name, Owner: typ.Owner, Field: typ.Field, Base: typ.Base}
		for _, v := range typ.Values {
			e.Values = append(e.Values, value{v.Value, v.Int, v.GoName})
		}
		got = append(got, e)
	}
	want := []enum{
		{Name: "Level", Base: KindInt64, Values: []value{{"1", 1, ""}, {"2", 2, ""}, {"3", 3, ""}}},
		{Name: "Region", Base: KindString, Values: []value{{"eu", 0, "EU"}, {"us", 0, ""}, {"1", 0, ""}}},
		{Name: "Point.label", Owner: "Point", Field: "label", Base: KindString, Values: []value{{"origin", 0, ""}, {"other", 0, ""}}},
		{Name: "M.status", Owner: "M", Field: "status", Base: KindString, Values: []value{{"new", 0, ""}, {"in-progress", 0, "Busy"}}},
		{Name: "M.tier", Owner: "M", Field: "tier", Base: KindInt32, Values: []value{{"0", 0, ""}, {"10", 10, ""}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("enums (-want +got):\n%s", diff)
	}
	m := s.Message("M")
	for i, name := range []string{"M.status", "M.tier", "Level"} {
		if ref := m.Fields[i].Type; ref.Kind != KindEnum || ref.Name != name {
			t.Errorf("field %s is of type %s, want the enum %s", m.Fields[i].Name, ref, name)
		}
	}
}

// TestHeaderParams checks headers written "{name}": parameters after the
// routing key's, in the order of the headers, typed by params; one of the
// key may fill a header too; the constant headers stay apart.
func TestHeaderParams(t *testing.T) {
	const src = `version: 1
package: p
exchanges: {e: {type: topic}}
messages:
  M:
    exchange: e
    routing_key: "a.{region}"
    params: {version: {type: int32}}
    headers: {x-source: shop, x-version: "{version}", x-tenant: "{tenant}", x-region: "{region}", x-literal: "{not a param"}
`
	s, err := Parse("h.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := s.Message("M")
	type param struct {
		Name    string
		Kind    Kind
		InKey   bool
		Headers []string
	}
	var got []param
	for _, p := range m.Params {
		got = append(got, param{p.Name, p.Type.Kind, p.InKey, p.Headers})
	}
	want := []param{
		{"region", KindString, true, []string{"x-region"}},
		{"version", KindInt32, false, []string{"x-version"}},
		{"tenant", KindString, false, []string{"x-tenant"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"x-source": "shop", "x-literal": "{not a param"}, m.Headers.Map()); diff != "" {
		t.Errorf("constant headers (-want +got):\n%s", diff)
	}
	var keys []string
	for _, h := range m.HeaderParams {
		keys = append(keys, h.Key+"="+h.Param)
	}
	if strings.Join(keys, " ") != "x-version=version x-tenant=tenant x-region=region" {
		t.Errorf("header params %v", keys)
	}
}
