package schema

import (
	"sync"
	"time"
)

// The model is a tree of plain data: entities refer to each other by name,
// never by pointer, and every list is in file order. It holds the AMQP side
// only: the Go names of generated code are the generator's (see
// generator/gomodel).

// Schema is a validated schema with every reference resolved and every
// default applied.
type Schema struct {
	// File is the schema's file name as given to Parse or Load.
	File string
	// Version is the schema format version, always 1.
	Version int
	// Package is the Go package of the generated code.
	Package string
	// Defaults is the policy every message starts from: the built-in
	// defaults with the schema's defaults section applied.
	Defaults Policy
	// Exchanges are the exchanges the schema declares.
	Exchanges []*Exchange
	// Queues are the queues the schema declares, with their bindings.
	Queues []*Queue
	// Types are the reusable enums and structs.
	Types []*Type
	// Messages are the messages, each with its policy fully resolved.
	Messages []*Message
	// Tasks are the Celery tasks, each with its policy fully resolved.
	Tasks []*Task
	// Producers are the producers; a schema without a producers section has
	// one, named Producer, holding every message and task.
	Producers []*Producer
	// IgnoredNames are the names beginning with x- that the schema writes
	// where an entity's name goes, in file order: extension keys, which
	// are not read. Lint warns about each.
	IgnoredNames []IgnoredName

	// byName finds entities by name for the lookup methods, built at the
	// first lookup: a Schema is not changed once Parse returns it.
	byName entityIndex
}

// entityIndex holds the entities of a Schema by name.
type entityIndex struct {
	once      sync.Once
	exchanges map[string]*Exchange
	queues    map[string]*Queue
	types     map[string]*Type
	messages  map[string]*Message
	tasks     map[string]*Task
	producers map[string]*Producer
}

// IgnoredName is a name beginning with x- written where the name of an
// exchange, queue, type, message, task, policy, producer, field, kwarg or
// param goes.
type IgnoredName struct {
	Pos Pos
	// Name is the name as written.
	Name string
	// Kind is what it would name: exchange, queue, type, message, task,
	// policy, producer, field, kwarg or param.
	Kind string
	// Owner is the entity it is written in, such as message "Created", or
	// "" for a section of the top level.
	Owner string
}

// Exchange is an exchange the schema declares.
type Exchange struct {
	// Name is the exchange's AMQP name.
	Name        string
	Pos         Pos
	Description string
	// Type is direct, topic, fanout, headers or a plugin's x- type.
	Type       string
	Durable    bool
	AutoDelete bool
	Internal   bool
	// AlternateExchange is the exchange unroutable messages go to, or "",
	// written with alternate_exchange or under arguments. It may be one the
	// schema does not declare.
	AlternateExchange string
	// Arguments are the declare arguments: alternate-exchange, then the
	// schema's arguments in file order.
	Arguments Table
	// Bindings bind the exchange to source exchanges, in file order: what
	// a source routes with a binding's key goes on through this exchange.
	Bindings []*Binding
}

// Queue is a queue the schema declares. Its fields from Type to
// DeadLetterRoutingKey hold what its own keys set, or the same arguments
// written under arguments.
type Queue struct {
	// Name is the queue's AMQP name.
	Name        string
	Pos         Pos
	Description string
	// Type is classic, quorum or stream.
	Type       string
	Durable    bool
	Exclusive  bool
	AutoDelete bool
	// MaxPriority is x-max-priority, 1 to 255, or 0 when not set.
	MaxPriority int
	// MessageTTL is x-message-ttl, or nil when not set.
	MessageTTL *time.Duration
	// MaxLength is x-max-length, or nil when not set.
	MaxLength *int64
	// DeadLetterExchange is x-dead-letter-exchange, or "". It may be one the
	// schema does not declare.
	DeadLetterExchange string
	// DeadLetterRoutingKey is x-dead-letter-routing-key, or "".
	DeadLetterRoutingKey string
	// Arguments are the declare arguments: x-queue-type (when the type was
	// written), x-max-priority, x-message-ttl (milliseconds), x-max-length,
	// x-dead-letter-exchange, x-dead-letter-routing-key, then the schema's
	// arguments in file order.
	Arguments Table
	// Bindings bind the queue to exchanges, in file order.
	Bindings []*Binding
}

