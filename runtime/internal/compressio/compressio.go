// Package compressio runs message bodies through the stream writers and
// readers of compression libraries, for the compression packages of the
// runtime (runtime/compression/...): a writer is kept with its output
// buffer for the next message, as making one allocates its whole state.
package compressio

import (
	"bytes"
	"io"
	"sync"
)

// Write runs body through a writer made by newWriter.
func Write[W io.WriteCloser](body []byte, newWriter func(io.Writer) (W, error)) ([]byte, error) {
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

// Pool keeps writers of type W between messages.
type Pool[W io.WriteCloser] struct {
	pool  sync.Pool
	reset func(W, io.Writer) error
}

// NewPool returns a pool of writers made by newWriter and pointed at
// their next output by reset.
func NewPool[W io.WriteCloser](newWriter func() W, reset func(W, io.Writer) error) *Pool[W] {
	return &Pool[W]{
		pool:  sync.Pool{New: func() any { return &pooledWriter[W]{w: newWriter()} }},
		reset: reset,
	}
}

// Compress runs body through a writer from the pool, reset to write to a
// fresh slice, the only allocation.
func (p *Pool[W]) Compress(body []byte) ([]byte, error) {
	pw := p.pool.Get().(*pooledWriter[W])
	pw.out.b = make([]byte, 0, len(body)/2+64)
	if err := p.reset(pw.w, &pw.out); err != nil {
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
	p.pool.Put(pw)
	return out, nil
}

// ReadAll reads everything from a reader over body.
func ReadAll[R io.Reader](body []byte, newReader func(io.Reader) (R, error)) ([]byte, error) {
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
