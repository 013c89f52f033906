package schema

import (
	"fmt"
	"maps"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kombugen/kombugen/internal/codecs"
)

// policyKeys are the keys of a policy: in defaults, in a named policy and
// inline in a message.
var policyKeys = []string{"serializer", "compression", "delivery_mode", "priority", "ttl", "mandatory", "confirm", "retry", "type"}

// retryKeys are the keys of a retry policy.
var retryKeys = []string{"max_retries", "interval_start", "interval_step", "interval_max", "timeout"}

var (
	// serializers and compressions are kombu's names, aliases included
	// (internal/codecs).
	serializers   = codecs.SerializerNames()
	compressions  = codecs.CompressionNames()
	deliveryModes = []string{"persistent", "transient"}
)

// partialPolicy is a policy as written: only some keys set.
type partialPolicy struct {
	serializer   val[string]
	compression  val[string]
	deliveryMode val[string]
	priority     val[int]
	ttl          val[time.Duration]
	mandatory    val[bool]
	confirm      val[bool]
	retry        partialRetry
	typ          val[typeKey]
}

// typeKey is the type key as written: true (the message's name), false
// (no type) or a string (that text).
type typeKey struct {
	isName bool
	text   string
}

type partialRetry struct {
	maxRetries    val[int]
	intervalStart val[time.Duration]
	intervalStep  val[time.Duration]
	intervalMax   val[time.Duration]
	timeout       val[time.Duration]
}

// keys returns the keys q sets, retry's as "retry".
func (q partialPolicy) keys() []string {
	var out []string
	r := q.retry
	for _, k := range []struct {
		key string
		set bool
	}{
		{"serializer", q.serializer.set}, {"compression", q.compression.set}, {"delivery_mode", q.deliveryMode.set},
		{"priority", q.priority.set}, {"ttl", q.ttl.set}, {"mandatory", q.mandatory.set}, {"confirm", q.confirm.set},
		{"retry", r.maxRetries.set || r.intervalStart.set || r.intervalStep.set || r.intervalMax.set || r.timeout.set},
		{"type", q.typ.set},
	} {
		if k.set {
			out = append(out, k.key)
		}
	}
	return out
}

// rawPolicy is a named policy.
type rawPolicy struct {
	name string
	pos  Pos
	p    partialPolicy
}

// namedPolicy reads an entry of the policies section.
func (d *decoder) namedPolicy(e entry) *rawPolicy {
	ctx := fmt.Sprintf("policy %q", e.name)
	return &rawPolicy{name: e.name, pos: e.pos, p: d.policyMapping(ctx, e.pos, e.value)}
}

// policyMapping reads a mapping of policy keys only.
func (d *decoder) policyMapping(ctx string, pos Pos, n *yaml.Node) partialPolicy {
	return d.policy(d.keywords(ctx, pos, n, policyKeys...))
}

// policy reads the policy keys of k, which may hold other keys too.
func (d *decoder) policy(k keys) partialPolicy {
	p := partialPolicy{
		serializer:   k.oneOf("serializer", serializers...),
		compression:  k.oneOf("compression", compressions...),
		deliveryMode: k.oneOf("delivery_mode", deliveryModes...),
		priority:     asInt(k.integer("priority", 0, 255)),
		ttl:          d.ttl(k, "ttl"),
		mandatory:    k.boolean("mandatory"),
		confirm:      k.boolean("confirm"),
		typ:          d.typeKey(k),
	}
	// An alias is stored under its compression's name.
	if c, ok := codecs.LookupCompression(p.compression.v); ok {
		p.compression.v = c.Name
	}
	if e, ok := k.get("retry"); ok {
		r := d.keywords(join(k.ctx, "retry"), e.pos, e.value, retryKeys...)
		p.retry = partialRetry{
			maxRetries:    asInt(r.integer("max_retries", 0, 1<<31-1)),
			intervalStart: r.duration("interval_start"),
			intervalStep:  r.duration("interval_step"),
			intervalMax:   r.duration("interval_max"),
			timeout:       r.duration("timeout"),
		}
	}
	return p
}

