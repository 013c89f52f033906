package celery

import (
	"fmt"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kombugen/kombugen/runtime"
)

// message is a task message in Celery's protocol 2, ready to publish. Only
// build makes one, and build refuses what a worker cannot run: every
// message has an id, a task name, a body of exactly three elements, a
// serializer (and so a content type) and time limits that are numbers or
// null. Celery 5.2-5.6 workers hold a message without the first three
// unacknowledged forever, or die of it; a time limit that is not a number
// kills a prefork worker, again at every restart (testdata/README.md).
type message struct {
	id          TaskID
	name        string
	exchange    string
	routingKey  string
	headers     runtime.Table
	body        taskBody
	replyTo     string
	ttl         time.Duration
	priority    uint8
	serializer  string
	compression string
	declare     []runtime.Entity
	mandatory   bool
	confirm     *bool
	retry       *runtime.RetryPolicy
}

// taskBody is protocol 2's body, [args, kwargs, embed]: an array, so it has
// three elements whatever it holds.
type taskBody [3]any

// embed is the body's third element. Its keys are always sent, as Celery
// sends them, in Celery's order; kombugen sends no workflows, so all are
// null.
type embed struct {
	Callbacks any `json:"callbacks" msgpack:"callbacks" yaml:"callbacks"`
	Errbacks  any `json:"errbacks" msgpack:"errbacks" yaml:"errbacks"`
	Chain     any `json:"chain" msgpack:"chain" yaml:"chain"`
	Chord     any `json:"chord" msgpack:"chord" yaml:"chord"`
}

// serializers are those a Celery worker can be told to accept that encode
// the body as protocol 2 wants it, by kombu's names, which the runtime's
// serializer registry knows them by. Celery's default, and its workers'
// default accept_content, is json.
var serializers = map[string]bool{"json": true, "msgpack": true, "yaml": true}

// Kombu's names for the default serializer and for no compression.
const (
	defaultSerializer = "json"
	noCompression     = "none"
)

