package orders_test

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

	"github.com/kombugen/kombugen/golden/orders"
	"github.com/kombugen/kombugen/internal/amqptable"
	"github.com/kombugen/kombugen/internal/recording"
	"github.com/kombugen/kombugen/internal/testmodel"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// The queue the schema binds to OrderCreated's keys.
const billing = "billing.order-events"

// now is the memory broker's clock in every test, so that no TTL runs out
// while a test reads a queue.
var now = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// newBroker returns a recording broker on the test clock.
func newBroker() *recording.Broker {
	return recording.New(memory.WithClock(func() time.Time { return now }))
}

// only returns the one message queue holds.
func only(t *testing.T, b *recording.Broker, queue string) memory.Message {
	t.Helper()
	msgs := b.Messages(queue)
	if len(msgs) != 1 {
		t.Fatalf("queue %s holds %d messages, want 1", queue, len(msgs))
	}
	return msgs[0]
}

// tap declares a queue bound to exchange with key, so that tests can read
// what goes to exchanges the schema binds no queue to for that key. The
// exchange must exist.
func tap(t *testing.T, b *recording.Broker, name, exchange, key string) {
	t.Helper()
	q := &runtime.Queue{Name: name, Bindings: []runtime.Binding{{Exchange: exchange, RoutingKey: key}}}
	if err := b.Declare(context.Background(), q); err != nil {
		t.Fatalf("declare tap queue %s: %v", name, err)
	}
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
	if q := b.Queues(); len(q) != 0 {
		t.Errorf("queues %v exist, want none", q)
	}
}

func ptr[T any](v T) *T { return &v }

// minimalOrder sets only the required fields, amount at its zero value.
func minimalOrder() orders.OrderCreated {
	return orders.OrderCreated{
		OrderID:  "A-1001",
		Total:    orders.Money{Amount: 0, Currency: orders.CurrencyEUR},
		PlacedAt: now,
	}
}

// fullOrder sets every field.
func fullOrder() orders.OrderCreated {
	return orders.OrderCreated{
		OrderID: "A-1002",
		Total:   orders.Money{Amount: 4250, Currency: orders.CurrencyGBP},
		Items: []orders.LineItem{
			{SKU: "sku-1", Quantity: ptr(int32(2))},
			{SKU: "sku-2"},
		},
		Tags:     map[string]string{"channel": "web", "promo": "spring <&>"},
		PlacedAt: now.Add(-time.Hour),
		Note:     ptr("leave at the door, s'il vous plaît"),
	}
}

// headersEqual compares header tables with integers of any width equal,
// as AMQP consumers read them.
var headersEqual = cmp.FilterValues(func(a, b any) bool {
	_, okA := amqptable.Integer(a)
	_, okB := amqptable.Integer(b)
	return okA && okB
}, cmp.Comparer(func(a, b any) bool {
	x, _ := amqptable.Integer(a)
	y, _ := amqptable.Integer(b)
	return x == y
}))

