// Package zstd registers kombu's zstd compression (alias zstandard,
// header application/zstd) with the runtime when it is imported:
//
//	import _ "github.com/kombugen/kombugen/runtime/compression/zstd"
//
// It writes one zstd frame with its content size, which
// python-zstandard's one-shot decompress, which kombu calls, requires.
package zstd

import (
	"fmt"

	"github.com/klauspost/compress/zstd"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime"
)

func init() {
	runtime.RegisterCompressor(codecs.Zstd.Name, newCompressor(), codecs.Zstd.Aliases...)
}

type compressor struct {
	enc *zstd.Encoder
	// small writes bodies under smallBody bytes as single-segment frames:
	// the encoder leaves the content size out of other frames that short.
	small *zstd.Encoder
	dec   *zstd.Decoder
}

// smallBody is the size under which a zstd frame header holds the content
// size only in a single-segment frame (RFC 8878 section 3.1.1.1.4).
const smallBody = 256

func newCompressor() compressor {
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
	return compressor{enc: enc, small: small, dec: dec}
}

func (compressor) ContentType() string { return codecs.Zstd.ContentType }

func (c compressor) Compress(body []byte) ([]byte, error) {
	if len(body) < smallBody {
		return c.small.EncodeAll(body, nil), nil
	}
	return c.enc.EncodeAll(body, nil), nil
}

func (c compressor) Decompress(body []byte) ([]byte, error) {
	return c.dec.DecodeAll(body, nil)
}
