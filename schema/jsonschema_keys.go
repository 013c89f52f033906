package schema

import (
	"maps"
	"math"
	"time"
)

// This file says what each key of the schema file holds, for JSONSchema.
// The keys themselves come from the parser's tables; see jsonschema_gen.go.

// Patterns shared by the parser's rules and the JSON Schema. They are
// written to mean the same in RE2 (Go) and ECMA-262 with the u flag
// (editors).
const (
	// identPattern is a type or parameter name: a letter, then letters,
	// digits and underscores (isTypeName, checkParamName).
	identPattern = `^\p{L}[\p{L}\p{Nd}_]*$`
	// goConstPattern is a go_name: what follows the type's name in an
	// enum constant.
	goConstPattern = `^[\p{Lu}\p{Nd}][\p{L}\p{Nd}_]*$`
	// goNamePattern is a name the generator makes an identifier of (SPEC
	// section 4, generator/gomodel.GoName): one with a letter or digit in
	// it.
	goNamePattern = `[\p{L}\p{Nd}]`
	// fieldTypePattern is a composite field type: []T and map[string]T
	// around a type name.
	fieldTypePattern = `^(\[\]|map\[string\])*\p{L}[\p{L}\p{Nd}_]*$`
	// durationPattern is what time.ParseDuration reads, without a minus
	// sign (durations are at least 0).
	durationPattern = `^\+?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`
	// pluginExchangePattern is a plugin's exchange type (exchangeType).
	pluginExchangePattern = `^x-.`
)

// jsonSchemaDefs lists the mappings of the schema file, each with the
// parser's table of its keys.
func jsonSchemaDefs() []jsDef {
	policy := policySpec()
	message := maps.Clone(jsonSchemaKeys["message"])
	maps.Copy(message, policy)
	task := maps.Clone(jsonSchemaKeys["task"])
	for _, k := range taskPolicyKeys {
		task[k] = policy[k]
	}
	task["serializer"] = append(enum(taskSerializers, "How the task message is encoded: as a worker reads protocol 2."), jsField{"default", "json"})
	task["mandatory"] = boolean("A task no queue takes is an error (ErrUnroutable).", true)
	arg := maps.Clone(jsonSchemaKeys["field"])
	arg["name"] = append(str("The argument's name, which names its field in the generated struct."), jsField{"minLength", 1})
	return []jsDef{
		{name: "file", desc: "A kombugen schema file.", keys: topKeys, spec: jsonSchemaKeys["file"],
			extra: jsObject{{"required", []string{"version"}}}},
		{name: "policy", desc: "How messages are published; every key optional, each overriding the layer before (built-in, defaults, named policy, message).",
			keys: policyKeys, spec: policy, nullable: true},
		{name: "retry", desc: "kombu's retry_policy: on a connection failure, reconnect and publish again.",
			keys: retryKeys, spec: retrySpec(), nullable: true},
		{name: "exchange", desc: "An exchange; its key is its AMQP name.", keys: exchangeKeys, spec: jsonSchemaKeys["exchange"],
			extra: jsObject{{"required", []string{"type"}}}},
		{name: "queue", desc: "A queue; its key is its AMQP name.", keys: queueKeys, spec: jsonSchemaKeys["queue"], nullable: true},
		{name: "binding", desc: "A binding of the queue or exchange to an exchange, its source.", keys: bindingKeys, spec: jsonSchemaKeys["binding"],
			extra: jsObject{{"required", []string{"exchange"}}}},
		{name: "type", desc: "A reusable enum (enum) or struct (fields).", keys: typeKeys, spec: jsonSchemaKeys["type"],
			extra: jsObject{{"oneOf", []jsObject{{{"required", []string{"enum"}}}, {{"required", []string{"fields"}}}}}}},
		{name: "field", desc: "A field of a message or struct; its key is its encoded name.", keys: fieldKeys, spec: jsonSchemaKeys["field"],
			extra: jsObject{{"required", []string{"type"}}}},
		{name: "message", desc: "A message type and how it is published; any policy key overrides its policy.",
			keys: messageKeys, spec: message, nullable: true,
			extra: jsObject{{"not", jsObject{{"required", []string{"fields", "go_type"}}}}}},
		{name: "param", desc: "A routing-key parameter, {name} in routing_key; null for a string.", keys: paramKeys,
			spec: jsonSchemaKeys["param"], nullable: true},
		{name: "task", desc: "A Celery task (protocol 2) and how it is sent; any of its policy keys overrides its policy.",
			keys: taskKeys, spec: task, extra: jsObject{{"required", []string{"name"}}, {"not", jsObject{{"required", []string{"queue", "exchange"}}}}}},
		{name: "arg", desc: "A positional argument of a task.", keys: argKeys, spec: arg,
			extra: jsObject{{"required", []string{"name", "type"}}}},
		{name: "result", desc: "What a task returns, which Call<Task> waits for.", keys: resultKeys, spec: jsonSchemaKeys["result"],
			extra: jsObject{{"required", []string{"type"}}}},
		{name: "producer", desc: "A generated producer type.", keys: producerKeys, spec: jsonSchemaKeys["producer"], nullable: true},
	}
}