// TestPublishOrderCreated publishes OrderCreated and reads it from the
// queue the producer declared, checking every property the schema's audit
// policy and headers call for, and the body decoded back.
func TestPublishOrderCreated(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		region orders.Region
		msg    orders.OrderCreated
		key    string
	}{
		{"EU full", orders.RegionEU, fullOrder(), "order.EU.created"},
		{"US minimal", orders.RegionUS, minimalOrder(), "order.US.created"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBroker()
			p := orders.NewOrdersProducer(b)
			if d := b.Declarations(); len(d) != 0 {
				t.Fatalf("NewOrdersProducer declared %v; declaring waits for the first publish", d)
			}
			if err := p.PublishOrderCreated(ctx, tc.region, tc.msg); err != nil {
				t.Fatalf("PublishOrderCreated: %v", err)
			}

			wantDecl := map[string]int{"E|orders": 1, "E|audit": 1, "Q|" + billing: 1}
			if diff := cmp.Diff(wantDecl, b.Declarations()); diff != "" {
				t.Errorf("declarations (-want +got):\n%s", diff)
			}
			wantBinding := memory.Binding{Exchange: "orders", Queue: billing, RoutingKey: "order.*.created"}
			if !slices.ContainsFunc(b.Bindings(), func(bd memory.Binding) bool { return cmp.Equal(bd, wantBinding) }) {
				t.Errorf("bindings %v lack %v", b.Bindings(), wantBinding)
			}

			m := only(t, b, billing)
			if m.Exchange != "orders" || m.RoutingKey != tc.key {
				t.Errorf("published to exchange %q key %q, want orders %q", m.Exchange, m.RoutingKey, tc.key)
			}
			wantProps := runtime.Properties{
				ContentType:     "application/json",
				ContentEncoding: "utf-8",
				Headers:         runtime.Table{"compression": "application/x-gzip", "x-event-version": 2},
				DeliveryMode:    runtime.Persistent,
				Priority:        0,
				Expiration:      "86400000",
			}
			if diff := cmp.Diff(wantProps, m.Properties, headersEqual); diff != "" {
				t.Errorf("properties (-want +got):\n%s", diff)
			}
			if !bytes.HasPrefix(m.Body, []byte{0x78, 0x9c}) {
				t.Errorf("body starts % x, want a zlib stream (78 9c)", m.Body[:min(len(m.Body), 4)])
			}
			var got orders.OrderCreated
			if err := m.Decode(&got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tc.msg, got); diff != "" {
				t.Errorf("decoded body (-want +got):\n%s", diff)
			}

			sent := b.Published()
			if len(sent) != 1 {
				t.Fatalf("%d publishes reached the broker, want 1", len(sent))
			}
			if s := sent[0]; !s.Confirm || s.Mandatory || s.MessageName != "OrderCreated" {
				t.Errorf("confirm %v mandatory %v name %q, want true false OrderCreated", s.Confirm, s.Mandatory, s.MessageName)
			}
		})
	}
}

