package schemadiff

import (
	"strings"
	"testing"

	"github.com/kombugen/kombugen/schema"
)

// key splits a routing-key template into parts, as the schema does for
// well-formed keys.
func key(t *testing.T, tmpl string) schema.RoutingKey {
	t.Helper()
	var parts []schema.KeyPart
	for tmpl != "" {
		lit, rest, found := strings.Cut(tmpl, "{")
		if lit != "" {
			parts = append(parts, schema.KeyPart{Literal: lit})
		}
		if !found {
			break
		}
		param, after, _ := strings.Cut(rest, "}")
		parts = append(parts, schema.KeyPart{Param: param})
		tmpl = after
	}
	return schema.RoutingKey{Parts: parts}
}

func TestTopicMayMatch(t *testing.T) {
	tests := []struct {
		pattern, key string
		want         bool
	}{
		{"order.created", "order.created", true},
		{"order.created", "order.placed", false},
		{"order.*", "order.created", true},
		{"order.*", "order.created.v2", false},
		{"order.#", "order", true},
		{"order.#", "order.a.b.c", true},
		{"#", "anything.at.all", true},
		{"#.created", "order.eu.created", true},
		{"*.*.created", "order.{region}.created", true},
		{"order.EU.created", "order.{region}.created", true},
		{"order.EU.created", "order.{region}.placed", false},
		{"order.v2", "order.v{version}", true},
		{"order.x2", "order.v{version}", false},
		{"order.EU.created", "order.{region}", false},
		{"#.#", "a", true},
		{"*", "", true},
	}
	for _, tc := range tests {
		if got := topicMayMatch(tc.pattern, key(t, tc.key)); got != tc.want {
			t.Errorf("topicMayMatch(%q, %q) = %v, want %v", tc.pattern, tc.key, got, tc.want)
		}
	}
}

func TestMayEqual(t *testing.T) {
	tests := []struct {
		key, s string
		want   bool
	}{
		{"billing", "billing", true},
		{"billing", "billing.x", false},
		{"tenant.{id}", "tenant.a.b", true},
		{"tenant.{id}", "tenant.", false},
		{"a+b", "a+b", true},
		{"a+b", "aab", false},
	}
	for _, tc := range tests {
		if got := mayEqual(key(t, tc.key), tc.s); got != tc.want {
			t.Errorf("mayEqual(%q, %q) = %v, want %v", tc.key, tc.s, got, tc.want)
		}
	}
}

func TestHeadersMatch(t *testing.T) {
	headers := schema.Table{{Key: "format", Value: "pdf"}, {Key: "version", Value: int64(2)}}
	tests := []struct {
		name string
		args schema.Table
		want bool
	}{
		{"all of no headers", nil, true},
		{"all equal", schema.Table{{Key: "format", Value: "pdf"}, {Key: "version", Value: int64(2)}}, true},
		{"all, one differs", schema.Table{{Key: "format", Value: "pdf"}, {Key: "version", Value: int64(3)}}, false},
		{"any, one equal", schema.Table{{Key: "x-match", Value: "any"}, {Key: "format", Value: "zip"}, {Key: "version", Value: int64(2)}}, true},
		{"any, none equal", schema.Table{{Key: "x-match", Value: "any"}, {Key: "format", Value: "zip"}}, false},
		{"integer is not float", schema.Table{{Key: "version", Value: 2.0}}, false},
	}
	for _, tc := range tests {
		if got := headersMatch(tc.args, headers); got != tc.want {
			t.Errorf("%s: headersMatch = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRouteNote(t *testing.T) {
	tests := []struct {
		old, new []string
		want     string
	}{
		{[]string{"a", "b"}, []string{"b", "c"}, `no longer reaches queue "a"; now reaches queue "c"; still reaches "b"`},
		{nil, nil, "no queue of the schema received it before or receives it now"},
		{[]string{"a", "b"}, nil, `no longer reaches queues "a", "b"`},
	}
	for _, tc := range tests {
		if got := routeNote(tc.old, tc.new); got != tc.want {
			t.Errorf("routeNote(%q, %q) = %q, want %q", tc.old, tc.new, got, tc.want)
		}
	}
}
