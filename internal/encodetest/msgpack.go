package encodetest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// CanonicalMsgpack rewrites one msgpack value with the entries of every
// map sorted by their encoded key, then value, and everything else as it
// is: two encodings of the same value that differ only in the order of
// map entries, as vmihailenco/msgpack's do from run to run, come out the
// same. It fails on bytes that are not exactly one msgpack value.
func CanonicalMsgpack(b []byte) ([]byte, error) {
	out, rest, err := canonical(b)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%d bytes after the value", len(rest))
	}
	return out, nil
}

var errShort = errors.New("msgpack value cut short")

// canonical reads the value at the start of b, returning it rewritten and
// what follows it.
func canonical(b []byte) (out, rest []byte, err error) {
	if len(b) == 0 {
		return nil, nil, errShort
	}
	c := b[0]
	switch {
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3: // fixint, nil, bool
		return b[:1], b[1:], nil
	case c&0xe0 == 0xa0: // fixstr
		return span(b, 1, int(c&0x1f))
	case c&0xf0 == 0x90: // fixarray
		return array(b, 1, int(c&0x0f))
	case c&0xf0 == 0x80: // fixmap
		return mapEntries(b, 1, int(c&0x0f))
	}
	size := func(width int) (int, error) {
		if len(b) < 1+width {
			return 0, errShort
		}
		switch width {
		case 1:
			return int(b[1]), nil
		case 2:
			return int(binary.BigEndian.Uint16(b[1:])), nil
		}
		return int(binary.BigEndian.Uint32(b[1:])), nil
	}
	var n int
	switch c {
	case 0xcc, 0xd0: // uint 8, int 8
		return span(b, 1, 1)
	case 0xcd, 0xd1: // uint 16, int 16
		return span(b, 1, 2)
	case 0xce, 0xd2, 0xca: // uint 32, int 32, float 32
		return span(b, 1, 4)
	case 0xcf, 0xd3, 0xcb: // uint 64, int 64, float 64
		return span(b, 1, 8)
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext: a type and 1 to 16 bytes
		return span(b, 1, 1+1<<(c-0xd4))
	case 0xd9, 0xc4: // str 8, bin 8
		n, err = size(1)
		return spanErr(b, 2, n, err)
	case 0xda, 0xc5: // str 16, bin 16
		n, err = size(2)
		return spanErr(b, 3, n, err)
	case 0xdb, 0xc6: // str 32, bin 32
		n, err = size(4)
		return spanErr(b, 5, n, err)
	case 0xc7: // ext 8: a type then n bytes
		n, err = size(1)
		return spanErr(b, 2, n+1, err)
	case 0xc8:
		n, err = size(2)
		return spanErr(b, 3, n+1, err)
	case 0xc9:
		n, err = size(4)
		return spanErr(b, 5, n+1, err)
	case 0xdc:
		if n, err = size(2); err != nil {
			return nil, nil, err
		}
		return array(b, 3, n)
	case 0xdd:
		if n, err = size(4); err != nil {
			return nil, nil, err
		}
		return array(b, 5, n)
	case 0xde:
		if n, err = size(2); err != nil {
			return nil, nil, err
		}
		return mapEntries(b, 3, n)
	case 0xdf:
		if n, err = size(4); err != nil {
			return nil, nil, err
		}
		return mapEntries(b, 5, n)
	}
	return nil, nil, fmt.Errorf("unknown msgpack type byte 0x%02x", c)
}

// span returns the value of a header of head bytes and a body of n bytes.
func span(b []byte, head, n int) (out, rest []byte, err error) {
	if len(b) < head+n {
		return nil, nil, errShort
	}
	return b[:head+n], b[head+n:], nil
}

func spanErr(b []byte, head, n int, err error) (out, rest []byte, _ error) {
	if err != nil {
		return nil, nil, err
	}
	return span(b, head, n)
}

// array rewrites the n elements after a header of head bytes.
func array(b []byte, head, n int) (out, rest []byte, err error) {
	out = slices.Clone(b[:head])
	rest = b[head:]
	for range n {
		var e []byte
		if e, rest, err = canonical(rest); err != nil {
			return nil, nil, err
		}
		out = append(out, e...)
	}
	return out, rest, nil
}

// mapEntries rewrites the n entries after a header of head bytes, sorted.
func mapEntries(b []byte, head, n int) (out, rest []byte, err error) {
	type entry struct{ k, v []byte }
	entries := make([]entry, n)
	rest = b[head:]
	for i := range entries {
		if entries[i].k, rest, err = canonical(rest); err != nil {
			return nil, nil, err
		}
		if entries[i].v, rest, err = canonical(rest); err != nil {
			return nil, nil, err
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := bytes.Compare(a.k, b.k); c != 0 {
			return c
		}
		return bytes.Compare(a.v, b.v)
	})
	out = slices.Clone(b[:head])
	for _, e := range entries {
		out = append(append(out, e.k...), e.v...)
	}
	return out, rest, nil
}
