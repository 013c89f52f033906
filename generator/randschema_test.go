package generator_test

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/internal/queueargs"
)

// This file builds random schemas for the property test: from a seed, a
// schema that schema.Parse should accept, using every section, key, field
// type, constraint and routing-key shape of SPEC section 2, with names and
// texts chosen to stress Go naming, quoting and comments. With a small
// probability it breaks the schema on purpose, and says so, to check that
// the property test sees rejections.

// randSchema is one built schema.
type randSchema struct {
	seed uint64
	src  []byte
	// invalid says how the schema was broken on purpose, or "".
	invalid string
	// localGoTypes are the go_types of the generated package the schema
	// names; the generated code compiles only with them declared.
	localGoTypes []string
}

// buildOptions tune the builder.
type buildOptions struct {
	// invalidRate is the chance of breaking the schema on purpose.
	invalidRate float64
}

// buildRandSchema builds the schema of one seed.
func buildRandSchema(seed uint64, opts buildOptions) randSchema {
	b := &builder{
		r:       rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1)),
		goNames: map[string]bool{},
	}
	// The generated func Topology takes the name, which the schema
	// refuses (regression case topology_name).
	b.goNames["Topology"] = true
	root := b.build()
	rs := randSchema{seed: seed, localGoTypes: b.localOrder}
	if b.r.Float64() < opts.invalidRate {
		rs.invalid = b.breakSchema()
		root = b.root()
	}
	src, err := yaml.Marshal(toNode(root))
	if err != nil {
		panic(fmt.Sprintf("seed %d: marshal: %v", seed, err))
	}
	rs.src = src
	return rs
}

// omap is a YAML mapping that keeps its keys in the order they were set.
// A key "<<" whose value is an alias is written as a merge key.
type omap []kv

type kv struct {
	k string
	v any
}

// set appends a key.
func (m *omap) set(k string, v any) { *m = append(*m, kv{k, v}) }

// has reports whether k is set.
func (m omap) has(k string) bool {
	return slices.ContainsFunc(m, func(e kv) bool { return e.k == k })
}

// anchored is a value written with an anchor (&name).
type anchored struct {
	name string
	v    any
}

// alias is a reference (*name) to an anchored value.
type alias string

// binary is written as a !!binary scalar.
type binary []byte

// toNode turns a value built of omaps, anchors, aliases, binaries, lists
// and scalars into a YAML node, keeping the order of mappings.
func toNode(v any) *yaml.Node {
	switch v := v.(type) {
	case omap:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, e := range v {
			k := toNode(e.k)
			if _, isAlias := e.v.(alias); isAlias && e.k == "<<" {
				k = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!merge", Value: "<<"}
			}
			n.Content = append(n.Content, k, toNode(e.v))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, x := range v {
			n.Content = append(n.Content, toNode(x))
		}
		return n
	case anchored:
		n := toNode(v.v)
		n.Anchor = v.name
		return n
	case alias:
		return &yaml.Node{Kind: yaml.AliasNode, Value: string(v)}
	case binary:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!binary", Value: base64.StdEncoding.EncodeToString(v)}
	}
	n := &yaml.Node{}
	if err := n.Encode(v); err != nil {
		panic(fmt.Sprintf("encoding %#v: %v", v, err))
	}
	return n
}

// builder holds what has been built so far: later sections refer to it.
type builder struct {
	r *rand.Rand
	// goNames are the package-level Go identifiers taken, as the schema
	// works them out.
	goNames map[string]bool

	pkg       string
	common    omap // x-common: fields merged into some messages
	defaults  omap
	policies  omap
	policySer map[string]string // a policy's serializer, if it sets one
	exchanges []*rExchange
	queues    []string
	types     []*rType
	messages  []*rMessage
	producers []*rProducer
	// noProducers is set when the schema has no producers section.
	noProducers bool

	localOrder []string // go_types of the generated package

	// The sections, as written.
	exchangesSec, queuesSec, typesSec, messagesSec, producersSec omap
	producersWritten                                             bool
}

// rExchange is an exchange messages and bindings may name.
type rExchange struct {
	name, typ string
	internal  bool
}

// rType is an entry of the types section.
type rType struct {
	name, goName string
	enum         bool
	topicSafe    bool // no enum value holds '.', '*' or '#'
	index        int  // its place in the section
}

// rMessage is a message and the exchange it goes to.
type rMessage struct {
	name     string
	policy   string
	exchange string
	exType   string
	// hasExchange is set when the message names its exchange; otherwise it
	// takes its producers'.
	hasExchange bool
}

// rProducer is a producer.
type rProducer struct {
	name        string
	exchange    string
	hasExchange bool
	messages    []string
	declare     []string
}

// chance reports true with probability p.
func (b *builder) chance(p float64) bool { return b.r.Float64() < p }

// pick returns a random element of list.
func pick[T any](b *builder, list []T) T { return list[b.r.IntN(len(list))] }

// unique returns one of bases, or one with a suffix, for which ok holds;
// it gives up with "" after many tries.
func (b *builder) unique(bases []string, ok func(string) bool) string {
	return b.uniqueSep(bases, []string{"_", "-", ".", "", "_v"}, ok)
}

// uniqueSep is unique with suffixes joined by one of seps.
func (b *builder) uniqueSep(bases, seps []string, ok func(string) bool) string {
	for i := range 40 {
		name := pick(b, bases)
		if i > 0 && b.chance(0.6) || i > 10 {
			name += pick(b, seps) + fmt.Sprint(b.r.IntN(1000))
		}
		if ok(name) {
			return name
		}
	}
	return ""
}

// claim takes the Go names, reporting whether all were free.
func (b *builder) claim(names ...string) bool {
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || b.goNames[n] || seen[n] {
			return false
		}
		seen[n] = true
	}
	for _, n := range names {
		b.goNames[n] = true
	}
	return true
}

