package bench

// The benchmarks measure every codec of kombu's: their packages register
// them.
import (
	_ "github.com/kombugen/kombugen/runtime/compression/brotli"
	_ "github.com/kombugen/kombugen/runtime/compression/bzip2"
	_ "github.com/kombugen/kombugen/runtime/compression/lzma"
	_ "github.com/kombugen/kombugen/runtime/compression/zlib"
	_ "github.com/kombugen/kombugen/runtime/compression/zstd"
	_ "github.com/kombugen/kombugen/runtime/serializer/msgpack"
	_ "github.com/kombugen/kombugen/runtime/serializer/yaml"
)
