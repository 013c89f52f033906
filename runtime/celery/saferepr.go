package celery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The argsrepr and kwargsrepr headers show a task's arguments in logs and
// monitors (flower, celery events) as Python shows them. Celery writes them
// with its saferepr(value, 1024): Python's repr, but with strings quoted
// as they are (only ' escaped), containers nested deeper than three levels
// shown as [...] or {...}, and the whole cut off at about 1024 characters,
// the open brackets closed. safeRepr writes the same for the Python value
// a worker decodes from the argument's JSON.
const (
	// reprMaxLen is Celery's argsrepr_maxsize and kwargsrepr_maxsize.
	reprMaxLen = 1024
	// reprMaxLevels is saferepr's nesting limit.
	reprMaxLevels = 3
)

// safeRepr returns saferepr(v, maxLen) of the value v's JSON decodes to in
// Python. A value JSON cannot hold (a NaN, say, sent with msgpack) is shown
// as Go prints it.
func safeRepr(v any, maxLen int) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	toks, err := reprTokens(b)
	if err != nil {
		return fmt.Sprint(v)
	}
	return renderRepr(toks, maxLen)
}

// reprToken is one piece of saferepr's output before it is cut: a bracket,
// a separator, a dict key, a string or another value's text.
type reprToken struct {
	kind reprKind
	text string
}

type reprKind uint8

const (
	reprOpen   reprKind = iota // [ or {; text holds the closer after it
	reprClose                  // ] or }
	reprSep                    // ", " or ": ", dropped when the output is cut
	reprQuoted                 // a string or dict key, quoted when written
	reprText                   // a number, True, False, None, [...] or {...}
)

// reprTokens lists the tokens of the JSON value b, as saferepr's stream
// yields them for the decoded value.
func reprTokens(b []byte) ([]reprToken, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var toks []reprToken
	var value func(level int) error
	value = func(level int) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			open, closer := "[", "]"
			if t == '{' {
				open, closer = "{", "}"
			}
			if level >= reprMaxLevels {
				toks = append(toks, reprToken{reprText, open + "..." + closer})
				return skipRest(dec)
			}
			toks = append(toks, reprToken{reprOpen, open + closer})
			for first := true; dec.More(); first = false {
				if !first {
					toks = append(toks, reprToken{reprSep, ", "})
				}
				if t == '{' {
					key, err := dec.Token()
					if err != nil {
						return err
					}
					toks = append(toks, reprToken{reprQuoted, key.(string)}, reprToken{reprSep, ": "})
				}
				if err := value(level + 1); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			toks = append(toks, reprToken{reprClose, closer})
		case string:
			toks = append(toks, reprToken{reprQuoted, t})
		case json.Number:
			toks = append(toks, reprToken{reprText, pyNumber(string(t))})
		case bool:
			toks = append(toks, reprToken{reprText, map[bool]string{true: "True", false: "False"}[t]})
		case nil:
			toks = append(toks, reprToken{reprText, "None"})
		}
		return nil
	}
	return toks, value(0)
}

// skipRest reads the rest of a container whose opening delimiter was read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// renderRepr writes toks as saferepr does: each token cut to what is left
// of maxLen, and once nothing is left, ", ..." and the closers of the
// brackets still open.
func renderRepr(toks []reprToken, maxLen int) string {
	var b strings.Builder
	left := maxLen
	var open []string
	for _, t := range toks {
		if left <= 0 {
			// The token in hand is dropped; a bracket it opens is closed
			// with the others.
			switch t.kind {
			case reprOpen:
				open = append(open, t.text[1:])
			case reprClose:
				open = open[:len(open)-1]
			}
			b.WriteString(", ...")
			for i := len(open) - 1; i >= 0; i-- {
				b.WriteString(open[i])
			}
			return b.String()
		}
		var s string
		switch t.kind {
		case reprOpen:
			s = t.text[:1]
			open = append(open, t.text[1:])
		case reprClose:
			s = t.text
			open = open[:len(open)-1]
		case reprSep:
			s = t.text
		case reprQuoted:
			s = "'" + strings.ReplaceAll(truncateText(t.text, left), "'", `\'`) + "'"
		case reprText:
			s = truncateText(t.text, left)
		}
		b.WriteString(s)
		left -= utf8.RuneCountInString(s)
	}
	return b.String()
}

// truncateText is Celery's truncate(s, maxlen): a string of maxLen
// characters or more is cut to maxLen, then back to its last space, and
// "..." added.
func truncateText(s string, maxLen int) string {
	if maxLen <= 0 || utf8.RuneCountInString(s) < maxLen {
		return s
	}
	r := []rune(s)
	cut := string(r[:maxLen])
	if i := strings.LastIndexByte(cut, ' '); i >= 0 {
		cut = cut[:i]
	}
	return cut + "..."
}

// pyNumber writes a JSON number as Python's str() writes what json.loads
// makes of it: an int as its digits, a float (a fraction or an exponent)
// as repr(float) does.
func pyNumber(text string) string {
	if !strings.ContainsAny(text, ".eE") {
		if strings.Trim(text, "-0") == "" {
			return "0"
		}
		return text
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return text
	}
	return pyFloat(f)
}

// pyFloat writes f as Python's repr(float): the shortest digits that read
// back as f, in positional notation with at least one decimal when the
// exponent is from -4 to 15, in scientific notation otherwise.
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	// Go's shortest 'e' form is Python's: 1e+16, 1.5e-05.
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	if exp < -4 || exp >= 16 {
		return s
	}
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	switch {
	case exp < 0:
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	case len(digits) <= exp+1:
		return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	}
	return sign + digits[:exp+1] + "." + digits[exp+1:]
}
