package genimpl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/genimpl"
)

func TestFieldErrorPaths(t *testing.T) {
	inner := genimpl.Invalid("currency", "%q is not one of EUR, USD", "XXX")
	tests := []struct {
		err  error
		want string
	}{
		{inner, `invalid message: currency: "XXX" is not one of EUR, USD`},
		{genimpl.InField("total", inner), `invalid message: total.currency: "XXX" is not one of EUR, USD`},
		{genimpl.InElement("items", 2, genimpl.Invalid("sku", "is required")), `invalid message: items[2].sku: is required`},
		{genimpl.InKey("prices", "eu", inner), `invalid message: prices["eu"].currency: "XXX" is not one of EUR, USD`},
		{genimpl.InField("outer", genimpl.InElement("list", 0, inner)), `invalid message: outer.list[0].currency: "XXX" is not one of EUR, USD`},
		{genimpl.InField("x", errors.New("custom")), `x: custom`},
		{genimpl.InElement("tags", 1, genimpl.Invalid("", "is empty")), `invalid message: tags[1]: is empty`},
		{genimpl.InElement("grid", 1, genimpl.InElement("", 2, inner)), `invalid message: grid[1][2].currency: "XXX" is not one of EUR, USD`},
	}
	for _, tt := range tests {
		if tt.err.Error() != tt.want {
			t.Errorf("got  %s\nwant %s", tt.err, tt.want)
		}
	}
	if !errors.Is(genimpl.InField("total", inner), runtime.ErrInvalidMessage) {
		t.Error("a *runtime.FieldError does not match ErrInvalidMessage")
	}
	if genimpl.InField("a", nil) != nil || genimpl.InElement("a", 1, nil) != nil || genimpl.InKey("a", "k", nil) != nil {
		t.Error("nil errors must stay nil")
	}
}

func TestCheckRoutingParam(t *testing.T) {
	tests := []struct {
		value string
		topic bool
		ok    bool
	}{
		{"eu", true, true},
		{"", true, false},
		{"", false, false},
		{"a.b", true, false},
		{"a*", true, false},
		{"#", true, false},
		{"a.b", false, true},
	}
	for _, tt := range tests {
		err := genimpl.CheckRoutingParam("region", tt.value, tt.topic)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, runtime.ErrInvalidMessage)) {
			t.Errorf("CheckRoutingParam(%q, topic=%v) = %v", tt.value, tt.topic, err)
		}
		var fe *runtime.FieldError
		if err != nil && (!errors.As(err, &fe) || fe.Path != "routing key parameter region") {
			t.Errorf("CheckRoutingParam(%q, topic=%v) = %#v, want a *runtime.FieldError at the parameter", tt.value, tt.topic, err)
		}
		if err != nil && !strings.Contains(err.Error(), "region") {
			t.Errorf("error %q does not name the parameter", err)
		}
	}
}
