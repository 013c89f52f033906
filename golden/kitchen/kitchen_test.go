package kitchen_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kombugen/kombugen/golden/kitchen"
	"github.com/kombugen/kombugen/internal/recording"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/memory"
)

// now is the memory broker's clock, so that Everything's 1.5s TTL never
// runs out while a test reads a queue.
var now = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// newBroker returns a recording broker on the test clock.
func newBroker() *recording.Broker {
	return recording.New(memory.WithClock(func() time.Time { return now }))
}

// declared returns a broker with the whole schema's topology declared.
func declared(t *testing.T) *recording.Broker {
	t.Helper()
	b := newBroker()
	if err := kitchen.Topology().Declare(context.Background(), b); err != nil {
		t.Fatalf("Topology.Declare: %v", err)
	}
	return b
}

func only(t *testing.T, b *recording.Broker, queue string) memory.Message {
	t.Helper()
	msgs := b.Messages(queue)
	if len(msgs) != 1 {
		t.Fatalf("queue %s holds %d messages, want 1", queue, len(msgs))
	}
	return msgs[0]
}

// nothingHappened fails unless the broker saw no publish and no declare.
func nothingHappened(t *testing.T, b *recording.Broker) {
	t.Helper()
	if n := len(b.Published()); n != 0 {
		t.Errorf("%d messages reached the broker, want none", n)
	}
	if d := b.Declarations(); len(d) != 0 {
		t.Errorf("declared %v, want nothing", d)
	}
}

func ptr[T any](v T) *T { return &v }

// validEverything sets what Everything requires and nothing else.
func validEverything() kitchen.Everything {
	return kitchen.Everything{
		ID:       "job-7",
		I64:      99,
		U64:      1 << 63,
		F64:      0.5,
		Status:   kitchen.StatusInProgress,
		Statuses: []kitchen.Status{kitchen.StatusDone},
		ByName:   map[string]kitchen.Point{"origin": {}},
	}
}

// fullEverything sets every field, each at a value its constraints allow.
func fullEverything() kitchen.Everything {
	return kitchen.Everything{
		ID:          "job-42",
		S:           ptr("éé"),
		B:           true,
		I:           ptr(10),
		I32:         ptr(int32(-5)),
		I64:         -99,
		U32:         ptr(uint32(4_000_000_000)),
		U64:         1<<64 - 1,
		F32:         ptr(float32(1.25)),
		F64:         2.75,
		Raw:         []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xff},
		When:        ptr(now),
		Anything:    "anything",
		Status:      kitchen.StatusDone,
		MaybeStatus: ptr(kitchen.StatusJpy),
		Statuses:    []kitchen.Status{kitchen.StatusInProgress, kitchen.StatusDone, kitchen.StatusJpy},
		Grid: [][]kitchen.Point{
			{{X: ptr(-1.5)}, {Y: ptr(float32(99))}},
			{{X: ptr(1.5), Label: ptr(kitchen.PointLabelOther)}},
		},
		ByName: map[string]kitchen.Point{"k": {Label: ptr(kitchen.PointLabelOrigin)}, "é": {X: ptr(0.0)}},
		Deep:   map[string][]map[string]kitchen.Status{"a": {{"b": kitchen.StatusDone}, {}}},
		Root: &kitchen.Node{
			Name:     strings.Repeat("日", 20),
			Children: []kitchen.Node{{Name: "a"}, {Name: "b", Children: []kitchen.Node{{Name: "c"}}}},
			Parent:   &kitchen.Node{Name: "p"},
		},
		Tags: []string{"x", "y", "z"},
	}
}

// TestEverythingRoutingKey shows the key is built from an enum, a uint32
// and a string parameter, in the order of the key.
func TestEverythingRoutingKey(t *testing.T) {
	for _, tc := range []struct {
		status kitchen.Status
		shard  uint32
		tenant string
		want   string
	}{
		{kitchen.StatusInProgress, 7, "acme", "job.in-progress.7.acme"},
		{kitchen.StatusDone, 0, "a", "job.done.0.a"},
		{kitchen.StatusJpy, 4294967295, "acme-eu_1 ✓", "job.jpy.4294967295.acme-eu_1 ✓"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			b := newBroker()
			p := kitchen.NewJobsProducer(b)
			if err := p.PublishEverything(context.Background(), tc.status, tc.shard, tc.tenant, validEverything()); err != nil {
				t.Fatalf("PublishEverything: %v", err)
			}
			if m := only(t, b, "inbox"); m.Exchange != "events" || m.RoutingKey != tc.want {
				t.Errorf("published to %q with key %q, want events %q", m.Exchange, m.RoutingKey, tc.want)
			}
		})
	}
}

