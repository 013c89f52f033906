package runtime_test

// The tests publish with every codec of kombu's: the packages of those
// that are not built in register them.
import (
	_ "github.com/kombugen/kombugen/runtime/compression/brotli"
	_ "github.com/kombugen/kombugen/runtime/compression/bzip2"
	_ "github.com/kombugen/kombugen/runtime/compression/lzma"
	_ "github.com/kombugen/kombugen/runtime/compression/zlib"
	_ "github.com/kombugen/kombugen/runtime/compression/zstd"
	_ "github.com/kombugen/kombugen/runtime/serializer/msgpack"
	_ "github.com/kombugen/kombugen/runtime/serializer/yaml"
)
