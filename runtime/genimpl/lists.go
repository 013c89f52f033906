package genimpl

// The functions below write and check the lists and maps of generated
// fields whose loops would otherwise be spelled out in every method:
// lists and maps of structs, and of strings (of enums too). Each writes
// what encoding/json or vmihailenco/msgpack writes for the value, map
// entries in key order.

// AppendJSONList appends s, a list of a generated struct, as encoding/json
// writes it: null for a nil slice.
func AppendJSONList[T any, P interface {
	*T
	JSONAppender
}](dst []byte, s []T) ([]byte, error) {
	if s == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	for i := range s {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = P(&s[i]).AppendJSON(dst); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// AppendJSONMap appends m, a map of a generated struct, as encoding/json
// writes it: keys sorted, null for a nil map.
func AppendJSONMap[T any, P interface {
	*T
	JSONAppender
}](dst []byte, m map[string]T) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '{')
	for i, k := range SortedKeys(m) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(AppendJSONString(dst, k), ':')
		e := m[k]
		var err error
		if dst, err = P(&e).AppendJSON(dst); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// AppendJSONStrings appends s, a list of strings or of an enum, as
// encoding/json writes it: null for a nil slice.
func AppendJSONStrings[S ~string](dst []byte, s []S) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, e := range s {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, string(e))
	}
	return append(dst, ']')
}

// AppendJSONStringMap appends m, a map of strings or of an enum, as
// encoding/json writes it: keys sorted, null for a nil map.
func AppendJSONStringMap[S ~string](dst []byte, m map[string]S) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	for i, k := range SortedKeys(m) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(AppendJSONString(dst, k), ':')
		dst = AppendJSONString(dst, string(m[k]))
	}
	return append(dst, '}')
}

// AppendMsgpackList appends s, a list of a generated struct, as
// vmihailenco/msgpack writes it: nil for a nil slice.
func AppendMsgpackList[T any, P interface {
	*T
	MsgpackAppender
}](dst []byte, s []T) ([]byte, error) {
	if s == nil {
		return AppendMsgpackNil(dst), nil
	}
	dst = AppendMsgpackArrayLen(dst, len(s))
	for i := range s {
		var err error
		if dst, err = P(&s[i]).AppendMsgpack(dst); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// AppendMsgpackMap appends m, a map of a generated struct, as
// vmihailenco/msgpack writes it, entries in key order: nil for a nil map.
func AppendMsgpackMap[T any, P interface {
	*T
	MsgpackAppender
}](dst []byte, m map[string]T) ([]byte, error) {
	if m == nil {
		return AppendMsgpackNil(dst), nil
	}
	dst = AppendMsgpackMapLen(dst, len(m))
	for _, k := range SortedKeys(m) {
		dst = AppendMsgpackString(dst, k)
		e := m[k]
		var err error
		if dst, err = P(&e).AppendMsgpack(dst); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// AppendMsgpackStrings appends s, a list of strings or of an enum, as
// vmihailenco/msgpack writes it: nil for a nil slice.
func AppendMsgpackStrings[S ~string](dst []byte, s []S) []byte {
	if s == nil {
		return AppendMsgpackNil(dst)
	}
	dst = AppendMsgpackArrayLen(dst, len(s))
	for _, e := range s {
		dst = AppendMsgpackString(dst, string(e))
	}
	return dst
}

// AppendMsgpackStringMap appends m, a map of strings or of an enum, as
// vmihailenco/msgpack writes it, entries in key order: nil for a nil map.
func AppendMsgpackStringMap[S ~string](dst []byte, m map[string]S) []byte {
	if m == nil {
		return AppendMsgpackNil(dst)
	}
	dst = AppendMsgpackMapLen(dst, len(m))
	for _, k := range SortedKeys(m) {
		dst = AppendMsgpackString(AppendMsgpackString(dst, k), string(m[k]))
	}
	return dst
}

// ValidateList validates each element of s, a list of a generated struct,
// and returns the first element's error under field[i].
func ValidateList[T any, P interface {
	*T
	Validate() error
}](field string, s []T) error {
	for i := range s {
		if err := P(&s[i]).Validate(); err != nil {
			return InElement(field, i, err)
		}
	}
	return nil
}

// ValidateMap validates each value of m, a map of a generated struct, and
// returns the first value's error under field["key"]. Maps are walked in
// Go's order, so of several bad values any one may be reported.
func ValidateMap[T any, P interface {
	*T
	Validate() error
}](field string, m map[string]T) error {
	for k, e := range m {
		if err := P(&e).Validate(); err != nil {
			return InKey(field, k, err)
		}
	}
	return nil
}
