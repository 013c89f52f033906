package bench

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	amqp "github.com/rabbitmq/amqp091-go"
)

// Handwritten is the baseline: what a careful programmer writes to publish
// the bench messages with amqp091-go alone, as kombu consumers expect them.
// It marshals with encoding/json, compresses as kombu does (zlib stream at
// level 6, or one zstd frame that carries its content size) with writers
// and encoders that are reused rather than made per message, and sets the
// properties the generated producer sets: content type and encoding,
// persistent delivery, the schema's constant header and kombu's
// compression header. A Handwritten is safe for concurrent use.
type Handwritten struct {
	compression string
	header      string // kombu's compression header, "" for none
	zlib        sync.Pool
	zstd        *zstd.Encoder
	// zstdSmall writes single-segment frames, the only ones that carry
	// their content size under 256 bytes (which python-zstandard needs).
	zstdSmall *zstd.Encoder
}

// zlibState is a reusable zlib writer and the buffer it writes to.
type zlibState struct {
	buf bytes.Buffer
	w   *zlib.Writer
}

// NewHandwritten returns the baseline for compression none, zlib or zstd.
func NewHandwritten(compression string) (*Handwritten, error) {
	h := &Handwritten{compression: compression}
	switch compression {
	case "", "none":
	case "zlib":
		h.header = "application/x-gzip"
		h.zlib.New = func() any {
			s := new(zlibState)
			w, err := zlib.NewWriterLevel(&s.buf, 6)
			if err != nil {
				panic(err)
			}
			s.w = w
			return s
		}
	case "zstd":
		h.header = "application/zstd"
		var err error
		if h.zstd, err = zstd.NewWriter(nil); err != nil {
			return nil, err
		}
		if h.zstdSmall, err = zstd.NewWriter(nil, zstd.WithSingleSegment(true)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("hand-written baseline: compression %q not supported (none, zlib, zstd)", compression)
	}
	return h, nil
}

// Prepare turns v into the publishing the baseline sends.
func (h *Handwritten) Prepare(v any) (amqp.Publishing, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return amqp.Publishing{}, err
	}
	headers := amqp.Table{"x-schema-version": int32(1)}
	if h.header != "" {
		if body, err = h.compress(body); err != nil {
			return amqp.Publishing{}, err
		}
		headers["compression"] = h.header
	}
	return amqp.Publishing{
		Headers:         headers,
		ContentType:     "application/json",
		ContentEncoding: "utf-8",
		DeliveryMode:    amqp.Persistent,
		Body:            body,
	}, nil
}

func (h *Handwritten) compress(body []byte) ([]byte, error) {
	switch h.compression {
	case "zlib":
		s := h.zlib.Get().(*zlibState)
		defer h.zlib.Put(s)
		s.buf.Reset()
		s.w.Reset(&s.buf)
		if _, err := s.w.Write(body); err != nil {
			return nil, err
		}
		if err := s.w.Close(); err != nil {
			return nil, err
		}
		return bytes.Clone(s.buf.Bytes()), nil
	case "zstd":
		if len(body) < 256 {
			return h.zstdSmall.EncodeAll(body, nil), nil
		}
		return h.zstd.EncodeAll(body, nil), nil
	}
	return body, nil
}