// Pools of names and texts.
var (
	entityNames = []string{
		"orders", "billing.order-events", "audit", "2fast", "events.v2", "日本", "ü-ber", "a b",
		"URL", "x1", "type", "func", "direct", "order_id", "id", "with\"quote", "back`tick",
		"Ωmega", "HTTPServer", "ORDER_CREATED", "eu-west.DLQ", "orderId", "in-progress", "a.b",
		"nil", "string", "iota", "ctx", "Validate", "Declare", "map", "ids", "ǅemo", "ß",
	}
	typeNames = []string{
		"Status", "Money", "LineItem", "order_item", "URL", "日本", "Ümlaut", "Type", "Func",
		"Error", "String", "Int", "T", "ß", "HTTPServer", "Node", "Region", "Currency", "x1", "ID",
		"Ωmega", "json", "Valid", "Nil",
	}
	fieldNames = []string{
		"order_id", "URL", "id", "type", "2fast", "func", "string", "日本", "ümlaut", "a b",
		"with;semicolon", "at@sign", "valid", "x", "m", "n", "err", "e", "i", "k", "placed_at",
		"HTTPServer", "ORDER_CREATED", "ids", "TTL", "nil", "iota", "_private", "ǅx", "ß",
		"Ωmega", "amount", "tags", "created-at", "a.b", "%d", "*/", "json", "yaml:x",
	}
	paramNames = []string{
		"region", "id", "type", "func", "ctx", "msg", "opts", "p", "key", "err", "fmt", "string",
		"int", "日本", "ümlaut", "order_id", "URL", "shard", "version", "tenant", "Status",
		"runtime", "strconv", "time", "t", "m", "x", "nil", "iota", "len", "url", "testmodel",
		"context", "utf8", "range", "ǅx", "Ωmega",
	}
	enumValues = []string{
		"EU", "US", "in-progress", "a.b", "jpy", "UPPER", "x1", "in_progress", "1st", "ünï",
		"日本", "a b", "with*star", "hash#", "done", "A", "b", "_", "-x-", "%d", "null", "true",
		"1", "1.5", "Ωmega", "two  spaces", "tab\tin", "new\nline", "*/", "`tick`", "\"q\"",
	}
	keyWords = []string{
		"order", "created", "a-b", "日本", "x_1", "v2", "ü", "%d", "\\", "'", "\"", "`", " ",
		"", "legacy", "UPPER", "0",
	}
	patterns = []string{
		"^[a-z]+$", `^\d{3}-\w+$`, "(?i)abc", `^\p{L}+$`, "a|b", `"quote"`, "`tick`", "%d",
		"日本", `^[^\n]*$`, `\*/`, `x{2,5}`, "", `(?s).*`, `\\`,
	}
	descriptions = []string{
		"Plain.", "*/ package evil; func init() { panic(1) } /*", "Has `backticks` in it.",
		"%d %s %% %v", "line1\nline2", "a\rb", "x\u2028y", "z\u2029w", "NEL\u0085here",
		strings.Repeat("verylongword", 30), "// looks like a comment", "  leading spaces",
		"tab\there", "unicode 日本語 ünï", "\"quotes\"", "package main", "}", "/*", "*/",
		"trailing backslash \\", "multi\n\nparagraph\n\n", "go:generate rm -rf /",
		"//go:generate echo", "line\r\nwindows", strings.Repeat("word ", 40),
	}
	// unsafeDescriptions hold text the generator must not put in a comment
	// as it is (regression cases description_nul, description_bom,
	// description_plus_build): NUL and BOM are not allowed in Go source,
	// and gofmt moves a line "+build ..." to the top of the file, where it
	// is a build constraint.
	unsafeDescriptions = []string{"a\x00b", "bom\ufeffhere", "+build ignore", "see\n+build linux"}
)

// description returns a random description.
func (b *builder) description() string {
	if b.chance(0.1) {
		return pick(b, unsafeDescriptions)
	}
	return pick(b, descriptions)
}

// maybeDescribe adds a description to m now and then.
func (b *builder) maybeDescribe(m *omap) {
	if b.chance(0.35) {
		m.set("description", b.description())
	}
}

// maybeExtension adds an extension key, which the schema ignores.
func (b *builder) maybeExtension(m *omap) {
	if b.chance(0.05) {
		m.set("x-note", omap{{"anything", []any{1, "two"}}})
	}
}

