// Package schemadiff compares two resolved schemas and classifies every
// change by what it breaks, in AMQP terms. It is the engine of
//
//	kombugen diff OLD NEW
//	kombugen diff --against GITREV NEW
//
// which prints a report and exits 1 exactly when Report.Breaking is true.
//
//	old, _ := schema.Load("old.kombugen.yaml", opts)
//	new, _ := schema.Load("orders.kombugen.yaml", opts)
//	r := schemadiff.Compare(old, new)
//	schemadiff.WriteMarkdown(os.Stdout, r) // or WriteText, WriteJSON
//	if r.Breaking() {
//		os.Exit(1)
//	}
//
// # Categories
//
//   - WIRE: what consumers decode changes (keys, types, enum values,
//     serializer, compression, headers). Consumers are often kombu or
//     Celery in Python, and messages published under the old schema may
//     still sit in queues.
//   - ROUTING: messages go to other queues, or to none (exchanges,
//     routing keys, bindings, queues).
//   - DECLARE: an exchange or queue is declared with other attributes or
//     arguments. RabbitMQ compares some of them with the existing entity
//     and refuses the redeclare (PRECONDITION_FAILED, 406); generated
//     producers declare before their first publish, so that publish fails.
//   - GO_API: the generated Go code changes so that callers stop
//     compiling, or compile but Publish now rejects what they send.
//   - POLICY: how messages are published changes: persistence, expiry,
//     priority, mandatory, confirms, retries, validation.
//
// # Rules
//
// Every change is breaking, a warning, or compatible (listed for review).
// One edit can be several changes: removing a field is a WIRE change for
// consumers and a GO_API change for callers. A removed entity is reported
// once, not with each of its parts. Renames are a removal and an addition,
// except where the Go name stays (order_id to orderId are both OrderID):
// then only the wire sees it.
//
//	change                                          category  severity    why
//	----------------------------------------------  --------  ----------  ----------------------------------------------
//	field removed, it was required                  WIRE      breaking    consumers read the key and get nothing
//	field removed, it was optional                  WIRE      warning     consumers cope with its absence, but lose it
//	optional field added                            WIRE      compatible  consumers ignore keys they do not know
//	field made required                             WIRE      breaking    queued messages and other producers may lack it (SPEC)
//	field made optional                             WIRE      breaking    the key is left out when not set
//	field type changed                              WIRE      breaking    consumers decode it as the old type
//	  same shape, other type name                   -         -           encodes the same; GO_API reports the Go type
//	  enum -> string                                WIRE      warning     values outside the enum may now arrive
//	  string -> enum, integer or float narrowed     WIRE      compatible  every value sent fits what consumers decode
//	  integer or float widened                      WIRE      warning     larger values may overflow old consumers
//	enum value removed (type or inline enum)        WIRE      breaking    queued messages may carry it; updated consumers reject it
//	enum value added                                WIRE      warning     old consumers may reject the new value
//	inline enum dropped                             WIRE      warning     any string may now arrive
//	constraint loosened (bound relaxed or dropped)  WIRE      warning     consumers may get values they never saw
//	struct type turned enum or back                 WIRE      breaking    values encode differently
//	serializer changed                              WIRE      breaking    content_type and body format change; kombu accept lists
//	compression changed                             WIRE      breaking    consumers need the codec, and kombu its module
//	constant header removed or changed              WIRE      warning     consumers may read headers
//	constant header added                           WIRE      compatible  consumers that do not read it are unaffected
//	body now from a go_type, or no longer           WIRE      warning     the schema no longer describes the keys
//	exchange removed                                ROUTING   breaking    what was published there goes elsewhere
//	exchange type changed                           ROUTING   breaking    bindings match by other rules (and DECLARE)
//	message's exchange or routing key changed       ROUTING   breaking    consumers bound for the old key lose it
//	routing-key parameters moved to other words     ROUTING   breaking    bindings select on a word that now means another
//	  ... of the same types                         GO_API    warning     calls compile, arguments mean other names
//	binding removed                                 ROUTING   breaking    the queue stops receiving; declares never unbind
//	binding added                                   ROUTING   compatible  the queue receives more: its consumers must cope
//	queue removed                                   ROUTING   breaking    its messages stop arriving on a fresh broker
//	message removed                                 ROUTING   warning     its queues stop receiving it (and GO_API)
//	producer's default exchange changed             ROUTING   warning     declares and Runtime() publishes move
//	producer no longer declares a queue             ROUTING   warning     unroutable on a fresh broker until declared
//	exchange type, durable, auto_delete, internal   DECLARE   breaking    406 on redeclare of the existing exchange
//	exchange alternate-exchange changed             DECLARE   breaking    the only exchange argument RabbitMQ compares
//	other exchange argument changed                 DECLARE   warning     not compared: the existing exchange keeps it
//	queue durable or auto_delete changed            DECLARE   breaking    406 on redeclare of the existing queue
//	queue exclusive changed                         DECLARE   breaking    405 RESOURCE_LOCKED on redeclare
//	queue argument its queue type compares          DECLARE   breaking    x-message-ttl, x-max-length, dead letters ...
//	queue argument its queue type ignores           DECLARE   warning     the existing queue keeps the old value
//	x-queue-type unset <-> classic                  DECLARE   compatible  RabbitMQ takes unset as classic
//	exchange or queue added, queue newly declared   DECLARE   compatible  declared before the first publish
//	package renamed                                 GO_API    breaking    importers refer to it by name
//	exchange, queue, type, message, producer gone   GO_API    breaking    its generated identifiers are gone
//	enum value removed                              GO_API    breaking    its constant is gone
//	struct field gone or its Go type changed        GO_API    breaking    e.g. made optional: string becomes *string
//	message body's Go type changed                  GO_API    breaking    struct, []byte, string or a go_type
//	routing-key parameter added, removed, retyped   GO_API    breaking    Publish's signature changes
//	message dropped from a producer                 GO_API    breaking    its Publish method is gone
//	required field added, Validate rejects zero     GO_API    breaking    calls compile, Publish fails (ErrInvalidMessage)
//	required field added, zero passes               GO_API    warning     calls compile and send the zero value
//	routing-key parameter renamed in place          GO_API    compatible  the same keys are sent
//	message, type, producer, Publish method added   GO_API    compatible  new identifiers only
//	description changed                             GO_API    compatible  doc comments only
//	delivery_mode persistent -> transient           POLICY    warning     messages lost on a broker restart
//	ttl added or shortened                          POLICY    warning     messages expire (dropped or dead-lettered)
//	priority lowered                                POLICY    warning     delivered after more urgent messages
//	mandatory turned off                            POLICY    warning     unroutable messages dropped silently
//	confirm turned off                              POLICY    warning     lost messages go unnoticed
//	retry.max_retries lowered, retry.timeout cut    POLICY    warning     Publish gives up sooner
//	constraint tightened, pattern changed           POLICY    warning     Publish may reject what it accepted
//	inline enum added                               POLICY    warning     Publish may reject what it accepted
//	the opposite policy changes, retry intervals    POLICY    compatible  safer or neutral
//	task's Celery name changed                      WIRE      breaking    workers run tasks by name: NotRegistered
//	task's queue, exchange or routing key changed   ROUTING   breaking    workers consuming the old queue lose it
//	positional argument removed, moved, retyped     WIRE      breaking    workers take positional arguments by place
//	required argument added (positional or kw)      WIRE      breaking    old workers' functions refuse it (TypeError)
//	optional argument added                         WIRE      warning     calls that set it fail on old workers
//	keyword argument removed, or made optional      WIRE      breaking    queued tasks carry it; functions may need it
//	task removed                                    ROUTING   warning     its queue stops receiving it (and GO_API)
//	task or result removed, task off a producer     GO_API    breaking    its type, Send or Call method is gone
//	result type changed                             GO_API    breaking    Call returns another Result type (and WIRE)
//	time_limit or soft_time_limit lowered           POLICY    warning     the worker stops the task sooner
//	ignore_result changed                           POLICY    warning     the worker sends, or stops sending, results
//
// A task's policy and expires (its message's TTL) are compared as a
// message's are.
//
// Policies are compared per message as resolved, so a change to defaults
// or to a named policy is reported for each message it reaches, at the key
// the value now comes from (Policy.Origins).
//
// RabbitMQ's equivalence checks are those of rabbit_exchange (type,
// durable, auto_delete, internal, alternate-exchange) and rabbit_amqqueue
// (durable, auto_delete, exclusive owner, and the queue_arguments of the
// existing queue's type: classic, quorum or stream), with x-queue-type
// unset taken as classic (rabbitmq-common#341).
//
// Routing notes name the queues of the schema a message's key may reach,
// for some values of its parameters: topic and direct keys are matched
// against binding keys, headers bindings against the message's constant
// headers; fanout reaches every binding. Bindings made outside the schema,
// headers added at publish time and plugin exchange types are not known.
//
// # Positions
//
// Every change carries the position in the new schema of what changed
// (Change.Pos), taken from the model: the field, binding, table entry,
// routing key or policy key. A removal points where the thing was in the
// old schema, printed as "(removed, was at FILE:LINE:COL)". The model keeps
// no positions for exchange and queue attributes (durable, type), list
// items (a producer's messages) or the package key; those changes point
// at the entity, or at the file.
//
// # Reports
//
// WriteText prints one line per change, as compilers print problems;
// WriteMarkdown a heading and a table per severity, for a pull request;
// WriteJSON an object with stable field names, documented there. Write
// picks one by name, for --format.
//
// # Git
//
// ReadAtRevision and LoadAtRevision read a schema file as it was at a git
// revision (git show REV:PATH in the file's repository), for --against.
// When the file did not exist there they return ErrNotAtRevision: compare
// against nil, and every entity is added.
package schemadiff
