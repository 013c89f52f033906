package celery

import (
	"encoding/json"
	"os"
	"testing"
)

// TestSafeReprFacts checks argsrepr and kwargsrepr against what Celery's
// saferepr wrote for the same arguments (testdata/facts/saferepr.json).
// The arguments go in as their JSON, so that dict keys keep Python's order.
func TestSafeReprFacts(t *testing.T) {
	var facts struct {
		MaxLen int `json:"maxlen"`
		Cases  []struct {
			Args       json.RawMessage `json:"args"`
			Kwargs     json.RawMessage `json:"kwargs"`
			ArgsRepr   string          `json:"argsrepr"`
			KwargsRepr string          `json:"kwargsrepr"`
		} `json:"cases"`
	}
	readFacts(t, "saferepr.json", &facts)
	if facts.MaxLen != reprMaxLen {
		t.Fatalf("facts captured with maxlen %d, Celery's argsrepr_maxsize is %d", facts.MaxLen, reprMaxLen)
	}
	for i, c := range facts.Cases {
		if got := safeRepr(c.Args, reprMaxLen); got != c.ArgsRepr {
			t.Errorf("case %d: argsrepr of %.80s\n got %q\nwant %q", i, c.Args, got, c.ArgsRepr)
		}
		if got := safeRepr(c.Kwargs, reprMaxLen); got != c.KwargsRepr {
			t.Errorf("case %d: kwargsrepr of %.80s\n got %q\nwant %q", i, c.Kwargs, got, c.KwargsRepr)
		}
	}
}

func TestPyFloat(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0.0", 1: "1.0", -2.5: "-2.5", 1e15: "1000000000000000.0", 1e16: "1e+16",
		1.5e16: "1.5e+16", 0.0001: "0.0001", 0.00001: "1e-05", 0.000123: "0.000123",
		123.456: "123.456", 1e-310: "1e-310", 1.7976931348623157e308: "1.7976931348623157e+308",
	} {
		if got := pyFloat(f); got != want {
			t.Errorf("pyFloat(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestSafeReprGoValues(t *testing.T) {
	type point struct {
		X int     `json:"x"`
		Y float64 `json:"y"`
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{[]any{}, "[]"},
		{[]any{"a", 1, 2.5, true, nil}, "['a', 1, 2.5, True, None]"},
		// Go writes a whole float64 as an integer: the worker decodes an int.
		{[]any{3.0}, "[3]"},
		{map[string]any{"b": 1, "a": []any{}}, "{'a': [], 'b': 1}"},
		{[]any{point{1, 2.5}}, "[{'x': 1, 'y': 2.5}]"},
		{[]any{"<&>"}, "['<&>']"},
	} {
		if got := safeRepr(c.v, reprMaxLen); got != c.want {
			t.Errorf("safeRepr(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func readFacts(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/facts/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
