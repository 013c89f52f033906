package consume_test

import (
	"reflect"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// TestProperties checks that every property of a delivery is read, and
// that its headers come back as plain maps and lists, not amqp091-go's
// types, nested ones included.
func TestProperties(t *testing.T) {
	ts := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	d := amqp.Delivery{
		ContentType:     "application/json",
		ContentEncoding: "utf-8",
		Headers: amqp.Table{
			"compression": "application/zlib",
			"nested":      amqp.Table{"a": int64(1), "l": []any{amqp.Table{"b": true}}},
		},
		DeliveryMode:  2,
		Priority:      7,
		CorrelationId: "corr",
		ReplyTo:       "replies",
		Expiration:    "1500",
		MessageId:     "id-1",
		Timestamp:     ts,
		Type:          "OrderPlaced",
		UserId:        "guest",
		AppId:         "shop",
	}
	want := runtime.Properties{
		ContentType:     "application/json",
		ContentEncoding: "utf-8",
		Headers: runtime.Table{
			"compression": "application/zlib",
			"nested":      map[string]any{"a": int64(1), "l": []any{map[string]any{"b": true}}},
		},
		DeliveryMode:  runtime.Persistent,
		Priority:      7,
		CorrelationID: "corr",
		ReplyTo:       "replies",
		Expiration:    "1500",
		MessageID:     "id-1",
		Timestamp:     ts,
		Type:          "OrderPlaced",
		UserID:        "guest",
		AppID:         "shop",
	}
	if got := consume.Properties(&d); !reflect.DeepEqual(got, want) {
		t.Errorf("Properties:\n got %#v\nwant %#v", got, want)
	}
}