// TestEverythingRoutingKeyRejected shows parameters that would make
// another key, or none, are refused before anything reaches the broker,
// each as a *runtime.FieldError naming the parameter.
func TestEverythingRoutingKeyRejected(t *testing.T) {
	const prefix = "publish Everything: invalid message: routing key parameter "
	for _, tc := range []struct {
		name   string
		status kitchen.Status
		tenant string
		want   string // the error; "" for any ErrInvalidMessage
	}{
		{"empty tenant", kitchen.StatusDone, "", prefix + "tenant: is empty"},
		{"dot", kitchen.StatusDone, "a.b", prefix + `tenant: "a.b" holds '.', '*' or '#', which a topic key cannot take in one word`},
		{"star", kitchen.StatusDone, "*", prefix + `tenant: "*" holds '.', '*' or '#', which a topic key cannot take in one word`},
		{"hash", kitchen.StatusDone, "acme#", prefix + `tenant: "acme#" holds '.', '*' or '#', which a topic key cannot take in one word`},
		{"trailing dot", kitchen.StatusDone, "acme.", prefix + `tenant: "acme." holds '.', '*' or '#', which a topic key cannot take in one word`},
		{"unknown status", "nope", "acme", prefix + `status: "nope" is not one of in-progress, done, jpy`},
		{"empty status", "", "acme", prefix + `status: "" is not one of in-progress, done, jpy`},
		{"key over 255 bytes", kitchen.StatusDone, strings.Repeat("t", 250), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBroker()
			err := kitchen.NewJobsProducer(b).PublishEverything(context.Background(), tc.status, 1, tc.tenant, validEverything())
			if !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Fatalf("PublishEverything = %v, want ErrInvalidMessage", err)
			}
			if tc.want != "" && err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
			var fe *runtime.FieldError
			if tc.want != "" && (!errors.As(err, &fe) || !strings.HasPrefix(fe.Path, "routing key parameter ")) {
				t.Errorf("error %v is not a *runtime.FieldError for the parameter", err)
			}
			nothingHappened(t, b)
		})
	}
}

// TestReportRoutingKey shows an int64 parameter, negative too.
func TestReportRoutingKey(t *testing.T) {
	for _, tc := range []struct {
		version int64
		want    string
	}{{3, "report.v3"}, {0, "report.v0"}, {-12, "report.v-12"}} {
		b := newBroker()
		p := kitchen.NewJobsProducer(b)
		if err := p.PublishReport(context.Background(), tc.version, kitchen.Report{ID: "r-1", Lines: []string{"l"}}); err != nil {
			t.Fatalf("PublishReport(%d): %v", tc.version, err)
		}
		if m := only(t, b, "inbox"); m.RoutingKey != tc.want {
			t.Errorf("PublishReport(%d): key %q, want %q", tc.version, m.RoutingKey, tc.want)
		}
	}
}