// Binding binds a queue or an exchange to an exchange, its source.
type Binding struct {
	Pos Pos
	// Exchange is the source: the name of an exchange the schema declares
	// or a predeclared amq.* exchange.
	Exchange string
	// RoutingKey is the binding key, a pattern for topic exchanges.
	RoutingKey string
	// Arguments are the binding arguments (x-match and friends for headers
	// exchanges).
	Arguments Table
}

// Table is an AMQP field table in file order. Values are string, bool,
// int64, float64, []byte, nil, []any and nested Tables.
type Table []TableEntry

// TableEntry is one key of a Table.
type TableEntry struct {
	Key   string
	Value any
	// Pos is where the key was written; for an argument set by a dedicated
	// key (max_priority), where that key's value is.
	Pos Pos
}

// Get returns the value of key.
func (t Table) Get(key string) (any, bool) {
	for _, e := range t {
		if e.Key == key {
			return e.Value, true
		}
	}
	return nil, false
}

// Map returns the table as a map, nested Tables included, as amqp091-go's
// Table wants it.
func (t Table) Map() map[string]any {
	m := make(map[string]any, len(t))
	for _, e := range t {
		m[e.Key] = mapValue(e.Value)
	}
	return m
}

func mapValue(v any) any {
	switch v := v.(type) {
	case Table:
		return v.Map()
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = mapValue(x)
		}
		return out
	}
	return v
}

// Kind is the kind of a type: a scalar, an enum or struct from the types
// section, a slice or a map.
type Kind int

// The kinds of types.
const (
	KindInvalid Kind = iota
	KindString
	KindBool
	KindInt
	KindInt32
	KindInt64
	KindUint32
	KindUint64
	KindFloat32
	KindFloat64
	KindBytes
	KindTime
	KindAny
	KindEnum
	KindStruct
	KindSlice
	KindMap
)

var kindNames = [...]string{
	KindInvalid: "invalid",
	KindString:  "string",
	KindBool:    "bool",
	KindInt:     "int",
	KindInt32:   "int32",
	KindInt64:   "int64",
	KindUint32:  "uint32",
	KindUint64:  "uint64",
	KindFloat32: "float32",
	KindFloat64: "float64",
	KindBytes:   "bytes",
	KindTime:    "time",
	KindAny:     "any",
	KindEnum:    "enum",
	KindStruct:  "struct",
	KindSlice:   "slice",
	KindMap:     "map",
}

// String returns the kind's name; for scalars, as the schema writes it.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "invalid"
	}
	return kindNames[k]
}

// IsScalar reports whether k is one of the built-in field types.
func (k Kind) IsScalar() bool { return k >= KindString && k <= KindAny }

// IsInteger reports whether k is int, int32, int64, uint32 or uint64.
func (k Kind) IsInteger() bool { return k >= KindInt && k <= KindUint64 }

// IsFloat reports whether k is float32 or float64.
func (k Kind) IsFloat() bool { return k == KindFloat32 || k == KindFloat64 }

// IsNumber reports whether k is an integer or float kind.
func (k Kind) IsNumber() bool { return k.IsInteger() || k.IsFloat() }

// TypeRef is a resolved field or parameter type, a small tree: []map[string]Money
// is a slice of a map of the struct Money.
type TypeRef struct {
	Kind Kind
	// Base is what an enum's values are, as Type.Base: KindString or an
	// integer kind.
	Base Kind
	// Name is the schema name of an enum or struct.
	Name string
	// Elem is the element type of a slice or map (map keys are strings).
	Elem *TypeRef
}

// String returns the type as the schema writes it.
func (t *TypeRef) String() string {
	switch t.Kind {
	case KindSlice:
		return "[]" + t.Elem.String()
	case KindMap:
		return "map[string]" + t.Elem.String()
	case KindEnum, KindStruct:
		return t.Name
	}
	return t.Kind.String()
}

