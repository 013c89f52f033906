// Package brotli registers kombu's brotli compression (header
// application/x-brotli) with the runtime when it is imported:
//
//	import _ "github.com/kombugen/kombugen/runtime/compression/brotli"
//
// It writes a brotli stream at the library's default quality: kombu's
// quality 11 decodes the same and costs far more time per message.
package brotli

import (
	"io"

	"github.com/andybalholm/brotli"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/compressio"
)

func init() {
	runtime.RegisterCompressor(codecs.Brotli.Name, compressor{}, codecs.Brotli.Aliases...)
}

type compressor struct{}

func (compressor) ContentType() string { return codecs.Brotli.ContentType }

var writers = compressio.NewPool(func() *brotli.Writer { return brotli.NewWriter(nil) },
	func(w *brotli.Writer, dst io.Writer) error { w.Reset(dst); return nil })

func (compressor) Compress(body []byte) ([]byte, error) { return writers.Compress(body) }

func (compressor) Decompress(body []byte) ([]byte, error) {
	return compressio.ReadAll(body, func(r io.Reader) (*brotli.Reader, error) { return brotli.NewReader(r), nil })
}
