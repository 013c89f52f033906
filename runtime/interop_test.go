package runtime_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/internal/interop"
	"github.com/kombugen/kombugen/runtime"
)

// TestKombuInterop publishes every case through runtime.Dial and
// runtime.NewProducer, then has Python's kombu (interop/kombu_check.py)
// decode each message and compare it, field by field, with what kombu's own
// Producer publishes for the same arguments.
func TestKombuInterop(t *testing.T) {
	interop.Require(t)
	conn := dialTest(t)
	p := newPeer(t)
	cases := interopCases(t)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	prod := runtime.NewProducer(conn)
	interop.Run(t, cases, func(c interop.Case) error {
		if c.Exchange != "" {
			p.exchange(c.Exchange, "topic")
		}
		p.cleanupQueue(c.Queue)
		return prod.Publish(ctx, c.Body, interopPublishOptions(c)...)
	})
}

// interopPublishOptions turns a case's kombu-style arguments into runtime
// options; the case's queue is declared (and bound) with the message.
func interopPublishOptions(c interop.Case) []runtime.PublishOption {
	queue := &runtime.Queue{Name: c.Queue, Arguments: c.QueueArguments}
	key := c.Queue
	if c.Exchange != "" {
		key = c.RoutingKey
		queue.Bindings = []runtime.Binding{{Exchange: c.Exchange, RoutingKey: key}}
	}
	opts := []runtime.PublishOption{
		runtime.WithExchangeName(c.Exchange),
		runtime.WithRoutingKey(key),
		runtime.WithDeclare(queue),
		runtime.WithSerializer(c.Serializer),
		runtime.WithCompression(c.Compression),
		runtime.WithPriority(c.Priority),
		runtime.WithTTL(c.TTL),
		runtime.WithDeliveryMode(runtime.DeliveryMode(c.DeliveryMode)),
		runtime.WithHeaders(c.Headers),
	}
	for _, s := range []struct {
		value string
		opt   func(string) runtime.PublishOption
	}{
		{c.CorrelationID, runtime.WithCorrelationID}, {c.MessageID, runtime.WithMessageID},
		{c.ReplyTo, runtime.WithReplyTo}, {c.Type, runtime.WithType},
		{c.AppID, runtime.WithAppID}, {c.UserID, runtime.WithUserID},
	} {
		if s.value != "" {
			opts = append(opts, s.opt(s.value))
		}
	}
	if !c.Timestamp.IsZero() {
		opts = append(opts, runtime.WithTimestamp(c.Timestamp))
	}
	return opts
}

// The bodies the serializer x compression matrix sends.
var (
	interopMapBody = map[string]any{
		"id": 42, "neg": -7, "big": int64(1) << 53, "price": 2.5, "ok": true, "none": nil,
		"name":   "kombu ✓ é <&>",
		"tags":   []any{"a", "b"},
		"nested": map[string]any{"deep": []any{1, "two", 3.5, false}},
	}
	interopBytesBody = []byte{0x00, 0x01, 0xfe, 0xff, 'k', 'o', 'm', 'b', 'u'}
	interopTextBody  = "héllo wörld ✓\nline two"
)

// Every serializer, and every compression by every name kombu knows it by.
var (
	interopSerializers  = codecs.SerializerNames()
	interopCompressions = codecs.CompressionNames()
)

// interopCases lists every case, each with its own queue.
func interopCases(t *testing.T) []interop.Case {
	var cases []interop.Case
	add := func(c interop.Case) {
		c.Queue = uniqueName(t, c.Name)
		cases = append(cases, c)
	}
	for _, ser := range interopSerializers {
		for _, comp := range interopCompressions {
			add(interop.Case{Name: ser + "-" + comp, Serializer: ser, Compression: comp, Body: interopMatrixBody(ser)})
		}
	}
	for _, c := range interopBodyCases() {
		add(c)
	}
	add(interop.Case{Name: "json-application_x-bz2", Serializer: "json", Compression: "application/x-bz2", Body: interopMapBody})
	add(interop.Case{Name: "topic-exchange", Exchange: uniqueName(t, "exchange"), RoutingKey: "order.created.eu",
		Serializer: "json", Compression: "zlib", Body: interopMapBody})
	// Property cases last, the TTL one at the very end: it must still be
	// queued when the script reads it.
	for _, c := range interopPropertyCases() {
		add(c)
	}
	return cases
}

func interopMatrixBody(serializer string) any {
	switch serializer {
	case "raw":
		return interopBytesBody
	case "text":
		return interopTextBody
	}
	return interopMapBody
}