// build builds a valid schema.
func (b *builder) build() omap {
	b.pkg = pick(b, []string{"orders", "p", "runtime", "time", "fmt", "context", "main", "string",
		"iota", "日本", "ümlaut", "x1", "_x", "Pkg", "strconv", "utf8", "regexp", "errors"})
	b.buildExchanges()
	b.buildQueues()
	b.buildTypeNames()
	b.buildPolicies()
	b.noProducers = b.chance(0.3)
	if b.noProducers {
		b.claim("Producer", "NewProducer")
	}
	b.buildMessageNames()
	b.buildProducers()
	b.buildTypes()
	b.buildMessages()
	return b.root()
}

// root assembles the sections.
func (b *builder) root() omap {
	root := omap{{"version", 1}, {"package", b.pkg}}
	if len(b.common) > 0 {
		root.set("x-common", anchored{"common", b.common})
	}
	if len(b.defaults) > 0 {
		root.set("defaults", b.defaults)
	}
	if len(b.policies) > 0 {
		root.set("policies", b.policies)
	}
	if len(b.exchangesSec) > 0 || b.chance(0.1) {
		root.set("exchanges", b.exchangesSec)
	}
	if len(b.queuesSec) > 0 {
		root.set("queues", b.queuesSec)
	}
	if len(b.typesSec) > 0 {
		root.set("types", b.typesSec)
	}
	if len(b.messagesSec) > 0 || b.chance(0.5) {
		root.set("messages", b.messagesSec)
	}
	if b.producersWritten {
		root.set("producers", b.producersSec)
	}
	return root
}

// buildExchanges makes the exchanges section.
func (b *builder) buildExchanges() {
	for range b.r.IntN(6) {
		name := b.unique(entityNames, func(n string) bool {
			return !strings.HasPrefix(n, "x-") && !strings.HasPrefix(n, "amq.") && b.claim(gomodel.ExchangeName(n))
		})
		if name == "" {
			continue
		}
		x := &rExchange{name: name, typ: pick(b, []string{"topic", "topic", "topic", "direct", "direct", "fanout", "headers", "x-consistent-hash", "x-delayed-message"})}
		e := omap{{"type", x.typ}}
		if b.chance(0.3) {
			e.set("durable", b.chance(0.5))
		}
		if b.chance(0.2) {
			e.set("auto_delete", b.chance(0.5))
		}
		if b.chance(0.1) {
			x.internal = true
			e.set("internal", true)
		} else if b.chance(0.1) {
			e.set("internal", false)
		}
		alt := b.chance(0.2)
		if alt {
			e.set("alternate_exchange", pick(b, []string{"orders.unroutable", "", "日本", "amq.fanout"}))
		}
		if b.chance(0.25) {
			args := b.table(0)
			if !alt && b.chance(0.3) {
				args.set("alternate-exchange", "ae")
			}
			e.set("arguments", args)
		}
		b.maybeDescribe(&e)
		b.maybeExtension(&e)
		b.exchanges = append(b.exchanges, x)
		b.exchangesSec.set(name, e)
	}
}

// predeclared are the exchanges every broker has, with their types.
var predeclared = []rExchange{
	{name: "", typ: "direct"}, {name: "amq.direct", typ: "direct"}, {name: "amq.fanout", typ: "fanout"},
	{name: "amq.topic", typ: "topic"}, {name: "amq.headers", typ: "headers"}, {name: "amq.match", typ: "headers"},
	{name: "amq.rabbitmq.trace", typ: "topic"},
}

// publishable returns an exchange a message may be published to.
func (b *builder) publishable() rExchange {
	var list []rExchange
	for _, x := range b.exchanges {
		if !x.internal {
			list = append(list, *x, *x, *x) // prefer the schema's own
		}
	}
	list = append(list, predeclared...)
	return pick(b, list)
}

// bindable returns an exchange a queue may be bound to.
func (b *builder) bindable() rExchange {
	var list []rExchange
	for _, x := range b.exchanges {
		list = append(list, *x, *x)
	}
	for _, x := range predeclared[1:] {
		list = append(list, x)
	}
	return pick(b, list)
}

