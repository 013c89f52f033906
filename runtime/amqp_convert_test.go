package runtime

import (
	"math"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"
)

// TestWireInteger checks that every integer type goes out as a field type
// kombu's py-amqp reads back unchanged.
func TestWireInteger(t *testing.T) {
	tests := []struct {
		in   any
		want any
	}{
		{int8(-1), int32(-1)},
		{uint8(200), int32(200)},
		{int16(-2), int32(-2)},
		{uint16(65535), int32(65535)},
		{int32(math.MinInt32), int32(math.MinInt32)},
		{uint32(math.MaxUint32), int64(math.MaxUint32)},
		{int(-42), int32(-42)},
		{int(1 << 40), int64(1 << 40)},
		{int64(math.MaxInt64), int64(math.MaxInt64)},
		{"s", "s"},
	}
	for _, tt := range tests {
		got := toAMQPTable(Table{"v": tt.in})["v"]
		if got != tt.want {
			t.Errorf("toAMQPTable of %T %v = %T %v, want %T %v", tt.in, tt.in, got, got, tt.want, tt.want)
		}
	}
	nested := toAMQPTable(Table{"t": Table{"n": int8(3)}, "l": []any{uint8(9)}})
	if inner, ok := nested["t"].(amqp.Table); !ok || inner["n"] != int32(3) {
		t.Errorf("nested table = %#v", nested["t"])
	}
	if list, ok := nested["l"].([]any); !ok || list[0] != int32(9) {
		t.Errorf("nested list = %#v", nested["l"])
	}
}

func TestCheckFieldRefusesLargeNegatives(t *testing.T) {
	if err := checkTable("headers", Table{"n": int64(math.MinInt32)}); err != nil {
		t.Errorf("MinInt32 refused: %v", err)
	}
	err := checkTable("headers", Table{"n": int64(math.MinInt32) - 1})
	if err == nil || err.Error() != "invalid message: headers.n: -2147483649 is below -2147483648, the least integer kombu's py-amqp reads back unchanged" {
		t.Errorf("got %v", err)
	}
}
