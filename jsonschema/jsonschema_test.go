package jsonschema_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/golden/kitchen"
	"github.com/kombugen/kombugen/golden/orders"
	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/goldentest"
	"github.com/kombugen/kombugen/internal/interop"
	"github.com/kombugen/kombugen/jsonschema"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/memory"
	"github.com/kombugen/kombugen/schema"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the test schemas and delete stale files")

// testSchemas are the generator's and the schema package's test schemas,
// each with the name of its golden file.
func testSchemas(t *testing.T) map[string]string {
	return goldentest.Schemas(t, map[string]string{"../generator/testdata": "generator", "../schema/testdata": "schema"}, ".json")
}

func load(t *testing.T, path string) *schema.Schema {
	t.Helper()
	s, err := schema.Load(path, schema.Options{DefaultPackage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGolden compares the schemas of every test schema's messages with
// its golden file; go test ./jsonschema -update rewrites them.
func TestGolden(t *testing.T) {
	const dir = "testdata/golden"
	wanted := make(map[string]bool)
	for path, name := range testSchemas(t) {
		golden := filepath.Join(dir, name)
		wanted[golden] = true
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := jsonschema.Write(&buf, load(t, path)); err != nil {
				t.Fatal(err)
			}
			goldentest.Check(t, golden, buf.Bytes(), *update, "jsonschema")
		})
	}
	goldentest.Stale(t, filepath.Join(dir, "*.json"), wanted, *update, "jsonschema")
}

// TestSkips checks that raw and go_type messages are left out, each
// reported with its position.
func TestSkips(t *testing.T) {
	s := load(t, "../schema/testdata/orders.kombugen.yaml")
	var skips []string
	var buf bytes.Buffer
	if err := jsonschema.Write(&buf, s, jsonschema.OnSkip(func(sk jsonschema.Skip) { skips = append(skips, sk.String()) })); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`../schema/testdata/orders.kombugen.yaml:68:3: message "AuditBlob" has no JSON Schema: its body is raw bytes (serializer raw)`,
		`../schema/testdata/orders.kombugen.yaml:69:3: message "LegacyOrder" has no JSON Schema: its body is the Go type example.com/shop/model.Order, which the schema does not describe`,
	}
	if strings.Join(skips, "\n") != strings.Join(want, "\n") {
		t.Errorf("skips:\n%s\nwant:\n%s", strings.Join(skips, "\n"), strings.Join(want, "\n"))
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	if _, ok := all["OrderCreated"]; !ok || len(all) != 1 {
		t.Errorf("schemas for %d messages, want OrderCreated's alone", len(all))
	}
	err := jsonschema.WriteMessage(&bytes.Buffer{}, s, "AuditBlob")
	if !errors.Is(err, jsonschema.ErrNoSchema) {
		t.Errorf("WriteMessage(AuditBlob) = %v, want ErrNoSchema", err)
	}
	if err := jsonschema.WriteMessage(&bytes.Buffer{}, s, "Nope"); err == nil {
		t.Error("WriteMessage of an unknown message: no error")
	}
}

// checkCase is a body for interop/jsonschema_check.py, with whether it
// must be valid.
type checkCase struct {
	Name            string `json:"name"`
	Message         string `json:"message"`
	ContentType     string `json:"content_type"`
	ContentEncoding string `json:"content_encoding"`
	Body            string `json:"body"`
	valid           bool
}

// published returns a case of the one message the broker holds in queue,
// decompressed as a consumer does.
func published(t *testing.T, b *memory.Broker, queue, name, message string, valid bool) checkCase {
	t.Helper()
	msgs := b.Messages(queue)
	if len(msgs) == 0 {
		t.Fatalf("%s: queue %s is empty", name, queue)
	}
	m := msgs[len(msgs)-1]
	body, err := consume.Decompress(m.Properties, m.Body)
	if err != nil {
		t.Fatal(err)
	}
	return checkCase{Name: name, Message: message, ContentType: m.Properties.ContentType,
		ContentEncoding: m.Properties.ContentEncoding, Body: base64.StdEncoding.EncodeToString(body), valid: valid}
}

// TestPythonValidates publishes messages through the generated producers
// of the kitchen and orders schemas, over the memory broker, and has
// Python's jsonschema validate each body, decoded by kombu, against what
// Write made of the schema: every message the runtime publishes must be
// valid, under each serializer; bodies that break the schema, sent raw
// with the message's content type, must not be.
func TestPythonValidates(t *testing.T) {
	brokertest.Integration(t)
	if err := exec.Command(interop.Python, "-c", "import jsonschema, kombu, msgpack, yaml").Run(); err != nil {
		brokertest.Unavailable(t, "%s cannot import jsonschema, kombu, msgpack and yaml (%v): apt-get install -y python3-jsonschema python3-kombu python3-msgpack python3-yaml", interop.Python, err)
	}
	ctx := context.Background()
	b := memory.New()
	if err := kitchen.Topology().Declare(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := orders.Topology().Declare(ctx, b); err != nil {
		t.Fatal(err)
	}
	// Queues of the test's own: kitchen's inbox has priorities, and
	// hands out the highest first.
	for name, bind := range map[string]runtime.Binding{
		"tap":            {Exchange: "orders", RoutingKey: "#"},
		"tap.everything": {Exchange: "events", RoutingKey: "job.#"},
		"tap.report":     {Exchange: "events", RoutingKey: "report.#"},
		"tap.ping":       {Exchange: "direct.x", RoutingKey: "ping"},
	} {
		if err := b.Declare(ctx, &runtime.Queue{Name: name, Bindings: []runtime.Binding{bind}}); err != nil {
			t.Fatal(err)
		}
	}
	jobs := kitchen.NewJobsProducer(b)
	var cases []checkCase
	for _, s := range []string{"json", "yaml", "msgpack"} {
		if err := jobs.PublishEverything(ctx, kitchen.StatusDone, 1, "t", everything(), runtime.WithSerializer(s)); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, published(t, b, "tap.everything", "Everything "+s, "Everything "+s, true))
		if err := jobs.PublishReport(ctx, 2, kitchen.Report{ID: "ab-2", Lines: []string{"one"}}, runtime.WithSerializer(s)); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, published(t, b, "tap.report", "Report "+s, "Report "+s, true))
	}
	misc := kitchen.NewMiscProducer(b)
	if err := misc.PublishPing(ctx, "ping ✓"); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, published(t, b, "tap.ping", "Ping", "Ping", true))
	ordersCases := ordersPublished(t, b)
	cases = append(cases, ordersCases...)

	// Bodies that break the schema, as a producer that is not generated
	// could send them.
	// Bodies written by hand, as a producer that is not generated could
	// send them: the least valid one, then each broken in one way.
	const least = `"id": "ab-1", "b": true, "i64": 1, "u64": 1, "f64": 1.5, "status": "done", "by_name": {"o": {}}`
	for _, c := range []struct {
		name, body string
		valid      bool
	}{
		{"Everything by hand", `{` + least + `}`, true},
		{"Everything with a field added", `{` + least + `, "added": [1]}`, true},
		{"Everything missing a required field", `{"id": "ab-1", "b": true, "u64": 1, "f64": 1.5, "status": "done", "by_name": {"o": {}}}`, false},
		{"Everything with an enum value wrong", `{` + least + `, "maybe_status": "started"}`, false},
		{"Everything with an integer too big", `{` + least + `, "i": 11}`, false},
		{"Everything with a pattern broken", `{` + least + `, "id": "AB"}`, false},
		{"Everything with a nested struct bad", `{` + least + `, "grid": [[{"x": 9}]]}`, false},
		{"Everything with a string for a bool", `{` + least + `, "b": "yes"}`, false},
		{"Everything with an empty required", `{` + least + `, "id": ""}`, false},
		{"Everything with a list too short", `{` + least + `, "tags": ["a"]}`, false},
		{"Everything with an empty required map", `{"id": "ab-1", "b": true, "i64": 1, "u64": 1, "f64": 1.5, "status": "done", "by_name": {}}`, false},
		{"Everything with a bytes not base64", `{` + least + `, "raw": 5}`, false},
		{"Everything with a uint32 negative", `{` + least + `, "u32": -1}`, false},
	} {
		cases = append(cases, checkCase{Name: c.name, Message: "Everything json", ContentType: "application/json",
			ContentEncoding: "utf-8", Body: base64.StdEncoding.EncodeToString([]byte(c.body)), valid: c.valid})
	}

	verdicts := runCheck(t, cases)
	for _, c := range cases {
		v, ok := verdicts[c.Name]
		switch {
		case !ok:
			t.Errorf("%s: no verdict", c.Name)
		case v.Valid != c.valid && c.valid:
			t.Errorf("%s: Python's jsonschema finds what the runtime published invalid:\n\t%s", c.Name, strings.Join(v.Errors, "\n\t"))
		case v.Valid != c.valid:
			t.Errorf("%s: Python's jsonschema finds a body that breaks the schema valid", c.Name)
		}
	}
}