// buildQueues makes the queues section, with bindings to the exchanges.
func (b *builder) buildQueues() {
	for range b.r.IntN(5) {
		name := b.unique(entityNames, func(n string) bool {
			return !strings.HasPrefix(n, "x-") && !strings.HasPrefix(n, "amq.") && b.claim(gomodel.QueueName(n))
		})
		if name == "" {
			continue
		}
		q := omap{}
		typ := pick(b, []string{"", "", "classic", "quorum", "stream"})
		if typ != "" {
			q.set("type", typ)
		}
		if typ == "quorum" || typ == "stream" {
			if b.chance(0.3) {
				q.set("durable", true)
			}
			if b.chance(0.2) {
				q.set("exclusive", false)
			}
		} else {
			if b.chance(0.3) {
				q.set("durable", b.chance(0.5))
			}
			if b.chance(0.2) {
				q.set("exclusive", b.chance(0.5))
			}
			if b.chance(0.2) {
				q.set("auto_delete", b.chance(0.5))
			}
		}
		// Only what RabbitMQ declares: arguments the queue's type takes,
		// and a dead-letter routing key only with an exchange.
		takes := func(arg string) bool { return !queueargs.Refused(typ, arg) }
		if takes("x-max-priority") && b.chance(0.3) {
			q.set("max_priority", 1+b.r.IntN(255))
		}
		if takes("x-message-ttl") && b.chance(0.3) {
			q.set("message_ttl", pick[any](b, []any{"1h", "1500ms", "0s", 0, "250ms", "24h"}))
		}
		if takes("x-max-length") && b.chance(0.2) {
			q.set("max_length", pick(b, []int64{0, 1, 100000, math.MaxInt64}))
		}
		if takes("x-dead-letter-exchange") && b.chance(0.2) {
			q.set("dead_letter_exchange", pick(b, []string{"orders.dlx", "", "日本"}))
			if b.chance(0.5) {
				q.set("dead_letter_routing_key", pick(b, []string{"dead", "", "a.b.#"}))
			}
		}
		if b.chance(0.3) {
			var choices []omap
			for _, args := range []omap{
				{{"x-expires", 60000}},
				{{"x-single-active-consumer", true}, {"x-custom", []any{1, "two", 3.5, nil}}},
				{{"x-queue-mode", "lazy"}, {"nested", omap{{"a", omap{{"b", binary("\x00\xff")}}}}}},
			} {
				if takes(args[0].k) {
					choices = append(choices, args)
				}
			}
			if len(choices) > 0 {
				q.set("arguments", pick(b, choices))
			}
		}
		var bindings []any
		for range b.r.IntN(4) {
			x := b.bindable()
			bind := omap{{"exchange", x.name}}
			switch x.typ {
			case "topic":
				bind.set("routing_key", pick(b, []string{"#", "*.created", "order.#", "a.*.c", "", "日本.*"}))
			case "headers":
				if b.chance(0.5) {
					bind.set("routing_key", "")
				}
				if b.chance(0.8) {
					bind.set("arguments", omap{{"x-match", pick(b, []string{"all", "any", "all-with-x"})}, {"kind", "a"}, {"version", 2}})
				}
			case "fanout":
				if b.chance(0.3) {
					bind.set("routing_key", "")
				}
			default:
				bind.set("routing_key", pick(b, []string{"key", "", "with space", "日本", strings.Repeat("k", 255)}))
			}
			bindings = append(bindings, bind)
		}
		if len(bindings) > 0 || b.chance(0.1) {
			q.set("bindings", bindings)
		}
		b.maybeDescribe(&q)
		b.maybeExtension(&q)
		b.queues = append(b.queues, name)
		b.queuesSec.set(name, q)
	}
}

// scalarTypeNames are the built-in field types.
var scalarTypeNames = []string{"string", "bool", "int", "int32", "int64", "uint32", "uint64", "float32", "float64", "bytes", "time", "any"}

// buildTypeNames names the types and makes the enums, so that struct
// fields, built later, can refer to any type.
func (b *builder) buildTypeNames() {
	for range b.r.IntN(7) {
		name := b.uniqueSep(typeNames, []string{"_", ""}, func(n string) bool {
			return !slices.Contains(scalarTypeNames, n) && !b.typesSec.has(n) && b.claim(gomodel.GoName(n))
		})
		if name == "" {
			continue
		}
		t := &rType{name: name, goName: gomodel.GoName(name), enum: b.chance(0.4), index: len(b.types)}
		b.types = append(b.types, t)
		var decl any // a struct's fields are made by buildTypes
		if t.enum {
			decl = b.enum(t)
		}
		b.typesSec.set(name, decl)
	}
}

// enum makes the values of an enum type.
func (b *builder) enum(t *rType) omap {
	var values []any
	t.topicSafe = true
	for range 1 + b.r.IntN(5) {
		v := b.unique(enumValues, func(v string) bool {
			return !slices.Contains(values, any(v)) && b.claim(gomodel.EnumConstName(t.goName, v))
		})
		if v == "" {
			continue
		}
		if strings.ContainsAny(v, ".*#") {
			t.topicSafe = false
		}
		values = append(values, v)
	}
	if len(values) == 0 {
		values = append(values, "only")
		b.claim(gomodel.EnumConstName(t.goName, "only"))
	}
	e := omap{{"enum", values}}
	b.maybeDescribe(&e)
	return e
}

// buildTypes makes the struct types' fields.
func (b *builder) buildTypes() {
	for i, t := range b.types {
		if t.enum {
			continue
		}
		s := omap{{"fields", b.fields(t.index, t.goName, nil)}}
		b.maybeDescribe(&s)
		b.typesSec[i].v = s
	}
}

// policyKeys returns random policy keys; serializers as given.
func (b *builder) policyKeys(serializers []string, p float64) omap {
	var m omap
	if b.chance(p) {
		m.set("serializer", pick(b, serializers))
	}
	if b.chance(p) {
		m.set("compression", pick(b, []string{"none", "zlib", "gzip", "bzip2", "lzma", "xz", "zstd", "brotli"}))
	}
	if b.chance(p) {
		m.set("delivery_mode", pick(b, []string{"persistent", "transient"}))
	}
	if b.chance(p) {
		m.set("priority", pick(b, []int{0, 1, 9, 255}))
	}
	if b.chance(p) {
		m.set("ttl", pick[any](b, []any{0, "0s", "1500ms", "24h", "1s", "90m", "1h30m", "1ms"}))
	}
	if b.chance(p) {
		m.set("mandatory", b.chance(0.5))
	}
	if b.chance(p) {
		m.set("confirm", b.chance(0.5))
	}
	if b.chance(p / 2) {
		var r omap
		if b.chance(0.5) {
			r.set("max_retries", pick(b, []int{0, 3, 1<<31 - 1}))
		}
		for _, k := range []string{"interval_start", "interval_step", "interval_max", "timeout"} {
			if b.chance(0.5) {
				r.set(k, pick[any](b, []any{0, "0s", "200ms", "1.5s", "1h", "1500ns", "1us", "2562047h", "90m"}))
			}
		}
		m.set("retry", r)
	}
	return m
}