// TestEverythingValidation breaks one constraint at a time, nested ones
// too: Validate names the path, and publishing sends nothing.
func TestEverythingValidation(t *testing.T) {
	const statuses = "is not one of in-progress, done, jpy"
	for _, tc := range []struct {
		name    string
		edit    func(*kitchen.Everything)
		path    string
		problem string
	}{
		{"missing id", func(m *kitchen.Everything) { m.ID = "" }, "id", "is required"},
		{"id against pattern", func(m *kitchen.Everything) { m.ID = "Job-7" },
			"id", `"Job-7" does not match ^[a-z]+-[0-9]+$`},
		{"id with trailing newline", func(m *kitchen.Everything) { m.ID = "job-7\n" },
			"id", `"job-7\n" does not match ^[a-z]+-[0-9]+$`},
		{"s of one two-byte character", func(m *kitchen.Everything) { m.S = ptr("é") },
			"s", "has 1 characters, fewer than the minimum of 2"},
		{"i under minimum", func(m *kitchen.Everything) { m.I = ptr(-1) },
			"i", "-1 is less than the minimum of 0"},
		{"i over maximum", func(m *kitchen.Everything) { m.I = ptr(11) },
			"i", "11 is more than the maximum of 10"},
		{"i64 over maximum", func(m *kitchen.Everything) { m.I64 = 100 },
			"i64", "100 is more than the maximum of 99"},
		{"f64 under minimum", func(m *kitchen.Everything) { m.F64 = 0.49 },
			"f64", "0.49 is less than the minimum of 0.5"},
		{"f64 zero", func(m *kitchen.Everything) { m.F64 = 0 },
			"f64", "0 is less than the minimum of 0.5"},
		{"raw of 17 bytes", func(m *kitchen.Everything) { m.Raw = make([]byte, 17) },
			"raw", "has 17 bytes, more than the maximum of 16"},
		{"status empty", func(m *kitchen.Everything) { m.Status = "" },
			"status", `"" ` + statuses},
		{"maybe_status unknown", func(m *kitchen.Everything) { m.MaybeStatus = ptr(kitchen.Status("nope")) },
			"maybe_status", `"nope" ` + statuses},
		{"statuses element", func(m *kitchen.Everything) {
			m.Statuses = []kitchen.Status{kitchen.StatusDone, "bad"}
		}, "statuses[1]", `"bad" ` + statuses},
		{"grid point", func(m *kitchen.Everything) {
			m.Grid = [][]kitchen.Point{{{}}, {{X: ptr(2.0)}}}
		}, "grid[1][0].x", "2 is more than the maximum of 1.5"},
		{"grid point under minimum", func(m *kitchen.Everything) {
			m.Grid = [][]kitchen.Point{{{}, {}, {X: ptr(-1.6)}}}
		}, "grid[0][2].x", "-1.6 is less than the minimum of -1.5"},
		{"by_name missing", func(m *kitchen.Everything) { m.ByName = nil }, "by_name", "is required"},
		{"by_name empty", func(m *kitchen.Everything) { m.ByName = map[string]kitchen.Point{} }, "by_name", "is required"},
		{"by_name label", func(m *kitchen.Everything) {
			m.ByName = map[string]kitchen.Point{"k": {Label: ptr(kitchen.PointLabel("nope"))}}
		}, `by_name["k"].label`, `"nope" is not one of origin, other`},
		{"by_name key quoted", func(m *kitchen.Everything) {
			m.ByName = map[string]kitchen.Point{`a"b`: {X: ptr(9.0)}}
		}, `by_name["a\"b"].x`, "9 is more than the maximum of 1.5"},
		{"tags of one item, under its minimum of 2", func(m *kitchen.Everything) { m.Tags = []string{"a"} },
			"tags", "has 1 items, fewer than the minimum of 2"},
		{"deep", func(m *kitchen.Everything) {
			m.Deep = map[string][]map[string]kitchen.Status{"a": {{"b": "bad"}}}
		}, `deep["a"][0]["b"]`, `"bad" ` + statuses},
		{"deep second element", func(m *kitchen.Everything) {
			m.Deep = map[string][]map[string]kitchen.Status{"a": {{"ok": kitchen.StatusDone}, {"b": "bad"}}}
		}, `deep["a"][1]["b"]`, `"bad" ` + statuses},
		{"root child name", func(m *kitchen.Everything) {
			m.Root = &kitchen.Node{Name: "r", Children: []kitchen.Node{{Name: "a"}, {Name: "b"}, {Name: ""}}}
		}, "root.children[2].name", "is required"},
		{"root name of 21 characters", func(m *kitchen.Everything) {
			m.Root = &kitchen.Node{Name: strings.Repeat("日", 21)}
		}, "root.name", "has 21 characters, more than the maximum of 20"},
		{"root name empty", func(m *kitchen.Everything) { m.Root = &kitchen.Node{} }, "root.name", "is required"},
		{"grandchild of parent", func(m *kitchen.Everything) {
			m.Root = &kitchen.Node{Name: "r", Parent: &kitchen.Node{Name: "p",
				Children: []kitchen.Node{{Name: "c", Children: []kitchen.Node{{Name: strings.Repeat("x", 21)}}}}}}
		}, "root.parent.children[0].children[0].name", "has 21 characters, more than the maximum of 20"},
		{"tags over max items", func(m *kitchen.Everything) { m.Tags = []string{"a", "b", "c", "d"} },
			"tags", "has 4 items, more than the maximum of 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := validEverything()
			tc.edit(&msg)
			var fe *runtime.FieldError
			verr := msg.Validate()
			if !errors.As(verr, &fe) || fe.Path != tc.path || fe.Problem != tc.problem {
				t.Errorf("Validate() = %#v\nwant path %q problem %q", verr, tc.path, tc.problem)
			}
			if want := "invalid message: " + tc.path + ": " + tc.problem; verr == nil || verr.Error() != want {
				t.Errorf("Validate() = %v\nwant %s", verr, want)
			}

			b := newBroker()
			err := kitchen.NewJobsProducer(b).PublishEverything(context.Background(), kitchen.StatusDone, 1, "acme", msg)
			if !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Fatalf("PublishEverything = %v, want ErrInvalidMessage", err)
			}
			want := `publish to exchange "events" routing key "job.done.1.acme": invalid message: ` + tc.path + ": " + tc.problem
			if err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
			nothingHappened(t, b)
		})
	}

	// Values at the limits pass; lengths count characters, not bytes.
	for _, tc := range []struct {
		name string
		edit func(*kitchen.Everything)
	}{
		{"every field", func(m *kitchen.Everything) { *m = fullEverything() }},
		{"s of two two-byte characters", func(m *kitchen.Everything) { m.S = ptr("éé") }},
		{"root name of 20 three-byte characters", func(m *kitchen.Everything) {
			m.Root = &kitchen.Node{Name: strings.Repeat("日", 20)}
		}},
		{"root name of 20 four-byte characters", func(m *kitchen.Everything) {
			m.Root = &kitchen.Node{Name: strings.Repeat("🍲", 20)}
		}},
		{"i at its minimum", func(m *kitchen.Everything) { m.I = ptr(0) }},
		{"i at its maximum", func(m *kitchen.Everything) { m.I = ptr(10) }},
		{"raw of 16 bytes", func(m *kitchen.Everything) { m.Raw = make([]byte, 16) }},
		{"grid point on the limits", func(m *kitchen.Everything) {
			m.Grid = [][]kitchen.Point{{{X: ptr(-1.5)}, {X: ptr(1.5)}}}
		}},
		{"i64 far under", func(m *kitchen.Everything) { m.I64 = -1 << 63 }},
		{"optional unset", func(m *kitchen.Everything) { m.S, m.I, m.MaybeStatus, m.Root = nil, nil, nil, nil }},
	} {
		t.Run("valid/"+tc.name, func(t *testing.T) {
			msg := validEverything()
			tc.edit(&msg)
			if err := msg.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
			b := newBroker()
			if err := kitchen.NewJobsProducer(b).PublishEverything(context.Background(), kitchen.StatusDone, 1, "acme", msg); err != nil {
				t.Fatalf("PublishEverything = %v", err)
			}
		})
	}
}