// Type is a reusable enum or struct from the types section, or an enum
// written on a field.
type Type struct {
	// Name is the type's name in the types section; for an enum written
	// on a field, OWNER.FIELD (OrderCreated.status), which no type of the
	// section can be named.
	Name        string
	Pos         Pos
	Description string
	// Kind is KindEnum or KindStruct.
	Kind Kind
	// Base is what an enum's values are: KindString, or an integer kind
	// (KindInt64 for the types section; the field's type for an enum on a
	// field), whose values are sent as numbers.
	Base Kind
	// Owner and Field name the message or type, and its field, that an
	// enum written on a field belongs to; both are "" for the types
	// section's.
	Owner, Field string
	// Values are an enum's values.
	Values []*EnumValue
	// Fields are a struct's fields.
	Fields []*Field
}

// EnumValue is one value of an enum.
type EnumValue struct {
	// Value is the value as written: as sent for a string enum, the
	// decimal of Int for an integer one.
	Value string
	// Int is the value of an integer enum.
	Int int64
	// GoName is the constant's name after the type's, as go_name writes
	// it, or "" for the name the value gives.
	GoName string
	Pos    Pos
}

// Field is a field of a message or struct.
type Field struct {
	// Name is the encoded key (json, yaml and msgpack), exactly as written.
	Name        string
	Pos         Pos
	Description string
	// Type is the field's type. A field with an enum of its own is of the
	// enum type that Schema.Types holds for it, named OWNER.FIELD.
	Type *TypeRef
	// Required fields are always encoded and must be non-empty (strings,
	// bytes, slices, maps) or non-zero (times).
	Required bool
	// MinLength and MaxLength bound the length of a string, bytes, slice or
	// map, when set.
	MinLength *int
	MaxLength *int
	// Pattern is an RE2 expression a string must match, or "".
	Pattern string
	// Minimum and Maximum bound a number, when set.
	Minimum *Number
	Maximum *Number
}

// Number is a bound of a numeric field, exact for the field's type: Int is
// set for integer fields and Float for all of them.
type Number struct {
	Int   int64
	Float float64
}

// Param is a typed parameter of Publish: it fills a {name} of the routing
// key, headers written "{name}", or both.
type Param struct {
	// Name is the parameter's name, as {name} writes it.
	Name        string
	Pos         Pos
	Description string
	// Type is a string, integer or enum type.
	Type *TypeRef
	// InKey says the routing key holds {name}; Headers are the headers
	// whose value it is, in the order written.
	InKey   bool
	Headers []string
}

// HeaderParam is a header whose value a parameter gives: a header value
// written "{name}".
type HeaderParam struct {
	// Key is the header; Param is the parameter's name.
	Key, Param string
	// Pos is where the value is written.
	Pos Pos
}

// RoutingKey is a message's routing key: literal text and {param}s.
type RoutingKey struct {
	// Template is the key as written, e.g. "order.{region}.created".
	Template string
	Pos      Pos
	// Parts are the key's pieces in order; each is a literal or a parameter.
	Parts []KeyPart
}

// KeyPart is a piece of a routing key: literal text, or a parameter.
type KeyPart struct {
	// Literal is the text, when Param is "".
	Literal string
	// Param names the parameter filling this piece.
	Param string
}

// IsStatic reports whether the key has no parameters.
func (k RoutingKey) IsStatic() bool {
	for _, p := range k.Parts {
		if p.Param != "" {
			return false
		}
	}
	return true
}

// BodyKind is the shape of a message's Go body.
type BodyKind int

// The shapes of message bodies.
const (
	// BodyFields is a struct generated from the message's fields.
	BodyFields BodyKind = iota
	// BodyGoType is an existing Go type named by go_type.
	BodyGoType
	// BodyRaw is type Name []byte (the raw serializer).
	BodyRaw
	// BodyText is type Name string (the text serializer).
	BodyText
)

// String returns the body kind's name.
func (b BodyKind) String() string {
	switch b {
	case BodyFields:
		return "fields"
	case BodyGoType:
		return "go_type"
	case BodyRaw:
		return "raw"
	case BodyText:
		return "text"
	}
	return "invalid"
}

