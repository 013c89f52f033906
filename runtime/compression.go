package runtime

import (
	"fmt"
	"sync"

	"github.com/kombugen/kombugen/internal/codecs"
)

// Compressor compresses message bodies. Its ContentType goes into the
// message's "compression" header, where kombu consumers look for it.
//
// kombu's compressions register themselves when their packages are
// imported (as image/png does), so that a program links only those it
// uses; generated code imports those its schema names:
//
//	import _ "github.com/kombugen/kombugen/runtime/compression/zstd"
type Compressor interface {
	ContentType() string
	Compress(body []byte) ([]byte, error)
	Decompress(body []byte) ([]byte, error)
}

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

// lookupCompression returns the compressor registered under name, an
// alias or a content type, lent to package consume. "" and "none" mean no
// compression: a nil Compressor. The error matches ErrNotRegistered and
// ErrInvalidMessage; for one of kombu's compressions, it names the package
// to import.
func lookupCompression(name string) (Compressor, error) {
	r, err := lookupCompressor(name)
	return r.c, err
}

func lookupCompressor(name string) (registeredCompressor, error) {
	if name == "" || name == codecs.NoCompression {
		return registeredCompressor{}, nil
	}
	compressors.RLock()
	r, ok := compressors.byName[name]
	compressors.RUnlock()
	if !ok {
		if known, ok := codecs.LookupCompression(name); ok {
			return r, notImported("compression", known.Name, known.Package)
		}
		return r, fmt.Errorf("%w: compression %q %w (have %s)", ErrInvalidMessage, name, ErrNotRegistered, registeredNames(&compressors.RWMutex, compressors.byName))
	}
	return r, nil
}