// TestNodeValidate checks a reusable type's Validate on its own.
func TestNodeValidate(t *testing.T) {
	for _, tc := range []struct {
		node kitchen.Node
		want string
	}{
		{kitchen.Node{Name: "n"}, ""},
		{kitchen.Node{Name: strings.Repeat("é", 20)}, ""},
		{kitchen.Node{}, "invalid message: name: is required"},
		{kitchen.Node{Name: "n", Children: []kitchen.Node{{Name: "a"}, {}}}, "invalid message: children[1].name: is required"},
		{kitchen.Node{Name: "n", Parent: &kitchen.Node{Name: strings.Repeat("é", 21)}},
			"invalid message: parent.name: has 21 characters, more than the maximum of 20"},
	} {
		err := tc.node.Validate()
		got := ""
		if err != nil {
			got = err.Error()
			if !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Errorf("%+v: %v does not match ErrInvalidMessage", tc.node, err)
			}
		}
		if got != tc.want {
			t.Errorf("%+v: Validate() = %q, want %q", tc.node, got, tc.want)
		}
	}
}

// TestPublishEverything sends every field as msgpack compressed with zstd
// and reads it back, checking the policy the schema gives the message.
func TestPublishEverything(t *testing.T) {
	b := newBroker()
	p := kitchen.NewJobsProducer(b)
	want := fullEverything()
	if err := p.PublishEverything(context.Background(), kitchen.StatusInProgress, 7, "acme", want); err != nil {
		t.Fatalf("PublishEverything: %v", err)
	}
	m := only(t, b, "inbox")
	wantProps := runtime.Properties{
		ContentType:     "application/x-msgpack",
		ContentEncoding: "binary",
		Headers:         runtime.Table{"compression": "application/zstd"},
		DeliveryMode:    runtime.Transient,
		Priority:        3,
		Expiration:      "1500",
	}
	if diff := cmp.Diff(wantProps, m.Properties); diff != "" {
		t.Errorf("properties (-want +got):\n%s", diff)
	}
	if !bytes.HasPrefix(m.Body, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		t.Errorf("body starts % x, want a zstd frame (28 b5 2f fd)", m.Body[:min(4, len(m.Body))])
	}
	var got kitchen.Everything
	if err := m.Decode(&got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}

	var generic map[string]any
	if err := m.Decode(&generic); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	var keys []string
	for k := range generic {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	wantKeys := []string{"anything", "b", "by_name", "deep", "f32", "f64", "grid", "i", "i32", "i64", "id",
		"maybe_status", "raw", "root", "s", "status", "statuses", "tags", "u32", "u64", "when"}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("msgpack keys (-want +got):\n%s", diff)
	}

	// Required fields go out at their zero values; unset optional ones not at all.
	b2 := newBroker()
	if err := kitchen.NewJobsProducer(b2).PublishEverything(context.Background(), kitchen.StatusDone, 1, "acme", validEverything()); err != nil {
		t.Fatal(err)
	}
	generic = nil
	if err := only(t, b2, "inbox").Decode(&generic); err != nil {
		t.Fatal(err)
	}
	keys = keys[:0]
	for k := range generic {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	wantKeys = []string{"b", "by_name", "f64", "i64", "id", "status", "statuses", "u64"}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("msgpack keys of the required fields alone (-want +got):\n%s", diff)
	}
	if generic["b"] != false {
		t.Errorf("b = %#v, want false", generic["b"])
	}

	sent := b.Published()
	if len(sent) != 1 {
		t.Fatalf("%d publishes reached the broker, want 1", len(sent))
	}
	if !sent[0].Mandatory || !sent[0].Confirm || sent[0].MessageName != "Everything" {
		t.Errorf("mandatory %v confirm %v name %q; want true true Everything",
			sent[0].Mandatory, sent[0].Confirm, sent[0].MessageName)
	}
}

