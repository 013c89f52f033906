/*
Package memory is an in-process AMQP 0-9-1 broker for tests and for running
examples without RabbitMQ. Its *Broker implements runtime.Transport, so a
runtime.Producer (and every generated producer) publishes to it exactly as it
publishes to RabbitMQ through a *runtime.Conn:

	b := memory.New()
	defer b.Close()
	p := runtime.NewProducer(b, runtime.WithExchange(orders))
	err := p.Publish(ctx, OrderCreated{ID: "A1"}, runtime.WithRoutingKey("order.created"))
	for _, m := range b.Messages("billing.order-events") { ... }

The broker behaves as RabbitMQ 3.10 does, so that a test that passes against
it means what it would mean against RabbitMQ: it routes, queues, expires,
drops and dead-letters as RabbitMQ does, refuses what RabbitMQ refuses with
RabbitMQ's reply codes and texts, and holds headers and arguments as RabbitMQ
receives them from runtime.Conn. The sections below say what that covers;
"What differs" says what it does not, and "How this is known" how it is
checked.

# Routing

Exchanges route as RabbitMQ's do. A direct exchange matches the routing key
exactly; fanout ignores it. A topic exchange splits keys on '.' into words,
where "*" matches exactly one word and "#" zero or more: "a.#" matches "a",
"#" matches every key including "", "a.*.c" does not match "a.c", and the
empty key has no words at all, so "*" does not match it. A headers exchange
compares the message's headers with the binding's arguments under x-match
all (the default), any, all-with-x or any-with-x; arguments starting with
"x-" take part only in the -with-x modes, a nil argument asks only that the
header be present. Top-level values compare by value whatever their types
(an integer 1 matches 1.0, a string matches the same bytes); values nested
in arrays and tables compare with their AMQP types too, as RabbitMQ compares
them, and the types are those runtime.Conn puts on the wire: every integer
that fits in 32 bits travels as a 32-bit integer, so int64(1) in a binding
matches 1 in a header. A message reaches each queue once, however many
bindings match.

The CC and BCC headers (arrays of strings) add routing keys, as RabbitMQ's
sender-selected distribution does; BCC is removed from the message.

An exchange's Bindings (runtime.Exchange) bind it to source exchanges, as
exchange.bind does: what a source's binding matches goes on through the
bound exchange, as through layers of routing. Each exchange is passed
once, so bindings in a cycle (which RabbitMQ allows) still deliver a
message to each queue once. An exchange whose bindings, to queues or to
exchanges, match nothing passes the message to its alternate-exchange, if
it names one that exists; an exchange that matched but routed nothing on
does not.

Every broker starts with the exchanges RabbitMQ predeclares: the default
exchange "" (which routes to the queue named by the routing key and can
neither be declared nor bound to), amq.direct, amq.fanout, amq.topic,
amq.headers and amq.match.

# Declaring

Declare and MaybeDeclare take a *runtime.Exchange or a *runtime.Queue,
which is declared and then bound as its Bindings say, to exchanges that
must exist. MaybeDeclare skips what the simulated connection declared
before, with kombu's rules (as runtime.Conn does), and the predeclared
exchanges are always skipped. DeclareCount and Declarations tell how many
declares reached the broker, so tests can check declare-once behaviour.

A declare is checked as RabbitMQ 3.10 checks it, in its order. A new queue's
arguments are validated for its type (x-queue-type classic, quorum or
stream): an x-message-ttl or x-expires over ten years, a negative
x-max-length, an x-max-priority over 255, an unknown x-overflow or
x-queue-type, an argument its type does not take (x-max-priority on a
quorum queue) are refused, as are a quorum or stream queue that is not
durable, exclusive or auto-delete. Declaring an entity again with other
attributes fails as RabbitMQ fails it: the exclusivity of a queue with
405 RESOURCE_LOCKED, its flags and the arguments its type compares with
PRECONDITION_FAILED naming the attribute ("inequivalent arg 'x-max-length'
for queue 'q' in vhost '/': received '6' but current is '5'"). Like
RabbitMQ, the broker compares only these arguments: alternate-exchange for
exchanges, and for queues those their type takes (for a quorum queue
x-delivery-limit too), every integer width being one type. Binding to or
publishing to a missing exchange fails with runtime.ErrNotFound;
publishing to an internal exchange with runtime.ErrAccessRefused.

These errors are the *runtime.BrokerError that runtime.Conn returns for the
same replies from RabbitMQ, with RabbitMQ's reply code and text (Erlang
terms and all), so a test reads the same against either. The texts name the
virtual host WithVHost sets, "/" by default. An exchange type the broker
does not know (a plugin's, such as x-delayed-message) is 503
COMMAND_INVALID, which closes the connection: the simulated one is lost as
with Disconnect.

# Queues

A queue keeps its messages in the order it would deliver them, and honours
these arguments as RabbitMQ's classic queues do:

  - x-max-priority: higher priorities first, FIFO within one; a priority over
    the maximum counts as the maximum. Without it priorities are ignored.
  - x-max-length and x-max-length-bytes, with x-overflow drop-head (the
    default: the head goes, dead-lettered as maxlen), reject-publish (the
    new message is refused, and a confirmed publish nacked:
    runtime.ErrNacked) or reject-publish-dlx (refused and dead-lettered).
  - x-message-ttl and the per-message expiration property: a message
    expires when the sooner of the two has run out since it entered the
    queue. As in RabbitMQ, expired messages leave only from the head of the
    queue, when the queue's TTL timer fires for the head or the head
    leaves: one behind a live head still counts (Len) and still takes its
    place toward x-max-length, and is dead-lettered when it reaches the
    head. Like RabbitMQ, a classic queue does not look at a message of a
    higher priority that becomes the head until its timer next fires, so
    Get may deliver such a message after its TTL ran out.
  - x-dead-letter-exchange and x-dead-letter-routing-key: expired and
    dropped messages are republished there with RabbitMQ's x-death and
    x-first-death-* headers; a message that would go back to a queue it
    died in is dropped, as RabbitMQ breaks such cycles.
  - x-expires: a queue not declared again nor read with Get for that long
    is deleted.

Quorum queues follow RabbitMQ's quorum semantics where they differ: with
reject-publish the message that goes over the limit is kept and later
publishes are refused until the queue drains to 80% of it,
reject-publish-dlx, which quorum queues do not support, is drop-head, and
Get adds the x-delivery-count header.
Stream queues are declared with RabbitMQ's checks but hold messages as a
plain FIFO, without retention limits.

Time is read from WithClock's function, so tests can move it forward, and
what would have happened in between happens as it would have, each at its
time: every TTL runs out when it does, a dead-lettered message enters the
next queue then (and its TTL there runs from then), and x-death records
that time. Moving the clock an hour on moves a message through a chain of
delay queues as an hour of RabbitMQ would.

# Publishing

Publish checks its context and what RabbitMQ checks, in its order: a body
over 128 MiB, a missing or internal exchange, a NaN or infinite header
value (which RabbitMQ cannot read: 541 INTERNAL_ERROR, and the connection
is lost), a user_id other than the connection's user (WithUser, "guest" by
default), an expiration that is not a whole number of milliseconds from 0
to ten years, and CC or BCC headers that are not arrays. It then routes
the message and stores a copy of it in every queue it reaches. A mandatory
message no queue takes is handed to the Publishing's OnReturn (reply 312
NO_ROUTE) before Publish returns; with Confirm set Publish then returns a
*runtime.ReturnError, which matches runtime.ErrUnroutable. Otherwise a
confirm is an immediate ack. WithOnRoute reports where every message went.

# Consuming

Consume is runtime.Conn's Consume, for replies to what was published (Celery's
results, runtime/celery): it declares a queue and calls a function with each
message routed to it, in order, one at a time, without acknowledgements,
from a goroutine the broker starts for that consumer and stops when the
Consume's ctx ends or the broker closes (Close waits for it). A consumed
queue keeps nothing: each message leaves it as the consumer takes it.
As in RabbitMQ, a queue with consumers never expires (x-expires counts
from when its last consumer stopped), and an auto-delete queue is deleted
when its last consumer stops, or when the connection it was consumed on is
lost. QueueInfo counts each queue's consumers.

# Connection loss

The broker plays a single connection. Disconnect simulates losing it and
reconnecting: the declare-once memory and exclusive queues are gone, so a
producer declares again; the auto-delete queues that had consumers are gone
too, and each consumer declares its queue again and goes on consuming it,
as runtime.Conn's consumers do on a new connection. FailNext makes the next
publishes fail with runtime.ErrConnectionLost (or another error), so retry
policies can be tested. After Close every Publish, Declare, MaybeDeclare and
Consume fails with runtime.ErrClosed.

# Inspecting

Exchanges, Queues and Bindings list what exists, with the bindings to
queues and to exchanges. Messages shows what a consumer would receive from
a queue, without taking it; Get takes the next message, as basic.get does; Len counts a queue's messages as RabbitMQ does
(expired ones behind the head included); Purge empties a queue. A Message
carries its exchange, routing key, properties and body as published
(serialized and compressed), and its headers as a consumer reads them from
RabbitMQ (an int as an int32, times in whole seconds); its Decode method
reads the body back as a kombu consumer would, and its Task method reads a
Celery task message (runtime/celery's ReadTask): the task's name, id, args
and kwargs. Every Message handed out is a copy.

# What differs

The broker's consumers take messages without acknowledgements, and only
through Consume: it has no basic.get with manual acknowledgement, no
rejections, prefetch, transactions, policies, federation or clustering, and
no stream offsets or retention.
Nested tables compare regardless of the order of their keys, where
RabbitMQ compares them in the order they arrived (which amqp091-go does
not keep). Server-named queues are amq.gen-1, amq.gen-2, ... where
RabbitMQ's names are random. RabbitMQ's queues work asynchronously, so
what a publish causes in other queues (dead-lettering) reaches them a
moment later; this broker does it all before Publish returns. The
message size limit is RabbitMQ's default, 128 MiB.

# How this is known

The differential suite, internal/brokerdiff, holds scenarios written once
as data (declares and bindings, publishes with properties, waits, reads
with basic.get) that cover every exchange type, exchange-to-exchange
bindings, alternate exchanges, topic and headers edge cases, priorities,
TTLs, every overflow mode, dead-letter chains and cycles, mandatory
returns, declare equivalence and the declares and publishes RabbitMQ
refuses. Each runs on this broker, with its clock moved by the
scenario's waits, and is compared line for line with what RabbitMQ 3.10
observed: the reply codes and texts, returns and nacks, and every message
delivered with its properties, headers and x-death (only the entity
names, which each run makes unique, the virtual host and the x-death
times are normalised). RabbitMQ's observations are recorded in the
suite's testdata, so `go test ./internal/brokerdiff` compares against them
with no broker at hand; with RabbitMQ at KOMBUGEN_AMQP_URL (always under
CI) it runs every scenario there too and compares the live answers with
both, and -update records them again.
*/
package memory
