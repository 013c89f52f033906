package schemadiff

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/schema"
)

// Policies are compared per message, as resolved: a change in defaults or
// in a named policy counts for every message it reaches, and is placed at
// the key the message's value now comes from (Policy.Origins).

// policyRule compares one policy key between two resolved policies.
type policyRule struct {
	key string
	// show writes the key's value.
	show func(schema.Policy) string
	// judge classifies a change of the value and says what it does.
	judge func(o, n schema.Policy) (Category, Severity, string)
}

// contentType returns the content_type a serializer sends.
func contentType(serializer string) string {
	s, _ := codecs.LookupSerializer(serializer)
	return s.ContentType
}

// compressionHeader returns the compression header a compression sends,
// or none.
func compressionHeader(compression string) string {
	if c, ok := codecs.LookupCompression(compression); ok {
		return c.ContentType
	}
	return codecs.NoCompression
}

var policyRules = []policyRule{
	{"serializer", func(p schema.Policy) string { return p.Serializer }, judgeSerializer},
	{"compression", func(p schema.Policy) string { return p.Compression }, judgeCompression},
	{"delivery_mode", func(p schema.Policy) string { return p.DeliveryMode }, judgeDeliveryMode},
	{"priority", func(p schema.Policy) string { return strconv.Itoa(p.Priority) }, judgePriority},
	{"ttl", func(p schema.Policy) string { return schema.FormatDuration(p.TTL) }, judgeTTL},
	{"mandatory", func(p schema.Policy) string { return onOff(p.Mandatory) }, judgeMandatory},
	{"confirm", func(p schema.Policy) string { return onOff(p.Confirm) }, judgeConfirm},
	{"retry.max_retries", func(p schema.Policy) string { return strconv.Itoa(p.Retry.MaxRetries) }, judgeMaxRetries},
	{"retry.interval_start", func(p schema.Policy) string { return schema.FormatDuration(p.Retry.IntervalStart) }, judgePacing},
	{"retry.interval_step", func(p schema.Policy) string { return schema.FormatDuration(p.Retry.IntervalStep) }, judgePacing},
	{"retry.interval_max", func(p schema.Policy) string { return schema.FormatDuration(p.Retry.IntervalMax) }, judgePacing},
	{"retry.timeout", func(p schema.Policy) string { return schema.FormatDuration(p.Retry.Timeout) }, judgeTimeout},
	{"type", func(p schema.Policy) string { return strconv.Quote(p.Type) }, judgeType},
}

// comparePolicy reports each changed key of a message's resolved policy.
func (c *comparer) comparePolicy(s site, o, n *schema.Message) {
	for _, r := range policyRules {
		ov, nv := r.show(o.Policy), r.show(n.Policy)
		if ov == nv {
			continue
		}
		origin := n.Policy.Origins[r.key]
		ps := s.sub(Changed, fmt.Sprintf("policy %q", r.key), n.Pos, o.Pos).at(origin.Pos)
		cat, sev, why := r.judge(o.Policy, n.Policy)
		c.add(ps, cat, sev, "%s -> %s%s: %s", ov, nv, originText(origin), why)
	}
}

// originText says where a policy value comes from, when not from the
// message itself.
func originText(o schema.Origin) string {
	switch o.Layer {
	case schema.LayerBuiltin:
		return " (built-in default)"
	case schema.LayerDefaults:
		return " (from defaults)"
	case schema.LayerPolicy:
		return fmt.Sprintf(" (from policy %q)", o.Policy)
	}
	return ""
}

func judgeSerializer(o, n schema.Policy) (Category, Severity, string) {
	return Wire, Breaking, fmt.Sprintf("content_type %s -> %s: consumers decode the body by the old format, and kombu consumers whose accept list lacks %s reject it",
		contentType(o.Serializer), contentType(n.Serializer), n.Serializer)
}

func judgeCompression(o, n schema.Policy) (Category, Severity, string) {
	why := fmt.Sprintf("compression header %s -> %s", compressionHeader(o.Compression), compressionHeader(n.Compression))
	c, ok := codecs.LookupCompression(n.Compression)
	if !ok {
		return Wire, Breaking, why + ": consumers that decompress without looking at the header fail"
	}
	return Wire, Breaking, fmt.Sprintf("%s: consumers without the codec, or that do not look at the header, cannot read the body; %s", why, c.Readers)
}

func judgeDeliveryMode(o, n schema.Policy) (Category, Severity, string) {
	if n.DeliveryMode == "transient" {
		return Policy, Warning, "messages are no longer written to disk, and queued ones are lost when the broker restarts"
	}
	return Policy, Compatible, "messages in durable queues now survive a broker restart"
}

func judgePriority(o, n schema.Policy) (Category, Severity, string) {
	if n.Priority < o.Priority {
		return Policy, Warning, "priority queues now deliver these messages after more urgent ones"
	}
	return Policy, Compatible, "priority queues now deliver these messages sooner"
}

func judgeTTL(o, n schema.Policy) (Category, Severity, string) {
	switch {
	case n.TTL == 0:
		return Policy, Compatible, "messages no longer expire"
	case o.TTL == 0:
		return Policy, Warning, fmt.Sprintf("messages now expire when not consumed within %s, and are dropped or dead-lettered", schema.FormatDuration(n.TTL))
	case n.TTL < o.TTL:
		return Policy, Warning, "messages expire sooner, and are dropped or dead-lettered"
	}
	return Policy, Compatible, "messages wait longer before they expire"
}

func judgeMandatory(o, n schema.Policy) (Category, Severity, string) {
	if !n.Mandatory {
		return Policy, Warning, "unroutable messages are now dropped silently instead of returned"
	}
	return Policy, Compatible, "unroutable messages now come back: the on-return callback runs, and with confirms Publish returns runtime.ErrUnroutable"
}

func judgeConfirm(o, n schema.Policy) (Category, Severity, string) {
	if !n.Confirm {
		return Policy, Warning, "Publish no longer waits for the broker's confirm, so a message the broker loses goes unnoticed"
	}
	return Policy, Compatible, "Publish now waits for the broker's confirm (safer, slower)"
}

// judgeType judges a change of the AMQP type property: consumers that pick
// a handler by it no longer recognise the message.
func judgeType(o, n schema.Policy) (Category, Severity, string) {
	if o.Type == "" {
		return Wire, Compatible, "messages now carry the type property, which consumers may dispatch on"
	}
	return Wire, Breaking, "consumers that dispatch on the type property no longer recognise these messages"
}

func judgeMaxRetries(o, n schema.Policy) (Category, Severity, string) {
	if n.Retry.MaxRetries < o.Retry.MaxRetries {
		return Policy, Warning, "Publish gives up sooner when the connection fails"
	}
	return Policy, Compatible, "Publish tries longer when the connection fails"
}

func judgePacing(o, n schema.Policy) (Category, Severity, string) {
	return Policy, Compatible, "retries are paced differently"
}

func judgeTimeout(o, n schema.Policy) (Category, Severity, string) {
	if shorter(n.Retry.Timeout, o.Retry.Timeout) {
		return Policy, Warning, "Publish gives up sooner when the connection fails"
	}
	return Policy, Compatible, "Publish may retry for longer"
}

// shorter reports whether limit a is tighter than b, 0 being no limit.
func shorter(a, b time.Duration) bool {
	return a != 0 && (b == 0 || a < b)
}