// TestEverythingMandatory publishes where no queue is bound: the confirmed
// publish fails with ErrUnroutable, once, and the producer's on-return
// callback gets the message.
func TestEverythingMandatory(t *testing.T) {
	ctx := context.Background()
	b := newBroker()
	var (
		mu      sync.Mutex
		returns []runtime.Return
	)
	p := kitchen.NewJobsProducer(b, runtime.WithAutoDeclare(false), runtime.WithOnReturn(func(r runtime.Return) {
		mu.Lock()
		defer mu.Unlock()
		returns = append(returns, r)
	}))
	if err := b.Declare(ctx, kitchen.EventsExchange()); err != nil {
		t.Fatal(err)
	}
	returned := func() []runtime.Return {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(returns)
	}

	msg := fullEverything()
	start := time.Now()
	err := p.PublishEverything(ctx, kitchen.StatusDone, 3, "acme", msg)
	if !errors.Is(err, runtime.ErrUnroutable) {
		t.Fatalf("PublishEverything = %v, want ErrUnroutable", err)
	}
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("took %s: an unroutable message was retried (interval_start is 1s)", d)
	}
	var re *runtime.ReturnError
	if !errors.As(err, &re) || re.Return.ReplyCode != 312 || re.Return.Exchange != "events" ||
		re.Return.RoutingKey != "job.done.3.acme" {
		t.Errorf("error %v: want a ReturnError 312 from events job.done.3.acme", err)
	}
	rs := returned()
	if len(rs) != 1 {
		t.Fatalf("on-return called %d times, want 1", len(rs))
	}
	if r := rs[0]; r.ReplyCode != 312 || r.ReplyText != "NO_ROUTE" || r.Exchange != "events" || r.RoutingKey != "job.done.3.acme" {
		t.Errorf("return %d %s %s %s", r.ReplyCode, r.ReplyText, r.Exchange, r.RoutingKey)
	}
	var back kitchen.Everything
	if err := consume.Decode(rs[0].Properties, rs[0].Body, &back); err != nil {
		t.Fatalf("decode the returned message: %v", err)
	}
	if diff := cmp.Diff(msg, back); diff != "" {
		t.Errorf("returned message (-want +got):\n%s", diff)
	}

	// Without confirms the publish succeeds, and the callback is called.
	if err := p.PublishEverything(ctx, kitchen.StatusDone, 3, "acme", msg, runtime.WithConfirm(false)); err != nil {
		t.Errorf("unconfirmed PublishEverything = %v, want nil", err)
	}
	if n := len(returned()); n != 2 {
		t.Errorf("on-return called %d times in all, want 2", n)
	}
	// Not mandatory: dropped silently.
	if err := p.PublishEverything(ctx, kitchen.StatusDone, 3, "acme", msg, runtime.WithMandatory(false)); err != nil {
		t.Errorf("non-mandatory PublishEverything = %v, want nil", err)
	}
	if n := len(returned()); n != 2 {
		t.Errorf("on-return called %d times in all, want 2 (a non-mandatory message is not returned)", n)
	}
	if d := b.Declarations(); len(d) != 1 {
		t.Errorf("declared %v; with auto-declare off only the test declares", d)
	}
}