// ordersPublished publishes the orders schema's messages.
func ordersPublished(t *testing.T, b *memory.Broker) []checkCase {
	t.Helper()
	ctx := context.Background()
	p := orders.NewOrdersProducer(b)
	msg := orders.OrderCreated{
		OrderID: "A-1", PlacedAt: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
		Total: orders.Money{Amount: 1999, Currency: orders.CurrencyEUR},
		Items: []orders.LineItem{{SKU: "sku-1", Quantity: ptr(int32(2))}},
		Tags:  map[string]string{"gift": "yes"},
	}
	if err := p.PublishOrderCreated(ctx, orders.RegionEU, msg); err != nil {
		t.Fatal(err)
	}
	return []checkCase{published(t, b, "tap", "OrderCreated", "OrderCreated", true)}
}

func ptr[T any](v T) *T { return &v }

// everything sets every field of kitchen's Everything.
func everything() kitchen.Everything {
	when := time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.FixedZone("CET", 3600))
	return kitchen.Everything{
		ID: "ab-1", S: ptr("Zoë"), B: true, I: ptr(7), I32: ptr(int32(-3)), I64: 42,
		U32: ptr(uint32(4000000000)), U64: 1<<64 - 1, F32: ptr(float32(0.1)), F64: 2.5,
		Raw: []byte{0, 1, 0xfe, 'a'}, When: &when, Anything: map[string]any{"k": []any{1, "x"}},
		Status: kitchen.StatusDone, Statuses: []kitchen.Status{kitchen.StatusJpy},
		Grid:   [][]kitchen.Point{{{X: ptr(1.0), Label: ptr(kitchen.PointLabelOrigin)}}},
		ByName: map[string]kitchen.Point{"o": {X: ptr(0.5)}}, Root: &kitchen.Node{Name: "r", Children: []kitchen.Node{{Name: "c"}}},
		Deep: map[string][]map[string]kitchen.Status{"a": {{"b": kitchen.StatusInProgress}}}, Tags: []string{"a", "b"},
	}
}

