package bodyenc

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

type node struct {
	Name string
	Next *node
	Kids []node
	ByID map[string]*node
	Any  any
}

type flat struct {
	ID    string
	N     int64
	Tags  map[string]string
	Items []struct{ SKU string }
	inner any // unexported: no encoder writes it
}

func TestCheck(t *testing.T) {
	loop := &node{Name: "a"}
	loop.Next = loop
	kids := make([]node, 1)
	kids[0].Kids = kids
	m := map[string]*node{}
	m["x"] = &node{ByID: m}
	viaAny := map[string]any{}
	viaAny["self"] = viaAny
	list := []any{nil}
	list[0] = list
	shared := &node{Name: "shared"}
	tests := []struct {
		name  string
		v     any
		kinds bool
		want  string // "" for no error
	}{
		{"nil", nil, true, ""},
		{"flat struct", flat{ID: "a", Tags: map[string]string{"k": "v"}}, true, ""},
		{"unexported func is not written", flat{inner: func() {}}, true, ""},
		{"pointer cycle", loop, true, "cannot encode a cycle: a *bodyenc.node that holds itself"},
		{"slice cycle", node{Kids: kids}, false, "cannot encode a cycle: a []bodyenc.node that holds itself"},
		{"map cycle", m, false, "cannot encode a cycle: a map[string]*bodyenc.node that holds itself"},
		{"map cycle through any", viaAny, false, "cannot encode a cycle: a map[string]interface {} that holds itself"},
		{"slice cycle through any", list, false, "cannot encode a cycle: a []interface {} that holds itself"},
		{"shared, not a cycle", []*node{shared, shared, {Next: shared}}, true, ""},
		{"func in any", map[string]any{"f": func() {}}, true, "cannot encode a value of type func(), which no consumer can decode"},
		{"func, kinds not checked", map[string]any{"f": func() {}}, false, ""},
		{"chan in a field", node{Any: make(chan int)}, true, "cannot encode a value of type chan int, which no consumer can decode"},
		{"complex", []any{1, complex(1, 2)}, true, "cannot encode a value of type complex128, which no consumer can decode"},
		{"uintptr", map[string]any{"p": uintptr(3)}, true, "cannot encode a value of type uintptr, which no consumer can decode"},
		{"unsafe.Pointer", []any{unsafe.Pointer(nil)}, true, "cannot encode a value of type unsafe.Pointer, which no consumer can decode"},
		{"deep but acyclic", deepList(10000), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check(tt.v, tt.kinds)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func deepList(n int) *node {
	var head *node
	for range n {
		head = &node{Next: head}
	}
	return head
}

// TestPlanSkipsFlatTypes checks that values of a type that can hold
// neither a cycle nor a bad kind are not walked.
func TestPlanSkipsFlatTypes(t *testing.T) {
	if p := planOf(reflectTypeOf(flat{})); p.cycles || p.kinds {
		t.Errorf("plan of a flat struct %+v, want nothing to walk", p)
	}
	if p := planOf(reflectTypeOf(node{})); !p.cycles || !p.kinds {
		t.Errorf("plan of a recursive struct with an any field %+v, want both", p)
	}
}

func BenchmarkCheckFlat(b *testing.B) {
	v := &flat{ID: "a", Tags: map[string]string{"k": "v"}}
	for b.Loop() {
		if err := Check(v); err != nil {
			b.Fatal(err)
		}
	}
}

func reflectTypeOf(v any) reflect.Type { return reflect.TypeOf(v) }