// TestPing shows a text message: text/plain in UTF-8, the string's bytes.
func TestPing(t *testing.T) {
	ctx := context.Background()
	b := declared(t)
	tapQueue := &runtime.Queue{Name: "ping-tap", Bindings: []runtime.Binding{{Exchange: "direct.x", RoutingKey: "ping"}}}
	if err := b.Declare(ctx, tapQueue); err != nil {
		t.Fatal(err)
	}
	const text = "héllo ✓\n"
	if err := kitchen.NewMiscProducer(b).PublishPing(ctx, text); err != nil {
		t.Fatalf("PublishPing: %v", err)
	}
	m := only(t, b, "ping-tap")
	wantProps := runtime.Properties{
		ContentType:     "text/plain",
		ContentEncoding: "utf-8",
		Headers:         runtime.Table{},
		DeliveryMode:    runtime.Persistent,
	}
	if diff := cmp.Diff(wantProps, m.Properties); diff != "" {
		t.Errorf("properties (-want +got):\n%s", diff)
	}
	if m.Exchange != "direct.x" || m.RoutingKey != "ping" || string(m.Body) != text {
		t.Errorf("exchange %q key %q body %q, want direct.x ping %q", m.Exchange, m.RoutingKey, m.Body, text)
	}
	var got kitchen.Ping
	if err := m.Decode(&got); err != nil || got != text {
		t.Errorf("Decode = %q, %v", got, err)
	}
}

// TestPingInvalidUTF8 publishes a Ping that is not UTF-8. The message
// says content_encoding utf-8, which kombu's consumer cannot decode
// (kombu.exceptions.DecodeError), so it must not reach the wire.
func TestPingInvalidUTF8(t *testing.T) {
	b := declared(t)
	err := kitchen.NewMiscProducer(b).PublishPing(context.Background(), "\xff\xfe")
	if !errors.Is(err, runtime.ErrInvalidMessage) {
		t.Errorf("PublishPing(invalid UTF-8) = %v, want ErrInvalidMessage", err)
	}
	if n := len(b.Published()); n != 0 {
		t.Errorf("%d messages reached the broker", n)
	}
}

