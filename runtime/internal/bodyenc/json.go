package bodyenc

import (
	"bytes"
	"encoding/json"
	"sync"
)

// jsonBuffers keep encoding/json's scratch space between values.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// AppendStdJSON appends what encoding/json writes for v, HTML escaping
// off and no trailing newline: what kombu's consumers read the same as
// Python's spaced output.
func AppendStdJSON(dst []byte, v any) ([]byte, error) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer jsonBuffers.Put(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}
