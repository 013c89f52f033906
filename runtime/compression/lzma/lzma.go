// Package lzma registers kombu's lzma compression (alias xz, header
// application/x-lzma) with the runtime when it is imported:
//
//	import _ "github.com/kombugen/kombugen/runtime/compression/lzma"
//
// It writes the .xz container that Python's lzma.compress makes and kombu
// names application/x-lzma.
package lzma

import (
	"io"

	"github.com/ulikunitz/xz"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/compressio"
)

func init() {
	runtime.RegisterCompressor(codecs.LZMA.Name, compressor{}, codecs.LZMA.Aliases...)
}

type compressor struct{}

func (compressor) ContentType() string { return codecs.LZMA.ContentType }

func (compressor) Compress(body []byte) ([]byte, error) {
	return compressio.Write(body, func(w io.Writer) (*xz.Writer, error) {
		return xz.WriterConfig{DictCap: dictCap(len(body))}.NewWriter(w)
	})
}

// dictCap sizes the LZMA2 dictionary to the body: a dictionary larger
// than the input compresses no better, yet the writer allocates it whole
// (8 MiB, as Python's preset 6, makes every message cost ~50 MB).
func dictCap(n int) int {
	const minCap, maxCap = 4096, 8 << 20
	return min(max(n, minCap), maxCap)
}

func (compressor) Decompress(body []byte) ([]byte, error) {
	return compressio.ReadAll(body, func(r io.Reader) (*xz.Reader, error) { return xz.NewReader(r) })
}
