package codecs

import (
	"slices"
	"testing"
)

func TestLookupCompression(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"zlib", "zlib"}, {"gzip", "zlib"}, {"application/x-gzip", "zlib"},
		{"bzip2", "bzip2"}, {"bzip", "bzip2"},
		{"lzma", "lzma"}, {"xz", "lzma"},
		{"brotli", "brotli"},
		{"zstd", "zstd"}, {"zstandard", "zstd"}, {"application/zstd", "zstd"},
		{"none", ""}, {"", ""}, {"gzip2", ""},
	}
	for _, tt := range tests {
		c, ok := LookupCompression(tt.name)
		if ok != (tt.want != "") || c.Name != tt.want {
			t.Errorf("LookupCompression(%q) = %q, %v; want %q", tt.name, c.Name, ok, tt.want)
		}
	}
}

func TestCompressionNames(t *testing.T) {
	want := []string{"none", "zlib", "gzip", "bzip2", "bzip", "lzma", "xz", "zstd", "zstandard", "brotli"}
	if got := CompressionNames(); !slices.Equal(got, want) {
		t.Errorf("CompressionNames() = %v, want %v", got, want)
	}
}

func TestSerializers(t *testing.T) {
	if got, want := SerializerNames(), []string{"json", "yaml", "msgpack", "raw", "text"}; !slices.Equal(got, want) {
		t.Errorf("SerializerNames() = %v, want %v", got, want)
	}
	for _, s := range Serializers {
		if got, ok := SerializerForContentType(s.ContentType); !ok || got.Name != s.Name {
			t.Errorf("SerializerForContentType(%q) = %q, want %q", s.ContentType, got.Name, s.Name)
		}
		if got, ok := LookupSerializer(s.Name); !ok || got != s {
			t.Errorf("LookupSerializer(%q) = %v", s.Name, got)
		}
	}
}
