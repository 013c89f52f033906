package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

func TestSerializerWireFormat(t *testing.T) {
	body := map[string]any{"id": "A1"}
	tests := []struct {
		name, contentType, encoding string
		body                        any
		wantBody                    string
	}{
		{"json", "application/json", "utf-8", body, `{"id":"A1"}`},
		{"yaml", "application/x-yaml", "utf-8", body, "id: A1\n"},
		// fixmap of 1, fixstr "id", fixstr "A1".
		{"msgpack", "application/x-msgpack", "binary", body, "\x81\xa2id\xa2A1"},
		{"raw", "application/data", "binary", []byte{0, 0xff}, "\x00\xff"},
		{"text", "text/plain", "utf-8", "héllo", "héllo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := publishOne(t, tt.body, runtime.WithSerializer(tt.name))
			if msg.ContentType != tt.contentType || msg.ContentEncoding != tt.encoding {
				t.Errorf("content type, encoding = %q, %q; want %q, %q", msg.ContentType, msg.ContentEncoding, tt.contentType, tt.encoding)
			}
			if string(msg.Body) != tt.wantBody {
				t.Errorf("body = %q, want %q", msg.Body, tt.wantBody)
			}
			s, err := consume.Serializer(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if s.ContentType() != tt.contentType || s.ContentEncoding() != tt.encoding {
				t.Errorf("LookupSerializer(%q) = %q, %q", tt.name, s.ContentType(), s.ContentEncoding())
			}
			byType, err := consume.Serializer(tt.contentType)
			if err != nil || byType.ContentType() != tt.contentType {
				t.Errorf("SerializerForContentType(%q) = %v, %v", tt.contentType, byType, err)
			}
		})
	}
}

// TestSerializerKombuEdges covers what kombu does differently from a
// naive encoder: raw strings are utf-8, and YAML 1.1 readers need "="
// quoted.
func TestSerializerKombuEdges(t *testing.T) {
	type note string
	for _, body := range []any{"héllo", note("héllo")} {
		msg := publishOne(t, body, runtime.WithSerializer("raw"))
		if msg.ContentEncoding != "utf-8" || string(msg.Body) != "héllo" {
			t.Errorf("raw %T: encoding %q body %q, want utf-8 and the text", body, msg.ContentEncoding, msg.Body)
		}
	}
	if msg := publishOne(t, "\xff\xfe", runtime.WithSerializer("raw")); msg.ContentEncoding != "binary" {
		t.Errorf("raw string that is not UTF-8: encoding %q, want binary", msg.ContentEncoding)
	}
	f := newFakeTransport()
	err := runtime.NewProducer(f).Publish(context.Background(), "\xff\xfe", runtime.WithSerializer("text"))
	if !errors.Is(err, runtime.ErrInvalidMessage) || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("text that is not UTF-8: %v, want ErrInvalidMessage", err)
	}
	f.requireUntouched(t)
	msg := publishOne(t, map[string]string{"op": "=", "eq": "a=b"}, runtime.WithSerializer("yaml"))
	if want := "eq: a=b\nop: \"=\"\n"; string(msg.Body) != want {
		t.Errorf("yaml body %q, want %q", msg.Body, want)
	}
}