// Message is a message type and how it is published.
type Message struct {
	Name        string
	Pos         Pos
	Description string
	// Exchange is the AMQP name of the exchange it is published to: its own,
	// or its producers' ("" is the default exchange).
	Exchange string
	// ExchangeType is that exchange's type.
	ExchangeType string
	RoutingKey   RoutingKey
	// Params are the parameters of Publish, in the order it takes them:
	// the routing key's, in the order they first appear in it, then the
	// headers', in the order the headers are written.
	Params []*Param
	// PolicyName is the named policy the message applies, or "".
	PolicyName string
	// Policy is the resolved publishing policy.
	Policy Policy
	// Headers are the constant headers sent with every publish.
	Headers Table
	// HeaderParams are the headers whose values are parameters, in the
	// order written.
	HeaderParams []HeaderParam
	// Body is the shape of the body; Fields and GoType go with it.
	Body   BodyKind
	Fields []*Field
	GoType *GoType
}

// GoType is an existing Go type used as a message body.
type GoType struct {
	Pos Pos
	// ImportPath is the type's package, or "" for the generated package.
	ImportPath string
	// Name is the type's name, exported when ImportPath is set.
	Name string
}

// String returns the type as written: import path, dot, name.
func (g *GoType) String() string {
	if g.ImportPath == "" {
		return g.Name
	}
	return g.ImportPath + "." + g.Name
}

// Task is a Celery task (SPEC section 6): a call of the function a worker
// registered under CeleryName, sent as a message of Celery's task protocol
// 2.
type Task struct {
	// Name is the task's key in the schema, which names what is generated
	// for it.
	Name        string
	Pos         Pos
	Description string
	// CeleryName is the name the worker registered the task under
	// (images.resize): the message's task header.
	CeleryName string
	// Queue is the queue the task is sent to through the default exchange
	// with the queue's name as routing key, as Celery 5 sends tasks; ""
	// when the task names an exchange instead. It is declared as the
	// schema describes it under queues, or else as Celery declares it
	// (durable, bound to a durable direct exchange of its name).
	Queue string
	// Exchange and RoutingKey are where the task is published: "" and the
	// queue's name for a task sent to a queue. ExchangeType is the
	// exchange's type: direct for the default exchange.
	Exchange     string
	ExchangeType string
	RoutingKey   string
	// Args are the positional arguments, in order; no required one
	// follows an optional one.
	Args []*Field
	// Kwargs are the keyword arguments, in file order.
	Kwargs []*Field
	// Result is what the task returns, or nil when no result is awaited.
	Result *TaskResult
	// Expires, TimeLimit and SoftTimeLimit are the defaults of the call
	// options of the same names, 0 for none. Expires is also the
	// message's TTL (Policy.TTL).
	Expires       time.Duration
	TimeLimit     time.Duration
	SoftTimeLimit time.Duration
	// IgnoreResult asks the worker not to send the result.
	IgnoreResult bool
	// PolicyName is the named policy the task applies, or "".
	PolicyName string
	// Policy is how the task message is published: its serializer (json,
	// msgpack or yaml), compression, priority, mandatory (true unless
	// set otherwise), confirm and retry. A task message is always
	// persistent and without a type property.
	Policy Policy
}

// TaskResult is what a task returns, which a Call waits for.
type TaskResult struct {
	Pos         Pos
	Description string
	// Type is the return value's type; nil when it could not be resolved.
	Type *TypeRef
}

// Producer is a generated producer type.
type Producer struct {
	Name string
	// Pos is where the producer was written; for the producer made when
	// the schema has no producers section, the messages key.
	Pos         Pos
	Description string
	// Exchange is the producer's default exchange; "" is the default
	// exchange, or none when the producer names none.
	Exchange string
	// Messages are the names of the messages it publishes, in order.
	Messages []string
	// Tasks are the names of the tasks it sends, in order.
	Tasks []string
	// Declare are the names of the queues it declares, with their bindings,
	// before its first publish.
	Declare []string
}