// interopBodyCases cover how the runtime picks content types for Go body types,
// against kombu's choice for the matching Python type, and edge bodies.
func interopBodyCases() []interop.Case {
	return []interop.Case{
		// Default serializer: []byte ~ bytes, string ~ str, map ~ dict.
		{Name: "default-bytes", Body: interopBytesBody},
		{Name: "default-string", Body: interopTextBody},
		{Name: "default-map", Body: interopMapBody},
		// serializer=raw with a str body: kombu sends it as utf-8.
		{Name: "raw-string", Serializer: "raw", Body: interopTextBody},
		{Name: "json-string", Serializer: "json", Body: interopTextBody},
		// Empty bodies: py-amqp hands kombu '' when there is no body.
		{Name: "text-empty", Serializer: "text", Body: ""},
		{Name: "raw-empty-zstd", Serializer: "raw", Compression: "zstd", Body: []byte{}},
		{Name: "json-large-zstd", Serializer: "json", Compression: "zstd",
			Body: map[string]any{"data": strings.Repeat("kombu interop ", 20000)}},
		// Strings PyYAML (YAML 1.1) reads as something else unless quoted:
		// bools, sexagesimals, dates, octals, nulls, "=" (the value key).
		{Name: "yaml-yaml11-strings", Serializer: "yaml", Body: map[string]any{
			"s": []any{"yes", "on", "off", "y", "12:30", "2024-01-02", "1_000", "0o17", "~", "null", ".inf", "=", "<<"},
		}},
	}
}

// interopPropertyCases cover the properties and header types kombu sends.
func interopPropertyCases() []interop.Case {
	ts := time.Date(2024, 5, 17, 12, 30, 45, 0, time.UTC)
	priorityQueue := map[string]any{"x-max-priority": 10}
	headers := map[string]any{
		"str": "value é", "int": 42, "negative": -42, "int64": int64(1) << 40,
		"bool": true, "false": false, "float": 2.5, "nil": nil,
		"nested": map[string]any{"a": "b", "n": 1, "deeper": map[string]any{"x": []any{1, "y"}}},
		"list":   []any{"a", 1, 2.5, true, map[string]any{"k": "v"}},
	}
	return []interop.Case{
		{Name: "priority", Serializer: "json", Body: interopMapBody, Priority: 7, QueueArguments: priorityQueue},
		{Name: "transient", Serializer: "json", Body: interopMapBody, DeliveryMode: 1},
		{Name: "persistent", Serializer: "json", Body: interopMapBody, DeliveryMode: 2},
		{Name: "headers", Serializer: "json", Compression: "zlib", Body: interopMapBody, Headers: headers},
		{Name: "ids", Serializer: "json", Body: interopMapBody,
			CorrelationID: "corr-1", MessageID: "msg-1", ReplyTo: "reply.queue", Type: "order.created",
			AppID: "kombugen-test", UserID: interopBrokerUser(), Timestamp: ts},
		{Name: "everything", Serializer: "msgpack", Compression: "brotli", Body: interopMapBody,
			TTL: time.Minute, Priority: 3, QueueArguments: priorityQueue, DeliveryMode: 1, Headers: headers,
			CorrelationID: "corr-2", MessageID: "msg-2", ReplyTo: "reply.queue", Type: "order.updated",
			AppID: "kombugen-test", Timestamp: ts},
		// Go integer types in headers, as a kombu consumer reads them.
		// amqp091-go writes int as 'I' (32 bits), int64 as 'l', int8 as
		// 'b', uint8 as 'B' and int16 as 's'; py-amqp reads 'l' unsigned,
		// 'b' and 'B' the other way round and 's' as a short string.
		{Name: "headers-int-widths", Serializer: "json", Body: interopMapBody, Headers: map[string]any{
			"int_over_int32": 1 << 40, "int64_negative": int64(-5), "int8": int8(-1), "uint8": uint8(200),
			"int32": int32(-7), "uint16": uint16(65000), "uint32": uint32(4000000000),
		}},
		{Name: "headers-int16", Serializer: "json", Body: interopMapBody, Headers: map[string]any{"int16": int16(-2)}},
		{Name: "ttl", Serializer: "json", Body: interopMapBody, TTL: 1500 * time.Millisecond},
	}
}

// interopBrokerUser is the user the test broker authenticates, which RabbitMQ
// requires user_id to name.
func interopBrokerUser() string {
	if u, err := url.Parse(brokertest.URL()); err == nil && u.User != nil && u.User.Username() != "" {
		return u.User.Username()
	}
	return "guest"
}