type verdict struct {
	Case   string   `json:"case"`
	Valid  bool     `json:"valid"`
	Errors []string `json:"errors"`
}

// runCheck runs interop/jsonschema_check.py on the cases, with the
// schemas Write makes of the kitchen and orders test schemas: under each
// message's name, and for kitchen's also under "NAME SERIALIZER", as that
// serializer sends it.
func runCheck(t *testing.T, cases []checkCase) map[string]verdict {
	t.Helper()
	schemas := make(map[string]json.RawMessage)
	add := func(path, suffix string, opts ...jsonschema.Option) {
		var buf bytes.Buffer
		if err := jsonschema.Write(&buf, load(t, path), opts...); err != nil {
			t.Fatal(err)
		}
		var some map[string]json.RawMessage
		if err := json.Unmarshal(buf.Bytes(), &some); err != nil {
			t.Fatal(err)
		}
		for name, s := range some {
			schemas[name+suffix] = s
		}
	}
	add("../generator/testdata/orders.kombugen.yaml", "")
	add("../generator/testdata/kitchen.kombugen.yaml", "")
	for _, s := range []string{"json", "yaml", "msgpack"} {
		add("../generator/testdata/kitchen.kombugen.yaml", " "+s, jsonschema.Serializer(s))
	}
	manifest, err := json.Marshal(map[string]any{"schemas": schemas, "cases": cases})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(interop.Python, filepath.Join("..", "interop", "jsonschema_check.py"), path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jsonschema_check.py: %v\n%s", err, stderr.Bytes())
	}
	verdicts := make(map[string]verdict)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var v verdict
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("jsonschema_check.py: %q: %v", line, err)
		}
		verdicts[v.Case] = v
	}
	return verdicts
}
