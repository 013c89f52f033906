package runtime_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
)

// compressible is a body that shrinks under every algorithm.
var compressible = []byte(strings.Repeat(`{"order_id": "A1", "status": "created"} `, 50))

func TestCompressionWireFormat(t *testing.T) {
	tests := []struct {
		names  []string // name, aliases and content type
		header string
		magic  []byte
	}{
		{[]string{"zlib", "gzip", "application/x-gzip"}, "application/x-gzip", []byte{0x78, 0x9c}},
		{[]string{"bzip2", "bzip", "application/x-bz2"}, "application/x-bz2", []byte("BZh")},
		{[]string{"lzma", "xz", "application/x-lzma"}, "application/x-lzma", []byte{0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}},
		{[]string{"brotli", "application/x-brotli"}, "application/x-brotli", nil},
		{[]string{"zstd", "zstandard", "application/zstd"}, "application/zstd", []byte{0x28, 0xb5, 0x2f, 0xfd}},
	}
	for _, tt := range tests {
		for _, name := range tt.names {
			t.Run(name, func(t *testing.T) {
				msg := publishOne(t, compressible, runtime.WithCompression(name))
				if got := msg.Headers["compression"]; got != tt.header {
					t.Errorf("compression header = %v, want %q", got, tt.header)
				}
				// Compression leaves the content type and encoding alone.
				if msg.ContentType != "application/data" || msg.ContentEncoding != "binary" {
					t.Errorf("content type, encoding = %q, %q", msg.ContentType, msg.ContentEncoding)
				}
				if !bytes.HasPrefix(msg.Body, tt.magic) {
					t.Errorf("body starts % x, want % x", msg.Body[:min(8, len(msg.Body))], tt.magic)
				}
				if len(msg.Body) >= len(compressible) {
					t.Errorf("compressed to %d bytes from %d", len(msg.Body), len(compressible))
				}
				plain, err := consume.Decompress(msg.Properties, msg.Body)
				if err != nil {
					t.Fatalf("Decompress: %v", err)
				}
				if !bytes.Equal(plain, compressible) {
					t.Errorf("round trip changed the body")
				}
			})
		}
	}
}

func TestCompressionZlibIsZlibNotGzip(t *testing.T) {
	// kombu's "gzip" is Python's zlib.compress: a standard zlib reader
	// must read it.
	msg := publishOne(t, compressible, runtime.WithCompression("gzip"))
	r, err := zlib.NewReader(bytes.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("not a zlib stream: %v", err)
	}
	plain, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(plain, compressible) {
		t.Errorf("zlib read = %d bytes, %v", len(plain), err)
	}
}

func TestCompressionZstdFrameHasContentSize(t *testing.T) {
	// python-zstandard's one-shot decompress, which kombu uses, fails on a
	// frame without its content size, short ones included.
	for _, n := range []int{0, 1, 100, 255, 256, 1024, 1025, 65791, 65792, 300_000} {
		body := bytes.Repeat([]byte("ab"), n)[:n]
		msg := publishOne(t, body, runtime.WithCompression("zstd"))
		size, ok := zstdFrameContentSize(msg.Body)
		if !ok {
			t.Errorf("%d-byte body: frame header has no content size", len(body))
			continue
		}
		if size != uint64(len(body)) {
			t.Errorf("frame content size = %d, want %d", size, len(body))
		}
	}
}

// zstdFrameContentSize reads the Frame_Content_Size field of the zstd frame
// at the start of b (RFC 8878 section 3.1.1.1).
func zstdFrameContentSize(b []byte) (uint64, bool) {
	if len(b) < 5 || !bytes.Equal(b[:4], []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		return 0, false
	}
	fhd := b[4]
	singleSegment := fhd&0x20 != 0
	dictIDSize := []int{0, 1, 2, 4}[fhd&0x03]
	fcsSize := []int{0, 2, 4, 8}[fhd>>6]
	if fcsSize == 0 && singleSegment {
		fcsSize = 1
	}
	if fcsSize == 0 {
		return 0, false
	}
	off := 5 + dictIDSize
	if !singleSegment {
		off++ // window descriptor
	}
	if len(b) < off+fcsSize {
		return 0, false
	}
	f := b[off : off+fcsSize]
	switch fcsSize {
	case 1:
		return uint64(f[0]), true
	case 2:
		return uint64(binary.LittleEndian.Uint16(f)) + 256, true
	case 4:
		return uint64(binary.LittleEndian.Uint32(f)), true
	}
	return binary.LittleEndian.Uint64(f), true
}

