package memory

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// RabbitMQ holds every AMQP field value as an Erlang term, a type tag with
// a value, compares them as Erlang does and quotes them in its reply texts
// as Erlang's io_lib prints them. The broker does the same with the types
// below, so that what it accepts, matches and says is what RabbitMQ
// accepts, matches and says.

// atom is an Erlang atom: a field type's name, true, false, undefined.
type atom string

// tuple is an Erlang tuple, {a,b}.
type tuple []any

// erlString is an Erlang string, a list of characters, which io_lib prints
// in double quotes; a binary ([]byte) prints as <<"...">>.
type erlString string

// field is the Erlang form of an AMQP field value: its type tag and its
// value (int64, float64, atom, []byte, or a []any of fields for an array
// and of table entries for a table).
type field struct {
	typ atom
	val any
}

// tableEntry is one entry of a table as RabbitMQ holds it: {Key, Type, Value}.
type tableEntry struct {
	key []byte
	field
}

// toField returns v as RabbitMQ holds it. Values outside AMQP's types
// (the runtime refuses them before they reach a broker) keep their Go
// form.
func toField(v any) field {
	if n, ok := integer(v); ok {
		return field{atom(typeName(v)), n}
	}
	switch v := v.(type) {
	case nil:
		return field{"void", atom("undefined")}
	case bool:
		return field{"bool", atom(strconv.FormatBool(v))}
	case float32:
		return field{"float", float64(v)}
	case float64:
		return field{"double", v}
	case string:
		return field{"longstr", []byte(v)}
	case []byte:
		return field{"binary", v}
	case time.Time:
		return field{"timestamp", v.Unix()}
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = toField(e)
		}
		return field{"array", out}
	case runtime.Table:
		out := make([]any, 0, len(v))
		for _, k := range sortedKeys(v) {
			out = append(out, tableEntry{[]byte(k), toField(v[k])})
		}
		return field{"table", out}
	}
	return field{atom(typeName(v)), v}
}

// typeName returns the name RabbitMQ gives the AMQP field type that
// amqp091-go writes for v, as it appears in RabbitMQ's reply texts.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "void"
	case bool:
		return "bool"
	case int8:
		return "byte"
	case uint8:
		return "unsignedbyte"
	case int16:
		return "short"
	case uint16:
		return "unsignedshort"
	case int, int32:
		return "signedint"
	case uint32:
		return "unsignedint"
	case int64, uint, uint64:
		return "long"
	case float32:
		return "float"
	case float64:
		return "double"
	case string:
		return "longstr"
	case []byte:
		return "binary"
	case time.Time:
		return "timestamp"
	case []any:
		return "array"
	case runtime.Table:
		return "table"
	}
	return fmt.Sprintf("%T", v)
}

// typeClass groups the types RabbitMQ treats as one when it compares
// declare arguments (rabbit_misc:type_class): every integer width is int,
// both float widths float.
func typeClass(t atom) atom {
	switch t {
	case "byte", "short", "signedint", "long", "unsignedbyte", "unsignedshort", "unsignedint":
		return "int"
	case "float", "double":
		return "float"
	}
	return t
}

// erlEqual compares two Erlang values. With exact it is Erlang's =:=;
// without it, ==, which takes an integer and a float of the same value as
// equal. Everything else compares alike in both: binaries by their bytes,
// arrays and tables element by element with their types.
func erlEqual(a, b any, exact bool) bool {
	switch a := a.(type) {
	case int64:
		switch b := b.(type) {
		case int64:
			return a == b
		case float64:
			return !exact && float64(a) == b
		}
	case float64:
		switch b := b.(type) {
		case float64:
			return a == b
		case int64:
			return !exact && a == float64(b)
		}
	case atom:
		return a == b
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	case field:
		b, ok := b.(field)
		return ok && a.typ == b.typ && erlEqual(a.val, b.val, exact)
	case tableEntry:
		b, ok := b.(tableEntry)
		return ok && bytes.Equal(a.key, b.key) && erlEqual(a.field, b.field, exact)
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !erlEqual(a[i], b[i], exact) {
				return false
			}
		}
		return true
	}
	return false
}

