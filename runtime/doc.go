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
    channel of their own and confirmed publishes share a few confirm-mode
    channels with many confirms in flight.
  - *memory.Broker, from runtime/memory: an in-process broker that routes,
    queues and confirms as RabbitMQ does, for tests and for running
    examples without RabbitMQ.

# Producers and options

NewProducer is kombu's Producer(channel, exchange, routing_key, serializer,
auto_declare, compression, on_return). Its options set the defaults of
every publish; the same options given to Publish apply to that publish
alone, as kombu's publish() keywords do:

	kombu keyword                runtime option
	exchange                     WithExchange
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

JSON is compact and does not escape HTML (<, >, & go as they are), as
encoding/json writes it with SetEscapeHTML(false). Generated types encode
themselves without reflection (JSONAppender) to exactly those bytes.

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

RegisterSerializer and RegisterCompressor add more; Decode and Decompress
read a message back as a kombu consumer does.

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
auto-declare off. An exchange named in Publish with WithExchange only says
where the message goes: it is never declared. The default exchange "" and
the amq.* exchanges are the broker's own and are never declared.

A transport declares each entity at most once per connection, keyed by
kind and name (DeclareCache), except entities that may vanish on their
own: auto-delete exchanges, and auto-delete or exclusive queues and queues
with an x-expires argument, which are declared before every publish
(kombu's can_cache_declaration). The memory goes with the connection: after
a reconnect everything is declared again. Producer.Declare declares
everything now, whether declared before or not.

# Confirms and returns

With confirms on (WithConfirm, the default) Publish returns once the broker
has taken responsibility for the message. A basic.nack is ErrNacked. When
the channel closes before the broker answers, the message may or may not
have arrived: that is ErrConfirmLost, and it is retried like a lost
connection, so such a message may be delivered twice.

A mandatory message (WithMandatory) that no queue takes comes back: the
producer's WithOnReturn callback is called with it, confirmed or not, and a
confirmed Publish returns a *ReturnError matching ErrUnroutable.

# Retrying

A RetryPolicy is kombu's retry_policy. When a publish fails in a way that
may pass (Retryable: ErrConnectionLost, ErrConfirmLost, ErrUnreachable),
the producer declares and publishes again, after sleeping IntervalStart
before the first retry and IntervalStep more before each next one, capped
at IntervalMax, at most MaxRetries times (so MaxRetries+1 attempts). It
stops with the last error when the next sleep would end past Timeout (when
set). When ctx ends during a sleep, Publish returns at once with ctx's
error joined to the last failure. DefaultRetryPolicy sleeps 0, 200ms and
400ms. The body is serialized and compressed once, however many attempts
there are.

kombu computes its sleeps with fxrange(start, max+start, step), so its cap
is really IntervalMax + IntervalStart: a start, step and max of 1s each
sleep 1s, 2s, 2s... in kombu. That quirk is not copied: here the cap is IntervalMax, and the same
policy sleeps 1s, 1s, 1s.

Other failures are final and never retried: an invalid message, a nack, a
return, the errors the broker gives for the request itself (ACCESS_REFUSED
403, NOT_FOUND 404, PRECONDITION_FAILED 406), a closed Conn, and the end of
ctx.

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
only after a full round of URLs.

After a reconnect nothing of the old connection is kept: what was declared
is declared again before the first publish, and publish channels are in
confirm mode before any publish sees them. A publish whose confirm was lost
with the connection is sent again, so a consumer may get a message twice
(at-least-once); WithAutoMessageID gives each message an id that its
retries share, for consumers to drop repeats. A broker that blocks
publishing (a memory or disk alarm) makes publishes wait for the unblock,
or fail at once with ErrBlocked under WithFailWhenBlocked; a publish whose
write hangs past its context's end breaks the connection, since a frame
half written cannot be taken back.

To tell a network cut during the handshake from wrong credentials, the Conn
asks RabbitMQ, in connection.start-ok, to refuse credentials with a
connection.close (the authentication_failure_close capability), which
amqp091-go does not ask for: a refusal is then ErrAccessRefused, final, and
a silent close is a lost connection, retried.

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
