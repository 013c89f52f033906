package runtime

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Compressor compresses message bodies. Its ContentType goes into the
// message's "compression" header, where kombu consumers look for it.
type Compressor interface {
	ContentType() string
	Compress(body []byte) ([]byte, error)
	Decompress(body []byte) ([]byte, error)
}

// The compression names kombu uses. Each is also known by its alias (gzip,
// bzip, xz, zstandard) and by its content type.
const (
	CompressionNone   = "none"
	CompressionZlib   = "zlib"
	CompressionBzip2  = "bzip2"
	CompressionLZMA   = "lzma"
	CompressionBrotli = "brotli"
	CompressionZstd   = "zstd"
)

var compressors = struct {
	sync.RWMutex
	byName map[string]registeredCompressor
}{byName: map[string]registeredCompressor{}}

// registeredCompressor is a compressor with its content type as a header
// value, made once: a string put in a Table is copied to the heap.
type registeredCompressor struct {
	c      Compressor
	header any
}

// RegisterCompressor makes c available under name, each alias and its content
// type, replacing earlier registrations of those names.
func RegisterCompressor(name string, c Compressor, aliases ...string) {
	compressors.Lock()
	defer compressors.Unlock()
	r := registeredCompressor{c: c, header: c.ContentType()}
	for _, n := range append([]string{name, c.ContentType()}, aliases...) {
		compressors.byName[n] = r
	}
}

// LookupCompressor returns the compressor registered under name, an alias or
// a content type. "" and "none" mean no compression: a nil Compressor.
func LookupCompressor(name string) (Compressor, error) {
	r, err := lookupCompressor(name)
	return r.c, err
}

func lookupCompressor(name string) (registeredCompressor, error) {
	if name == "" || name == CompressionNone {
		return registeredCompressor{}, nil
	}
	compressors.RLock()
	r, ok := compressors.byName[name]
	compressors.RUnlock()
	if !ok {
		return r, fmt.Errorf("%w: compression %q %w (have %s)", ErrInvalidMessage, name, ErrNotRegistered, registeredNames(&compressors.RWMutex, compressors.byName))
	}
	return r, nil
}

func init() {
	RegisterCompressor(CompressionZlib, zlibCompressor{}, "gzip")
	RegisterCompressor(CompressionBzip2, bzip2Compressor{}, "bzip")
	RegisterCompressor(CompressionLZMA, xzCompressor{}, "xz")
	RegisterCompressor(CompressionBrotli, brotliCompressor{})
	RegisterCompressor(CompressionZstd, newZstdCompressor(), "zstandard")
}