// TestBlob shows a raw message compressed with brotli, with its constant
// headers, a nested table among them, routed by a headers exchange.
func TestBlob(t *testing.T) {
	b := declared(t)
	blob := bytes.Repeat([]byte{0x00, 0xff, 'b', 'l', 'o', 'b'}, 50)
	if err := kitchen.NewMiscProducer(b).PublishBlob(context.Background(), blob); err != nil {
		t.Fatalf("PublishBlob: %v", err)
	}
	// inbox binds by-headers with x-match any, kind a.
	m := only(t, b, "inbox")
	wantProps := runtime.Properties{
		ContentType:     "application/data",
		ContentEncoding: "binary",
		Headers: runtime.Table{
			"compression": "application/x-brotli",
			"kind":        "a",
			"nested":      runtime.Table{"k": "v"},
		},
		DeliveryMode: runtime.Persistent,
	}
	if diff := cmp.Diff(wantProps, m.Properties); diff != "" {
		t.Errorf("properties (-want +got):\n%s", diff)
	}
	if m.Exchange != "by-headers" || m.RoutingKey != "" {
		t.Errorf("exchange %q key %q, want by-headers and the empty key", m.Exchange, m.RoutingKey)
	}
	if bytes.Equal(m.Body, blob) {
		t.Error("body sent uncompressed")
	}
	plain, err := consume.Decompress(m.Properties, m.Body)
	if err != nil || !bytes.Equal(plain, blob) {
		t.Errorf("Decompress = % x, %v; want the blob", plain[:min(len(plain), 8)], err)
	}
	var got kitchen.Blob
	if err := m.Decode(&got); err != nil || !bytes.Equal(got, blob) {
		t.Errorf("Decode = %d bytes, %v; want the blob", len(got), err)
	}
}

// TestReport shows yaml compressed with bzip2, through either producer.
func TestReport(t *testing.T) {
	b := declared(t)
	want := kitchen.Report{ID: "report-1", Lines: []string{"yes", "12:30", "=", "~", "plain"}}
	if err := kitchen.NewMiscProducer(b).PublishReport(context.Background(), 2, want); err != nil {
		t.Fatalf("PublishReport: %v", err)
	}
	m := only(t, b, "inbox")
	if m.ContentType != "application/x-yaml" || m.ContentEncoding != "utf-8" || m.Headers["compression"] != "application/x-bz2" {
		t.Errorf("content type %q encoding %q headers %v", m.ContentType, m.ContentEncoding, m.Headers)
	}
	if !bytes.HasPrefix(m.Body, []byte("BZh")) {
		t.Errorf("body starts %q, want a bzip2 stream", m.Body[:min(3, len(m.Body))])
	}
	var got kitchen.Report
	if err := m.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	if err := kitchen.NewMiscProducer(b).PublishReport(context.Background(), 2, kitchen.Report{ID: "report-1"}); !errors.Is(err, runtime.ErrInvalidMessage) ||
		!strings.HasSuffix(err.Error(), "invalid message: lines: is required") {
		t.Errorf("Report without lines: %v", err)
	}
}