// buildPolicies makes the defaults and the named policies.
func (b *builder) buildPolicies() {
	b.policySer = map[string]string{}
	if b.chance(0.5) {
		b.defaults = b.policyKeys([]string{"json", "yaml", "msgpack", "json", "raw", "text"}, 0.4)
	}
	for range b.r.IntN(4) {
		name := pick(b, []string{"audit", "fast", "日本", "slow-lane", "x1", "a b", "Validate", "func"})
		if b.policies.has(name) {
			continue
		}
		p := b.policyKeys([]string{"json", "yaml", "msgpack", "raw", "text"}, 0.4)
		for _, e := range p {
			if e.k == "serializer" {
				b.policySer[name] = e.v.(string)
			}
		}
		b.policies.set(name, p)
	}
}

// buildMessageNames names the messages, for producers to list.
func (b *builder) buildMessageNames() {
	n := b.r.IntN(8)
	if n == 0 && b.chance(0.7) {
		n = 1
	}
	for range n {
		name := b.unique(append(entityNames, "OrderCreated", "AuditBlob", "LegacyOrder", "Producer", "Orders"), func(n string) bool {
			return !strings.HasPrefix(n, "x-") && b.claim(gomodel.GoName(n))
		})
		if name == "" {
			continue
		}
		b.messages = append(b.messages, &rMessage{name: name})
	}
}

// buildProducers makes the producers section, unless there is none.
func (b *builder) buildProducers() {
	if b.noProducers {
		return
	}
	b.producersWritten = true
	for range b.r.IntN(4) {
		name := b.unique([]string{"Orders", "billing", "Producer", "日本", "2fast", "audit", "type", "ß"}, func(n string) bool {
			if strings.HasPrefix(n, "x-") {
				return false
			}
			g := gomodel.ProducerName(n)
			return b.claim(g, "New"+g)
		})
		if name == "" {
			continue
		}
		p := &rProducer{name: name}
		if b.chance(0.6) {
			p.hasExchange = true
			p.exchange = b.publishable().name
		}
		for _, m := range b.messages {
			if b.chance(0.6) {
				p.messages = append(p.messages, m.name)
			}
		}
		for _, q := range b.queues {
			if b.chance(0.4) {
				p.declare = append(p.declare, q)
			}
		}
		b.producers = append(b.producers, p)
		e := omap{}
		if p.hasExchange {
			e.set("exchange", p.exchange)
		}
		if len(p.messages) > 0 || b.chance(0.3) {
			e.set("messages", p.messages)
		}
		if len(p.declare) > 0 || b.chance(0.2) {
			e.set("declare", p.declare)
		}
		b.maybeDescribe(&e)
		b.maybeExtension(&e)
		b.producersSec.set(name, e)
	}
}

// exchangeOf works out a message's exchange: inherited from its producers
// when they agree and the coin says so, else its own.
func (b *builder) exchangeOf(m *rMessage) {
	inherited := map[string]bool{}
	for _, p := range b.producers {
		if p.hasExchange && slices.Contains(p.messages, m.name) {
			inherited[p.exchange] = true
		}
	}
	if len(inherited) == 1 && b.chance(0.6) {
		for name := range inherited {
			m.exchange, m.exType = name, b.exchangeType(name)
		}
		return
	}
	x := b.publishable()
	m.exchange, m.exType, m.hasExchange = x.name, x.typ, true
}

// exchangeType returns the type of a declared or predeclared exchange.
func (b *builder) exchangeType(name string) string {
	for _, x := range b.exchanges {
		if x.name == name {
			return x.typ
		}
	}
	for _, x := range predeclared {
		if x.name == name {
			return x.typ
		}
	}
	panic("unknown exchange " + name)
}

// buildMessages makes the messages section.
func (b *builder) buildMessages() {
	if b.chance(0.2) {
		b.common = b.fields(-1, "", nil)
	}
	for _, m := range b.messages {
		b.exchangeOf(m)
		e := omap{}
		b.maybeDescribe(&e)
		if m.hasExchange {
			e.set("exchange", m.exchange)
		}
		key, params := b.routingKey(m)
		if key != "" || b.chance(0.7) {
			e.set("routing_key", key)
		}
		if len(params) > 0 {
			e.set("params", params)
		}
		// The serializer in effect decides the body.
		ser := "json"
		for _, d := range b.defaults {
			if d.k == "serializer" {
				ser = d.v.(string)
			}
		}
		if len(b.policies) > 0 && b.chance(0.3) {
			m.policy = pick(b, b.policies).k
			e.set("policy", m.policy)
			if s, ok := b.policySer[m.policy]; ok {
				ser = s
			}
		}
		inline := b.policyKeys([]string{"json", "yaml", "msgpack", "raw", "text", "raw", "text"}, 0.25)
		for _, p := range inline {
			if p.k == "serializer" {
				ser = p.v.(string)
			}
			e.set(p.k, p.v)
		}
		if b.chance(0.2) {
			e.set("headers", b.table(0))
		}
		if ser != "raw" && ser != "text" {
			switch r := b.r.Float64(); {
			case r < 0.6:
				if len(b.common) > 0 && b.chance(0.5) {
					own := b.fields(-1, gomodel.GoName(m.name), b.common)
					e.set("fields", append(omap{{"<<", alias("common")}}, own...))
				} else {
					e.set("fields", b.fields(-1, gomodel.GoName(m.name), nil))
				}
			case r < 0.75:
				e.set("go_type", b.goType())
			case r < 0.85:
				e.set("fields", omap{})
			}
		}
		b.maybeExtension(&e)
		b.messagesSec.set(m.name, e)
	}
}