// compressWith runs body through a writer made by newWriter.
func compressWith[W io.WriteCloser](body []byte, newWriter func(io.Writer) (W, error)) ([]byte, error) {
	var buf bytes.Buffer
	w, err := newWriter(&buf)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pooledWriter is a compression writer kept, with the buffer it writes
// to, for the next message: making a writer allocates its whole state
// (zlib's is some 800 KB), which dwarfs compressing a message.
type pooledWriter[W io.WriteCloser] struct {
	w   W
	out appendWriter
}

// appendWriter appends what is written to b.
type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// newPool returns a pool of writers made by newWriter.
func newPool[W io.WriteCloser](newWriter func() W) *sync.Pool {
	return &sync.Pool{New: func() any { return &pooledWriter[W]{w: newWriter()} }}
}

// pooledCompress runs body through a writer from pool, reset to write to a
// fresh slice, the only allocation.
func pooledCompress[W io.WriteCloser](pool *sync.Pool, body []byte, reset func(W, io.Writer) error) ([]byte, error) {
	pw := pool.Get().(*pooledWriter[W])
	pw.out.b = make([]byte, 0, len(body)/2+64)
	if err := reset(pw.w, &pw.out); err != nil {
		return nil, err
	}
	if _, err := pw.w.Write(body); err != nil {
		return nil, err
	}
	if err := pw.w.Close(); err != nil {
		return nil, err
	}
	out := pw.out.b
	pw.out.b = nil
	// Only a writer that finished cleanly goes back for reuse.
	pool.Put(pw)
	return out, nil
}

// readAllFrom reads everything from a reader over body.
func readAllFrom[R io.Reader](body []byte, newReader func(io.Reader) (R, error)) ([]byte, error) {
	r, err := newReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(r)
	if c, ok := any(r).(io.Closer); ok {
		c.Close()
	}
	return out, err
}

// zlibCompressor writes a zlib stream (RFC 1950) at level 6, what Python's
// zlib.compress makes; kombu calls it gzip all the same.
type zlibCompressor struct{}

func (zlibCompressor) ContentType() string { return "application/x-gzip" }

var zlibWriters = newPool(func() *zlib.Writer {
	w, _ := zlib.NewWriterLevel(nil, 6) // a fixed, valid level
	return w
})

func (zlibCompressor) Compress(body []byte) ([]byte, error) {
	return pooledCompress(zlibWriters, body, func(w *zlib.Writer, dst io.Writer) error { w.Reset(dst); return nil })
}

func (zlibCompressor) Decompress(body []byte) ([]byte, error) {
	return readAllFrom(body, zlib.NewReader)
}

// bzip2Compressor writes a bzip2 stream at level 9, as Python's bz2 does.
type bzip2Compressor struct{}

func (bzip2Compressor) ContentType() string { return "application/x-bz2" }

var bzip2Writers = newPool(func() *bzip2.Writer {
	w, _ := bzip2.NewWriter(nil, &bzip2.WriterConfig{Level: bzip2.BestCompression}) // a fixed, valid level
	return w
})

func (bzip2Compressor) Compress(body []byte) ([]byte, error) {
	return pooledCompress(bzip2Writers, body, (*bzip2.Writer).Reset)
}

func (bzip2Compressor) Decompress(body []byte) ([]byte, error) {
	return readAllFrom(body, func(r io.Reader) (*bzip2.Reader, error) { return bzip2.NewReader(r, nil) })
}

// xzCompressor writes the .xz container that Python's lzma.compress makes
// and kombu names application/x-lzma.
type xzCompressor struct{}

func (xzCompressor) ContentType() string { return "application/x-lzma" }

func (xzCompressor) Compress(body []byte) ([]byte, error) {
	return compressWith(body, func(w io.Writer) (*xz.Writer, error) {
		return xz.WriterConfig{DictCap: xzDictCap(len(body))}.NewWriter(w)
	})
}

// xzDictCap sizes the LZMA2 dictionary to the body: a dictionary larger
// than the input compresses no better, yet the writer allocates it whole
// (8 MiB, as Python's preset 6, makes every message cost ~50 MB).
func xzDictCap(n int) int {
	const minCap, maxCap = 4096, 8 << 20
	return min(max(n, minCap), maxCap)
}

func (xzCompressor) Decompress(body []byte) ([]byte, error) {
	return readAllFrom(body, func(r io.Reader) (*xz.Reader, error) { return xz.NewReader(r) })
}

// brotliCompressor writes a brotli stream at the library's default quality:
// kombu's quality 11 decodes the same and costs far more time per message.
type brotliCompressor struct{}

func (brotliCompressor) ContentType() string { return "application/x-brotli" }

var brotliWriters = newPool(func() *brotli.Writer { return brotli.NewWriter(nil) })

func (brotliCompressor) Compress(body []byte) ([]byte, error) {
	return pooledCompress(brotliWriters, body, func(w *brotli.Writer, dst io.Writer) error { w.Reset(dst); return nil })
}

func (brotliCompressor) Decompress(body []byte) ([]byte, error) {
	return readAllFrom(body, func(r io.Reader) (*brotli.Reader, error) { return brotli.NewReader(r), nil })
}

// zstdCompressor writes one zstd frame with its content size, which
// python-zstandard's one-shot decompress, which kombu calls, requires.
type zstdCompressor struct {
	enc *zstd.Encoder
	// small writes bodies under zstdSmall bytes as single-segment frames:
	// the encoder leaves the content size out of other frames that short.
	small *zstd.Encoder
	dec   *zstd.Decoder
}

// zstdSmall is the size under which a zstd frame header holds the content
// size only in a single-segment frame (RFC 8878 section 3.1.1.1.4).
const zstdSmall = 256

func newZstdCompressor() zstdCompressor {
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		panic(fmt.Sprintf("zstd encoder with fixed options: %v", err))
	}
	small, err := zstd.NewWriter(nil, zstd.WithSingleSegment(true))
	if err != nil {
		panic(fmt.Sprintf("zstd encoder with fixed options: %v", err))
	}
	dec, err := zstd.NewReader(nil)
	if err != nil {
		panic(fmt.Sprintf("zstd decoder with fixed options: %v", err))
	}
	return zstdCompressor{enc: enc, small: small, dec: dec}
}

func (zstdCompressor) ContentType() string { return "application/zstd" }

func (c zstdCompressor) Compress(body []byte) ([]byte, error) {
	if len(body) < zstdSmall {
		return c.small.EncodeAll(body, nil), nil
	}
	return c.enc.EncodeAll(body, nil), nil
}

func (c zstdCompressor) Decompress(body []byte) ([]byte, error) {
	return c.dec.DecodeAll(body, nil)
}