// Policy is how a message is published, resolved from the built-in
// defaults, the defaults section, a named policy and the message's own
// keys, each overriding the one before.
type Policy struct {
	// Serializer is json, yaml, msgpack, raw or text.
	Serializer string
	// Compression is none, zlib, bzip2, lzma, zstd or brotli (kombu's
	// aliases gzip, bzip, xz and zstandard are stored under these).
	Compression string
	// DeliveryMode is persistent or transient.
	DeliveryMode string
	// Priority is 0 to 255.
	Priority int
	// TTL is the per-message expiration, 0 for none, else whole
	// milliseconds of at least 1ms.
	TTL       time.Duration
	Mandatory bool
	Confirm   bool
	Retry     Retry
	// Type is the AMQP type property every publish carries, or "" for
	// none, as kombu sends none: the message's own name when TypeIsName, or
	// the text the type key gives.
	Type string
	// TypeIsName records that the type key is true: a message's Type is
	// its name (in Schema.Defaults, which belongs to no message, Type is
	// then "").
	TypeIsName bool
	// Origins tells for each key where its value came from, keyed by the
	// schema's spelling: "serializer", ..., "retry.max_retries", ...
	Origins map[string]Origin
}

// Retry is kombu's retry_policy for publishing.
type Retry struct {
	MaxRetries    int
	IntervalStart time.Duration
	IntervalStep  time.Duration
	IntervalMax   time.Duration
	// Timeout bounds all attempts together; 0 for no bound.
	Timeout time.Duration
}

// Origin is where a policy value came from.
type Origin struct {
	Layer Layer
	// Policy names the policy for LayerPolicy.
	Policy string
	// Pos is where the value was written; zero for LayerBuiltin.
	Pos Pos
}

// Layer is one of the layers a policy is resolved from.
type Layer int

// The layers of a policy, each overriding the one before.
const (
	LayerBuiltin Layer = iota
	LayerDefaults
	LayerPolicy
	LayerMessage
	// LayerTask is a task's own keys, which override its named policy as
	// a message's do.
	LayerTask
)

// String returns the layer's name.
func (l Layer) String() string {
	switch l {
	case LayerBuiltin:
		return "built-in"
	case LayerDefaults:
		return "defaults"
	case LayerPolicy:
		return "policy"
	case LayerMessage:
		return "message"
	case LayerTask:
		return "task"
	}
	return "invalid"
}

// Exchange returns the exchange the schema declares under name, or nil.
func (s *Schema) Exchange(name string) *Exchange { return s.index().exchanges[name] }

// Queue returns the queue named name, or nil.
func (s *Schema) Queue(name string) *Queue { return s.index().queues[name] }

// Type returns the type named name, or nil.
func (s *Schema) Type(name string) *Type { return s.index().types[name] }

// Message returns the message named name, or nil.
func (s *Schema) Message(name string) *Message { return s.index().messages[name] }

// Task returns the task named name (its key in the schema), or nil.
func (s *Schema) Task(name string) *Task { return s.index().tasks[name] }

// Producer returns the producer named name, or nil.
func (s *Schema) Producer(name string) *Producer { return s.index().producers[name] }

// index returns s.byName, built once, so that each lookup takes constant
// time: linters, docs and diff look up every message's exchange, type and
// producer.
func (s *Schema) index() *entityIndex {
	x := &s.byName
	x.once.Do(func() {
		x.exchanges = byName(s.Exchanges, func(e *Exchange) string { return e.Name })
		x.queues = byName(s.Queues, func(q *Queue) string { return q.Name })
		x.types = byName(s.Types, func(t *Type) string { return t.Name })
		x.messages = byName(s.Messages, func(m *Message) string { return m.Name })
		x.tasks = byName(s.Tasks, func(t *Task) string { return t.Name })
		x.producers = byName(s.Producers, func(p *Producer) string { return p.Name })
	})
	return x
}

// byName maps each entity of list by its name; of two of one name (in a
// schema Parse found wrong), the first.
func byName[T any](list []*T, nameOf func(*T) string) map[string]*T {
	m := make(map[string]*T, len(list))
	for _, x := range list {
		if _, dup := m[nameOf(x)]; !dup {
			m[nameOf(x)] = x
		}
	}
	return m
}
