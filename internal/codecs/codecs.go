// Package codecs is the one table of kombu's serializers and compressions
// as they appear on the wire: their names and kombu's aliases, the
// content type and content encoding each serializer sends, the value each
// compression puts in the "compression" header, and which kombu reads
// what; and, for each, the package of ours that implements it. The
// runtime, schema, schemadiff, docs and the generator all read it, so that
// they agree.
//
// Every fact about kombu is checked against kombu 5.2.4's source (Debian's
// python3-kombu 5.2.4-1, /usr/lib/python3/dist-packages/kombu), cited
// where it is written, and against kombu itself by a test when Debian's
// python3 is installed. The package imports nothing but the standard
// library.
package codecs

import "slices"

// ModulePath is the module of the packages below.
const ModulePath = "github.com/kombugen/kombugen"

// RuntimePath is the runtime package, which implements the serializers
// that need nothing beyond the standard library.
const RuntimePath = ModulePath + "/runtime"

// Serializer is one of the serializers a message body may be encoded with.
type Serializer struct {
	// Name is kombu's name for it, as a schema and Producer.publish's
	// serializer argument write it.
	Name string
	// ContentType is the content_type property of the messages it writes.
	ContentType string
	// ContentEncoding is their content_encoding property. The raw
	// serializer sends utf-8 for text and binary for bytes.
	ContentEncoding string
	// Package is the import path of the package that implements it: the
	// runtime itself, or a package that registers it when imported.
	Package string
}

// The serializers, in the order SPEC section 2 lists them.
var (
	// JSON: kombu/serialization.py:293-295, register_json.
	JSON = Serializer{Name: "json", ContentType: "application/json", ContentEncoding: "utf-8", Package: RuntimePath}
	// YAML: kombu/serialization.py:307-309, register_yaml (PyYAML's
	// safe_dump and safe_load).
	YAML = Serializer{Name: "yaml", ContentType: "application/x-yaml", ContentEncoding: "utf-8", Package: RuntimePath + "/serializer/yaml"}
	// Msgpack: kombu/serialization.py:370-372, register_msgpack (packb
	// with use_bin_type=True, unpackb with raw=False).
	Msgpack = Serializer{Name: "msgpack", ContentType: "application/x-msgpack", ContentEncoding: "binary", Package: RuntimePath + "/serializer/msgpack"}
	// Raw: kombu/serialization.py:181-182 and 276-286, raw_encode: the
	// body as it is, utf-8 for a str and binary for bytes.
	Raw = Serializer{Name: "raw", ContentType: "application/data", ContentEncoding: "binary", Package: RuntimePath}
	// Text is kombu's choice for a str body given no serializer
	// (kombu/serialization.py:195-199); kombu has no name for it, and
	// decodes text/plain to a str by its content encoding
	// (serialization.py:253-256).
	Text = Serializer{Name: "text", ContentType: "text/plain", ContentEncoding: "utf-8", Package: RuntimePath}
)

// Serializers lists every serializer.
var Serializers = []Serializer{JSON, YAML, Msgpack, Raw, Text}

// SerializerNames lists the serializers' names, as a schema writes them.
func SerializerNames() []string {
	names := make([]string, len(Serializers))
	for i, s := range Serializers {
		names[i] = s.Name
	}
	return names
}

// LookupSerializer returns the serializer named name.
func LookupSerializer(name string) (Serializer, bool) {
	i := slices.IndexFunc(Serializers, func(s Serializer) bool { return s.Name == name })
	if i < 0 {
		return Serializer{}, false
	}
	return Serializers[i], true
}

// SerializerForContentType returns the serializer that writes contentType.
func SerializerForContentType(contentType string) (Serializer, bool) {
	i := slices.IndexFunc(Serializers, func(s Serializer) bool { return s.ContentType == contentType })
	if i < 0 {
		return Serializer{}, false
	}
	return Serializers[i], true
}

// Compression is one of kombu's compressions.
type Compression struct {
	// Name is the name a schema stores it under.
	Name string
	// Aliases are kombu's other names for it, accepted wherever kombu
	// accepts them: by Producer.publish's compression argument, in a
	// schema, by the runtime.
	Aliases []string
	// ContentType is kombu's content type for it: the value of the
	// "compression" header of the messages it writes, which consumers look
	// the decompressor up by (kombu/message.py:77-80). kombu also takes it
	// as a name (kombu/compression.py:40-43, get_encoder).
	ContentType string
	// Readers says which kombu consumers decompress it, as a clause:
	// "kombu reads it ...".
	Readers string
	// Package is the import path of the package that implements it and
	// registers it when imported.
	Package string
}

// The compressions, with kombu's names for them in kombu/compression.py.
var (
	// Zlib writes a zlib stream, what Python's zlib.compress makes; kombu
	// calls it gzip all the same (compression.py:70-72).
	Zlib = Compression{Name: "zlib", Aliases: []string{"gzip"}, ContentType: "application/x-gzip",
		Readers: "every kombu reads it", Package: RuntimePath + "/compression/zlib"}
	// Bzip2: compression.py:76-81, when Python has bz2.
	Bzip2 = Compression{Name: "bzip2", Aliases: []string{"bzip"}, ContentType: "application/x-bz2",
		Readers: "kombu reads it where Python has bz2", Package: RuntimePath + "/compression/bzip2"}
	// LZMA writes the .xz container that Python's lzma.compress makes:
	// compression.py:93-99, when Python has lzma.
	LZMA = Compression{Name: "lzma", Aliases: []string{"xz"}, ContentType: "application/x-lzma",
		Readers: "kombu reads it where Python has lzma", Package: RuntimePath + "/compression/lzma"}
	// Brotli: compression.py:84-90, when the brotli module is installed.
	Brotli = Compression{Name: "brotli", ContentType: "application/x-brotli",
		Readers: "kombu reads it with the brotli module installed", Package: RuntimePath + "/compression/brotli"}
	// Zstd: compression.py:102-116, when the zstandard module is installed
	// (Debian's python3-kombu 5.2.4 with python3-zstandard reads and
	// writes it).
	Zstd = Compression{Name: "zstd", Aliases: []string{"zstandard"}, ContentType: "application/zstd",
		Readers: "kombu reads it with the zstandard module installed, 5.2.4 included", Package: RuntimePath + "/compression/zstd"}
)

// Compressions lists every compression, in the order SPEC section 2
// lists them.
var Compressions = []Compression{Zlib, Bzip2, LZMA, Zstd, Brotli}

// NoCompression is the name a schema gives to no compression; kombu's is
// None (kombu/messaging.py:268-269 compresses only when one is given).
const NoCompression = "none"

// CompressionNames lists "none" and every compression's name followed by
// its aliases, as a schema may write them: none, zlib, gzip, bzip2, ...
func CompressionNames() []string {
	names := []string{NoCompression}
	for _, c := range Compressions {
		names = append(names, c.Name)
		names = append(names, c.Aliases...)
	}
	return names
}

// LookupCompression returns the compression with the name, alias or
// content type name, as kombu looks it up (compression.py:40-43,
// get_encoder, and 46-48, get_decoder).
func LookupCompression(name string) (Compression, bool) {
	i := slices.IndexFunc(Compressions, func(c Compression) bool {
		return c.Name == name || c.ContentType == name || slices.Contains(c.Aliases, name)
	})
	if i < 0 {
		return Compression{}, false
	}
	return Compressions[i], true
}