// goType returns a go_type: one of the generated package or of a package
// that exists.
func (b *builder) goType() string {
	if b.chance(0.5) {
		return pick(b, []string{
			"github.com/kombugen/kombugen/internal/testmodel.Order", "time.Time",
			"encoding/json.RawMessage", "net/url.URL", "github.com/kombugen/kombugen/runtime.Exchange",
		})
	}
	if len(b.localOrder) > 0 && b.chance(0.3) {
		return pick(b, b.localOrder)
	}
	name := b.unique([]string{"Local", "Order", "legacyOrder", "日本Type", "ÜberOrder", "T2"}, func(n string) bool {
		return !strings.ContainsAny(n, "-._") && b.claim(n)
	})
	if name == "" {
		return "time.Time"
	}
	b.localOrder = append(b.localOrder, name)
	return name
}

// routingKey makes a message's routing key and params.
func (b *builder) routingKey(m *rMessage) (string, omap) {
	topic := m.exType == "topic"
	if b.chance(0.15) {
		return "", nil
	}
	var params omap
	varNames := map[string]bool{}
	var used []string
	newParam := func() string {
		if len(used) > 0 && b.chance(0.1) {
			return pick(b, used) // a parameter used twice
		}
		pool := paramNames
		if b.chance(0.2) {
			// A parameter named after the message's generated type
			// variable or key function, which it must not shadow
			// (regression case param_shadows_key_func).
			g := gomodel.GoName(m.name)
			pool = []string{"kombugen_" + g + "_type", "kombugen" + g + "Key"}
		}
		name := b.uniqueSep(pool, []string{"_", ""}, func(n string) bool {
			if params.has(n) || !isParamName(n) {
				return false
			}
			// The model may append an underscore to keep a parameter
			// clear of the generated code's own names: claim both.
			v := gomodel.VarName(n)
			if varNames[v] || varNames[v+"_"] {
				return false
			}
			varNames[v], varNames[v+"_"] = true, true
			return true
		})
		if name == "" {
			return ""
		}
		used = append(used, name)
		params.set(name, b.paramDecl(topic))
		return name
	}
	var segs []string
	for range 1 + b.r.IntN(4) {
		var seg string
		switch r := b.r.Float64(); {
		case r < 0.45:
			seg = pick(b, keyWords)
			if !topic && b.chance(0.1) {
				seg = pick(b, []string{"*", "#", "a*b"})
			}
		case r < 0.75:
			if p := newParam(); p != "" {
				seg = "{" + p + "}"
			}
		case r < 0.9:
			if p := newParam(); p != "" {
				seg = "v{" + p + "}"
			}
		default:
			p, q := newParam(), newParam()
			if p != "" && q != "" {
				seg = "{" + p + "}-{" + q + "}"
			}
		}
		segs = append(segs, seg)
	}
	key := strings.Join(segs, ".")
	if b.chance(0.05) {
		// As long as a key may be, counting each parameter as one byte.
		if pad := 255 - keyMinLength(key) - 1; pad > 0 {
			key += "." + strings.Repeat("k", pad)
		}
	}
	return key, params
}

// keyMinLength counts a key as the schema does: each {param} one byte.
func keyMinLength(key string) int {
	n := 0
	for i := 0; i < len(key); i++ {
		if key[i] == '{' {
			i += strings.IndexByte(key[i:], '}')
		}
		n++
	}
	return n
}

// isParamName reports whether n can name a routing-key parameter.
func isParamName(n string) bool {
	for i, r := range n {
		if !unicode.IsLetter(r) && (i == 0 || !unicode.IsDigit(r) && r != '_') {
			return false
		}
	}
	return n != ""
}

// paramDecl declares a parameter's type.
func (b *builder) paramDecl(topic bool) any {
	var typ string
	switch r := b.r.Float64(); {
	case r < 0.3:
	case r < 0.4:
		typ = "string"
	case r < 0.75:
		typ = pick(b, []string{"int", "int32", "int64", "uint32", "uint64"})
	default:
		var enums []*rType
		for _, t := range b.types {
			if t.enum && (t.topicSafe || !topic) {
				enums = append(enums, t)
			}
		}
		if len(enums) > 0 {
			typ = pick(b, enums).name
		}
	}
	d := omap{}
	if typ != "" {
		d.set("type", typ)
	}
	if b.chance(0.2) {
		d.set("description", b.description())
	}
	if len(d) == 0 && b.chance(0.5) {
		return nil
	}
	return d
}