// jsonSchemaKeys says what each key holds, by mapping. Policy and retry
// keys are in policySpec and retrySpec, their defaults taken from the
// parser's built-in policy.
var jsonSchemaKeys = map[string]map[string]jsObject{
	"file": {
		"version":  {{"description", "The schema format version."}, {"const", 1}},
		"package":  str("The Go package of the generated code; default: $GOPACKAGE, else the directory name."),
		"defaults": ref("policy", "The policy every message starts from."),
		"policies": mapOf("policy", "Named partial policies, which messages apply with policy.", nil),
		"exchanges": mapOf("exchange", "Exchanges, by AMQP name.",
			amqpName("the default exchange and amq.* exchanges exist already")),
		"queues":    mapOf("queue", "Queues with their bindings, by AMQP name.", amqpName("server-named queues are not supported")),
		"types":     mapOf("type", "Reusable enums and structs, by name.", typeName()),
		"messages":  mapOf("message", "Message types, by name.", pattern(goNamePattern)),
		"tasks":     mapOf("task", "Celery tasks, by name.", pattern(goNamePattern)),
		"producers": mapOf("producer", "Producers; without this section, one named Producer publishes every message and sends every task.", pattern(goNamePattern)),
	},
	"exchange": {
		"type": {
			{"description", "direct, topic, fanout, headers or a plugin's x- type."},
			{"type", "string"},
			{"anyOf", []jsObject{{{"enum", exchangeTypes}}, {{"pattern", pluginExchangePattern}}}},
		},
		"durable":            boolean("Survives a broker restart.", true),
		"auto_delete":        boolean("Deleted when its last binding goes.", false),
		"internal":           boolean("Takes messages only from other exchanges; cannot be published to.", false),
		"alternate_exchange": str("Where messages no binding takes go (alternate-exchange)."),
		"arguments":          table("Declare arguments."),
		"bindings": {
			{"description", "Bindings of the exchange to source exchanges: what a source routes with a binding's key goes on through this exchange."},
			{"type", []string{"array", "null"}},
			{"items", jsObject{{"$ref", "#/$defs/binding"}}},
		},
		"description": str("Documentation, copied into generated code."),
	},
	"queue": {
		"type": append(enum(queueTypes, "The queue type, sent as x-queue-type when written."),
			jsField{"default", "classic"}),
		"durable":                 boolean("Survives a broker restart.", true),
		"exclusive":               boolean("Used by one connection only, and deleted with it.", false),
		"auto_delete":             boolean("Deleted when its last consumer goes.", false),
		"max_priority":            integer(1, 255, "x-max-priority: the highest priority the queue orders by."),
		"message_ttl":             duration("x-message-ttl: how long a message may wait, in whole milliseconds."),
		"max_length":              integer(0, math.MaxInt64, "x-max-length: the most messages the queue holds."),
		"dead_letter_exchange":    str("x-dead-letter-exchange: where expired and rejected messages go."),
		"dead_letter_routing_key": str("x-dead-letter-routing-key: the routing key they go with."),
		"arguments":               table("Declare arguments."),
		"bindings": {
			{"description", "Bindings of the queue to exchanges."},
			{"type", []string{"array", "null"}},
			{"items", jsObject{{"$ref", "#/$defs/binding"}}},
		},
		"description": str("Documentation, copied into generated code."),
	},
	"binding": {
		"exchange":    str("The source exchange: one of the schema's or an amq.* exchange."),
		"routing_key": append(str("The binding key; a pattern with * and # for topic exchanges."), jsField{"maxLength", 255}),
		"arguments":   table("Binding arguments, such as x-match for headers exchanges."),
	},
	"type": {
		"enum": {
			{"description", "The values of an enum, each a constant of the generated type: all integers (sent as numbers), or strings; {value: V, go_name: NAME} names the constant TypeNAME."},
			{"type", "array"},
			{"minItems", 1},
			{"uniqueItems", true},
			{"items", enumValue()},
		},
		"fields":      mapOf("field", "The fields of a struct, by encoded name.", pattern(goNamePattern)),
		"description": str("Documentation, copied into generated code."),
	},
	"field": {
		"type": {
			{"description", "A built-in type, a name from types, []T or map[string]T."},
			{"type", "string"},
			{"anyOf", []jsObject{{{"enum", scalarNames}}, {{"pattern", fieldTypePattern}}}},
		},
		"required":    boolean("Always encoded, and must not be empty or zero.", false),
		"description": str("Documentation, copied into generated code."),
		"enum": {
			{"description", "The values a string or integer field may take, which make a named type of its own (<Message or Type><Field>) with a constant each; {value: V, go_name: NAME} names a constant."},
			{"type", []string{"array", "null"}},
			{"uniqueItems", true},
			{"items", enumValue()},
		},
		"min_length": integer(0, math.MaxInt32, "The least length of a string, bytes, slice or map."),
		"max_length": integer(0, math.MaxInt32, "The greatest length of a string, bytes, slice or map."),
		"pattern":    str("An RE2 expression a string must match."),
		"minimum":    {{"description", "The least value of a number."}, {"type", "number"}},
		"maximum":    {{"description", "The greatest value of a number."}, {"type", "number"}},
	},
	"message": {
		"description": str("Documentation, copied into generated code."),
		"exchange":    str("The exchange it is published to; default: its producer's. \"\" is the default exchange."),
		"routing_key": str("The routing key; {name} is a typed parameter of Publish, declared under params."),
		"params":      mapOf("param", "The parameters of routing_key.", pattern(identPattern)),
		"policy":      str("A named policy from policies."),
		"headers":     table("Headers sent with every publish."),
		"fields":      mapOf("field", "The fields of the message body, by encoded name.", pattern(goNamePattern)),
		"go_type":     str("An existing Go type as the body: import path, dot, type name (example.com/shop/model.Order)."),
	},
	"param": {
		"type": {
			{"description", "string (the default), an integer type or an enum from types."},
			{"type", "string"},
			{"anyOf", []jsObject{{{"enum", paramScalars()}}, {{"pattern", identPattern}}}},
		},
		"description": str("Documentation, copied into generated code."),
	},
	"task": {
		"name":        append(str("The name the worker registered the task under (the task header), such as images.resize."), jsField{"minLength", 1}),
		"description": str("Documentation, copied into generated code."),
		"queue": append(str("The queue it is sent to, through the default exchange with the queue's name as routing key, as Celery 5 sends tasks; declared as Celery declares it unless queues describes it."),
			jsField{"default", DefaultTaskQueue}, jsField{"minLength", 1}, jsField{"maxLength", 255}),
		"exchange":    str("Instead of queue: the exchange it is published to, with routing_key."),
		"routing_key": append(str("The routing key it is published with to exchange."), jsField{"maxLength", 255}),
		"args": {
			{"description", "The positional arguments, in order; no required one after an optional one."},
			{"type", []string{"array", "null"}},
			{"items", jsObject{{"$ref", "#/$defs/arg"}}},
		},
		"kwargs":          mapOf("field", "The keyword arguments, by name.", pattern(goNamePattern)),
		"result":          ref("result", "What the task returns: with it, Call<Task> waits for the result."),
		"expires":         duration("The default expiry: a worker that gets the task later does not run it (REVOKED), and the broker drops it then; whole milliseconds."),
		"time_limit":      duration("The default hard time limit: the worker kills the task after it (TimeLimitExceeded)."),
		"soft_time_limit": duration("The default soft time limit: the worker raises SoftTimeLimitExceeded in the task after it."),
		"ignore_result":   boolean("The worker sends no result; the task has no result then.", false),
		"policy":          str("A named policy from policies, of the keys a task takes."),
	},
	"result": {
		"type": {
			{"description", "A built-in type, a name from types, []T or map[string]T."},
			{"type", "string"},
			{"anyOf", []jsObject{{{"enum", scalarNames}}, {{"pattern", fieldTypePattern}}}},
		},
		"description": str("Documentation, copied into generated code."),
	},
	"producer": {
		"exchange":    str("The default exchange of its messages."),
		"messages":    strList("The messages it publishes."),
		"tasks":       strList("The tasks it sends."),
		"declare":     strList("Queues it declares, with their bindings, before its first publish."),
		"description": str("Documentation, copied into generated code."),
	},
}

