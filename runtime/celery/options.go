package celery

import (
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// DefaultQueue is the queue tasks go to unless WithQueue names another, as
// Celery's task_default_queue.
const DefaultQueue = "celery"

// Option sets how one task call is sent, as the keywords of Celery's
// apply_async and send_task do. Options are applied in order; a later one
// replaces what an earlier one set (WithCountdown and WithETA set the same
// thing, and so do WithExpires and WithExpiresAt).
type Option func(*call)

// call is what the options of one call set; build checks it.
type call struct {
	id      TaskID
	idGiven bool
	queue   string
	// exchange and routingKey route the task when routed is set (WithRoute)
	// instead of queue.
	exchange, routingKey string
	routed               bool
	// declare is what is declared before publishing, once per connection;
	// declareGiven says WithDeclare replaced Celery's default.
	declare      []runtime.Entity
	declareGiven bool
	// The start: a countdown from the moment of sending, or an eta.
	countdown time.Duration
	eta       time.Time
	// The expiry: a time after sending, or a moment.
	expiresIn     time.Duration
	expiresAt     time.Time
	priority      uint8
	timeLimit     time.Duration
	softTimeLimit time.Duration
	shadow        string
	ignoreResult  bool
	parentID      TaskID
	rootID        TaskID
	serializer    string
	compression   string
	// mandatory, confirm and retry are how the message is published.
	mandatory bool
	confirm   *bool
	retry     *runtime.RetryPolicy
}

// WithTaskID gives the call its id instead of a random one. The id must not
// be empty.
func WithTaskID(id TaskID) Option {
	return func(c *call) { c.id, c.idGiven = id, true }
}

// WithQueue sends the task to the named queue (DefaultQueue otherwise),
// through the default exchange with the queue's name as routing key, as
// Celery 5 does. Unless WithDeclare says otherwise the queue is declared
// first as Celery declares it: see Declaration. It replaces WithRoute.
func WithQueue(name string) Option {
	return func(c *call) { c.queue, c.routed = name, false }
}

// WithRoute publishes the task to exchange with routingKey, as the
// exchange and routing_key keywords of Celery's apply_async do, instead of
// to a queue. Nothing is declared for it unless WithDeclare says so. It
// replaces WithQueue.
func WithRoute(exchange, routingKey string) Option {
	return func(c *call) { c.exchange, c.routingKey, c.routed = exchange, routingKey, true }
}

// WithMandatory says whether a task that no queue takes is an error
// (runtime.ErrUnroutable), as it is by default, or dropped by the broker.
func WithMandatory(mandatory bool) Option {
	return func(c *call) { c.mandatory = mandatory }
}

// WithConfirm says whether sending waits for the broker's publisher
// confirm; by default the producer's setting applies (on, unless it was
// turned off).
func WithConfirm(confirm bool) Option {
	return func(c *call) { c.confirm = &confirm }
}

// WithRetry sets how sending is retried after a connection failure; by
// default the producer's retry policy applies.
func WithRetry(p runtime.RetryPolicy) Option {
	return func(c *call) { c.retry = &p }
}

// WithDeclare replaces what is declared (once per connection) before the
// task is published: Celery's queue by default, here entities as the
// schema describes them (a queue with x-max-priority, say, which Celery's
// own declaration would contradict). With no entities nothing is declared.
func WithDeclare(entities ...runtime.Entity) Option {
	return func(c *call) {
		c.declare, c.declareGiven = entities, true
	}
}

// WithCountdown lets the worker run the task no earlier than d after it is
// sent (Celery's countdown, sent as an eta). It replaces WithETA.
func WithCountdown(d time.Duration) Option {
	return func(c *call) { c.countdown, c.eta = d, time.Time{} }
}

// WithETA lets the worker run the task no earlier than t (Celery's eta). It
// replaces WithCountdown.
func WithETA(t time.Time) Option {
	return func(c *call) { c.eta, c.countdown = t, 0 }
}

// WithExpires makes the task expire d after it is sent: a worker that gets
// it later does not run it and reports it REVOKED, and the broker drops it
// once it waited that long in the queue (the message's expiration). It
// replaces WithExpiresAt.
func WithExpires(d time.Duration) Option {
	return func(c *call) { c.expiresIn, c.expiresAt = d, time.Time{} }
}

// WithExpiresAt makes the task expire at t, as WithExpires does. It
// replaces WithExpires.
func WithExpiresAt(t time.Time) Option {
	return func(c *call) { c.expiresAt, c.expiresIn = t, 0 }
}

// WithPriority sets the message priority, which a queue declared with
// x-max-priority honours.
func WithPriority(p uint8) Option {
	return func(c *call) { c.priority = p }
}

// WithTimeLimit sets the hard time limit: a worker's prefork pool kills the
// task's process after d and the task fails with TimeLimitExceeded. Zero
// means the worker's default. With a soft limit that is not shorter, the
// soft limit decides: the pool schedules the hard limit (hard - soft)
// after the soft one fires, at once when that is negative (Celery 5.2's
// prefork pool), so the task ends at the soft limit, failing with
// SoftTimeLimitExceeded, or TimeLimitExceeded when the kill comes first.
func WithTimeLimit(d time.Duration) Option {
	return func(c *call) { c.timeLimit = d }
}

// WithSoftTimeLimit sets the soft time limit: after d the worker raises
// SoftTimeLimitExceeded inside the task, which may catch it. Zero means the
// worker's default.
func WithSoftTimeLimit(d time.Duration) Option {
	return func(c *call) { c.softTimeLimit = d }
}

// WithShadow sets the name the worker logs and reports the task under, in
// place of its registered name.
func WithShadow(name string) Option {
	return func(c *call) { c.shadow = name }
}

// WithIgnoreResult tells the worker not to store the task's result. Call
// refuses it, since its result would never come.
func WithIgnoreResult(ignore bool) Option {
	return func(c *call) { c.ignoreResult = ignore }
}

// WithParentID names the task that sent this one.
func WithParentID(id TaskID) Option {
	return func(c *call) { c.parentID = id }
}

// WithRootID names the first task of the workflow this one belongs to; by
// default a task is its own root.
func WithRootID(id TaskID) Option {
	return func(c *call) { c.rootID = id }
}

// WithSerializer names the serializer of the task message: json (the
// default, and what a worker accepts by default), msgpack or yaml, which
// the worker must list in its accept_content.
func WithSerializer(name string) Option {
	return func(c *call) { c.serializer = name }
}

// WithCompression names the compression of the task message: none (the
// default), zlib, bzip2, lzma, brotli or zstd (which needs
// python3-zstandard on the worker's side), or their kombu aliases.
func WithCompression(name string) Option {
	return func(c *call) { c.compression = name }
}
