/*
Package runtime is what kombugen's generated producers call to put messages
on RabbitMQ exactly as Python's kombu (and so Celery) would: the same
content types, compression headers, properties and declare-once behaviour,
plus publisher confirms, reconnection and failover. It can also be used
directly, with no generated code:

	conn, err := runtime.Dial(ctx, "amqp://guest:guest@127.0.0.1:5672/")
	if err != nil {
		return err
	}
	defer conn.Close()
	p := runtime.NewProducer(conn, runtime.WithExchange(&runtime.Exchange{Name: "orders", Type: "topic", Durable: true}))
	err = p.Publish(ctx, order, runtime.WithRoutingKey("order.eu.created"))

# Transports

A Producer publishes through a Transport, which carries prepared messages
to a broker and declares exchanges and queues. Two implement it:

  - *Conn, from Dial: RabbitMQ over AMQP 0-9-1, built on amqp091-go. One
    Conn serves any number of producers and goroutines; declares go on a
    channel of their own and publishes on a few long-lived channels with
    many messages in flight on each.
  - *memory.Broker, from runtime/memory: an in-process broker that routes,
    queues and confirms as RabbitMQ does, for tests and for running
    examples without RabbitMQ.

Conn.Consume (and memory.Broker's) delivers a queue's messages to a
function, for replies to what was published, such as Celery's results
(runtime/celery).

# Producers and options

NewProducer is kombu's Producer(channel, exchange, routing_key, serializer,
auto_declare, compression, on_return). There are two kinds of options. A
PublishOption given to Publish applies to that publish alone, as kombu's
publish() keywords do; given to NewProducer it sets the default of every
publish. A ProducerOption is the producer's alone: its own exchange, which
it declares, auto-declare, the on-return callback, middleware.

	kombu keyword                runtime option
	exchange (producer)          WithExchange (declared)
	exchange (publish)           WithExchangeName (never declared)
	routing_key                  WithRoutingKey
	serializer                   WithSerializer
	compression                  WithCompression
	headers                      WithHeaders (later layers win)
	priority                     WithPriority
	expiration                   WithTTL
	delivery_mode                WithDeliveryMode
	mandatory                    WithMandatory
	declare                      WithDeclare
	retry, retry_policy          WithRetry (NoRetry for retry=False)
	content_type                 WithContentType
	content_encoding             WithContentEncoding
	correlation_id, message_id   WithCorrelationID, WithMessageID
	reply_to, type               WithReplyTo, WithType
	app_id, user_id, timestamp   WithAppID, WithUserID, WithTimestamp
	confirm_publish (transport)  WithConfirm
	auto_declare (producer)      WithAutoDeclare
	on_return (producer)         WithOnReturn

Unlike kombu, a producer retries by default (DefaultRetryPolicy) and waits
for publisher confirms by default; and no option ever modifies a map or
slice the caller passed in (kombu adds to the caller's headers and declare
list).

# Wire format

Publish serializes the body and compresses it once, before the first
attempt. Without WithSerializer the serializer is chosen from the body as
kombu does: []byte goes raw, a string as text, anything else as json. The
serializers and what they send:

	serializer  content_type           content_encoding
	json        application/json       utf-8
	yaml        application/x-yaml     utf-8
	msgpack     application/x-msgpack  binary (str for strings, bin for bytes)
	raw         application/data       binary
	text        text/plain             utf-8

json, raw and text are built in. yaml and msgpack, and every compression,
are packages that register themselves when imported, so a program links
only the codecs it uses; generated code imports those its schema names:

	import _ "github.com/kombugen/kombugen/runtime/serializer/msgpack"
	import _ "github.com/kombugen/kombugen/runtime/compression/zstd"

A codec that is not imported is an error matching ErrNotRegistered (and
ErrInvalidMessage) that names the import to add.

JSON is compact and does not escape HTML (<, >, & go as they are), as
encoding/json writes it with SetEscapeHTML(false). Generated types encode
themselves without reflection to exactly those bytes.

WithContentType sends a string or []byte body as it is, with that content
type and an encoding of utf-8 for a string, binary for bytes, or the one
given with WithContentEncoding.

Compression leaves content_type and content_encoding alone and names the
algorithm, by its content type, in the "compression" header, where kombu's
consumers look for it. Each is known by its name, its aliases and its
content type:

	name (aliases)    compression header    body
	zlib (gzip)       application/x-gzip    zlib stream (RFC 1950, 78 9c), not gzip
	bzip2 (bzip)      application/x-bz2     bzip2 stream (BZh)
	lzma (xz)         application/x-lzma    XZ container (fd 37 7a 58 5a 00)
	brotli            application/x-brotli  brotli stream
	zstd (zstandard)  application/zstd      one zstd frame with its content size

RegisterSerializer and RegisterCompressor add more. Package
runtime/consume reads a message back as a kombu consumer does.

Every message carries delivery_mode (2, persistent, unless WithDeliveryMode
says 1, transient), a priority (0 unless set; 0..255), a headers table
(empty when there are no headers) and, with WithTTL, an expiration in whole
milliseconds as a decimal string (1.5s is "1500"; a TTL must be 0 for none
or at least 1ms). kombu always sends the headers table and the priority,
and consumers that read properties see the difference; amqp091-go leaves
out every empty property, so the Conn adds an empty headers table and
priority 0 to each message that lacks them on its way to the socket.

Bad input never reaches the wire: a message whose Validate method fails, a
routing key or exchange name over 255 bytes or not UTF-8, a TTL under 1ms
or negative, a priority outside 0..255, an unknown delivery mode, a header
value AMQP cannot carry (the error names its path, as in
"headers.list[2]"), an unknown serializer or compression: each is an error
matching ErrInvalidMessage, and nothing is declared or published.

# Declaring once

With auto-declare (the default) a producer declares its exchange and its
WithDeclare entities (queues with their bindings) before the first
publish, never at NewProducer, as kombu >= 4.0 does. Entities passed to
WithDeclare in Publish are declared before that publish even with
auto-declare off. An exchange named with WithExchangeName only says where
the message goes: it is never declared. The default exchange "" and
the amq.* exchanges are the broker's own and are never declared.

The producer lists what a message needs in Publishing.Declare, and the
transport declares it on the connection the message goes out on, before
the message: each entity at most once per connection, keyed by kind and
name, except entities that may vanish on their own:
auto-delete exchanges, and auto-delete or exclusive queues and queues with
an x-expires argument, which are declared before every publish (kombu's
can_cache_declaration). The memory goes with the connection: after a
reconnect everything is declared again before the first publish on the new
one. Producer.Declare declares everything now, whether declared before or
not.

# Confirms and returns

With confirms on (WithConfirm, the default) a publish is done once the
broker has taken responsibility for the message. A basic.nack is
ErrNacked. When the channel closes before the broker answers, the message
may or may not have arrived: that is ErrConfirmLost, and it is retried like
a lost connection, so such a message may be delivered twice.

A mandatory message (WithMandatory) that no queue takes comes back: the
producer's WithOnReturn callback is called with it, confirmed or not, and a
confirmed publish fails with a *ReturnError matching ErrUnroutable. A
basic.return carries no delivery tag, so the Conn pairs it with the one
pending mandatory message with the same content (exchange, routing key,
every property, every header, the body): two identical mandatory messages
are never in flight on a channel at once (the second waits for the first
to be settled), so the pairing is exact, whatever the headers and however
many goroutines publish. A delivered message is never reported unroutable,
nor a returned one published.

When the broker refuses a publish by closing its channel (403, 404, 406),
the refusal is final for that message, whatever the reply text says, and
the messages in flight beside it lost their confirm and are sent again.
The close names no delivery tag: the Conn writes the first message to each
exchange on a channel alone, so that a missing or forbidden exchange is
met by one message only, and when a refusal still finds several messages
in flight it writes each of them again alone, where a second refusal is
known to be the message's own. What RabbitMQ refuses for the message alone
is refused before the wire as ErrInvalidMessage: a body over 128 MiB, an
expiration over 3650 days, a user_id other than the connection's user, a
header value AMQP cannot carry (NaN, ±Inf, a cycle), properties over the
negotiated frame size.

# Publishing asynchronously

PublishAsync (and a generated PublishXAsync) returns a *Confirmation as soon
as the message is on its way: Done, Err and Wait give the outcome, which is
final (retries happen before it is done). It blocks only while connecting
and declaring before the first publish on a connection, and while the
channel's confirm window (WithConfirmWindow) is full, each no longer than
ctx allows. Publish is PublishAsync followed by Wait. One goroutine
publishing asynchronously keeps the window full, which is how confirmed
publishing reaches the broker's rate:

	confs := make([]*runtime.Confirmation, 0, len(orders))
	for _, o := range orders {
		confs = append(confs, p.PublishAsync(ctx, o))
	}
	for _, c := range confs {
		if err := c.Wait(ctx); err != nil {
			return err
		}
	}

Messages with the same exchange and routing key go out on the same channel
in the order they were published. The ctx given to PublishAsync bounds the
whole publish: a message still waiting to be written when it ends is not
sent, and its confirmation fails with ctx's error.

# Retrying

A RetryPolicy is kombu's retry_policy. When a publish fails in a way that
may pass (Retryable: ErrConnectionLost, ErrConfirmLost, ErrUnreachable),
the producer declares and publishes again, after sleeping IntervalStart
before the first retry and IntervalStep more before each next one, capped
at IntervalMax, at most MaxRetries times (so MaxRetries+1 attempts). It
stops with the last error when the next sleep would end past Timeout (when
set). When ctx ends during a sleep, the publish ends at once with ctx's
error joined to the last failure. DefaultRetryPolicy sleeps 0, 200ms and
400ms. The body is serialized and compressed once, however many attempts
there are.

kombu computes its sleeps with fxrange(start, max+start, step), so its cap
is really IntervalMax + IntervalStart: a start, step and max of 1s each
sleep 1s, 2s, 2s... in kombu. That quirk is not copied: here the cap is
IntervalMax, and the same policy sleeps 1s, 1s, 1s.

Other failures are final and never retried: an invalid message, a nack, a
return, the broker's refusals of the request itself (ACCESS_REFUSED 403,
NOT_FOUND 404, PRECONDITION_FAILED 406), a closed Conn, and the end of ctx.

# Connection recovery

A Conn recovers by itself, and does not use amqp091-go's built-in recovery
(Config.Recovery). That one redials the single URL it was given, after a
fixed interval, and gives up after five tries by default; kombugen needs
kombu's failover, moving round-robin over several URLs, and kombu's
retry_policy, with its growing intervals bounded by the caller's context
and Timeout. Two recovery mechanisms must not run at once, both redialing,
redeclaring and republishing, so the Conn leaves Config.Recovery off and
owns recovery: when the connection is lost, the next operation dials again,
trying each URL once, starting after the last one that worked, and the
producer's retry policy decides whether and when to try again, sleeping
only after a full round of URLs. An operation that finds the connection
dead before it sent anything moves to the new one by itself.

After a reconnect nothing of the old connection is kept: what was declared
is declared again before the first publish, and publish channels are in
confirm mode before any publish sees them. A publish whose confirm was lost
with the connection is sent again, so a consumer may get a message twice
(at-least-once); WithAutoMessageID gives each message an id that its
retries share, for consumers to drop repeats. A broker that blocks
publishing (a memory or disk alarm) makes publishes wait for the unblock,
no longer than their ctx allows, or fail at once with ErrBlocked under
WithFailWhenBlocked.

A stalled connection (a broker or network that stops answering) is the
connection's to detect, never a caller's: amqp091-go's heartbeats
(WithHeartbeat, 10s by default) close a connection that heard nothing for
three intervals, and everything in flight on it is then retried on the
next.

To tell a network cut during the handshake from wrong credentials, the Conn
asks RabbitMQ, in connection.start-ok, to refuse credentials with a
connection.close (the authentication_failure_close capability), which
amqp091-go does not ask for: a refusal is then ErrAccessRefused, final, and
a silent close is a lost connection, retried.

# Concurrency

One caller's ctx never harms another's work: it only ends that caller's
wait. Every goroutine has one owner and one job:

  - The dialer (Conn.dial), one at a time, started by the first caller that
    needs a connection: it tries the URLs under the Conn's lifetime and the
    connect timeout, and every caller waits for it on its own ctx.
  - Per connection, two watchers: one marks the connection lost when it
    closes (session.watch), one follows the broker's blocked and unblocked
    notices (session.watchBlocked).
  - The admin channel's owner (adminChannel.run) serves declares from its
    mailbox, one RPC at a time. amqp091-go cannot cancel an RPC, so the
    owner finishes each one it starts, even when its caller stopped
    waiting; a declare whose caller gave up before it started is dropped.
  - Each publishing channel's owner (lane.run) writes the messages of its
    mailbox in order and opens the channel again when the broker closed
    it; a confirmed message whose ctx ended before it was written is
    dropped. A confirm-mode channel also has a listener (lane.listen),
    which waits for each message's confirm, reads the channel's returns
    and settles each message; callers hold a slot of the channel's window
    from submitting a message until it is settled.
  - Each Consume has a goroutine (subscription.run) that owns the channel
    it consumes on: it declares the queue, consumes and delivers, and on
    each new connection does so again (for a queue that outlives its
    connection), until its ctx ends.
  - The callback goroutine (dispatcher) runs WithOnReturn callbacks in
    order, so that a slow callback never holds up the reading of confirms.
  - The wire shim's writer (internal/amqpwire) owns the socket's writes;
    amqp091-go's own reader and heartbeater read the socket.
  - A publish being retried has a goroutine of its own while it sleeps and
    tries again; it ends with the publish.

Close ends the Conn's goroutines and waits for them; a Conn that is closed
starts no more. Locks are held only around their own state and never
across a call out: Conn.mu (the connection and the dial in progress) and a
connection's mu (its channels) may each be taken before the goroutine
group's; a lane's mu (its messages in flight), a mailbox's, a
Confirmation's, the callback queue's and the declare cache's are taken
alone.

# Errors

Errors wrap exported sentinels; test them with errors.Is:

	ErrInvalidMessage      the message or options cannot be sent; nothing was
	ErrNotRegistered       an unknown serializer or compression (with ErrInvalidMessage)
	ErrUnroutable          a confirmed mandatory message came back (*ReturnError)
	ErrNacked              the broker nacked a confirmed message
	ErrConfirmLost         the channel closed before the broker confirmed
	ErrConnectionLost      the connection broke under a request
	ErrUnreachable         no broker URL accepted a connection
	ErrClosed              the Conn was closed
	ErrAccessRefused       the broker's 403 (*BrokerError)
	ErrNotFound            the broker's 404, e.g. publishing to a missing exchange
	ErrPreconditionFailed  the broker's 406, e.g. a redeclare with other arguments
	ErrInvalidURL          Dial could not use a URL
	ErrBlocked             a broker alarm blocks publishing (with WithFailWhenBlocked)

Errors and log records never show a URL's password.
*/
package runtime