// policySpec describes the policy keys, with the built-in defaults.
func policySpec() map[string]jsObject {
	b := builtinPolicy()
	return map[string]jsObject{
		"serializer":    append(enum(serializers, "How the body is encoded."), jsField{"default", b.Serializer}),
		"compression":   append(enum(compressions, "How the body is compressed, by kombu's names (gzip is zlib, bzip is bzip2, xz is lzma, zstandard is zstd)."), jsField{"default", b.Compression}),
		"delivery_mode": append(enum(deliveryModes, "Whether the broker writes messages to disk."), jsField{"default", b.DeliveryMode}),
		"priority":      append(integer(0, 255, "The message priority."), jsField{"default", b.Priority}),
		"ttl":           append(duration("Per-message expiration, 0 for none, else whole milliseconds of at least 1ms."), jsField{"default", durationText(b.TTL)}),
		"mandatory":     boolean("Unroutable messages come back (an error, and on_return).", b.Mandatory),
		"confirm":       boolean("Wait for the broker's publisher confirm.", b.Confirm),
		"retry":         ref("retry", "How publishing retries after a connection failure."),
		"type": {
			{"description", "The AMQP type property of every publish: true for the message's name, a string for that text, false (the default, as kombu) for none."},
			{"type", []string{"boolean", "string"}},
			{"maxLength", 255},
			{"default", false},
		},
	}
}

