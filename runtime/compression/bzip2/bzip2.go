// Package bzip2 registers kombu's bzip2 compression (alias bzip, header
// application/x-bz2) with the runtime when it is imported:
//
//	import _ "github.com/kombugen/kombugen/runtime/compression/bzip2"
//
// It writes a bzip2 stream at level 9, as Python's bz2 does.
package bzip2

import (
	"io"

	"github.com/dsnet/compress/bzip2"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/compressio"
)

func init() {
	runtime.RegisterCompressor(codecs.Bzip2.Name, compressor{}, codecs.Bzip2.Aliases...)
}

type compressor struct{}

func (compressor) ContentType() string { return codecs.Bzip2.ContentType }

var writers = compressio.NewPool(func() *bzip2.Writer {
	w, _ := bzip2.NewWriter(nil, &bzip2.WriterConfig{Level: bzip2.BestCompression}) // a fixed, valid level
	return w
}, (*bzip2.Writer).Reset)

func (compressor) Compress(body []byte) ([]byte, error) { return writers.Compress(body) }

func (compressor) Decompress(body []byte) ([]byte, error) {
	return compressio.ReadAll(body, func(r io.Reader) (*bzip2.Reader, error) { return bzip2.NewReader(r, nil) })
}