// typeKey reads the type key: true, false or a string, the AMQP type
// property (a short string, at most 255 bytes).
func (d *decoder) typeKey(k keys) val[typeKey] {
	e, ok := k.get("type")
	if !ok {
		return val[typeKey]{}
	}
	ctx := join(k.ctx, "type")
	const want = "true (the message's name), false or a string"
	n, ok := d.scalar(ctx, e.value, want)
	if !ok {
		return val[typeKey]{}
	}
	v := val[typeKey]{pos: d.pos(n), set: true}
	switch n.ShortTag() {
	case "!!bool":
		v.v.isName = n.Value == "true"
	case "!!str":
		v.v.text = n.Value
		if len(n.Value) > 255 {
			d.errorf(v.pos, ctx, "%d bytes long; want at most 255, the most an AMQP property holds", len(n.Value))
			return val[typeKey]{}
		}
	default:
		d.errorf(v.pos, ctx, "want %s, got %s", want, describe(n))
		return val[typeKey]{}
	}
	return v
}

// MaxTTL is the longest TTL RabbitMQ takes, for a message's expiration
// and a queue's x-message-ttl: 3650 days. It refuses a publish or declare
// with a longer one (PRECONDITION_FAILED, value_too_large).
const MaxTTL = 3650 * 24 * time.Hour

// ttl reads a duration that is sent in whole milliseconds: 0, or at least
// 1ms with no fraction of a millisecond, and at most MaxTTL.
func (d *decoder) ttl(k keys, key string) val[time.Duration] {
	v := k.duration(key)
	switch {
	case !v.set || v.v == 0:
	case v.v < time.Millisecond || v.v%time.Millisecond != 0:
		d.errorf(v.pos, join(k.ctx, key), "want 0 or a whole number of milliseconds of at least 1ms, got %s", v.v)
		v.set = false
	case v.v > MaxTTL:
		d.errorf(v.pos, join(k.ctx, key), "%s is longer than 3650 days (87600h), the longest TTL RabbitMQ takes; want at most 87600h", v.v)
		v.set = false
	}
	return v
}

// builtinPolicy returns the policy every schema starts from.
func builtinPolicy() Policy {
	p := Policy{
		Serializer:   "json",
		Compression:  "none",
		DeliveryMode: "persistent",
		Confirm:      true,
		Retry: Retry{
			MaxRetries:   3,
			IntervalStep: 200 * time.Millisecond,
			IntervalMax:  time.Second,
		},
		Origins: make(map[string]Origin),
	}
	for _, k := range policyKeys {
		if k != "retry" {
			p.Origins[k] = Origin{Layer: LayerBuiltin}
		}
	}
	for _, k := range retryKeys {
		p.Origins["retry."+k] = Origin{Layer: LayerBuiltin}
	}
	return p
}

// with returns p with the keys q sets overriding it, recording their origin.
func (p Policy) with(q partialPolicy, layer Layer, policyName string) Policy {
	p.Origins = maps.Clone(p.Origins)
	set := func(key string, pos Pos) {
		p.Origins[key] = Origin{Layer: layer, Policy: policyName, Pos: pos}
	}
	override(&p.Serializer, q.serializer, "serializer", set)
	override(&p.Compression, q.compression, "compression", set)
	override(&p.DeliveryMode, q.deliveryMode, "delivery_mode", set)
	override(&p.Priority, q.priority, "priority", set)
	override(&p.TTL, q.ttl, "ttl", set)
	override(&p.Mandatory, q.mandatory, "mandatory", set)
	override(&p.Confirm, q.confirm, "confirm", set)
	if q.typ.set {
		p.Type, p.TypeIsName = q.typ.v.text, q.typ.v.isName
		set("type", q.typ.pos)
	}
	r := q.retry
	override(&p.Retry.MaxRetries, r.maxRetries, "retry.max_retries", set)
	override(&p.Retry.IntervalStart, r.intervalStart, "retry.interval_start", set)
	override(&p.Retry.IntervalStep, r.intervalStep, "retry.interval_step", set)
	override(&p.Retry.IntervalMax, r.intervalMax, "retry.interval_max", set)
	override(&p.Retry.Timeout, r.timeout, "retry.timeout", set)
	return p
}

// override sets *dst from v when v was written, and records where.
func override[T any](dst *T, v val[T], key string, origin func(string, Pos)) {
	if v.set {
		*dst = v.v
		origin(key, v.pos)
	}
}

// asInt narrows an integer read within int's range.
func asInt(v val[int64]) val[int] {
	return val[int]{v: int(v.v), pos: v.pos, set: v.set}
}