func TestCompressionNone(t *testing.T) {
	for _, name := range []string{"", "none"} {
		c, err := consume.Compressor(name)
		if c != nil || err != nil {
			t.Errorf("LookupCompressor(%q) = %v, %v; want nil, nil", name, c, err)
		}
		msg := publishOne(t, []byte("plain"), runtime.WithCompression(name))
		if _, ok := msg.Headers["compression"]; ok || string(msg.Body) != "plain" {
			t.Errorf("%q: headers %v, body %q", name, msg.Headers, msg.Body)
		}
	}
}

func TestCompressionUnknown(t *testing.T) {
	err := publishInvalid(t, "x", runtime.WithCompression("lz4"))
	if !errors.Is(err, runtime.ErrNotRegistered) {
		t.Errorf("error %v does not match ErrNotRegistered", err)
	}
	for _, want := range []string{`"lz4"`, "zlib", "bzip2", "lzma", "brotli", "zstd"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %s", err, want)
		}
	}
}

func TestCompressionCorruptBody(t *testing.T) {
	for _, name := range []string{"zlib", "bzip2", "lzma", "brotli", "zstd"} {
		c, err := consume.Compressor(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Decompress([]byte("definitely not compressed data")); err == nil {
			t.Errorf("%s: Decompress of garbage succeeded", name)
		}
	}
}

// reverseCompressor "compresses" by reversing the bytes.
type reverseCompressor struct{ contentType string }

func (r reverseCompressor) ContentType() string { return r.contentType }

func (reverseCompressor) Compress(b []byte) ([]byte, error) {
	out := bytes.Clone(b)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func (r reverseCompressor) Decompress(b []byte) ([]byte, error) { return r.Compress(b) }

func TestCompressionRegistered(t *testing.T) {
	const contentType = "application/x-kombugen-reverse"
	runtime.RegisterCompressor("kombugen-reverse", reverseCompressor{contentType}, "kombugen-rev")
	for _, name := range []string{"kombugen-reverse", "kombugen-rev", contentType} {
		t.Run(name, func(t *testing.T) {
			msg := publishOne(t, "abc", runtime.WithCompression(name))
			if string(msg.Body) != "cba" || msg.Headers["compression"] != contentType {
				t.Errorf("body %q, headers %v", msg.Body, msg.Headers)
			}
			var got string
			if err := consume.Decode(msg.Properties, msg.Body, &got); err != nil || got != "abc" {
				t.Errorf("Decode = %q, %v", got, err)
			}
		})
	}
}

// failingCompressor fails to compress.
type failingCompressor struct{}

var errCompress = errors.New("out of dictionary")

func (failingCompressor) ContentType() string                 { return "application/x-kombugen-failing" }
func (failingCompressor) Compress([]byte) ([]byte, error)     { return nil, errCompress }
func (failingCompressor) Decompress(b []byte) ([]byte, error) { return b, nil }

func TestCompressionFailureNotPublished(t *testing.T) {
	runtime.RegisterCompressor("kombugen-failing", failingCompressor{})
	f := newFakeTransport()
	err := runtime.NewProducer(f).Publish(t.Context(), "x", runtime.WithCompression("kombugen-failing"))
	if !errors.Is(err, errCompress) || !strings.Contains(err.Error(), "kombugen-failing") {
		t.Errorf("error %v, want the compressor's error naming it", err)
	}
	f.requireUntouched(t)
}