func TestSerializerAutoChoice(t *testing.T) {
	tests := []struct {
		name                        string
		body                        any
		contentType, encoding, want string
	}{
		{"bytes", []byte("\x00raw"), "application/data", "binary", "\x00raw"},
		{"string", "héllo", "text/plain", "utf-8", "héllo"},
		{"map", map[string]int{"a": 1}, "application/json", "utf-8", `{"a":1}`},
		{"struct", struct {
			A int `json:"a"`
		}{1}, "application/json", "utf-8", `{"a":1}`},
		{"int", 42, "application/json", "utf-8", "42"},
		{"nil", nil, "application/json", "utf-8", "null"},
		{"slice", []string{"a"}, "application/json", "utf-8", `["a"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := publishOne(t, tt.body)
			if msg.ContentType != tt.contentType || msg.ContentEncoding != tt.encoding || string(msg.Body) != tt.want {
				t.Errorf("got (%q, %q, %q), want (%q, %q, %q)",
					msg.ContentType, msg.ContentEncoding, msg.Body, tt.contentType, tt.encoding, tt.want)
			}
		})
	}
}

func TestSerializerJSONKeepsHTML(t *testing.T) {
	msg := publishOne(t, map[string]string{"q": "<a&b>"}, runtime.WithSerializer("json"))
	if want := `{"q":"<a&b>"}`; string(msg.Body) != want {
		t.Errorf("body = %s, want %s", msg.Body, want)
	}
}

func TestSerializerMsgpackBinType(t *testing.T) {
	// As Python's msgpack with use_bin_type=True: strings are str, bytes bin.
	msg := publishOne(t, []any{"a", []byte{7}}, runtime.WithSerializer("msgpack"))
	if want := "\x92\xa1a\xc4\x01\x07"; string(msg.Body) != want {
		t.Errorf("body = % x, want % x", msg.Body, want)
	}
}

func TestSerializerUnknown(t *testing.T) {
	err := publishInvalid(t, "x", runtime.WithSerializer("pickle"))
	if !errors.Is(err, runtime.ErrNotRegistered) {
		t.Errorf("error %v does not match ErrNotRegistered", err)
	}
	for _, want := range []string{`"pickle"`, "json", "msgpack", "raw", "text", "yaml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %s", err, want)
		}
	}

	_, err = consume.Serializer("pickle")
	if !errors.Is(err, runtime.ErrNotRegistered) || !errors.Is(err, runtime.ErrInvalidMessage) {
		t.Errorf("LookupSerializer error %v, want ErrNotRegistered and ErrInvalidMessage", err)
	}
	_, err = consume.Serializer("application/x-python-serialize")
	if !errors.Is(err, runtime.ErrNotRegistered) || !strings.Contains(err.Error(), "application/x-python-serialize") {
		t.Errorf("SerializerForContentType error %v, want ErrNotRegistered naming the type", err)
	}
}

func TestSerializerMarshalErrors(t *testing.T) {
	tests := []struct {
		serializer string
		body       any
	}{
		{"json", make(chan int)},
		{"json", map[string]any{"f": func() {}}},
		{"raw", struct{}{}},
		{"raw", 12},
		{"text", 12},
		{"text", map[string]string{}},
		{"msgpack", make(chan int)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%T", tt.serializer, tt.body), func(t *testing.T) {
			err := publishInvalid(t, tt.body, runtime.WithSerializer(tt.serializer))
			if !strings.Contains(err.Error(), tt.serializer) {
				t.Errorf("error %q does not name the serializer", err)
			}
		})
	}
}

// countingSerializer is JSON under a name of its own, counting its calls.
type countingSerializer struct {
	name, contentType string
	marshals          *atomic.Int64
}

func (c countingSerializer) ContentType() string     { return c.contentType }
func (c countingSerializer) ContentEncoding() string { return "utf-8" }

func (c countingSerializer) Marshal(v any) ([]byte, error) {
	c.marshals.Add(1)
	return json.Marshal(map[string]any{"wrapped": v})
}

func (c countingSerializer) Unmarshal(body []byte, v any) error {
	var w struct{ Wrapped json.RawMessage }
	if err := json.Unmarshal(body, &w); err != nil {
		return err
	}
	return json.Unmarshal(w.Wrapped, v)
}

// registerCountingSerializer registers a countingSerializer under a name and
// content type of the test's own.
func registerCountingSerializer(t *testing.T) countingSerializer {
	t.Helper()
	name := "counting-" + strings.ReplaceAll(t.Name(), "/", "-")
	c := countingSerializer{name: name, contentType: "application/x-" + name, marshals: new(atomic.Int64)}
	runtime.RegisterSerializer(name, c)
	return c
}

func TestSerializerRegistered(t *testing.T) {
	c := registerCountingSerializer(t)
	msg := publishOne(t, 7, runtime.WithSerializer(c.name))
	if msg.ContentType != c.contentType || msg.ContentEncoding != "utf-8" || string(msg.Body) != `{"wrapped":7}` {
		t.Errorf("got (%q, %q, %s)", msg.ContentType, msg.ContentEncoding, msg.Body)
	}
	if n := c.marshals.Load(); n != 1 {
		t.Errorf("Marshal called %d times, want 1", n)
	}
	var got int
	if err := consume.Decode(msg.Properties, msg.Body, &got); err != nil || got != 7 {
		t.Errorf("Decode by content type = %d, %v; want 7", got, err)
	}
	if _, err := consume.Serializer(c.name); err != nil {
		t.Errorf("LookupSerializer(%q): %v", c.name, err)
	}
	// The registered name is listed for the next unknown one.
	_, err := consume.Serializer("nope")
	if err == nil || !strings.Contains(err.Error(), c.name) {
		t.Errorf("error %v does not list %q", err, c.name)
	}
}

// roundTrip is a body every structured serializer encodes.
type roundTrip struct {
	ID    string            `json:"id" yaml:"id" msgpack:"id"`
	Count int64             `json:"count" yaml:"count" msgpack:"count"`
	Tags  []string          `json:"tags" yaml:"tags" msgpack:"tags"`
	Attrs map[string]string `json:"attrs" yaml:"attrs" msgpack:"attrs"`
}

// compressionNames are every built-in compression name, alias and content
// type, and none.
var compressionNames = []string{
	"", "none",
	"zlib", "gzip", "application/x-gzip",
	"bzip2", "bzip", "application/x-bz2",
	"lzma", "xz", "application/x-lzma",
	"brotli", "application/x-brotli",
	"zstd", "zstandard", "application/zstd",
}

func TestDecodeRoundTripEverySerializerAndCompression(t *testing.T) {
	structured := roundTrip{ID: "A1", Count: 3, Tags: []string{"a", "é"}, Attrs: map[string]string{"k": "v"}}
	raw := append(bytes.Repeat([]byte{0, 1, 2, 0xff}, 64), "tail"...)
	text := strings.Repeat("héllo wörld ✓ ", 40)
	serializers := []struct {
		name string
		body any
		into func() any // a pointer to decode into
	}{
		{"json", structured, func() any { return new(roundTrip) }},
		{"yaml", structured, func() any { return new(roundTrip) }},
		{"msgpack", structured, func() any { return new(roundTrip) }},
		{"raw", raw, func() any { return new([]byte) }},
		{"text", text, func() any { return new(string) }},
	}
	for _, s := range serializers {
		for _, c := range compressionNames {
			t.Run(s.name+"/"+c, func(t *testing.T) {
				msg := publishOne(t, s.body, runtime.WithSerializer(s.name), runtime.WithCompression(c))
				got := s.into()
				if err := consume.Decode(msg.Properties, msg.Body, got); err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if got := reflect.ValueOf(got).Elem().Interface(); !reflect.DeepEqual(got, s.body) {
					t.Errorf("decoded %#v, want %#v", got, s.body)
				}
			})
		}
	}
}

func TestDecodeIntoAny(t *testing.T) {
	tests := []struct {
		serializer string
		body       any
		want       any
	}{
		{"json", map[string]any{"a": 1}, map[string]any{"a": float64(1)}},
		{"raw", []byte("r"), []byte("r")},
		{"text", "t", "t"},
	}
	for _, tt := range tests {
		msg := publishOne(t, tt.body, runtime.WithSerializer(tt.serializer))
		var got any
		if err := consume.Decode(msg.Properties, msg.Body, &got); err != nil {
			t.Fatalf("%s: Decode: %v", tt.serializer, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: decoded %#v, want %#v", tt.serializer, got, tt.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	var s string
	err := consume.Decode(runtime.Properties{ContentType: "application/x-python-serialize"}, []byte("x"), &s)
	if !errors.Is(err, runtime.ErrNotRegistered) {
		t.Errorf("unknown content type: %v, want ErrNotRegistered", err)
	}
	err = consume.Decode(runtime.Properties{ContentType: "text/plain", Headers: runtime.Table{"compression": "rar"}}, []byte("x"), &s)
	if !errors.Is(err, runtime.ErrNotRegistered) || !strings.Contains(err.Error(), `"rar"`) {
		t.Errorf("unknown compression: %v, want ErrNotRegistered naming it", err)
	}
	err = consume.Decode(runtime.Properties{ContentType: "text/plain", Headers: runtime.Table{"compression": "application/x-gzip"}}, []byte("not zlib"), &s)
	if err == nil || !strings.Contains(err.Error(), "application/x-gzip") {
		t.Errorf("corrupt body: %v, want an error naming the compression", err)
	}
	err = consume.Decode(runtime.Properties{ContentType: "application/json"}, []byte("{"), &s)
	if err == nil || !strings.Contains(err.Error(), "application/json") {
		t.Errorf("bad json: %v, want an error naming the content type", err)
	}
	var n int
	for _, ct := range []string{"text/plain", "application/data"} {
		if err := consume.Decode(runtime.Properties{ContentType: ct}, []byte("x"), &n); err == nil {
			t.Errorf("%s into *int: no error", ct)
		}
		if err := consume.Decode(runtime.Properties{ContentType: ct}, []byte("x"), s); err == nil {
			t.Errorf("%s into a non-pointer: no error", ct)
		}
	}
}