// fields makes the fields of a struct (owner is its index among the
// types) or, with owner -1, of a message; merged are fields merged in.
// ownerGo is the Go name of the type or message whose fields they are, ""
// for fields an anchor shares, which get no enums of their own (the
// enum's type would be named after each message that merges them).
func (b *builder) fields(owner int, ownerGo string, merged omap) omap {
	names := map[string]bool{}
	goNames := map[string]bool{"Validate": true, "AppendJSON": true, "AppendMsgpack": true}
	for _, e := range merged {
		names[e.k] = true
		goNames[gomodel.GoName(e.k)] = true
	}
	var out omap
	for range b.r.IntN(8) {
		// A comma in a field name is refused by the schema (regression
		// case field_name_comma): fieldNames have none.
		name := b.unique(fieldNames, func(n string) bool {
			if names[n] || strings.HasPrefix(n, "x-") {
				return false
			}
			g := gomodel.GoName(n)
			if g == "" || goNames[g] {
				return false
			}
			names[n], goNames[g] = true, true
			return true
		})
		if name == "" {
			continue
		}
		out.set(name, b.field(owner, gomodel.InlineEnumName(ownerGo, name)))
	}
	return out
}

// field makes one field with constraints that fit its type. enumType is
// the Go name an enum of the field's own would get, "" for none.
func (b *builder) field(owner int, enumType string) omap {
	typ, inner := b.typeExpr(0)
	f := omap{{"type", typ}}
	required := b.chance(0.35)
	if required && inner != nil && !inner.enum && owner >= 0 && inner.index >= owner {
		// Required struct fields point to earlier types only, so they
		// cannot form a cycle.
		required = false
	}
	if required {
		f.set("required", true)
	} else if b.chance(0.1) {
		f.set("required", false)
	}
	switch {
	case typ == "string" && enumType != "" && b.chance(0.3):
		b.inlineEnum(&f, enumType, func() any {
			v := pick(b, []string{"a", "b c", "in-progress", "日本", `"q"`, "`t`", "*/x", "EU", "1"})
			if b.chance(0.2) {
				// Verbs of a format string, which inline enum values
				// must not become (regression case inline_enum_percent).
				v = pick(b, []string{"100%", "%d"})
			}
			return v
		})
	case typ == "int32" && enumType != "" && b.chance(0.2):
		b.inlineEnum(&f, enumType, func() any { return pick(b, []int{0, 1, 7, -3, math.MaxInt32}) })
	case typ == "string":
		if b.chance(0.3) {
			f.set("pattern", pick(b, patterns))
		}
		b.lengths(&f)
	case typ == "bytes" || strings.HasPrefix(typ, "[]") || strings.HasPrefix(typ, "map["):
		b.lengths(&f)
	case slices.Contains([]string{"int", "int32", "int64", "uint32", "uint64"}, typ):
		b.intBounds(&f, typ)
	case typ == "float32" || typ == "float64":
		b.floatBounds(&f, typ)
	}
	b.maybeDescribe(&f)
	return f
}

// inlineEnum gives a field an enum of its own, of the type named
// enumType, with values value makes, when the type's and constants' names
// are free.
func (b *builder) inlineEnum(f *omap, enumType string, value func() any) {
	var vals []any
	names := []string{enumType}
	for range 1 + b.r.IntN(4) {
		v := value()
		c := gomodel.EnumConstName(enumType, fmt.Sprint(v))
		if c == "" || slices.Contains(vals, v) || slices.Contains(names, c) {
			continue
		}
		vals = append(vals, v)
		names = append(names, c)
	}
	if len(vals) > 0 && b.claim(names...) {
		f.set("enum", vals)
	}
}

// lengths adds min_length and max_length now and then.
func (b *builder) lengths(f *omap) {
	if !b.chance(0.25) {
		return
	}
	lo, hi := b.r.IntN(5), pick(b, []int{0, 1, 5, 500, math.MaxInt32})
	if lo > hi {
		lo, hi = hi, lo
	}
	if b.chance(0.7) {
		f.set("min_length", lo)
	}
	if b.chance(0.7) {
		f.set("max_length", hi)
	}
}

// intBounds adds a minimum and maximum within the range of an integer
// type now and then.
func (b *builder) intBounds(f *omap, typ string) {
	if !b.chance(0.35) {
		return
	}
	rng := map[string][2]int64{
		// int's bounds may be beyond int32, which the generated code must
		// still compile with for 32-bit platforms (regression case
		// int_bound_32bit).
		"int": {math.MinInt64, math.MaxInt64}, "int64": {math.MinInt64, math.MaxInt64},
		"int32": {math.MinInt32, math.MaxInt32}, "uint32": {0, math.MaxUint32}, "uint64": {0, math.MaxInt64},
	}[typ]
	var vals []int64
	for _, v := range []int64{rng[0], -1000, -1, 0, 1, 10, 1000, rng[1]} {
		if v >= rng[0] && v <= rng[1] {
			vals = append(vals, v)
		}
	}
	lo, hi := pick(b, vals), pick(b, vals)
	if lo > hi {
		lo, hi = hi, lo
	}
	if b.chance(0.7) {
		f.set("minimum", lo)
	}
	if b.chance(0.7) {
		f.set("maximum", hi)
	}
}

