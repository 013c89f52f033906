package interop

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
)

func TestWriteManifest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	cases := []Case{
		{Name: "text", Queue: "q1", Serializer: "text", Body: []byte("hé"), TTL: 1500 * time.Millisecond,
			DeliveryMode: 1, Priority: 7, Compression: "none", QueueArguments: map[string]any{"x-max-priority": 10}},
		{Name: "raw", Queue: "q2", Exchange: "ex", RoutingKey: "rk", Serializer: "raw", Body: []byte{0, 0xff}, Compression: "gzip",
			Headers: map[string]any{"n": 1, "l": []any{"a"}}, CorrelationID: "c", Timestamp: time.Unix(1700000000, 0)},
		{Name: "json", Queue: "q3", Serializer: "json", Body: map[string]any{"a": 2.5}, Expect: []byte("x")},
	}
	if err := WriteManifest(path, cases); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Cases []map[string]any `json:"cases"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"name": "text", "queue": "q1", "exchange": "", "routing_key": "q1", "queue_arguments": map[string]any{"x-max-priority": 10.0},
			"body": map[string]any{"kind": "str", "value": "hé"}, "serializer": nil, "compression": nil,
			"expiration_ms": 1500.0, "priority": 7.0, "delivery_mode": 1.0, "headers": nil, "timestamp": nil},
		{"name": "raw", "queue": "q2", "exchange": "ex", "routing_key": "rk", "body": map[string]any{"kind": "bytes", "value": "AP8="},
			"serializer": "raw", "compression": "gzip", "expiration_ms": nil, "priority": 0.0,
			"delivery_mode": nil, "headers": map[string]any{"n": 1.0, "l": []any{"a"}}, "timestamp": 1700000000.0},
		{"name": "json", "queue": "q3", "exchange": "", "routing_key": "q3", "body": map[string]any{"kind": "json", "value": map[string]any{"a": 2.5}},
			"expect": map[string]any{"kind": "bytes", "value": "eA=="}, "serializer": "json", "compression": nil,
			"expiration_ms": nil, "priority": 0.0, "delivery_mode": nil, "headers": nil, "timestamp": nil},
	}
	for i := range got.Cases {
		props := got.Cases[i]["properties"].(map[string]any)
		delete(got.Cases[i], "properties")
		if i == 1 && props["correlation_id"] != "c" {
			t.Errorf("case %d: properties = %v", i, props)
		}
	}
	if !reflect.DeepEqual(got.Cases, want) {
		t.Errorf("manifest =\n%s", b)
	}
}

func TestWriteManifestRejectsDuplicateNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	c := Case{Name: "a", Queue: "q", Body: "x"}
	if err := WriteManifest(path, []Case{c, c}); err == nil {
		t.Error("duplicate case names accepted")
	}
}

func TestParseVerdicts(t *testing.T) {
	out := []byte(`{"case": "a", "ok": true, "mismatches": []}` + "\n\n" +
		`{"case": "b", "ok": false, "mismatches": ["spec: priority: ours 1, want 0"]}` + "\n")
	got, err := parseVerdicts(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []Verdict{{Case: "a", OK: true, Mismatches: []string{}}, {Case: "b", Mismatches: []string{"spec: priority: ours 1, want 0"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("verdicts = %+v", got)
	}
	if _, err := parseVerdicts([]byte("Traceback...\n")); err == nil {
		t.Error("non-JSON output accepted")
	}
}

func TestScriptPath(t *testing.T) {
	p, err := ScriptPath()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Errorf("script: %v", err)
	}
}

func TestCheckBrokerUnreachable(t *testing.T) {
	brokertest.Integration(t)
	Require(t)
	path := filepath.Join(t.TempDir(), "m.json")
	if err := WriteManifest(path, nil); err != nil {
		t.Fatal(err)
	}
	published := false
	_, log, err := Check(t.Context(), "amqp://guest:guest@127.0.0.1:1/", path, func() error {
		published = true
		return nil
	})
	if err == nil || !strings.Contains(log, "broker unreachable") {
		t.Errorf("Check = %v, log %q; want the broker reported unreachable", err, log)
	}
	if published {
		t.Error("publish called although the script never got ready")
	}
}

func TestCheckPublishError(t *testing.T) {
	brokertest.Integration(t)
	Require(t)
	path := filepath.Join(t.TempDir(), "m.json")
	if err := WriteManifest(path, nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	_, log, err := Check(t.Context(), brokertest.URL(), path, func() error { return boom })
	if strings.Contains(log, "broker unreachable") {
		t.Skipf("RabbitMQ at the default URL is down: %s", log)
	}
	if !errors.Is(err, boom) {
		t.Errorf("Check = %v; want publish's error", err)
	}
}
