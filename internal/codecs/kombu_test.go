package codecs_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"testing"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/internal/interop"
)

// kombuFacts asks the installed kombu for what the table says of it: its
// compression aliases and content types, and the content type and
// encoding of each serializer, raw and str bodies included.
const kombuFacts = `
import json
from kombu import compression, serialization
reg = serialization.registry
out = {
    'aliases': compression._aliases,
    'compressions': compression.encoders(),
    'serializers': {n: list(reg._encoders[n][:2]) for n in ('json', 'yaml', 'msgpack')},
    'raw_bytes': list(serialization.dumps(b'x', serializer='raw')[:2]),
    'raw_text': list(serialization.dumps('x', serializer='raw')[:2]),
    'text': list(serialization.dumps('x')[:2]),
}
print(json.dumps(out))
`

// TestTableIsKombus checks the table against the kombu installed with
// Debian's python3 (5.2.4 on the machines the table was written on).
func TestTableIsKombus(t *testing.T) {
	interop.Require(t)
	out, err := exec.Command(interop.Python, "-c", kombuFacts).Output()
	if err != nil {
		t.Fatalf("%s: %v", interop.Python, err)
	}
	var got struct {
		Aliases      map[string]string
		Compressions []string
		Serializers  map[string][2]string
		RawBytes     [2]string `json:"raw_bytes"`
		RawText      [2]string `json:"raw_text"`
		Text         [2]string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("reading %s: %v", out, err)
	}
	for _, c := range codecs.Compressions {
		if !slices.Contains(got.Compressions, c.ContentType) {
			t.Errorf("kombu has no compression %s (%s); it has %v", c.ContentType, c.Name, got.Compressions)
		}
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			if got.Aliases[name] != c.ContentType {
				t.Errorf("kombu's alias %q is %q, the table says %q", name, got.Aliases[name], c.ContentType)
			}
		}
	}
	for alias, contentType := range got.Aliases {
		if c, ok := codecs.LookupCompression(alias); !ok || c.ContentType != contentType {
			t.Errorf("kombu's alias %q (%s) is not in the table", alias, contentType)
		}
	}
	want := func(s codecs.Serializer, got [2]string) {
		if got != [2]string{s.ContentType, s.ContentEncoding} {
			t.Errorf("%s: kombu sends %v, the table says [%s %s]", s.Name, got, s.ContentType, s.ContentEncoding)
		}
	}
	for _, s := range []codecs.Serializer{codecs.JSON, codecs.YAML, codecs.Msgpack} {
		want(s, got.Serializers[s.Name])
	}
	want(codecs.Raw, got.RawBytes)
	if got.RawText != [2]string{codecs.Raw.ContentType, "utf-8"} {
		t.Errorf("raw: kombu sends %v for a str, want [%s utf-8]", got.RawText, codecs.Raw.ContentType)
	}
	want(codecs.Text, got.Text)
}
