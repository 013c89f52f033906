package gomodel

import "github.com/kombugen/kombugen/schema"

// The model is a tree of plain data over the schema's: each entity embeds
// the schema entity it comes from and adds the Go names the generated file
// gives it. Lists keep the schema's order.

// File is the Go side of one schema: what the generated file declares and
// what it calls its parts.
type File struct {
	Schema *schema.Schema
	// Package is the Go package of the generated file.
	Package   string
	Exchanges []*Exchange
	Queues    []*Queue
	Types     []*Type
	Messages  []*Message
	Tasks     []*Task
	Producers []*Producer
	// Patterns are the distinct patterns of the schema's fields, each
	// compiled once into a package variable, in the order first used.
	Patterns []*Pattern
	// Policies are the distinct publishing policies of the messages, each
	// spelled out once in a package variable, in the order first used.
	Policies []*Policy
	// Codecs are the import paths of the serializer and compression
	// packages the schema's messages and tasks use, which the file imports
	// for their registration; json, raw and text are the runtime's own.
	Codecs []string

	exchanges map[string]*Exchange
	queues    map[string]*Queue
	types     map[string]*Type
	messages  map[string]*Message
	tasks     map[string]*Task
	producers map[string]*Producer
}

// Exchange returns the exchange the schema declares under name, or nil
// (for a predeclared amq.* exchange, say).
func (f *File) Exchange(name string) *Exchange { return f.exchanges[name] }

// Queue returns the queue named name, or nil.
func (f *File) Queue(name string) *Queue { return f.queues[name] }

// Type returns the type named name, or nil.
func (f *File) Type(name string) *Type { return f.types[name] }

// Message returns the message named name, or nil.
func (f *File) Message(name string) *Message { return f.messages[name] }

// Task returns the task named name, or nil.
func (f *File) Task(name string) *Task { return f.tasks[name] }

// Producer returns the producer named name, or nil.
func (f *File) Producer(name string) *Producer { return f.producers[name] }

// Exchange is an exchange with the function returning its topology value.
type Exchange struct {
	*schema.Exchange
	// GoName names the function returning its topology value (OrdersExchange).
	GoName string
}

// Queue is a queue with the function returning its topology value.
type Queue struct {
	*schema.Queue
	// GoName names the function returning its topology value
	// (BillingOrderEventsQueue).
	GoName string
}

// Type is an enum or a struct of the types section.
type Type struct {
	*schema.Type
	// GoName is the Go type (Money).
	GoName string
	// Values are an enum's values with their constants.
	Values []*EnumValue
	// Fields are a struct's fields.
	Fields []*Field
	// Encoders are the reflection-free encoders a struct gets.
	Encoders Encoders
	// Recursive marks a struct that can hold itself, through its fields
	// or theirs: a value of it may be a cycle, which its Validate method
	// checks for before walking it.
	Recursive bool
}

// EnumValue is a value of an enum with its constant.
type EnumValue struct {
	*schema.EnumValue
	// GoName is its constant (RegionEU).
	GoName string
}

// Field is a field of a struct or message.
type Field struct {
	*schema.Field
	// GoName is the struct field (OrderID).
	GoName string
	// PatternVar is the package variable holding the field's compiled
	// pattern, or "" when it has none.
	PatternVar string
}

// Message is a message with the Go names of its body, its publishing
// settings and its routing key.
type Message struct {
	*schema.Message
	// GoName names the message: its body type (for fields, raw and text
	// bodies) and its Publish methods.
	GoName string
	// TypeVar is the package variable holding how it is published
	// (kombugenOrderCreatedType).
	TypeVar string
	// PolicyVar is the package variable holding its publishing policy,
	// one of the File's Policies.
	PolicyVar string
	// KeyFunc is the function that checks the routing key's parameters and
	// fills them in (kombugenOrderCreatedKey), or "" for a key without
	// parameters.
	KeyFunc string
	// HeadersFunc is the function that checks the parameters headers take
	// and makes those headers (kombugenOrderCreatedHeaders), or "" for a
	// message whose headers are all constant.
	HeadersFunc string
	// Fields are the body's fields, for a message with fields.
	Fields []*Field
	// Params are the routing key's parameters, in the order Publish takes
	// them.
	Params []*Param
	// Encoders are the reflection-free encoders its body gets.
	Encoders Encoders
}

// Param is a routing-key parameter with its Go parameter.
type Param struct {
	*schema.Param
	// VarName is the parameter of Publish and of the key function: the
	// schema name as VarName makes it, kept clear of the names those
	// functions use themselves.
	VarName string
}

// Task is a Celery task with the Go names of its arguments and of what
// sends it.
type Task struct {
	*schema.Task
	// GoName names the struct of its arguments and its Send and Call
	// methods (ResizeImage).
	GoName string
	// Args and Kwargs are the struct's fields, the positional arguments
	// first.
	Args, Kwargs []*Field
	// CallFunc validates a value of the struct and makes the call of the
	// task from it (kombugenResizeImageCall).
	CallFunc string
	// OptionsVar is the package variable holding how the task is sent:
	// its route, its policy and its call defaults
	// (kombugenResizeImageOptions).
	OptionsVar string
}

// Fields returns the struct's fields: Args, then Kwargs.
func (t *Task) Fields() []*Field {
	return append(t.Args[:len(t.Args):len(t.Args)], t.Kwargs...)
}

// Producer is a producer type.
type Producer struct {
	*schema.Producer
	// GoName is the producer's type (OrdersProducer).
	GoName string
	// Constructor is its constructor (NewOrdersProducer).
	Constructor string
	// Publishes are its Publish methods, one per message, in the order of
	// its messages.
	Publishes []*Publish
	// Sends are its Send and Call methods, one pair per task, in the
	// order of its tasks.
	Sends []*Send
}

// AwaitsResults reports whether a producer has a Call method, so keeps
// the transport it receives results through.
func (p *Producer) AwaitsResults() bool {
	for _, s := range p.Sends {
		if s.Call != "" {
			return true
		}
	}
	return false
}

// Send is a task's Send method, and its Call method when the task has a
// result.
type Send struct {
	// Method sends the task and returns its id (SendResizeImage).
	Method string
	// Call sends it and returns its Result (CallResizeImage), or "".
	Call string
	Task *Task
}

// Publish is a message's pair of Publish methods on a producer.
type Publish struct {
	// Method is the method that waits for the outcome
	// (PublishOrderCreated).
	Method string
	// Async is the method that returns the outcome's confirmation
	// (PublishOrderCreatedAsync).
	Async   string
	Message *Message
}

// Policy is a publishing policy (serializer, compression, delivery mode,
// priority, TTL, mandatory, confirm, retry) that messages share.
type Policy struct {
	// Var is the variable holding its options (kombugenPolicy0).
	Var string
	schema.Policy
	// Messages are the messages published with it.
	Messages []*Message
}

// Pattern is a field pattern compiled once into a package variable.
type Pattern struct {
	// Var is the variable (kombugenPattern0).
	Var string
	// Expr is the RE2 expression.
	Expr string
}

// Encoders says which reflection-free encoder methods a struct has: those
// of the serializers that publish it, itself or inside another message.
type Encoders struct {
	JSON    bool // AppendJSON
	Msgpack bool // AppendMsgpack
}
