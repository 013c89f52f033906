package schema

import (
	"slices"
	"time"

	"go.yaml.in/yaml/v3"
)

// keys is a keyword mapping that has been checked for unknown keys, with
// readers for its values.
type keys struct {
	d   *decoder
	ctx string
	pos Pos // where the mapping's owner was written, for missing keys
	m   map[string]entry
	ok  bool // the node was a mapping (or null)
	// misspelt are the keys that unknown keys were reported as likely
	// misspellings of: a reader that misses one of them does not report it
	// again, as missing or through what depends on it.
	misspelt map[string]bool
}

// keywords reads a mapping whose keys are schema keywords, reporting every
// key not in allowed (with a suggestion where one is close). pos is where
// missing keys are reported.
func (d *decoder) keywords(ctx string, pos Pos, n *yaml.Node, allowed ...string) keys {
	entries, ok := d.mapping(ctx, n, mapOptions{})
	return d.keywordEntries(ctx, pos, entries, ok, allowed)
}

// keywordEntries is keywords for a mapping whose entries are read already.
func (d *decoder) keywordEntries(ctx string, pos Pos, entries []entry, ok bool, allowed []string) keys {
	k := keys{d: d, ctx: ctx, pos: pos, m: make(map[string]entry, len(entries)), ok: ok}
	for _, e := range entries {
		if !slices.Contains(allowed, e.name) {
			d.unknownKey(ctx, e, allowed)
			if s := suggest(e.name, allowed); s != "" {
				if k.misspelt == nil {
					k.misspelt = make(map[string]bool)
				}
				k.misspelt[s] = true
			}
			continue
		}
		k.m[e.name] = e
	}
	return k
}

// has reports whether key was written.
func (k keys) has(key string) bool {
	_, ok := k.m[key]
	return ok
}

// get returns key's entry.
func (k keys) get(key string) (entry, bool) {
	e, ok := k.m[key]
	return e, ok
}

// require reports key when it was not written, with want saying what to
// write; a misspelling of it is reported already.
func (k keys) require(key, want string) {
	if !k.ok || k.has(key) || k.misspelt[key] {
		return // not a mapping at all, or misspelt: reported already
	}
	k.d.errorf(k.pos, k.ctx, "missing key %q; want %s", key, want)
}

// str, boolean, integer, duration, oneOf and table read key's value, or
// return its zero value when key was not written.
func (k keys) str(key string) val[string] {
	if e, ok := k.m[key]; ok {
		return k.d.str(k.ctx, e)
	}
	return val[string]{}
}

func (k keys) boolean(key string) val[bool] {
	if e, ok := k.m[key]; ok {
		return k.d.boolean(k.ctx, e)
	}
	return val[bool]{}
}

func (k keys) integer(key string, lo, hi int64) val[int64] {
	if e, ok := k.m[key]; ok {
		return k.d.integer(k.ctx, e, lo, hi)
	}
	return val[int64]{}
}

func (k keys) duration(key string) val[time.Duration] {
	if e, ok := k.m[key]; ok {
		return k.d.duration(k.ctx, e)
	}
	return val[time.Duration]{}
}

func (k keys) oneOf(key string, choices ...string) val[string] {
	if e, ok := k.m[key]; ok {
		return k.d.oneOf(k.ctx, e, choices...)
	}
	return val[string]{}
}

func (k keys) table(key string) Table {
	if e, ok := k.m[key]; ok {
		return k.d.table(join(k.ctx, key), e.value)
	}
	return nil
}

// strList reads a list of strings.
func (k keys) strList(key string) []val[string] {
	e, ok := k.m[key]
	if !ok {
		return nil
	}
	ctx := join(k.ctx, key)
	items, _ := k.d.list(ctx, e.value)
	var out []val[string]
	for _, item := range items {
		if v := k.d.strNode(ctx, item); v.set {
			out = append(out, v)
		}
	}
	return out
}

// at returns a val recording whether and where key was written, whatever
// its value.
func (k keys) at(key string) val[bool] {
	if e, ok := k.m[key]; ok {
		return val[bool]{v: true, pos: e.pos, set: true}
	}
	return val[bool]{}
}
