package generator

import "github.com/kombugen/kombugen/schema"

// GenerateInChunks is Generate with perChunk messages or producer methods
// to a chunk.
func GenerateInChunks(s *schema.Schema, opts Options, perChunk int) ([]byte, error) {
	opts.perChunk = perChunk
	return Generate(s, opts)
}
