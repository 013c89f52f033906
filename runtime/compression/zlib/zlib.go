// Package zlib registers kombu's zlib compression (alias gzip, header
// application/x-gzip) with the runtime when it is imported:
//
//	import _ "github.com/kombugen/kombugen/runtime/compression/zlib"
//
// It writes a zlib stream (RFC 1950) at level 6, what Python's
// zlib.compress makes; kombu calls it gzip all the same.
package zlib

import (
	"compress/zlib"
	"io"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/compressio"
)

func init() {
	runtime.RegisterCompressor(codecs.Zlib.Name, compressor{}, codecs.Zlib.Aliases...)
}

type compressor struct{}

func (compressor) ContentType() string { return codecs.Zlib.ContentType }

var writers = compressio.NewPool(func() *zlib.Writer {
	w, _ := zlib.NewWriterLevel(nil, 6) // a fixed, valid level
	return w
}, func(w *zlib.Writer, dst io.Writer) error { w.Reset(dst); return nil })

func (compressor) Compress(body []byte) ([]byte, error) { return writers.Compress(body) }

func (compressor) Decompress(body []byte) ([]byte, error) {
	return compressio.ReadAll(body, zlib.NewReader)
}
