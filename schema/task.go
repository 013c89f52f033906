package schema

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// taskPolicyKeys are the policy keys a task takes: the others are fixed
// for a task message (persistent, no type) or set by the task's own keys
// (expires sets the TTL).
var taskPolicyKeys = []string{"serializer", "compression", "priority", "mandatory", "confirm", "retry"}

var (
	taskKeys = append([]string{"name", "description", "queue", "exchange", "routing_key", "args", "kwargs", "result",
		"expires", "time_limit", "soft_time_limit", "ignore_result", "policy"}, taskPolicyKeys...)
	argKeys    = append([]string{"name"}, fieldKeys...)
	resultKeys = []string{"type", "description"}
)

// taskSerializers are the serializers a Celery worker can read a task in,
// which give protocol 2's body its shape.
var taskSerializers = []string{"json", "msgpack", "yaml"}

// DefaultTaskQueue is the queue a task goes to unless it names another:
// Celery's task_default_queue.
const DefaultTaskQueue = "celery"

// rawTask is a task as written.
type rawTask struct {
	name        string
	pos         Pos
	ctx         string
	description string
	celeryName  val[string]
	queue       val[string]
	exchange    val[string]
	routingKey  val[string]
	args        []*rawField
	kwargs      []*rawField
	result      *rawResult
	expires     val[time.Duration]
	timeLimit   val[time.Duration]
	softLimit   val[time.Duration]
	ignore      val[bool]
	policy      val[string]
	inline      partialPolicy
}

// rawResult is a task's result as written.
type rawResult struct {
	pos         Pos
	ctx         string
	typ         val[string]
	description string
}

// task reads an entry of the tasks section.
func (d *decoder) task(e entry) *rawTask {
	ctx := fmt.Sprintf("task %q", e.name)
	k := d.keywords(ctx, e.pos, e.value, taskKeys...)
	k.require("name", "the name the worker registered the task under, such as name: images.resize")
	t := &rawTask{
		name:        e.name,
		pos:         e.pos,
		ctx:         ctx,
		description: k.str("description").v,
		celeryName:  k.str("name"),
		queue:       k.str("queue"),
		exchange:    k.str("exchange"),
		routingKey:  k.str("routing_key"),
		kwargs:      d.fieldMap(k, "kwargs", "kwarg", e.name),
		expires:     d.ttl(k, "expires"),
		timeLimit:   k.duration("time_limit"),
		softLimit:   k.duration("soft_time_limit"),
		ignore:      k.boolean("ignore_result"),
		policy:      k.str("policy"),
		inline:      d.policy(k),
	}
	if t.celeryName.set && t.celeryName.v == "" {
		d.errorf(t.celeryName.pos, join(ctx, "name"), "want the name the worker registered the task under, got \"\"")
		t.celeryName.set = false
	}
	if a, ok := k.get("args"); ok {
		t.args = d.args(ctx, a, e.name)
	}
	if e, ok := k.get("result"); ok {
		rctx := join(ctx, "result")
		rk := d.keywords(rctx, e.pos, e.value, resultKeys...)
		rk.require("type", "type: the type of the task's return value, such as type: ImageInfo")
		t.result = &rawResult{pos: e.pos, ctx: rctx, typ: rk.str("type"), description: rk.str("description").v}
	}
	return t
}

// args reads the positional arguments of the task named owner: a list of
// fields, each with its name.
func (d *decoder) args(ctx string, e entry, owner string) []*rawField {
	actx := join(ctx, "args")
	items, _ := d.list(actx, e.value)
	var out []*rawField
	for i, item := range items {
		ictx := fmt.Sprintf("%s: arg %d", ctx, i+1)
		pos := d.pos(item)
		k := d.keywords(ictx, pos, item, argKeys...)
		k.require("name", "the argument's name, such as name: url")
		name := k.str("name")
		if !name.set {
			continue
		}
		k.ctx = fmt.Sprintf("%s: arg %q", ctx, name.v)
		f := d.field(name.v, name.pos, k)
		f.owner = owner
		out = append(out, f)
	}
	return out
}