// retrySpec describes the retry keys, with the built-in defaults.
func retrySpec() map[string]jsObject {
	r := builtinPolicy().Retry
	return map[string]jsObject{
		"max_retries":    append(integer(0, math.MaxInt32, "How many times to publish again."), jsField{"default", r.MaxRetries}),
		"interval_start": append(duration("The first sleep before publishing again."), jsField{"default", durationText(r.IntervalStart)}),
		"interval_step":  append(duration("How much longer each next sleep is."), jsField{"default", durationText(r.IntervalStep)}),
		"interval_max":   append(duration("The longest sleep."), jsField{"default", durationText(r.IntervalMax)}),
		"timeout":        append(duration("How long all attempts may take together; 0 for no bound."), jsField{"default", durationText(r.Timeout)}),
	}
}

// paramScalars are the built-in types a routing-key parameter can have.
func paramScalars() []string {
	var out []string
	for _, name := range scalarNames {
		if k := scalarKinds[name]; k == KindString || k.IsInteger() {
			out = append(out, name)
		}
	}
	return out
}

func durationText(d time.Duration) string { return d.String() }

func str(desc string) jsObject {
	return jsObject{{"description", desc}, {"type", "string"}}
}

func boolean(desc string, def bool) jsObject {
	return jsObject{{"description", desc}, {"type", "boolean"}, {"default", def}}
}

