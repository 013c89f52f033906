package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dave/jennifer/jen"
)

// A renderer renders the chunks of a file, each a jennifer File of its
// own, in parallel with each other and with the building of the next.
//
// Formatting is most of a large schema's generate time, so the chunks are
// rendered and formatted apart, and then stitched: the first chunk's
// header, an import block of every chunk's imports, and the chunks'
// declarations one after the other. Those are the bytes of one File of
// all the code but for jennifer's import names: a package whose name
// clashes with another's is renamed in the file that holds both, so when
// the chunks do not agree on every import's name, they cannot be
// stitched. A chunk is let go once rendered, so that the whole file's
// code is never in memory at once.
type renderer struct {
	wg sync.WaitGroup
	// slots bounds the chunks rendered at once, and so the memory.
	slots chan struct{}
	mu    sync.Mutex
	outs  [][]byte
	errs  []error
}

func newRenderer() *renderer {
	return &renderer{slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// render starts rendering the next chunk, f, once a slot is free.
func (r *renderer) render(f *jen.File) {
	r.mu.Lock()
	i := len(r.outs)
	r.outs = append(r.outs, nil)
	r.errs = append(r.errs, nil)
	r.mu.Unlock()
	r.slots <- struct{}{}
	r.wg.Go(func() {
		defer func() { <-r.slots }()
		var buf bytes.Buffer
		err := f.Render(&buf)
		r.mu.Lock()
		r.outs[i], r.errs[i] = buf.Bytes(), err
		r.mu.Unlock()
	})
}

// wait returns the formatted chunks, in order.
func (r *renderer) wait() ([][]byte, error) {
	r.wg.Wait()
	return r.outs, errors.Join(r.errs...)
}

// renderedChunk is one chunk's file, parsed as far as its imports.
type renderedChunk struct {
	// head is everything before the imports: the header comment, if
	// any, and the package clause.
	head []byte
	// imports are the import names, "" for none, by path.
	imports map[string]string
	// body is what follows the imports, from the first declaration.
	body []byte
}

// stitch joins formatted chunk files into one; ok is false when their
// imports do not agree.
func stitch(outs [][]byte) (code []byte, ok bool, err error) {
	chunks := make([]renderedChunk, len(outs))
	for i, out := range outs {
		if chunks[i], err = splitImports(out); err != nil {
			return nil, false, err
		}
	}
	imports, ok := mergeImports(chunks)
	if !ok {
		return nil, false, nil
	}
	var buf bytes.Buffer
	buf.Write(chunks[0].head)
	writeImports(&buf, imports)
	head, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, false, fmt.Errorf("formatting the imports: %w", err)
	}
	buf.Reset()
	buf.Write(head)
	for _, c := range chunks {
		if len(c.body) > 0 {
			buf.WriteByte('\n')
			buf.Write(c.body)
		}
	}
	return buf.Bytes(), true, nil
}

// splitImports cuts a formatted file into its head, imports and body.
func splitImports(src []byte) (renderedChunk, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return renderedChunk{}, fmt.Errorf("reading a chunk's imports: %w", err)
	}
	c := renderedChunk{imports: map[string]string{}}
	headEnd, bodyStart := fset.Position(f.Name.End()).Offset, fset.Position(f.Name.End()).Offset
	if len(f.Decls) > 0 {
		headEnd = fset.Position(f.Decls[0].Pos()).Offset
		bodyStart = fset.Position(f.Decls[len(f.Decls)-1].End()).Offset
	}
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return renderedChunk{}, fmt.Errorf("reading a chunk's imports: %w", err)
		}
		if spec.Name != nil {
			c.imports[p] = spec.Name.Name
		} else {
			c.imports[p] = ""
		}
	}
	c.head = append(bytes.TrimRight(src[:headEnd], "\n"), '\n')
	c.body = bytes.TrimLeft(src[bodyStart:], "\n")
	return c, nil
}

// mergeImports returns the imports of all chunks; ok is false when two
// chunks give one path different names, or two paths share a name.
func mergeImports(chunks []renderedChunk) (imports map[string]string, ok bool) {
	imports = map[string]string{}
	for _, c := range chunks {
		for p, name := range c.imports {
			if have, seen := imports[p]; seen && have != name {
				return nil, false
			}
			imports[p] = name
		}
	}
	byName := map[string]bool{}
	for p, name := range imports {
		if name == "_" {
			continue // imported for its registration, under no name
		}
		if name == "" {
			name = packageName(p)
		}
		if byName[name] {
			return nil, false
		}
		byName[name] = true
	}
	return imports, true
}

// packageName is the name a package imported without one is known by:
// the last element of its path, less a major version suffix.
func packageName(p string) string {
	base := path.Base(p)
	if v, ok := strings.CutPrefix(base, "v"); ok && v != "" && strings.Trim(v, "0123456789") == "" {
		return path.Base(path.Dir(p))
	}
	return base
}

// writeImports writes the import declaration goimports writes for imports:
// the standard library's, then a blank line and the others, each group
// sorted by path.
func writeImports(buf *bytes.Buffer, imports map[string]string) {
	spec := func(p string) string {
		if name := imports[p]; name != "" {
			return name + " " + strconv.Quote(p)
		}
		return strconv.Quote(p)
	}
	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	// Sorted with the standard library's first, as goimports groups them.
	slices.SortFunc(paths, func(a, b string) int {
		if sa, sb := isStd(a), isStd(b); sa != sb {
			if sa {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	switch len(paths) {
	case 0:
		return
	case 1:
		fmt.Fprintf(buf, "\nimport %s\n", spec(paths[0]))
		return
	}
	buf.WriteString("\nimport (\n")
	for i, p := range paths {
		if i > 0 && isStd(paths[i-1]) && !isStd(p) {
			buf.WriteByte('\n')
		}
		fmt.Fprintf(buf, "\t%s\n", spec(p))
	}
	buf.WriteString(")\n")
}

// isStd reports whether an import path is of the standard library: its
// first element has no dot, as goimports decides it.
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}