// TestOrderCreatedWireNames decodes the JSON body generically: keys are the
// schema's field names, optional fields are left out when unset and
// required ones are always there, zero or not.
func TestOrderCreatedWireNames(t *testing.T) {
	for _, tc := range []struct {
		name      string
		msg       orders.OrderCreated
		keys      []string
		itemsKeys [][]string
	}{
		{
			name: "required only",
			msg:  minimalOrder(),
			keys: []string{"order_id", "placed_at", "total"},
		},
		{
			name:      "every field",
			msg:       fullOrder(),
			keys:      []string{"items", "note", "order_id", "placed_at", "tags", "total"},
			itemsKeys: [][]string{{"quantity", "sku"}, {"sku"}},
		},
		{
			name: "empty slice and map",
			msg: func() orders.OrderCreated {
				m := minimalOrder()
				m.Items, m.Tags = []orders.LineItem{}, map[string]string{}
				return m
			}(),
			keys: []string{"order_id", "placed_at", "total"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBroker()
			p := orders.NewOrdersProducer(b)
			if err := p.PublishOrderCreated(context.Background(), orders.RegionEU, tc.msg); err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			if err := only(t, b, billing).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.keys, sortedKeys(body)); diff != "" {
				t.Errorf("keys (-want +got):\n%s\nbody: %v", diff, body)
			}
			total, _ := body["total"].(map[string]any)
			if diff := cmp.Diff([]string{"amount", "currency"}, sortedKeys(total)); diff != "" {
				t.Errorf("total's keys (-want +got):\n%s", diff)
			}
			if got, want := total["amount"], float64(tc.msg.Total.Amount); got != want {
				t.Errorf("total.amount = %v, want %v", got, want)
			}
			if got, want := body["placed_at"], tc.msg.PlacedAt.Format(time.RFC3339Nano); got != want {
				t.Errorf("placed_at = %v, want %v", got, want)
			}
			items, _ := body["items"].([]any)
			if len(items) != len(tc.itemsKeys) {
				t.Fatalf("items = %v, want %d of them", body["items"], len(tc.itemsKeys))
			}
			for i, want := range tc.itemsKeys {
				item, _ := items[i].(map[string]any)
				if diff := cmp.Diff(want, sortedKeys(item)); diff != "" {
					t.Errorf("items[%d] keys (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestPublishAuditBlob shows a raw message goes to its own exchange with
// its bytes untouched.
func TestPublishAuditBlob(t *testing.T) {
	ctx := context.Background()
	b := newBroker()
	p := orders.NewOrdersProducer(b)
	if err := p.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	tap(t, b, "audit-tap", "audit", "")
	blob := []byte{0x00, 0xff, 0xfe, '{', '"', 'x', 0x80, 0x0a}
	if err := p.PublishAuditBlob(ctx, orders.AuditBlob(blob)); err != nil {
		t.Fatalf("PublishAuditBlob: %v", err)
	}
	m := only(t, b, "audit-tap")
	if m.Exchange != "audit" || m.RoutingKey != "audit" {
		t.Errorf("published to exchange %q key %q, want audit audit", m.Exchange, m.RoutingKey)
	}
	wantProps := runtime.Properties{
		ContentType:     "application/data",
		ContentEncoding: "binary",
		Headers:         runtime.Table{},
		DeliveryMode:    runtime.Persistent,
	}
	if diff := cmp.Diff(wantProps, m.Properties); diff != "" {
		t.Errorf("properties (-want +got):\n%s", diff)
	}
	if m.Headers == nil {
		t.Error("headers table is nil; kombu always sends one")
	}
	if !bytes.Equal(m.Body, blob) {
		t.Errorf("body = % x, want % x", m.Body, blob)
	}
	if n := b.Len(billing); n != 0 {
		t.Errorf("billing queue holds %d messages; AuditBlob goes to audit only", n)
	}
}

// TestPublishLegacyOrder shows a go_type message is validated with its own
// Validate method and published as JSON.
func TestPublishLegacyOrder(t *testing.T) {
	ctx := context.Background()

	t.Run("invalid", func(t *testing.T) {
		b := newBroker()
		p := orders.NewOrdersProducer(b)
		err := p.PublishLegacyOrder(ctx, testmodel.Order{Total: 12.5})
		if !errors.Is(err, runtime.ErrInvalidMessage) {
			t.Fatalf("PublishLegacyOrder = %v, want ErrInvalidMessage", err)
		}
		if !strings.Contains(err.Error(), "order id is required") {
			t.Errorf("error %q does not carry Order.Validate's", err)
		}
		nothingHappened(t, b)
	})

	t.Run("valid", func(t *testing.T) {
		b := newBroker()
		p := orders.NewOrdersProducer(b)
		if err := p.Declare(ctx); err != nil {
			t.Fatal(err)
		}
		tap(t, b, "legacy-tap", "orders", "legacy")
		want := testmodel.Order{ID: "L-7", Total: 12.5}
		if err := p.PublishLegacyOrder(ctx, want); err != nil {
			t.Fatalf("PublishLegacyOrder: %v", err)
		}
		m := only(t, b, "legacy-tap")
		if m.Exchange != "orders" || m.RoutingKey != "legacy" || m.ContentType != "application/json" {
			t.Errorf("exchange %q key %q content type %q, want orders legacy application/json",
				m.Exchange, m.RoutingKey, m.ContentType)
		}
		if _, ok := m.Headers["compression"]; ok || m.Expiration != "" {
			t.Errorf("headers %v expiration %q: LegacyOrder has no policy", m.Headers, m.Expiration)
		}
		var got testmodel.Order
		if err := m.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decoded (-want +got):\n%s", diff)
		}
	})
}

// TestDeclareOnce shows the producer declares its entities before its
// first publish only, again on Declare, and again after the connection was
// lost.
func TestDeclareOnce(t *testing.T) {
	ctx := context.Background()
	b := newBroker()
	p := orders.NewOrdersProducer(b)
	counts := func(t *testing.T, want int) {
		t.Helper()
		for _, key := range []string{"E|orders", "E|audit", "Q|" + billing} {
			if got := b.DeclareCount(key); got != want {
				t.Errorf("DeclareCount(%q) = %d, want %d", key, got, want)
			}
		}
	}
	publishAll := func(t *testing.T, n int) {
		t.Helper()
		for i := range n {
			if err := p.PublishOrderCreated(ctx, orders.RegionEU, minimalOrder()); err != nil {
				t.Fatalf("publish %d: %v", i, err)
			}
			if err := p.PublishAuditBlob(ctx, orders.AuditBlob("x")); err != nil {
				t.Fatalf("publish %d: %v", i, err)
			}
		}
	}

	counts(t, 0)
	publishAll(t, 10)
	counts(t, 1)

	if err := p.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	counts(t, 2)
	publishAll(t, 3)
	counts(t, 2)

	b.Disconnect()
	counts(t, 2)
	publishAll(t, 5)
	counts(t, 3)

	if n := b.Len(billing); n != 18 {
		t.Errorf("billing holds %d messages, want 18", n)
	}
	if d := b.Declarations(); len(d) != 3 {
		t.Errorf("declared %v; the producer declares exactly its three entities", d)
	}
}

// TestValidation publishes messages that break one constraint each: the
// error matches ErrInvalidMessage, names the field's path, and nothing
// reaches the broker, not even a declare.
func TestValidation(t *testing.T) {
	const prefix = `publish to exchange "orders" routing key "order.EU.created": invalid message: `
	for _, tc := range []struct {
		name    string
		edit    func(*orders.OrderCreated)
		path    string
		problem string
	}{
		{"missing order_id", func(m *orders.OrderCreated) { m.OrderID = "" },
			"order_id", "is required"},
		{"zero placed_at", func(m *orders.OrderCreated) { m.PlacedAt = time.Time{} },
			"placed_at", "is required"},
		{"invalid currency", func(m *orders.OrderCreated) { m.Total.Currency = "XXX" },
			"total.currency", `"XXX" is not one of EUR, USD, GBP`},
		{"missing currency", func(m *orders.OrderCreated) { m.Total.Currency = "" },
			"total.currency", `"" is not one of EUR, USD, GBP`},
		{"lower-case currency", func(m *orders.OrderCreated) { m.Total.Currency = "eur" },
			"total.currency", `"eur" is not one of EUR, USD, GBP`},
		{"empty sku at index 1", func(m *orders.OrderCreated) {
			m.Items = []orders.LineItem{{SKU: "a", Quantity: ptr(int32(1))}, {SKU: ""}}
		}, "items[1].sku", "is required"},
		{"quantity 0 at index 0", func(m *orders.OrderCreated) {
			m.Items = []orders.LineItem{{SKU: "a", Quantity: ptr(int32(0))}}
		}, "items[0].quantity", "0 is less than the minimum of 1"},
		{"negative quantity at index 2", func(m *orders.OrderCreated) {
			m.Items = []orders.LineItem{{SKU: "a"}, {SKU: "b"}, {SKU: "c", Quantity: ptr(int32(-3))}}
		}, "items[2].quantity", "-3 is less than the minimum of 1"},
		{"note of 501 characters", func(m *orders.OrderCreated) { m.Note = ptr(strings.Repeat("n", 501)) },
			"note", "has 501 characters, more than the maximum of 500"},
		{"note of 501 two-byte characters", func(m *orders.OrderCreated) { m.Note = ptr(strings.Repeat("é", 501)) },
			"note", "has 501 characters, more than the maximum of 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := fullOrder()
			tc.edit(&msg)

			var fe *runtime.FieldError
			verr := msg.Validate()
			if !errors.As(verr, &fe) || fe.Path != tc.path || fe.Problem != tc.problem {
				t.Errorf("Validate() = %#v, want path %q problem %q", verr, tc.path, tc.problem)
			}

			b := newBroker()
			err := orders.NewOrdersProducer(b).PublishOrderCreated(context.Background(), orders.RegionEU, msg)
			if !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Fatalf("PublishOrderCreated = %v, want ErrInvalidMessage", err)
			}
			if want := prefix + tc.path + ": " + tc.problem; err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
			nothingHappened(t, b)
		})
	}

	// At the limits every constraint holds.
	for _, tc := range []struct {
		name string
		edit func(*orders.OrderCreated)
	}{
		{"note of 500 two-byte characters", func(m *orders.OrderCreated) { m.Note = ptr(strings.Repeat("é", 500)) }},
		{"empty note", func(m *orders.OrderCreated) { m.Note = ptr("") }},
		{"quantity 1, sku only", func(m *orders.OrderCreated) {
			m.Items = []orders.LineItem{{SKU: "a", Quantity: ptr(int32(1))}, {SKU: "b"}}
		}},
		{"zero amount", func(m *orders.OrderCreated) { m.Total.Amount = 0 }},
		{"negative amount", func(m *orders.OrderCreated) { m.Total.Amount = -5 }},
	} {
		t.Run("valid/"+tc.name, func(t *testing.T) {
			msg := fullOrder()
			tc.edit(&msg)
			if err := msg.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
			b := newBroker()
			if err := orders.NewOrdersProducer(b).PublishOrderCreated(context.Background(), orders.RegionEU, msg); err != nil {
				t.Fatalf("PublishOrderCreated = %v", err)
			}
			if n := b.Len(billing); n != 1 {
				t.Errorf("billing holds %d messages, want 1", n)
			}
		})
	}
}

// TestInvalidRoutingParameter publishes with a Region that is not one of
// the enum's values: rejected before anything reaches the broker.
func TestInvalidRoutingParameter(t *testing.T) {
	for _, region := range []orders.Region{"XX", "", "eu", "EU.created", "*", "#"} {
		t.Run(string(region), func(t *testing.T) {
			b := newBroker()
			err := orders.NewOrdersProducer(b).PublishOrderCreated(context.Background(), region, fullOrder())
			if !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Fatalf("PublishOrderCreated = %v, want ErrInvalidMessage", err)
			}
			var fe *runtime.FieldError
			if !errors.As(err, &fe) || fe.Path != "routing key parameter region" {
				t.Errorf("error %v does not name the parameter region", err)
			}
			want := `publish OrderCreated: invalid message: routing key parameter region: "` + string(region) + `" is not one of EU, US`
			if err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
			nothingHappened(t, b)
		})
	}
}

// TestPublishOrderCreatedAsync publishes asynchronously: the confirmation
// is done with the outcome, the message is the one PublishOrderCreated
// sends, and an invalid routing parameter comes back at once, as a done
// confirmation, with nothing sent.
func TestPublishOrderCreatedAsync(t *testing.T) {
	ctx := context.Background()
	b := newBroker()
	p := orders.NewOrdersProducer(b)
	conf := p.PublishOrderCreatedAsync(ctx, orders.RegionEU, fullOrder())
	if err := conf.Wait(ctx); err != nil {
		t.Fatalf("PublishOrderCreatedAsync: %v", err)
	}
	if m := only(t, b, billing); m.RoutingKey != "order.EU.created" || m.Headers["x-event-version"] == nil {
		t.Errorf("published %+v", m)
	}

	b = newBroker()
	bad := orders.NewOrdersProducer(b).PublishOrderCreatedAsync(ctx, "XX", fullOrder())
	select {
	case <-bad.Done():
	default:
		t.Fatal("the confirmation of an invalid routing parameter is not done at once")
	}
	var fe *runtime.FieldError
	if err := bad.Err(); !errors.As(err, &fe) || fe.Path != "routing key parameter region" {
		t.Errorf("Err = %v, want the parameter's FieldError", err)
	}
	nothingHappened(t, b)
}

// TestPublishOptions shows options given to one publish override the
// schema's policy for that publish only.
func TestPublishOptions(t *testing.T) {
	ctx := context.Background()
	b := newBroker()
	p := orders.NewOrdersProducer(b)
	err := p.PublishOrderCreated(ctx, orders.RegionEU, minimalOrder(),
		runtime.WithPriority(5),
		runtime.WithTTL(1500*time.Millisecond),
		runtime.WithDeliveryMode(runtime.Transient),
		runtime.WithCompression("none"),
		runtime.WithHeaders(runtime.Table{"trace": "t-1", "x-event-version": 3}),
		runtime.WithMessageID("m-1"),
		runtime.WithCorrelationID("c-1"),
		runtime.WithMandatory(true),
		runtime.WithConfirm(false),
	)
	if err != nil {
		t.Fatalf("PublishOrderCreated: %v", err)
	}
	if err := p.PublishOrderCreated(ctx, orders.RegionEU, minimalOrder()); err != nil {
		t.Fatalf("PublishOrderCreated: %v", err)
	}
	msgs := b.Messages(billing)
	if len(msgs) != 2 {
		t.Fatalf("billing holds %d messages, want 2", len(msgs))
	}
	// The priority queue delivers the priority-5 message first.
	over, plain := msgs[0], msgs[1]
	wantOver := runtime.Properties{
		ContentType:     "application/json",
		ContentEncoding: "utf-8",
		Headers:         runtime.Table{"trace": "t-1", "x-event-version": 3},
		DeliveryMode:    runtime.Transient,
		Priority:        5,
		Expiration:      "1500",
		MessageID:       "m-1",
		CorrelationID:   "c-1",
	}
	if diff := cmp.Diff(wantOver, over.Properties, headersEqual); diff != "" {
		t.Errorf("overridden publish: properties (-want +got):\n%s", diff)
	}
	var got orders.OrderCreated
	if err := over.Decode(&got); err != nil || !cmp.Equal(got, minimalOrder()) {
		t.Errorf("uncompressed body decodes to %+v, %v", got, err)
	}
	wantPlain := runtime.Properties{
		ContentType:     "application/json",
		ContentEncoding: "utf-8",
		Headers:         runtime.Table{"compression": "application/x-gzip", "x-event-version": 2},
		DeliveryMode:    runtime.Persistent,
		Expiration:      "86400000",
	}
	if diff := cmp.Diff(wantPlain, plain.Properties, headersEqual); diff != "" {
		t.Errorf("next publish, no options: properties (-want +got):\n%s", diff)
	}
	sent := b.Published()
	if len(sent) != 2 {
		t.Fatalf("%d publishes reached the broker, want 2", len(sent))
	}
	if sent[0].Confirm || !sent[0].Mandatory || !sent[1].Confirm || sent[1].Mandatory {
		t.Errorf("confirm/mandatory of the two publishes: %v/%v, %v/%v; want false/true, true/false",
			sent[0].Confirm, sent[0].Mandatory, sent[1].Confirm, sent[1].Mandatory)
	}

	// Options that break the wire's limits are refused like invalid messages.
	for _, opt := range []runtime.PublishOption{runtime.WithPriority(256), runtime.WithTTL(time.Microsecond)} {
		b := newBroker()
		err := orders.NewOrdersProducer(b).PublishOrderCreated(ctx, orders.RegionEU, minimalOrder(), opt)
		if !errors.Is(err, runtime.ErrInvalidMessage) {
			t.Errorf("PublishOrderCreated = %v, want ErrInvalidMessage", err)
		}
		nothingHappened(t, b)
	}
}

// TestProducerOptions shows options given to NewOrdersProducer apply to
// every message, over the schema's policies, and under a publish's own.
func TestProducerOptions(t *testing.T) {
	ctx := context.Background()

	t.Run("confirm and priority", func(t *testing.T) {
		b := newBroker()
		p := orders.NewOrdersProducer(b, runtime.WithConfirm(false), runtime.WithPriority(7))
		if err := p.PublishOrderCreated(ctx, orders.RegionEU, minimalOrder()); err != nil {
			t.Fatal(err)
		}
		if err := p.PublishAuditBlob(ctx, orders.AuditBlob("blob")); err != nil {
			t.Fatal(err)
		}
		if err := p.PublishLegacyOrder(ctx, testmodel.Order{ID: "L-1"}); err != nil {
			t.Fatal(err)
		}
		if err := p.PublishOrderCreated(ctx, orders.RegionUS, minimalOrder(), runtime.WithPriority(2)); err != nil {
			t.Fatal(err)
		}
		sent := b.Published()
		if len(sent) != 4 {
			t.Fatalf("%d publishes, want 4", len(sent))
		}
		for i, want := range []uint8{7, 7, 7, 2} {
			if s := sent[i]; s.Confirm || s.Priority != want {
				t.Errorf("publish %d (%s): confirm %v priority %d, want false %d", i, s.MessageName, s.Confirm, s.Priority, want)
			}
		}
		// The message type's own policy stays where the producer sets nothing.
		if s := sent[0]; s.Expiration != "86400000" || s.Headers["compression"] != "application/x-gzip" {
			t.Errorf("OrderCreated lost its policy: expiration %q headers %v", s.Expiration, s.Headers)
		}
	})

	t.Run("auto-declare off", func(t *testing.T) {
		b := newBroker()
		p := orders.NewOrdersProducer(b, runtime.WithAutoDeclare(false))
		err := p.PublishOrderCreated(ctx, orders.RegionEU, minimalOrder())
		if !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("publish to an undeclared exchange = %v, want ErrNotFound", err)
		}
		if d := b.Declarations(); len(d) != 0 {
			t.Fatalf("declared %v with auto-declare off", d)
		}
		if err := orders.Topology().Declare(ctx, b); err != nil {
			t.Fatal(err)
		}
		before := b.Declarations()
		for range 3 {
			if err := p.PublishOrderCreated(ctx, orders.RegionEU, minimalOrder()); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(before, b.Declarations()); diff != "" {
			t.Errorf("publishing declared with auto-declare off (-before +after):\n%s", diff)
		}
		if n := b.Len(billing); n != 3 {
			t.Errorf("billing holds %d, want 3", n)
		}
		// Declare still declares on request.
		if err := p.Declare(ctx); err != nil {
			t.Fatal(err)
		}
		if got := b.DeclareCount("E|orders"); got != before["E|orders"]+1 {
			t.Errorf("Declare: DeclareCount(E|orders) = %d, want %d", got, before["E|orders"]+1)
		}
	})
}

// TestEnums checks the enum constants SPEC names and Valid.
func TestEnums(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{string(orders.RegionEU), "EU"},
		{string(orders.RegionUS), "US"},
		{string(orders.CurrencyEUR), "EUR"},
		{string(orders.CurrencyUSD), "USD"},
		{string(orders.CurrencyGBP), "GBP"},
	} {
		if tc.got != tc.want {
			t.Errorf("constant = %q, want %q", tc.got, tc.want)
		}
	}
	for _, r := range []orders.Region{orders.RegionEU, orders.RegionUS} {
		if !r.Valid() {
			t.Errorf("Region(%q).Valid() = false", r)
		}
	}
	for _, c := range []orders.Currency{orders.CurrencyEUR, orders.CurrencyUSD, orders.CurrencyGBP} {
		if !c.Valid() {
			t.Errorf("Currency(%q).Valid() = false", c)
		}
	}
	for _, r := range []orders.Region{"", "eu", "EU ", "XX"} {
		if r.Valid() {
			t.Errorf("Region(%q).Valid() = true", r)
		}
	}
	for _, c := range []orders.Currency{"", "gbp", "XXX", "EU"} {
		if c.Valid() {
			t.Errorf("Currency(%q).Valid() = true", c)
		}
	}
}

// TestTopology checks the exported topology and declares it on memory.
// Each call returns values of the caller's own: changing them changes
// neither the next call's nor what the producers declare.
func TestTopology(t *testing.T) {
	wantTopology := runtime.Topology{
		Exchanges: []*runtime.Exchange{
			{Name: "orders", Type: "topic", Durable: true,
				Arguments: runtime.Table{"alternate-exchange": "orders.unroutable"}},
			{Name: "audit", Type: "fanout", Durable: true},
		},
		Queues: []*runtime.Queue{{
			Name:    billing,
			Durable: true,
			Arguments: runtime.Table{
				"x-queue-type":              "classic",
				"x-max-priority":            10,
				"x-message-ttl":             3600000,
				"x-max-length":              100000,
				"x-dead-letter-exchange":    "orders.dlx",
				"x-dead-letter-routing-key": "dead",
			},
			Bindings: []runtime.Binding{{Exchange: "orders", RoutingKey: "order.*.created"}},
		}},
	}
	if diff := cmp.Diff(wantTopology, orders.Topology(), headersEqual); diff != "" {
		t.Errorf("Topology (-want +got):\n%s", diff)
	}
	parts := runtime.Topology{
		Exchanges: []*runtime.Exchange{orders.OrdersExchange(), orders.AuditExchange()},
		Queues:    []*runtime.Queue{orders.BillingOrderEventsQueue()},
	}
	if diff := cmp.Diff(wantTopology, parts, headersEqual); diff != "" {
		t.Errorf("OrdersExchange, AuditExchange, BillingOrderEventsQueue (-want +got):\n%s", diff)
	}
	mine := orders.Topology()
	mine.Exchanges[0].Name, mine.Exchanges[0].Arguments["alternate-exchange"] = "mine", "mine"
	mine.Queues[0].Bindings[0].RoutingKey = "mine"
	if diff := cmp.Diff(wantTopology, orders.Topology(), headersEqual); diff != "" {
		t.Errorf("Topology after a caller changed what it returned before (-want +got):\n%s", diff)
	}
	produced := newBroker()
	if err := orders.NewOrdersProducer(produced).Declare(context.Background()); err != nil {
		t.Fatalf("Declare: %v", err)
	}
	if !slices.ContainsFunc(produced.Exchanges(), func(x runtime.Exchange) bool { return x.Name == "orders" }) {
		t.Error("the producer declares no exchange orders after a caller changed its Topology")
	}

	b := newBroker()
	if err := orders.Topology().Declare(context.Background(), b); err != nil {
		t.Fatalf("Topology.Declare: %v", err)
	}
	var exchanges []runtime.Exchange
	for _, x := range b.Exchanges() {
		if !x.Predeclared() {
			exchanges = append(exchanges, x)
		}
	}
	wantExchanges := []runtime.Exchange{*wantTopology.Exchanges[1], *wantTopology.Exchanges[0]} // sorted by name
	if diff := cmp.Diff(wantExchanges, exchanges, headersEqual); diff != "" {
		t.Errorf("exchanges on the broker (-want +got):\n%s", diff)
	}
	queues := b.Queues()
	if len(queues) != 1 {
		t.Fatalf("queues = %v, want %s alone", queues, billing)
	}
	if diff := cmp.Diff(*wantTopology.Queues[0], queues[0].Queue, headersEqual); diff != "" {
		t.Errorf("queue on the broker (-want +got):\n%s", diff)
	}
	// A producer publishing on the declared topology routes by it.
	p := orders.NewOrdersProducer(b)
	for _, r := range []orders.Region{orders.RegionEU, orders.RegionUS} {
		if err := p.PublishOrderCreated(context.Background(), r, minimalOrder()); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.Len(billing); n != 2 {
		t.Errorf("billing holds %d, want 2", n)
	}
}

// TestConcurrentPublish publishes from many goroutines at once through one
// producer: every message arrives, and the first publishes racing to
// declare still declare each entity once.
func TestConcurrentPublish(t *testing.T) {
	const workers, each = 8, 6
	b := newBroker()
	p := orders.NewOrdersProducer(b)
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				msg := minimalOrder()
				msg.Total.Amount = int64(w*each + i)
				errs <- p.PublishOrderCreated(context.Background(), orders.RegionEU, msg)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{"E|orders": 1, "E|audit": 1, "Q|" + billing: 1}
	if diff := cmp.Diff(want, b.Declarations()); diff != "" {
		t.Errorf("declarations (-want +got):\n%s", diff)
	}
	seen := map[int64]bool{}
	for _, m := range b.Messages(billing) {
		var got orders.OrderCreated
		if err := m.Decode(&got); err != nil {
			t.Fatal(err)
		}
		seen[got.Total.Amount] = true
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct messages arrived, want %d", len(seen), workers*each)
	}
}

// TestRetry shows the schema's retry policy (3 retries, 0s then +200ms)
// at work when the connection is lost under a publish: the producer
// declares again on the new connection and publishes once more.
func TestRetry(t *testing.T) {
	ctx := context.Background()

	t.Run("recovers", func(t *testing.T) {
		b := newBroker()
		p := orders.NewOrdersProducer(b)
		b.FailNext(1, runtime.ErrConnectionLost)
		if err := p.PublishOrderCreated(ctx, orders.RegionEU, minimalOrder()); err != nil {
			t.Fatalf("PublishOrderCreated = %v, want success on the retry", err)
		}
		if n := b.Len(billing); n != 1 {
			t.Errorf("billing holds %d, want 1", n)
		}
		if n := len(b.Published()); n != 2 {
			t.Errorf("%d attempts, want 2", n)
		}
		// The same prepared message both times.
		if sent := b.Published(); len(sent) == 2 && !bytes.Equal(sent[0].Body, sent[1].Body) {
			t.Error("the retry sent another body: the message must be prepared once")
		}
		want := map[string]int{"E|orders": 2, "E|audit": 2, "Q|" + billing: 2}
		if diff := cmp.Diff(want, b.Declarations()); diff != "" {
			t.Errorf("declarations (-want +got):\n%s", diff)
		}
	})

	t.Run("gives up", func(t *testing.T) {
		b := newBroker()
		p := orders.NewOrdersProducer(b)
		b.FailNext(10, runtime.ErrConnectionLost)
		start := time.Now()
		err := p.PublishOrderCreated(ctx, orders.RegionEU, minimalOrder())
		if !errors.Is(err, runtime.ErrConnectionLost) {
			t.Fatalf("PublishOrderCreated = %v, want ErrConnectionLost", err)
		}
		if n := len(b.Published()); n != 4 {
			t.Errorf("%d attempts, want 4 (max_retries 3)", n)
		}
		// Sleeps of 0s, 200ms and 400ms.
		if d := time.Since(start); d < 600*time.Millisecond || d > 5*time.Second {
			t.Errorf("gave up after %s, want about 600ms", d)
		}
	})

	t.Run("not for invalid requests", func(t *testing.T) {
		b := newBroker()
		p := orders.NewOrdersProducer(b, runtime.WithAutoDeclare(false))
		if err := p.PublishAuditBlob(ctx, orders.AuditBlob("x")); !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("PublishAuditBlob to a missing exchange = %v, want ErrNotFound", err)
		}
		if n := len(b.Published()); n != 1 {
			t.Errorf("%d attempts, want 1: a 404 is not retried", n)
		}
	})
}