// The Erlang printing below follows io_lib: ~p writes a term as Erlang
// would read it back.

// erlP formats term as ~p does when it starts at column col of a line
// width wide (0: no limit). A term that does not fit on the line is
// broken after each element of its outermost tuple or list, the elements
// after the first one aligned under it. io_lib lets a term end two columns
// short of the width at most.
func erlP(term any, col, width int) string {
	flat := erlFlat(term)
	if width == 0 || col+len(flat) <= width-2 {
		return flat
	}
	var open, close string
	var elems []any
	switch t := term.(type) {
	case tuple:
		open, close, elems = "{", "}", t
	case []any:
		open, close, elems = "[", "]", t
	default:
		return flat
	}
	if len(elems) < 2 {
		return flat
	}
	parts := make([]string, len(elems))
	for i, e := range elems {
		parts[i] = erlFlat(e)
	}
	return open + strings.Join(parts, ",\n"+strings.Repeat(" ", col+1)) + close
}

// erlFlat formats term as ~p does on one line.
func erlFlat(term any) string {
	switch t := term.(type) {
	case int64:
		return strconv.FormatInt(t, 10)
	case int:
		return strconv.Itoa(t)
	case bigInt:
		return string(t)
	case float64:
		return erlFloat(t)
	case atom:
		return string(t)
	case erlString:
		return erlQuoted(string(t))
	case []byte:
		if printable(string(t)) {
			return "<<" + erlQuoted(string(t)) + ">>"
		}
		return "<<" + joinBytes(t) + ">>"
	case tuple:
		return "{" + joinFlat(t) + "}"
	case []any:
		return "[" + joinFlat(t) + "]"
	case field:
		return "{" + string(t.typ) + "," + erlFlat(t.val) + "}"
	case tableEntry:
		return "{" + erlFlat(t.key) + "," + string(t.typ) + "," + erlFlat(t.val) + "}"
	}
	return fmt.Sprint(term)
}

func joinFlat(elems []any) string {
	parts := make([]string, len(elems))
	for i, e := range elems {
		parts[i] = erlFlat(e)
	}
	return strings.Join(parts, ",")
}

func joinBytes(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = strconv.Itoa(int(c))
	}
	return strings.Join(parts, ",")
}

// erlQuoted writes s as an Erlang string: in double quotes with Erlang's
// escapes, or, holding a character io_lib does not print as text, as the
// list of its character codes.
func erlQuoted(s string) string {
	if !printable(s) {
		return "[" + joinBytes([]byte(s)) + "]"
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case 27:
			b.WriteString(`\e`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// printable reports whether io_lib prints the bytes s as text: Latin-1
// printable characters and the common control escapes. RabbitMQ holds
// text as bytes, so a UTF-8 string is read byte by byte.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 32 && c <= 126, c >= 160, c >= 8 && c <= 13, c == 27:
		default:
			return false
		}
	}
	return true
}

// erlFloat formats f as Erlang prints a float: the shortest digits that
// read back as f, in fixed notation when that is no longer than the
// scientific one (1.5, 100.0, 0.0001) and f is below 2^53, otherwise in
// scientific notation (1.0e3, 1.0e-5).
func erlFloat(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	// digits d.ddd and exponent x, as in 1.5e+06
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	place := x + 1 // digits before the decimal point
	n := len(digits)
	sci := func() string {
		if n == 1 {
			return sign + digits + ".0e" + strconv.Itoa(x)
		}
		return sign + digits[:1] + "." + digits[1:] + "e" + strconv.Itoa(x)
	}
	expCost := len(strconv.Itoa(x)) + 1 + 1
	if n == 1 {
		expCost++
	}
	switch {
	case f >= 1<<53:
		return sci()
	case place <= 0:
		if 2-place <= expCost {
			return sign + "0." + strings.Repeat("0", -place) + digits
		}
		return sci()
	case place >= n:
		if place-n+2 <= expCost {
			return sign + digits + strings.Repeat("0", place-n) + ".0"
		}
		return sci()
	}
	return sign + digits[:place] + "." + digits[place:]
}

// bigInt is an Erlang integer of any size, in decimal.
type bigInt string
