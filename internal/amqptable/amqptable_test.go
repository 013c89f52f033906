package amqptable

import (
	"math"
	"reflect"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func TestWireInteger(t *testing.T) {
	tests := []struct {
		n    int64
		want any
	}{
		{0, int32(0)},
		{math.MaxInt32, int32(math.MaxInt32)},
		{math.MaxInt32 + 1, int64(math.MaxInt32 + 1)},
		{math.MinInt32, int32(math.MinInt32)},
		{math.MinInt32 - 1, int64(math.MinInt32 - 1)},
	}
	for _, tt := range tests {
		if got := WireInteger(tt.n); got != tt.want {
			t.Errorf("WireInteger(%d) = %#v, want %#v", tt.n, got, tt.want)
		}
	}
}

func TestReceived(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 500, time.UTC)
	in := map[string]any{
		"int": 1, "int8": int8(-1), "uint8": uint8(200), "int64": int64(1) << 40,
		"float": float32(1.5), "string": "s", "bytes": []byte("b"), "nil": nil, "bool": true,
		"time":   at,
		"nested": map[string]any{"a": int64(1), "l": []any{int16(2), map[string]any{"b": uint32(3)}}},
	}
	want := map[string]any{
		"int": int32(1), "int8": int32(-1), "uint8": int32(200), "int64": int64(1) << 40,
		"float": float32(1.5), "string": "s", "bytes": []byte("b"), "nil": nil, "bool": true,
		"time":   time.Unix(at.Unix(), 0),
		"nested": map[string]any{"a": int32(1), "l": []any{int32(2), map[string]any{"b": int32(3)}}},
	}
	if got := ReceivedTable(in); !reflect.DeepEqual(got, want) {
		t.Errorf("ReceivedTable = %#v\nwant %#v", got, want)
	}
	if in["int"] != 1 || in["nested"].(map[string]any)["a"] != int64(1) {
		t.Error("ReceivedTable changed its argument")
	}
	if ReceivedTable(nil) != nil {
		t.Error("ReceivedTable(nil) is not nil")
	}
}

func TestAMQP(t *testing.T) {
	in := map[string]any{"n": 1, "t": map[string]any{"l": []any{int64(2), map[string]any{"b": uint8(3)}}}}
	got := AMQP[amqp.Table](in)
	want := amqp.Table{"n": int32(1), "t": amqp.Table{"l": []any{int32(2), amqp.Table{"b": int32(3)}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AMQP = %#v\nwant %#v", got, want)
	}
	if AMQP[amqp.Table](map[string]any{}) != nil {
		t.Error("AMQP of an empty table is not nil")
	}
}

// TestAMQPSharesAReadyTable shows that a table whose values go on the wire
// as they are is handed over as it is, not copied, and one with a value to
// convert is copied, the original left alone.
func TestAMQPSharesAReadyTable(t *testing.T) {
	ready := map[string]any{"s": "v", "n": int32(1), "big": int64(1) << 40, "f": 1.5, "b": []byte("x"), "t": time.Unix(1, 0), "nil": nil, "ok": true}
	if got := AMQP[amqp.Table](ready); reflect.ValueOf(got).Pointer() != reflect.ValueOf(ready).Pointer() {
		t.Error("a ready table was copied")
	}
	for name, v := range map[string]any{"int": 1, "small int64": int64(1), "nested": map[string]any{"a": "b"}, "list": []any{"a"}} {
		in := map[string]any{"v": v}
		got := AMQP[amqp.Table](in)
		if reflect.ValueOf(got).Pointer() == reflect.ValueOf(in).Pointer() {
			t.Errorf("%s: the table was shared, not converted", name)
		}
		if !reflect.DeepEqual(in["v"], v) {
			t.Errorf("%s: the original changed", name)
		}
	}
}

func TestPlain(t *testing.T) {
	in := amqp.Table{"n": int32(1), "t": amqp.Table{"l": []any{amqp.Table{"b": "x"}}}}
	got := Plain(in)
	inner, ok := got["t"].(map[string]any)
	if !ok {
		t.Fatalf("nested table %T, want map[string]any", got["t"])
	}
	if l, ok := inner["l"].([]any); !ok || l[0].(map[string]any)["b"] != "x" {
		t.Errorf("table in an array: %#v", inner["l"])
	}
	if Plain(amqp.Table(nil)) == nil {
		t.Error("Plain(nil) is nil; want an empty table")
	}
}
