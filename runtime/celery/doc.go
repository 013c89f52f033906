/*
Package celery sends Celery tasks from Go and waits for their results,
putting on the wire what Celery's own send_task puts there (task message
protocol 2), so that stock workers of Celery 5.2 through 5.6 run them:

	p := runtime.NewProducer(conn)
	id, err := celery.Send(ctx, p, celery.Task{Name: "images.resize", Args: []any{url, 640}},
		celery.WithQueue("images"), celery.WithCountdown(time.Minute))

Sending goes through a runtime.Producer, so its publisher confirms, retry
policy and failover apply. kombugen's generated producers call this package
for the tasks a schema describes; it can be used directly as above.

# Results

Call sends a task with a reply queue and returns a Result whose Wait gives
the task's return value, decoded into the type asked for:

	res, err := celery.Call[ImageInfo](ctx, p, conn, celery.Task{Name: "images.resize", Args: []any{url, 640}})
	if err != nil {
		return err
	}
	info, err := res.Wait(ctx) // a task that raised: *celery.TaskError

Results come back as Celery's rpc:// result backend sends them: the worker
publishes each state of the task to the caller's reply queue through the
default exchange, with the task id as correlation_id. The reply queue is
named by a random UUID, non-durable, auto-delete, with an x-expires of one
day, as Celery's. Celery has one per app; here there is one per transport
(the ReplyConsumer given to Call: a *runtime.Conn or a *memory.Broker),
declared and consumed at the first call through it and shared by every
call after, with nothing to set up or close: each reply is routed to the
Result waiting for its task id, so that any number of calls can be in
flight at once. STARTED and RETRY (and any other state that is not final)
are skipped; SUCCESS gives the return value; FAILURE is a *TaskError with
the exception's type, module, message and the worker's traceback
(SoftTimeLimitExceeded and TimeLimitExceeded are failures too); REVOKED, a
task that expired before it ran, is a *TaskError matching ErrRevoked. When
the transport closes, the calls still waiting fail at once with an error
matching ErrResultLost. The worker needs the rpc:// backend configured
(result_backend = "rpc://").

ReadTask reads a task message back as a worker does; runtime/memory's
Message.Task uses it to show the tasks a queue holds.

# The message

A task message is a kombu message with Celery's headers and body, sent as
Celery 5.3 and later send it:

	property         value
	correlation_id   the task id
	content_type     from the serializer: json (default), msgpack or yaml
	delivery_mode    2 (persistent)
	priority         WithPriority, 0 by default
	reply_to         the transport's reply queue, for Call only
	expiration       with WithExpires or WithExpiresAt: the time left, in ms

	header           value
	lang             "py"
	task             the task name
	id               the task id (a random UUID unless WithTaskID)
	shadow           WithShadow, or null
	eta              WithETA, or now + WithCountdown, or null
	expires          WithExpiresAt, or now + WithExpires, or null
	group            null
	group_index      null
	retries          0
	timelimit        [hard, soft] in seconds, each null when not set
	root_id          WithRootID, or the task id
	parent_id        WithParentID, or null
	argsrepr         the args as Python's repr shows them (saferepr, 1024 chars)
	kwargsrepr       the kwargs, likewise
	origin           gen<pid>@<hostname>
	ignore_result    WithIgnoreResult
	replaced_task_nesting, stamped_headers, stamps   0, null, {} (Celery >= 5.3)

	body             [args, kwargs, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]

Times are written as Python's isoformat writes aware UTC datetimes
(2006-01-02T15:04:05.000000+00:00, the fraction left out when it is zero);
Celery 5.2 refuses Go's RFC 3339 with nanoseconds. timelimit is [hard,
soft], as Celery's code has it (its protocol document says the reverse).
Celery 5.2 workers ignore the three headers 5.3 added, and 5.3 to 5.6
workers run messages without them: both were measured (see
testdata/README.md).

The task goes to the default exchange with the queue's name as routing key,
as Celery 5 sends it, and is mandatory: a task no queue takes is an error
matching runtime.ErrUnroutable, never lost in silence. Before the first task
to a queue on a connection, the queue is declared as Celery declares it
(Declaration: durable, bound to a durable direct exchange of the same name),
unless WithDeclare names other entities. WithRoute sends a task to an
exchange with a routing key instead, as apply_async's exchange and
routing_key do; WithMandatory(false) lets the broker drop a task no queue
takes; WithConfirm and WithRetry override the producer's confirms and
retry policy for the call.

# Only messages a worker can run

Celery 5.2-5.6 workers cannot run a task message without an id header,
with a body that is not three elements, or without a content type: the
worker takes it and never acknowledges it, logging nothing, so it sits
invisible until the worker stops and then goes to the next one (a body of
two elements sometimes kills the worker instead). A timelimit that is not
numbers kills a prefork worker, and the message, requeued, kills it again
at every restart. This package builds every header, property and the body
itself, so none of these can be sent: a task without a name, an empty task id, a negative duration, an
expiry that is already past, a serializer other than json, msgpack or yaml
are each an error matching runtime.ErrInvalidMessage, and nothing is
published. Producer defaults cannot change what a task message depends on:
the task's properties and headers are set on every publish.

Decode errors on the worker (an unknown compression, zstd on a worker
without python3-zstandard, a serializer missing from its accept_content)
are acknowledged and dropped by the worker without a trace: a publisher
confirm cannot catch them.
*/
package celery
