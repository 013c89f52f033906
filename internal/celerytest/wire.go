package celerytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/runtime/consume"
)

// The comparison of task messages as Celery and kombugen send them, for
// the tests that hold one against the other.

// WireMessage is a task message as a consumer sees it, in JSON's terms, for
// comparing what Celery sent with what this package sends: properties and
// headers by name, and the body decoded.
type WireMessage struct {
	Exchange   string
	RoutingKey string
	Properties map[string]any
	Headers    map[string]any
	Body       any
}

// 5.3+ headers: Celery 5.3 added stamped_headers and stamps, 5.3.5
// replaced_task_nesting. This package sends them; 5.2 does not.
var Celery53Headers = []string{"replaced_task_nesting", "stamped_headers", "stamps"}

// isoTime is how Celery writes eta and expires: datetime.isoformat() of an
// aware UTC datetime.
var isoTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$`)

// CompareOptions says what a comparison leaves aside: the values that
// differ between two sends of the same call.
type CompareOptions struct {
	// TimeSlack is how far eta and expires may be apart (two sends are not
	// at the same moment); 0 means only their format is compared.
	TimeSlack time.Duration
	// ExpirationSlack is how far the expiration property may be apart, for
	// an expires given as a moment (the TTL then depends on when it was
	// sent).
	ExpirationSlack time.Duration
}

// DiffTask returns how got differs from want, ids, origin, the reply queue
// and times aside: each message's correlation_id must be its id header,
// and its root_id too unless the call gave one. want may lack the headers
// Celery 5.3 added.
func DiffTask(want, got WireMessage, o CompareOptions) []string {
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	if want.Exchange != got.Exchange || want.RoutingKey != got.RoutingKey {
		add("published to %q %q, want %q %q", got.Exchange, got.RoutingKey, want.Exchange, want.RoutingKey)
	}
	wp, gp := normalize(want.Properties), normalize(got.Properties)
	wh, gh := normalize(want.Headers), normalize(got.Headers)
	for _, m := range []struct {
		name    string
		headers map[string]any
		props   map[string]any
	}{{"want", wh, wp}, {"got", gh, gp}} {
		id := m.headers["id"]
		if s, _ := id.(string); s == "" {
			add("%s: id header %v is not a task id", m.name, id)
		}
		if m.props["correlation_id"] != id {
			add("%s: correlation_id %v is not the id %v", m.name, m.props["correlation_id"], id)
		}
		for _, k := range []string{"eta", "expires"} {
			if v, ok := m.headers[k].(string); ok && !isoTime.MatchString(v) {
				add("%s: %s %q is not written as Celery writes times", m.name, k, v)
			}
		}
	}
	if (wh["root_id"] == wh["id"]) != (gh["root_id"] == gh["id"]) {
		add("root_id is the id in one message and not in the other: want %v, got %v", wh["root_id"], gh["root_id"])
	} else if wh["root_id"] != wh["id"] && wh["root_id"] != gh["root_id"] {
		add("root_id %v, want %v", gh["root_id"], wh["root_id"])
	}
	for _, k := range []string{"eta", "expires"} {
		w, wok := wh[k].(string)
		g, gok := gh[k].(string)
		switch {
		case wok != gok:
			add("header %s: got %v, want %v", k, gh[k], wh[k])
		case wok && o.TimeSlack == 0 && w != g && isoTime.MatchString(w) && isoTime.MatchString(g) && !sameInstant(w, g):
			add("header %s: got %s, want %s", k, g, w)
		case wok && o.TimeSlack > 0 && !within(w, g, o.TimeSlack):
			add("header %s: got %s, want %s (±%s)", k, g, w, o.TimeSlack)
		}
	}
	if (wp["reply_to"] != nil) != (gp["reply_to"] != nil) {
		add("reply_to: got %v, want %v", gp["reply_to"], wp["reply_to"])
	}
	if w, g := wp["expiration"], gp["expiration"]; (w == nil) != (g == nil) {
		add("expiration: got %v, want %v", g, w)
	} else if w != nil && w != g {
		wd, _ := time.ParseDuration(fmt.Sprint(w) + "ms")
		gd, _ := time.ParseDuration(fmt.Sprint(g) + "ms")
		if d := wd - gd; d > o.ExpirationSlack || -d > o.ExpirationSlack {
			add("expiration: got %v, want %v", g, w)
		}
	}
	for _, k := range []string{"correlation_id", "reply_to", "expiration"} {
		delete(wp, k)
		delete(gp, k)
	}
	for _, k := range []string{"id", "root_id", "origin", "eta", "expires"} {
		delete(wh, k)
		delete(gh, k)
	}
	for _, k := range Celery53Headers {
		if _, ok := wh[k]; !ok {
			delete(gh, k)
		}
	}
	if d := cmp.Diff(wp, gp); d != "" {
		add("properties (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wh, gh); d != "" {
		add("headers (-want +got):\n%s", d)
	}
	if d := cmp.Diff(normalize(want.Body), normalize(got.Body)); d != "" {
		add("body (-want +got):\n%s", d)
	}
	return diffs
}

// normalize turns v into what its JSON decodes to, numbers kept as written,
// so that values from Python's JSON and from Go compare equal when they
// are the same JSON. Byte strings compare by their base64.
func normalize[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out T
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}

// ParseISO parses a time as Celery writes it (ISO 8601, up to microseconds,
// and an offset), as in an eta or expires header.
func ParseISO(s string) (time.Time, error) {
	return time.Parse("2006-01-02T15:04:05.999999-07:00", s)
}

func sameInstant(a, b string) bool {
	ta, err1 := ParseISO(a)
	tb, err2 := ParseISO(b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}

func within(a, b string, slack time.Duration) bool {
	ta, err1 := ParseISO(a)
	tb, err2 := ParseISO(b)
	d := ta.Sub(tb)
	return err1 == nil && err2 == nil && d <= slack && -d <= slack
}

// SortedKeys lists m's keys in order, for messages.
func SortedKeys[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

// GetTask takes the next message from queue.
func GetTask(t *testing.T, ch *amqp.Channel, queue string) (WireMessage, amqp.Table) {
	t.Helper()
	d, ok, err := ch.Get(queue, true)
	if err != nil || !ok {
		t.Fatalf("get from %s: %v (a message: %v)", queue, err, ok)
	}
	props := consume.Properties(&d)
	var body any
	if err := consume.Decode(props, d.Body, &body); err != nil {
		t.Fatalf("decode: %v", err)
	}
	m := WireMessage{
		Exchange:   d.Exchange,
		RoutingKey: d.RoutingKey,
		Properties: map[string]any{
			"content_type":     d.ContentType,
			"content_encoding": d.ContentEncoding,
			"delivery_mode":    int(d.DeliveryMode),
			"priority":         int(d.Priority),
			"correlation_id":   d.CorrelationId,
		},
		Headers: props.Headers,
		Body:    body,
	}
	for k, v := range map[string]string{"reply_to": d.ReplyTo, "expiration": d.Expiration, "message_id": d.MessageId,
		"type": d.Type, "app_id": d.AppId, "user_id": d.UserId} {
		if v != "" {
			m.Properties[k] = v
		}
	}
	if !d.Timestamp.IsZero() {
		m.Properties["timestamp"] = d.Timestamp.Unix()
	}
	return m, d.Headers
}

// FieldTypes lists the Go types amqp091-go decoded each header into, which
// name the AMQP field types on the wire (int32 for a signed 32-bit integer,
// float64 for a double, nil for void...).
func FieldTypes(h amqp.Table) string {
	var b strings.Builder
	var walk func(path string, v any)
	walk = func(path string, v any) {
		fmt.Fprintf(&b, "%s:%T ", path, v)
		switch v := v.(type) {
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case amqp.Table:
			for _, k := range sortedTableKeys(v) {
				walk(path+"."+k, v[k])
			}
		}
	}
	for _, k := range sortedTableKeys(h) {
		walk(k, h[k])
	}
	return b.String()
}

func sortedTableKeys(t amqp.Table) []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CompareTask takes the next task message from the queue theirs, which
// Celery's own send_task sent, and from ours, which kombugen sent, and
// reports with t.Error every difference DiffTask finds (times within
// slack) and every header whose AMQP type differs, but for the headers
// only Celery 5.3 and later send. ignoreResult says the call asked for no
// result: send_task names a reply queue all the same, kombugen none.
func CompareTask(t *testing.T, ch *amqp.Channel, theirs, ours string, ignoreResult bool, slack time.Duration) {
	t.Helper()
	want, wantTypes := GetTask(t, ch, theirs)
	got, gotTypes := GetTask(t, ch, ours)
	want.RoutingKey = ours
	if ignoreResult {
		delete(want.Properties, "reply_to")
	}
	for _, d := range DiffTask(want, got, CompareOptions{TimeSlack: slack, ExpirationSlack: slack}) {
		t.Error(d)
	}
	for _, k := range Celery53Headers {
		delete(gotTypes, k)
	}
	if w, g := FieldTypes(wantTypes), FieldTypes(gotTypes); w != g {
		t.Errorf("AMQP header types\n got %s\nwant %s", g, w)
	}
}

// Channel opens a channel on a connection of its own to the test broker,
// closed when tb ends: for reading what was sent with amqp091-go alone.
func Channel(tb testing.TB) *amqp.Channel {
	tb.Helper()
	conn, err := amqp.Dial(brokertest.URL())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		tb.Fatal(err)
	}
	return ch
}