func integer(lo, hi int64, desc string) jsObject {
	return jsObject{{"description", desc}, {"type", "integer"}, {"minimum", lo}, {"maximum", hi}}
}

func enum(values []string, desc string) jsObject {
	return jsObject{{"description", desc}, {"type", "string"}, {"enum", values}}
}

// duration is a Go duration (1.5s, 200ms, 1h) or the integer 0.
func duration(desc string) jsObject {
	return jsObject{
		{"description", desc + " A Go duration such as 1.5s, 200ms or 1h."},
		{"anyOf", []jsObject{{{"const", 0}}, {{"type", "string"}, {"pattern", durationPattern}}}},
	}
}

// table is an AMQP field table: any keys, x- ones included, and any values.
func table(desc string) jsObject {
	return jsObject{
		{"description", desc},
		{"type", []string{"object", "null"}},
		{"propertyNames", jsObject{{"maxLength", 255}}},
	}
}

// scalar is an enum value: any scalar, taken as written.
// enumValue describes an enum value: a scalar, or a value with its
// constant's name.
func enumValue() jsObject {
	return jsObject{{"anyOf", []jsObject{
		scalar(),
		{
			{"type", "object"},
			{"properties", jsObject{
				{"value", scalar()},
				{"go_name", jsObject{{"description", "The constant's name after the type's: RegionEU for go_name EU."}, {"type", "string"}, {"pattern", goConstPattern}}},
			}},
			{"required", []string{"value"}},
			{"additionalProperties", false},
		},
	}}}
}

func scalar() jsObject {
	return jsObject{{"type", []string{"string", "number", "boolean"}}}
}

func strList(desc string) jsObject {
	return jsObject{{"description", desc}, {"type", []string{"array", "null"}}, {"items", jsObject{{"type", "string"}}}}
}

func ref(def, desc string) jsObject {
	return jsObject{{"description", desc}, {"$ref", "#/$defs/" + def}}
}

// mapOf is a section mapping names to entities of def. names, when set,
// is what a name must be; extension keys are free.
func mapOf(def, desc string, names jsObject) jsObject {
	obj := jsObject{{"description", desc}, {"type", []string{"object", "null"}}}
	if names != nil {
		obj = append(obj, jsField{"propertyNames", jsObject{{"anyOf", []jsObject{{{"pattern", extensionPattern}}, names}}}})
	}
	return append(obj,
		jsField{"patternProperties", jsObject{{extensionPattern, true}}},
		jsField{"additionalProperties", jsObject{{"$ref", "#/$defs/" + def}}},
	)
}

func pattern(p string) jsObject { return jsObject{{"pattern", p}} }

// amqpName is an exchange or queue name as entityName takes it: 1 to 255
// characters, not beginning with amq.
func amqpName(why string) jsObject {
	return jsObject{
		{"$comment", "Not empty and not amq.*: " + why + "."},
		{"minLength", 1},
		{"maxLength", 255},
		{"not", jsObject{{"pattern", `^amq\.`}}},
	}
}

// typeName is a name of the types section: an identifier that is no
// built-in type.
func typeName() jsObject {
	return jsObject{{"pattern", identPattern}, {"not", jsObject{{"enum", scalarNames}}}}
}
