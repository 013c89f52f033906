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

# Routing

Exchanges route as RabbitMQ's do. A direct exchange matches the routing key
exactly; fanout ignores it. A topic exchange splits keys on '.' into words,
where "*" matches exactly one word and "#" zero or more: "a.#" matches "a",
"#" matches every key including "", "a.*.c" does not match "a.c", and the
empty key has no words at all, so "*" does not match it. A headers exchange
compares the message's headers with the binding's arguments under x-match
all (the default), any, all-with-x or any-with-x; arguments starting with
"x-" take part only in the -with-x modes, a nil argument asks only that the
header be present, and values compare by value across integer widths. A
message reaches each queue once, however many bindings match.

Every broker starts with the exchanges RabbitMQ predeclares: the default
exchange "" (which routes to the queue named by the routing key and can
neither be declared nor bound to), amq.direct, amq.fanout, amq.topic,
amq.headers and amq.match. An exchange's alternate-exchange argument names
where messages it cannot route go, before they count as unroutable.

# Declaring

Declare and MaybeDeclare take a *runtime.Exchange or a *runtime.Queue; a
queue is declared and then bound as its Bindings say, to exchanges that
must exist. MaybeDeclare skips what the simulated connection declared
before, with kombu's rules (runtime.DeclareCache), and the predeclared
exchanges are always skipped. DeclareCount and Declarations tell how many
declares reached the broker, so tests can check declare-once behaviour.

As in RabbitMQ, declaring an entity again with other attributes fails with
runtime.ErrPreconditionFailed and a message naming the attribute
("inequivalent arg 'durable' for queue 'q' in vhost '/': received 'true'
but current is 'false'"). Like RabbitMQ, the broker compares the type,
durable, auto_delete and internal flags of exchanges and only their
alternate-exchange argument, and the durable, exclusive and auto_delete
flags of queues and only the x- arguments RabbitMQ compares for classic
queues (x-max-priority, x-message-ttl, x-dead-letter-exchange and the
like); it ignores other arguments, as RabbitMQ does. Binding to or
publishing to a missing exchange fails with runtime.ErrNotFound;
publishing to an internal exchange with runtime.ErrAccessRefused.

These errors are the *runtime.BrokerError that runtime.Conn returns for the
same replies from RabbitMQ, with RabbitMQ's reply code and text, so a test
reads the same against either. An exchange type the broker does not know
(a plugin's, such as x-delayed-message) is 503 COMMAND_INVALID, which
closes the connection: the simulated one is lost as with Disconnect.

# Queues

A queue keeps its messages in the order it would deliver them. It honours
these arguments:

  - x-max-priority: higher priorities first, FIFO within one; a priority over
    the maximum counts as the maximum. Without it priorities are ignored.
  - x-max-length and x-max-length-bytes, with x-overflow drop-head (the
    default: the oldest message goes), reject-publish (the new message is
    refused, and a confirmed publish nacked: runtime.ErrNacked) or
    reject-publish-dlx.
  - x-message-ttl and the per-message expiration property: an expired
    message is gone, and no inspection shows it.
  - x-dead-letter-exchange and x-dead-letter-routing-key: expired and
    dropped messages are republished there with RabbitMQ's x-death headers.
  - x-expires: a queue not declared again nor read with Get for that long
    is deleted.

Time is read from WithClock's function, so tests can move it forward.

# Publishing

Publish checks its context, routes the message and stores a copy of its
body and headers in every queue it reaches. A mandatory message no queue
takes is handed to the Publishing's OnReturn (reply 312 NO_ROUTE) before
Publish returns; with Confirm set Publish then returns a *runtime.ReturnError,
which matches runtime.ErrUnroutable. Otherwise a confirm is an immediate ack.
WithOnRoute reports where every message went.

# Connection loss

The broker plays a single connection. Disconnect simulates losing it and
reconnecting: the declare-once memory and exclusive queues are gone, so a
producer declares again. FailNext makes the next publishes fail with
runtime.ErrConnectionLost (or another error), so retry policies can be
tested. After Close every Publish, Declare and MaybeDeclare fails with
runtime.ErrClosed.

# Inspecting

Exchanges, Queues and Bindings list what exists. Messages shows what a queue
holds without taking it, Get takes the next message, Len counts them and
Purge empties a queue. A Message carries its exchange, routing key,
properties and body as published (serialized and compressed); its Decode
method reads the body back as a kombu consumer would. Every Message handed
out is a copy.
*/
package memory
