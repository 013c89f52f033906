package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTypeRefString(t *testing.T) {
	money := &TypeRef{Kind: KindStruct, Name: "Money"}
	tests := []struct {
		ref  *TypeRef
		want string
	}{
		{&TypeRef{Kind: KindString}, "string"},
		{&TypeRef{Kind: KindUint64}, "uint64"},
		{&TypeRef{Kind: KindEnum, Name: "Region"}, "Region"},
		{&TypeRef{Kind: KindSlice, Elem: &TypeRef{Kind: KindMap, Elem: money}}, "[]map[string]Money"},
	}
	for _, tt := range tests {
		if got := tt.ref.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		k                               Kind
		name                            string
		scalar, integer, float, numeric bool
	}{
		{KindString, "string", true, false, false, false},
		{KindInt, "int", true, true, false, true},
		{KindUint32, "uint32", true, true, false, true},
		{KindFloat32, "float32", true, false, true, true},
		{KindAny, "any", true, false, false, false},
		{KindEnum, "enum", false, false, false, false},
		{KindMap, "map", false, false, false, false},
		{Kind(99), "invalid", false, false, false, false},
	}
	for _, tt := range tests {
		got := []any{tt.k.String(), tt.k.IsScalar(), tt.k.IsInteger(), tt.k.IsFloat(), tt.k.IsNumber()}
		want := []any{tt.name, tt.scalar, tt.integer, tt.float, tt.numeric}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Kind %d (-want +got):\n%s", tt.k, diff)
		}
	}
}

func TestModelHelpers(t *testing.T) {
	s, err := Load(ordersFile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Exchange("audit") == nil || s.Queue("billing.order-events") == nil || s.Type("Money") == nil ||
		s.Message("AuditBlob") == nil || s.Producer("Orders") == nil {
		t.Error("a lookup of a declared entity returned nil")
	}
	if s.Exchange("amq.topic") != nil || s.Type("Moneyy") != nil || s.Producer("Producer") != nil {
		t.Error("a lookup of an undeclared entity returned non-nil")
	}
	if s.Message("OrderCreated").RoutingKey.IsStatic() || !s.Message("AuditBlob").RoutingKey.IsStatic() {
		t.Error("IsStatic wrong")
	}
	if got := s.Message("LegacyOrder").GoType.String(); got != "example.com/shop/model.Order" {
		t.Errorf("GoType.String() = %q", got)
	}
	if got := (&GoType{Name: "Order"}).String(); got != "Order" {
		t.Errorf("local GoType.String() = %q", got)
	}
	for b, want := range map[BodyKind]string{BodyFields: "fields", BodyGoType: "go_type", BodyRaw: "raw", BodyText: "text", 9: "invalid"} {
		if got := b.String(); got != want {
			t.Errorf("BodyKind(%d).String() = %q, want %q", b, got, want)
		}
	}
	for l, want := range map[Layer]string{LayerBuiltin: "built-in", LayerDefaults: "defaults", LayerPolicy: "policy", LayerMessage: "message", 9: "invalid"} {
		if got := l.String(); got != want {
			t.Errorf("Layer(%d).String() = %q, want %q", l, got, want)
		}
	}
	if typ, ok := PredeclaredExchange("amq.match"); !ok || typ != "headers" {
		t.Errorf(`PredeclaredExchange("amq.match") = %q, %v`, typ, ok)
	}
	if _, ok := PredeclaredExchange("orders"); ok {
		t.Error(`PredeclaredExchange("orders") is ok`)
	}
	if got := (Pos{File: "f.yaml"}).String(); got != "f.yaml" {
		t.Errorf("Pos without line = %q", got)
	}
}