// floatBounds adds a minimum and maximum for a float type now and then.
func (b *builder) floatBounds(f *omap, typ string) {
	if !b.chance(0.35) {
		return
	}
	vals := []float64{-1e30, -1.5, 0, 0.25, 1, 1e-50, 3.4e38, 100}
	if typ == "float64" {
		vals = append(vals, 1e300, -1.7e308, 5e-324)
	}
	lo, hi := pick(b, vals), pick(b, vals)
	if lo > hi {
		lo, hi = hi, lo
	}
	if b.chance(0.7) {
		f.set("minimum", lo)
	}
	if b.chance(0.7) {
		f.set("maximum", hi)
	}
}

// typeExpr returns a field type and, when it holds a named type at its
// core, that type.
func (b *builder) typeExpr(depth int) (string, *rType) {
	switch r := b.r.Float64(); {
	case r < 0.15 && depth < 3:
		t, inner := b.typeExpr(depth + 1)
		return "[]" + t, inner
	case r < 0.25 && depth < 3:
		t, inner := b.typeExpr(depth + 1)
		return "map[string]" + t, inner
	case r < 0.45 && len(b.types) > 0:
		t := pick(b, b.types)
		return t.name, t
	}
	if b.chance(0.25) {
		return "string", nil // the type with the most constraints
	}
	return pick(b, scalarTypeNames), nil
}

// table makes a random AMQP table.
func (b *builder) table(depth int) omap {
	var t omap
	for range b.r.IntN(4) {
		k := pick(b, []string{"x-event-version", "k", "kind", "日本", "with space", "x-match-not", "q\"uote", ""})
		if t.has(k) {
			continue
		}
		var v any
		switch b.r.IntN(9) {
		case 0:
			v = pick(b, []string{"v", "", "日本", "a\nb", "\x00", "`"})
		case 1:
			v = b.chance(0.5)
		case 2:
			v = pick(b, []int64{0, 2, -1, math.MaxInt64, math.MinInt64})
		case 3:
			v = pick(b, []float64{1.5, -0.25, 1e300, 2})
		case 4:
			v = nil
		case 5:
			v = binary(pick(b, []string{"", "\x00\xff", "hello"}))
		case 6:
			v = []any{1, "two", 3.5, true, nil, []any{}}
		case 7:
			if depth < 2 {
				v = b.table(depth + 1)
			} else {
				v = omap{}
			}
		default:
			v = "2001-12-14" // a YAML timestamp, read as text
		}
		t.set(k, v)
	}
	return t
}

// breakSchema breaks the schema on purpose, in one of several ways, and
// says how.
func (b *builder) breakSchema() string {
	bad := []struct {
		what string
		do   func()
	}{
		{"a field of an unknown type", func() {
			b.messagesSec.set("BrokenUnknownType", omap{{"exchange", ""}, {"routing_key", "k"}, {"fields", omap{{"f", omap{{"type", "NoSuchType"}}}}}})
		}},
		{"a routing key without a closing brace", func() {
			b.messagesSec.set("BrokenKey", omap{{"exchange", ""}, {"routing_key", "a.{unclosed"}})
		}},
		{"an unused param", func() {
			b.messagesSec.set("BrokenParam", omap{{"exchange", ""}, {"routing_key", "k"}, {"params", omap{{"unused", nil}}}})
		}},
		{"a priority of 300", func() {
			b.messagesSec.set("BrokenPriority", omap{{"exchange", ""}, {"routing_key", "k"}, {"priority", 300}})
		}},
		{"an unknown serializer", func() {
			b.messagesSec.set("BrokenSerializer", omap{{"exchange", ""}, {"routing_key", "k"}, {"serializer", "jsn"}})
		}},
		{"a cycle of required struct fields", func() {
			b.typesSec.set("BrokenCycleA", omap{{"fields", omap{{"b", omap{{"type", "[]BrokenCycleB"}, {"required", true}}}}}})
			b.typesSec.set("BrokenCycleB", omap{{"fields", omap{{"a", omap{{"type", "BrokenCycleA"}, {"required", true}}}}}})
		}},
		{"an unknown exchange", func() {
			b.messagesSec.set("BrokenExchange", omap{{"exchange", "no-such-exchange"}, {"routing_key", "k"}})
		}},
		{"minimum on a string", func() {
			b.messagesSec.set("BrokenMinimum", omap{{"exchange", ""}, {"routing_key", "k"}, {"fields", omap{{"s", omap{{"type", "string"}, {"minimum", 1}}}}}})
		}},
		{"two messages with one Go name", func() {
			b.messagesSec.set("broken_dup", omap{{"exchange", ""}, {"routing_key", "k"}})
			b.messagesSec.set("BrokenDup", omap{{"exchange", ""}, {"routing_key", "k"}})
		}},
		{"an unknown key", func() {
			b.exchangesSec.set("broken-exchange", omap{{"type", "direct"}, {"durabel", true}})
		}},
		{"an enum value without an identifier character", func() {
			b.typesSec.set("BrokenEnum", omap{{"enum", []any{"ok", "--"}}})
		}},
	}
	x := pick(b, bad)
	x.do()
	return x.what
}
