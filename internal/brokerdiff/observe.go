package brokerdiff

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// observer collects what one run of a scenario observed, a line per
// observation, with the run's names and virtual host normalised.
type observer struct {
	prefix string
	vhost  string
	lines  []string
}

// add records an observation.
func (o *observer) add(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	line = strings.ReplaceAll(line, o.prefix, "@")
	if o.vhost != "/" {
		line = strings.ReplaceAll(line, "in vhost '"+o.vhost+"'", "in vhost '/'")
	}
	o.lines = append(o.lines, line)
}

// refusal describes a broker's refusal: its reply code and text, and
// whether it closed the connection.
func refusal(code int, reason string, connection bool) string {
	if connection {
		return fmt.Sprintf("connection closed: %d %s", code, reason)
	}
	return fmt.Sprintf("%d %s", code, reason)
}

// delivered is a message as basic.get delivered it.
type delivered struct {
	exchange, key string
	props         runtime.Properties
	body          []byte
	left          int // messages left in the queue
}

// String renders the message: where it was published, its properties
// that are set, its headers with their types, its body.
func (d delivered) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s from exchange %q key %q", body(d.body), d.exchange, d.key)
	if p := properties(d.props); p != "" {
		b.WriteString("; " + p)
	}
	if len(d.props.Headers) > 0 {
		b.WriteString("; headers " + value(d.props.Headers, ""))
	}
	fmt.Fprintf(&b, "; %d left", d.left)
	return b.String()
}

func body(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("<%d bytes>", len(b))
	}
	return strconv.Quote(string(b))
}

// properties lists the properties that are set.
func properties(p runtime.Properties) string {
	var out []string
	add := func(name string, v any, set bool) {
		if set {
			out = append(out, fmt.Sprintf("%s=%v", name, v))
		}
	}
	add("content_type", p.ContentType, p.ContentType != "")
	add("content_encoding", p.ContentEncoding, p.ContentEncoding != "")
	add("delivery_mode", p.DeliveryMode, p.DeliveryMode != 0)
	add("priority", p.Priority, p.Priority != 0)
	add("correlation_id", p.CorrelationID, p.CorrelationID != "")
	add("reply_to", p.ReplyTo, p.ReplyTo != "")
	add("expiration", p.Expiration, p.Expiration != "")
	add("message_id", p.MessageID, p.MessageID != "")
	add("timestamp", p.Timestamp.Unix(), !p.Timestamp.IsZero())
	add("type", p.Type, p.Type != "")
	add("user_id", p.UserID, p.UserID != "")
	add("app_id", p.AppID, p.AppID != "")
	return strings.Join(out, " ")
}

// value renders a header value with its Go type, which is its AMQP type
// as amqp091-go reads it. The time of an x-death entry is left out: it is
// when the broker dead-lettered the message, which differs between runs.
func value(v any, path string) string {
	switch v := v.(type) {
	case nil:
		return "void"
	case string:
		return strconv.Quote(v)
	case []byte:
		return "bytes(" + strconv.Quote(string(v)) + ")"
	case time.Time:
		if strings.HasPrefix(path, "x-death[") && strings.HasSuffix(path, ".time") {
			return "time(*)"
		}
		return fmt.Sprintf("time(%d)", v.Unix())
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = value(e, fmt.Sprintf("%s[%d]", path, i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case runtime.Table:
		keys := slices.SortedFunc(maps.Keys(v), cmp.Compare)
		parts := make([]string, len(keys))
		for i, k := range keys {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			parts[i] = k + ": " + value(v[k], sub)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%T(%v)", v, v)
}