// build checks task and the options and makes the message, as Celery's
// send_task does at now. awaited says a result will be waited for; the
// caller then sets the message's replyTo.
func build(task Task, opts []Option, now time.Time, awaited bool) (*message, error) {
	c := call{queue: DefaultQueue, serializer: defaultSerializer, compression: noCompression, mandatory: true}
	for _, o := range opts {
		o(&c)
	}
	if !c.idGiven {
		c.id = NewTaskID()
	}
	if err := c.check(task, awaited); err != nil {
		return nil, fmt.Errorf("%w: task %q: %w", runtime.ErrInvalidMessage, task.Name, err)
	}
	m := &message{
		id:          c.id,
		name:        task.Name,
		routingKey:  c.queue,
		priority:    c.priority,
		serializer:  c.serializer,
		compression: c.compression,
		declare:     c.declare,
		mandatory:   c.mandatory,
		confirm:     c.confirm,
		retry:       c.retry,
	}
	switch {
	case c.routed:
		m.exchange, m.routingKey = c.exchange, c.routingKey
	case !c.declareGiven:
		m.declare = Declaration(c.queue)
	}

	args, kwargs := task.Args, task.Kwargs
	if args == nil {
		args = []any{}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	m.body = taskBody{args, kwargs, embed{}}

	var eta, expires any
	switch {
	case c.countdown > 0:
		eta = isoformat(now.Add(c.countdown))
	case !c.eta.IsZero():
		eta = isoformat(c.eta)
	}
	switch {
	case c.expiresIn > 0:
		expires = isoformat(now.Add(c.expiresIn))
		m.ttl = c.expiresIn
	case !c.expiresAt.IsZero():
		expires = isoformat(c.expiresAt)
		// In whole milliseconds, as kombu sends it: int(seconds * 1000).
		m.ttl = c.expiresAt.Sub(now).Truncate(time.Millisecond)
	}
	if expires != nil && m.ttl < time.Millisecond {
		// Celery sends an expiration of 0 then, and the task is never run:
		// a mistake to report, not a message to send.
		return nil, fmt.Errorf("%w: task %q: expires %s after sending, not at least 1ms", runtime.ErrInvalidMessage, task.Name, m.ttl)
	}

	root := c.rootID
	if root == "" {
		root = c.id
	}
	m.headers = runtime.Table{
		"lang":                  "py",
		"task":                  task.Name,
		"id":                    string(c.id),
		"shadow":                orNil(c.shadow),
		"eta":                   eta,
		"expires":               expires,
		"group":                 nil,
		"group_index":           nil,
		"retries":               0,
		"timelimit":             []any{seconds(c.timeLimit), seconds(c.softTimeLimit)},
		"root_id":               string(root),
		"parent_id":             orNil(string(c.parentID)),
		"argsrepr":              argsRepr(args),
		"kwargsrepr":            safeRepr(kwargs, reprMaxLen),
		"origin":                origin(),
		"ignore_result":         c.ignoreResult,
		"replaced_task_nesting": 0,
		"stamped_headers":       nil,
		"stamps":                runtime.Table{},
	}
	return m, nil
}

// argsRepr is the argsrepr header. Celery takes no arguments, or an empty
// list, as the empty tuple, ().
func argsRepr(args []any) string {
	if len(args) == 0 {
		return "()"
	}
	return safeRepr(args, reprMaxLen)
}

// check refuses what Celery would refuse, or what a worker could not run.
func (c *call) check(task Task, awaited bool) error {
	switch {
	case task.Name == "":
		return fmt.Errorf("a task needs a name")
	case c.id == "":
		return fmt.Errorf("a task id must not be empty")
	case !c.routed && c.queue == "":
		return fmt.Errorf("a queue name must not be empty")
	case c.routed && c.exchange == "" && c.routingKey == "":
		return fmt.Errorf("the default exchange with an empty routing key reaches no queue: name a queue")
	case !serializers[c.serializer]:
		return fmt.Errorf("serializer %q: a task is sent as json, msgpack or yaml", c.serializer)
	case c.countdown < 0:
		return fmt.Errorf("countdown %s is negative", c.countdown)
	case c.expiresIn < 0:
		return fmt.Errorf("expires %s is negative", c.expiresIn)
	case c.timeLimit < 0:
		return fmt.Errorf("time limit %s is negative", c.timeLimit)
	case c.softTimeLimit < 0:
		return fmt.Errorf("soft time limit %s is negative", c.softTimeLimit)
	case c.ignoreResult && awaited:
		return fmt.Errorf("a task called with ignore_result sends no result to wait for")
	}
	for _, s := range [...]struct{ what, v string }{
		{"name", task.Name}, {"id", string(c.id)}, {"queue", c.queue}, {"exchange", c.exchange},
		{"routing key", c.routingKey}, {"shadow", c.shadow},
		{"parent id", string(c.parentID)}, {"root id", string(c.rootID)},
	} {
		if !utf8.ValidString(s.v) {
			return fmt.Errorf("%s %q is not valid UTF-8", s.what, s.v)
		}
	}
	return nil
}

// Declaration returns what Celery declares before sending a task to queue:
// a durable direct exchange named after the queue, and the durable queue
// bound to it with its name as routing key. The task itself goes through
// the default exchange, which reaches the queue by its name.
func Declaration(queue string) []runtime.Entity {
	return []runtime.Entity{
		&runtime.Exchange{Name: queue, Type: "direct", Durable: true},
		&runtime.Queue{Name: queue, Durable: true, Bindings: []runtime.Binding{{Exchange: queue, RoutingKey: queue}}},
	}
}

// publishOptions are the runtime options that put m on the wire. They set
// every property and header a task message depends on, so that no default
// of the producer can change them: a content type a producer default set is
// cleared (the serializer sets it), and the headers layer comes last, so
// its keys win.
func (m *message) publishOptions() []runtime.PublishOption {
	opts := []runtime.PublishOption{
		runtime.WithExchangeName(m.exchange),
		runtime.WithRoutingKey(m.routingKey),
		runtime.WithContentType(""),
		runtime.WithContentEncoding(""),
		runtime.WithSerializer(m.serializer),
		runtime.WithCompression(m.compression),
		runtime.WithCorrelationID(string(m.id)),
		runtime.WithReplyTo(m.replyTo),
		runtime.WithPriority(int(m.priority)),
		runtime.WithDeliveryMode(runtime.Persistent),
		runtime.WithTTL(m.ttl),
		runtime.WithMandatory(m.mandatory),
		runtime.WithDeclare(m.declare...),
		runtime.WithHeaders(m.headers),
	}
	if m.confirm != nil {
		opts = append(opts, runtime.WithConfirm(*m.confirm))
	}
	if m.retry != nil {
		opts = append(opts, runtime.WithRetry(*m.retry))
	}
	return opts
}

// isoformat writes t as Python's datetime.isoformat writes an aware UTC
// datetime, which is how Celery writes eta and expires: microseconds, the
// fraction left out when it is zero, and +00:00. Go's RFC 3339 with
// nanoseconds is refused by Celery 5.2's parser.
func isoformat(t time.Time) string {
	t = t.UTC().Truncate(time.Microsecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05") + "+00:00"
	}
	return t.Format("2006-01-02T15:04:05.000000") + "+00:00"
}

// seconds is a time limit as Celery sends it: null for none, whole seconds
// as an integer, others as a float.
func seconds(d time.Duration) any {
	switch {
	case d == 0:
		return nil
	case d%time.Second == 0:
		return int64(d / time.Second)
	}
	return d.Seconds()
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// origin is the sender's node name as Celery writes it for a process that
// is not a worker: gen<pid>@<hostname>.
var origin = sync.OnceValue(func() string {
	host, err := os.Hostname()
	if err != nil {
		host = "localhost"
	}
	return fmt.Sprintf("gen%d@%s", os.Getpid(), host)
})
