package kitchen_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/golden/kitchen"
	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/interop"
	"github.com/kombugen/kombugen/runtime"
)

// wireTableFields names, for each field type docs/schema.md's table of
// "On the wire" has a row for, the field of Everything that shows it.
// The any row is not checked: what it gives depends on the Go value.
var wireTableFields = map[string]string{
	"string": "s", "bool": "b", "int": "i", "int32": "i32", "int64": "i64",
	"uint32": "u32", "uint64": "u64", "float32": "f32", "float64": "f64",
	"bytes": "raw", "time": "when", "an enum": "status", "a struct": "root",
	"[]T": "tags", "map[string]T": "by_name", "any": "",
}

// wireTableSerializers are the table's columns after the field type.
var wireTableSerializers = []string{"json", "yaml", "msgpack"}

// wireTable reads the table: for each serializer, the Python type each
// field of Everything must decode to, the first `type` of its cell.
func wireTable(t *testing.T) map[string]map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## On the wire\n")
	if !ok {
		t.Fatal(`docs/schema.md has no "## On the wire" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	code := regexp.MustCompile("`([^`]+)`")
	types := make(map[string]map[string]string)
	for _, s := range wireTableSerializers {
		types[s] = make(map[string]string)
	}
	seen := make(map[string]bool)
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if !strings.HasPrefix(line, "| ") || len(cells) != 1+len(wireTableSerializers) || strings.Contains(line, "field type") {
			continue
		}
		var labels []string
		for _, m := range code.FindAllStringSubmatch(cells[0], -1) {
			labels = append(labels, m[1])
		}
		if len(labels) == 0 {
			labels = []string{strings.TrimSpace(cells[0])}
		}
		for _, label := range labels {
			seen[label] = true
			field, known := wireTableFields[label]
			if !known {
				t.Errorf("docs/schema.md: the table's row %q has no field of Everything in wireTableFields", label)
				continue
			}
			if field == "" {
				continue
			}
			for i, s := range wireTableSerializers {
				m := code.FindStringSubmatch(cells[1+i])
				if m == nil {
					t.Errorf("docs/schema.md: row %q, column %s names no `type`", label, s)
					continue
				}
				types[s][field] = m[1]
			}
		}
	}
	for label := range wireTableFields {
		if !seen[label] {
			t.Errorf("docs/schema.md: the table of On the wire has no row for %s", label)
		}
	}
	return types
}

// everything sets every field of Everything, each to a value that shows
// its type: no float is whole.
func everything() kitchen.Everything {
	when := time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.FixedZone("CET", 3600))
	return kitchen.Everything{
		ID: "ab-1", S: ptr("Zoë"), B: true, I: ptr(7), I32: ptr(int32(-3)), I64: 42,
		U32: ptr(uint32(4000000000)), U64: 1 << 60, F32: ptr(float32(0.1)), F64: 2.5,
		Raw: []byte{0, 1, 0xfe, 'a'}, When: &when, Anything: map[string]any{"k": []any{1, "x"}},
		Status: kitchen.StatusDone, Statuses: []kitchen.Status{kitchen.StatusJpy},
		ByName: map[string]kitchen.Point{"o": {X: ptr(0.5)}}, Root: &kitchen.Node{Name: "r"},
		Tags: []string{"a", "b"},
	}
}

// TestWireTable publishes Everything with each serializer through the
// generated producer to RabbitMQ, and has Python's kombu decode it
// (interop/kombu_check.py): each field must decode to the Python type the
// table of docs/schema.md names, and the properties must be kombu's own.
func TestWireTable(t *testing.T) {
	types := wireTable(t)
	interop.Require(t)
	brokertest.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := runtime.Dial(ctx, brokertest.URL())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer conn.Close()
	// The producer declares nothing: the test's queues are its own.
	if err := conn.Declare(ctx, &runtime.Exchange{Name: "events", Type: "topic", Durable: true}); err != nil {
		t.Fatalf("declare exchange events: %v", err)
	}
	p := kitchen.NewJobsProducer(conn, runtime.WithAutoDeclare(false))
	run := fmt.Sprintf("%d.%d", os.Getpid(), time.Now().UnixNano())
	var cases []interop.Case
	for _, s := range wireTableSerializers {
		tenant := s + "-" + strings.ReplaceAll(run, ".", "-")
		q := &runtime.Queue{
			Name: "kombugen.test.wire." + s + "." + run,
			// Gone within minutes should the test not delete it.
			Arguments: runtime.Table{"x-expires": int64(5 * 60 * 1000)},
			Bindings:  []runtime.Binding{{Exchange: "events", RoutingKey: "job.done.1." + tenant}},
		}
		if err := conn.Declare(ctx, q); err != nil {
			t.Fatalf("declare queue %s: %v", q.Name, err)
		}
		// Everything's policy: priority 3, 1.5s TTL, transient.
		cases = append(cases, interop.Case{
			Name: s, Queue: q.Name, Exchange: "events", RoutingKey: "job.done.1." + tenant,
			Body: everything(), Types: types[s], Serializer: s, Compression: "none",
			Priority: 3, TTL: 1500 * time.Millisecond, DeliveryMode: 1,
		})
	}
	interop.Run(t, cases, func(c interop.Case) error {
		tenant := strings.TrimPrefix(c.RoutingKey, "job.done.1.")
		return p.PublishEverything(ctx, kitchen.StatusDone, 1, tenant, everything(),
			runtime.WithSerializer(c.Serializer), runtime.WithCompression("none"))
	})
}