// resolveTasks resolves the tasks section.
func (r *resolver) resolveTasks() []*Task {
	var tasks []*Task
	first := make(map[string]*rawTask)
	for _, rt := range r.f.tasks {
		if prev, dup := first[rt.celeryName.v]; dup && rt.celeryName.set {
			r.errorf(rt.celeryName.pos, join(rt.ctx, "name"), "task name %q is task %q's too (at %s); a worker runs one function by a name: give each task its own",
				rt.celeryName.v, prev.name, prev.celeryName.pos.lineCol())
		} else if rt.celeryName.set {
			first[rt.celeryName.v] = rt
		}
		tasks = append(tasks, r.resolveTask(rt))
	}
	return tasks
}

// resolveTask resolves one task.
func (r *resolver) resolveTask(rt *rawTask) *Task {
	t := &Task{
		Name:          rt.name,
		Pos:           rt.pos,
		Description:   rt.description,
		CeleryName:    rt.celeryName.v,
		Expires:       rt.expires.v,
		TimeLimit:     rt.timeLimit.v,
		SoftTimeLimit: rt.softLimit.v,
		IgnoreResult:  rt.ignore.v,
	}
	r.taskRoute(rt, t)
	t.Args = r.fieldList(rt.args)
	t.Kwargs = r.fieldList(rt.kwargs)
	r.taskArgs(rt, t)
	if rt.result != nil {
		t.Result = &TaskResult{Pos: rt.result.pos, Description: rt.result.description}
		if rt.result.typ.set {
			t.Result.Type = r.typeExpr(rt.result.ctx, rt.result.typ)
		}
		if rt.ignore.v {
			r.errorf(rt.ignore.pos, rt.ctx, "ignore_result: true, yet the task has a result: the worker sends no result to wait for; remove result, or ignore_result")
		}
	}
	t.Policy = r.taskPolicy(rt, t)
	return t
}

// taskRoute works out where a task is published: to a queue through the
// default exchange, as Celery 5 sends tasks, or to an exchange with a
// routing key.
func (r *resolver) taskRoute(rt *rawTask, t *Task) {
	switch {
	case rt.exchange.set && rt.queue.set:
		r.errorf(rt.exchange.pos, rt.ctx, "want queue, or exchange and routing_key, not both: a task sent to a queue goes through the default exchange")
	case rt.routingKey.set && !rt.exchange.set:
		r.errorf(rt.routingKey.pos, rt.ctx, "routing_key needs exchange; to send the task to a queue through the default exchange, write queue")
	}
	if rt.exchange.set {
		t.Exchange, t.RoutingKey = rt.exchange.v, rt.routingKey.v
		if typ, ok := r.exchangeType(join(rt.ctx, "exchange"), rt.exchange); ok {
			t.ExchangeType = typ
		}
		if x := r.exchanges[t.Exchange]; x != nil && x.Internal {
			r.errorf(rt.exchange.pos, rt.ctx, "exchange %q is internal; it cannot be published to: publish to an exchange bound to it, or set internal: false", x.Name)
		}
		if t.Exchange == "" && t.RoutingKey == "" {
			r.errorf(rt.exchange.pos, rt.ctx, "the default exchange routes by queue name, and routing_key is empty; write queue instead")
		}
		if len(t.RoutingKey) > 255 {
			r.errorf(rt.routingKey.pos, join(rt.ctx, "routing_key"), "%d bytes long; want at most 255", len(t.RoutingKey))
		}
		return
	}
	t.Queue = DefaultTaskQueue
	if rt.queue.set {
		t.Queue = rt.queue.v
		switch {
		case t.Queue == "":
			r.errorf(rt.queue.pos, join(rt.ctx, "queue"), "want a queue name, got \"\"; leave queue out for Celery's default queue, celery")
		case len(t.Queue) > 255:
			r.errorf(rt.queue.pos, join(rt.ctx, "queue"), "%d bytes long; want at most 255", len(t.Queue))
		}
	}
	t.ExchangeType, t.RoutingKey = "direct", t.Queue
	if slices.Contains(r.queueNames, t.Queue) {
		return
	}
	// Celery declares the queue bound to a durable direct exchange of the
	// same name; one the schema declares otherwise refuses that declare.
	if x := r.exchanges[t.Queue]; x != nil && (x.Type != "direct" || !x.Durable || x.AutoDelete || x.Internal) {
		pos := rt.queue.pos
		if !rt.queue.set {
			pos = rt.pos
		}
		r.errorf(pos, rt.ctx, "queue %q is not under queues, so it is declared as Celery declares it, bound to a durable direct exchange of its name; exchange %q is declared otherwise (at %s), and RabbitMQ would refuse it: describe queue %q under queues",
			t.Queue, x.Name, x.Pos.lineCol(), t.Queue)
	}
}

