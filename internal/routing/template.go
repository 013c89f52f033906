package routing

import (
	"slices"
	"strconv"
	"strings"
)

// Kind is the kind of values a template parameter takes.
type Kind int

// The kinds of parameters.
const (
	// String parameters take any non-empty text; in a topic exchange's key,
	// text without '.', '*' and '#', which the runtime rejects there.
	String Kind = iota
	// Int parameters take a decimal integer as strconv.FormatInt writes it:
	// "0", "42", "-7", never "007", "+7" or "-0".
	Int
	// Uint parameters take a decimal integer without a sign.
	Uint
	// Enum parameters take one of their Values.
	Enum
)

// Param is a parameter of a routing-key template.
type Param struct {
	Name string
	Kind Kind
	// Bits is the size of an Int or Uint parameter, 32 or 64; 0 means 64.
	Bits int
	// Values are all the values an Enum parameter can take.
	Values []string
}

// Part is a piece of a routing-key template: literal text, or a parameter
// filled in at publish time.
type Part struct {
	// Literal is the text, when Param is "".
	Literal string
	// Param names the parameter filling this piece.
	Param string
}

// Template is a routing key with parameters, such as
// "order.{region}.created".
type Template struct {
	Parts []Part
	// Params are the parameters the parts name; a name missing here is
	// taken as a String.
	Params []Param
}

// String returns the template as written, parameters in braces.
func (t Template) String() string {
	return piecesText(t.Parts)
}

func piecesText(parts []Part) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Param != "" {
			b.WriteString("{" + p.Param + "}")
		} else {
			b.WriteString(p.Literal)
		}
	}
	return b.String()
}

// param returns the parameter named name.
func (t Template) param(name string) Param {
	for _, p := range t.Params {
		if p.Name == name {
			return p
		}
	}
	return Param{Name: name, Kind: String}
}

// takes reports whether p can take value: what the runtime lets through
// (not empty; in a topic key, no '.', '*' or '#') and what its type can
// write.
func (p Param) takes(value string, topic bool) bool {
	if value == "" || topic && strings.ContainsAny(value, ".*#") {
		return false
	}
	bits := p.Bits
	if bits == 0 {
		bits = 64
	}
	switch p.Kind {
	case Int:
		n, err := strconv.ParseInt(value, 10, bits)
		return err == nil && strconv.FormatInt(n, 10) == value
	case Uint:
		n, err := strconv.ParseUint(value, 10, bits)
		return err == nil && strconv.FormatUint(n, 10) == value
	case Enum:
		return slices.Contains(p.Values, value)
	}
	return true
}
