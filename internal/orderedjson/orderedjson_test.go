package orderedjson

import (
	"encoding/json"
	"math"
	"testing"
)

type object []member

type member struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	return MarshalObject(o, func(m member) (string, any) { return m.key, m.value })
}

func TestMarshal(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"nil object", object(nil), `{}`},
		{"order kept", object{{"z", 1}, {"a", "x"}, {"m", true}}, `{"z":1,"a":"x","m":true}`},
		{"nested", object{{"b", object{{"y", nil}, {"x", []int{1}}}}}, `{"b":{"y":null,"x":[1]}}`},
		{"html as is", object{{"<&>", "a<b>&c"}}, `{"<&>":"a<b>&c"}`},
		{"in a list", []object{{{"k", 2}}, nil}, `[{"k":2},{}]`},
		{"not an object", "<x>", `"<x>"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if !json.Valid(got) {
				t.Errorf("%s is not valid JSON", got)
			}
		})
	}
}

func TestMarshalError(t *testing.T) {
	if _, err := Marshal(object{{"f", math.NaN()}}); err == nil {
		t.Error("a NaN member: no error")
	}
	if _, err := Marshal(object{{"c", make(chan int)}}); err == nil {
		t.Error("a channel member: no error")
	}
}