// taskArgs checks a task's arguments as Python checks a function's: no
// required positional argument after an optional one, and no name twice.
func (r *resolver) taskArgs(rt *rawTask, t *Task) {
	var optional *Field
	for _, a := range t.Args {
		if !a.Required {
			if optional == nil {
				optional = a
			}
			continue
		}
		if optional != nil {
			r.errorf(a.Pos, fmt.Sprintf("%s: arg %q", rt.ctx, a.Name),
				"required, after optional argument %q (at %s): a positional argument cannot be left out before one that is given; make it optional, move it before %q, or make it a kwarg",
				optional.Name, optional.Pos.lineCol(), optional.Name)
		}
	}
	seen := make(map[string]*Field)
	for _, list := range [][]*Field{t.Args, t.Kwargs} {
		for _, a := range list {
			if prev, dup := seen[a.Name]; dup {
				r.errorf(a.Pos, rt.ctx, "argument %q twice (first at %s): the worker would get two values for it; rename one", a.Name, prev.Pos.lineCol())
				continue
			}
			seen[a.Name] = a
		}
	}
}

// taskPolicy resolves how a task message is published: from the schema's
// defaults, except that a task is sent as json unless it says otherwise
// (Celery's task_serializer, and what workers accept) and is mandatory
// unless it says otherwise; then its named policy, then its own keys.
// A task message is always persistent, without a type, and its TTL is
// what expires says.
func (r *resolver) taskPolicy(rt *rawTask, t *Task) Policy {
	p := r.s.Defaults
	p.Origins = maps.Clone(p.Origins)
	builtin := Origin{Layer: LayerBuiltin}
	p.Serializer, p.Origins["serializer"] = "json", builtin
	p.Mandatory, p.Origins["mandatory"] = true, builtin
	p.DeliveryMode, p.Origins["delivery_mode"] = "persistent", builtin
	p.TTL, p.Origins["ttl"] = t.Expires, builtin
	p.Type, p.TypeIsName = "", false
	p.Origins["type"] = builtin
	if rt.expires.set {
		p.Origins["ttl"] = Origin{Layer: LayerTask, Pos: rt.expires.pos}
	}
	if rt.policy.set {
		if named, ok := r.policies[rt.policy.v]; ok {
			t.PolicyName = rt.policy.v
			for _, key := range named.p.keys() {
				if !slices.Contains(taskPolicyKeys, key) {
					r.errorf(rt.policy.pos, join(rt.ctx, "policy"), "policy %q sets %s, which a task does not take (a task message is persistent and untyped, and expires sets its TTL); give the task a policy of %s only",
						named.name, key, strings.Join(taskPolicyKeys, ", "))
					break
				}
			}
			p = p.with(named.p, LayerPolicy, named.name)
		} else {
			r.errorf(rt.policy.pos, join(rt.ctx, "policy"), "unknown policy %q%s", rt.policy.v, unknownHint(rt.policy.v, r.policyNames, ""))
		}
	}
	p = p.with(rt.inline, LayerTask, "")
	if !slices.Contains(taskSerializers, p.Serializer) {
		o := p.Origins["serializer"]
		r.errorf(posOr(o.Pos, rt.pos), rt.ctx, "serializer %s%s: a task is sent as json, msgpack or yaml, which give protocol 2's body [args, kwargs, embed]",
			p.Serializer, r.origin(o))
	}
	return p
}

// RoutedAs returns the task as the message it is published as, for what
// works out where messages go: its exchange and routing key (the default
// exchange and its queue's name for a task sent to a queue), the headers
// every task message carries that a headers binding can test (lang and
// task), and its policy. The message has no fields and no parameters.
func (t *Task) RoutedAs() *Message {
	return &Message{
		Name:         t.Name,
		Pos:          t.Pos,
		Exchange:     t.Exchange,
		ExchangeType: t.ExchangeType,
		RoutingKey:   RoutingKey{Template: t.RoutingKey, Pos: t.Pos, Parts: []KeyPart{{Literal: t.RoutingKey}}},
		Headers:      Table{{Key: "lang", Value: "py"}, {Key: "task", Value: t.CeleryName}},
		PolicyName:   t.PolicyName,
		Policy:       t.Policy,
	}
}
