package consume_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/memory"
)

// This package imports no codec package: what only those register is
// missing here, as in a program that does not import them.

// TestNotImportedCodecsNameTheirImport checks that a serializer or
// compression of kombu's that the program does not import is an error
// naming the import to add, on publishing and on decoding.
func TestNotImportedCodecsNameTheirImport(t *testing.T) {
	const (
		msgpackPkg = `import _ "github.com/kombugen/kombugen/runtime/serializer/msgpack"`
		yamlPkg    = `import _ "github.com/kombugen/kombugen/runtime/serializer/yaml"`
		zstdPkg    = `import _ "github.com/kombugen/kombugen/runtime/compression/zstd"`
		bzip2Pkg   = `import _ "github.com/kombugen/kombugen/runtime/compression/bzip2"`
	)
	check := func(what string, err error, want string) {
		t.Helper()
		switch {
		case !errors.Is(err, runtime.ErrNotRegistered) || !errors.Is(err, runtime.ErrInvalidMessage):
			t.Errorf("%s: error %v, want one matching ErrNotRegistered and ErrInvalidMessage", what, err)
		case !strings.Contains(err.Error(), want):
			t.Errorf("%s: error %q does not say %s", what, err, want)
		}
	}
	_, err := consume.Serializer("msgpack")
	check("LookupSerializer(msgpack)", err, msgpackPkg)
	_, err = consume.Serializer("application/x-yaml")
	check("LookupSerializer(application/x-yaml)", err, yamlPkg)
	_, err = consume.Compressor("zstandard")
	check("LookupCompressor(zstandard)", err, zstdPkg)

	b := memory.New()
	defer b.Close()
	p := runtime.NewProducer(b)
	err = p.Publish(context.Background(), map[string]any{"a": 1}, runtime.WithExchangeName(""), runtime.WithRoutingKey("q"), runtime.WithCompression("bzip"))
	check("Publish with bzip", err, bzip2Pkg)
	err = p.Publish(context.Background(), map[string]any{"a": 1}, runtime.WithExchangeName(""), runtime.WithRoutingKey("q"), runtime.WithSerializer("yaml"))
	check("Publish with yaml", err, yamlPkg)

	props := runtime.Properties{ContentType: "application/x-msgpack", Headers: runtime.Table{}}
	var v any
	check("Decode of msgpack", consume.Decode(props, []byte{0x80}, &v), msgpackPkg)
	props = runtime.Properties{ContentType: "application/json", Headers: runtime.Table{"compression": "application/zstd"}}
	check("Decode of a zstd body", consume.Decode(props, []byte("x"), &v), zstdPkg)
}

func TestDecodeJSON(t *testing.T) {
	props := runtime.Properties{ContentType: "application/json", Headers: runtime.Table{}}
	var v map[string]int
	if err := consume.Decode(props, []byte(`{"a":1}`), &v); err != nil || v["a"] != 1 {
		t.Errorf("Decode = %v, %v", v, err)
	}
}