// TestMiscDeclares shows what the Misc producer declares: never amq.direct
// (the broker's own), the cacheable exchanges once, and the auto-delete
// exchange and the exclusive, auto-delete temp queue before every publish.
func TestMiscDeclares(t *testing.T) {
	ctx := context.Background()
	b := newBroker()
	p := kitchen.NewMiscProducer(b)
	const n = 4
	for i := range n {
		if err := p.PublishPing(ctx, "ping"); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	want := map[string]int{"E|direct.x": 1, "E|events": 1, "E|by-headers": n, "Q|temp": n}
	if diff := cmp.Diff(want, b.Declarations()); diff != "" {
		t.Errorf("declarations (-want +got):\n%s", diff)
	}
	if got := b.DeclareCount("E|amq.direct"); got != 0 {
		t.Errorf("amq.direct declared %d times", got)
	}
	queues := b.Queues()
	if len(queues) != 1 || queues[0].Name != "temp" || !queues[0].Exclusive || !queues[0].AutoDelete {
		t.Errorf("queues = %+v, want temp, exclusive and auto-delete", queues)
	}

	// The exclusive queue goes with the connection; the next publish
	// declares it again, and the cacheable exchanges too.
	b.Disconnect()
	if qs := b.Queues(); len(qs) != 0 {
		t.Errorf("queues after Disconnect = %+v", qs)
	}
	if err := p.PublishPing(ctx, "ping"); err != nil {
		t.Fatal(err)
	}
	want = map[string]int{"E|direct.x": 2, "E|events": 2, "E|by-headers": n + 1, "Q|temp": n + 1}
	if diff := cmp.Diff(want, b.Declarations()); diff != "" {
		t.Errorf("declarations after Disconnect (-want +got):\n%s", diff)
	}

	// The Jobs producer caches its own; by-headers is auto-delete.
	b2 := newBroker()
	jobs := kitchen.NewJobsProducer(b2)
	for range n {
		if err := jobs.PublishReport(ctx, 1, kitchen.Report{ID: "r-1", Lines: []string{"l"}}); err != nil {
			t.Fatal(err)
		}
	}
	want = map[string]int{"E|events": 1, "E|by-headers": n, "Q|inbox": 1}
	if diff := cmp.Diff(want, b2.Declarations()); diff != "" {
		t.Errorf("Jobs declarations (-want +got):\n%s", diff)
	}
}

// TestEnums checks the constant names SPEC derives from enum values.
func TestEnums(t *testing.T) {
	for _, tc := range []struct {
		got  kitchen.Status
		want string
	}{
		{kitchen.StatusInProgress, "in-progress"},
		{kitchen.StatusDone, "done"},
		{kitchen.StatusJpy, "jpy"},
	} {
		if string(tc.got) != tc.want || !tc.got.Valid() {
			t.Errorf("constant %q (valid %v), want %q", tc.got, tc.got.Valid(), tc.want)
		}
	}
	for _, s := range []kitchen.Status{"", "in_progress", "Done", "JPY"} {
		if s.Valid() {
			t.Errorf("Status(%q).Valid() = true", s)
		}
	}
}

// TestTopology declares the schema's topology on memory and reads it back.
func TestTopology(t *testing.T) {
	b := declared(t)
	var exchanges []runtime.Exchange
	for _, x := range b.Exchanges() {
		if !x.Predeclared() {
			exchanges = append(exchanges, x)
		}
	}
	wantExchanges := []runtime.Exchange{
		{Name: "by-headers", Type: "headers", AutoDelete: true},
		// The broker holds arguments as RabbitMQ receives them: the
		// schema's 1 travels as a 32-bit integer.
		{Name: "direct.x", Type: "direct", Durable: true, Arguments: runtime.Table{"x-custom": []any{int32(1), "two", true}}},
		{Name: "events", Type: "topic", Durable: true},
	}
	if diff := cmp.Diff(wantExchanges, exchanges); diff != "" {
		t.Errorf("exchanges (-want +got):\n%s", diff)
	}
	wantBindings := []memory.Binding{
		{Exchange: "by-headers", Queue: "inbox", RoutingKey: "", Arguments: runtime.Table{"x-match": "any", "kind": "a"}},
		{Exchange: "events", Queue: "inbox", RoutingKey: "#"},
	}
	if diff := cmp.Diff(wantBindings, b.Bindings()); diff != "" {
		t.Errorf("bindings (-want +got):\n%s", diff)
	}
	var queues []string
	for _, q := range b.Queues() {
		queues = append(queues, q.Name)
	}
	if diff := cmp.Diff([]string{"inbox", "temp"}, queues); diff != "" {
		t.Errorf("queues (-want +got):\n%s", diff)
	}
}

// TestOptionalListsMayBeEmpty shows that an optional list left empty is
// absent, not too short: min_length applies to lists that have content.
func TestOptionalListsMayBeEmpty(t *testing.T) {
	m := validEverything()
	m.Statuses, m.Tags = nil, []string{}
	if err := m.Validate(); err != nil {
		t.Errorf("empty optional lists: %v", err)
	}
}
