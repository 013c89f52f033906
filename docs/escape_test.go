package docs

import "testing"

func TestMdInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, with: punctuation.", "plain text, with: punctuation."},
		{"a|b", `a\|b`},
		{"`code` *em* _em_ ~del~", "\\`code\\` \\*em\\* \\_em\\_ \\~del\\~"},
		{"[link](http://x) ![img](y)", `\[link\](http://x) \!\[img\](y)`},
		{"<b>html</b> &amp;", `\<b\>html\</b\> \&amp;`},
		{"# heading", `\# heading`},
		{`back\slash`, `back\\slash`},
		{"tab\there", "tab here"},
		{"nul\x00bell\a", "nulbell"},
	}
	for _, tt := range tests {
		if got := mdInline(tt.in); got != tt.want {
			t.Errorf("mdInline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMdCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"one", "one"},
		{"  two\nlines | here \n", `two<br>lines \| here`},
		{"crlf\r\nlines", "crlf<br>lines"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := mdCell(tt.in); got != tt.want {
			t.Errorf("mdCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMdBlock(t *testing.T) {
	in := "# not a heading\n- not a list\n  + nor this\n1. not ordered\n12) nor this\n> not a quote\n===\n---\n    not code\n\nnew paragraph: fine"
	want := "\\# not a heading\n\\- not a list\n\\+ nor this\n1\\. not ordered\n12\\) nor this\n\\> not a quote\n\\===\n\\---\nnot code\n\nnew paragraph: fine"
	if got := mdBlock(in); got != want {
		t.Errorf("mdBlock:\ngot  %q\nwant %q", got, want)
	}
}

func TestCode(t *testing.T) {
	tests := []struct {
		in      string
		inTable bool
		want    string
	}{
		{"a", false, "`a`"},
		{"a`b", false, "``a`b``"},
		{"a``b`", false, "``` a``b` ```"},
		{"`a", false, "`` `a ``"},
		{" a ", false, "`  a  `"},
		{" a", false, "` a`"},
		{"a|b", false, "`a|b`"},
		{"a|b", true, "`a\\|b`"},
		{"two\nlines", true, "`two lines`"},
		{"", false, "*(empty)*"},
	}
	for _, tt := range tests {
		if got := code(tt.in, tt.inTable); got != tt.want {
			t.Errorf("code(%q, %v) = %q, want %q", tt.in, tt.inTable, got, tt.want)
		}
	}
}

func TestMermaidText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"orders.v1-events order_id", "orders.v1-events order_id"},
		{`say "hi"`, "say #34;hi#34;"},
		{"order.*.#", "order.#42;.#35;"},
		{"a|b", "a#124;b"},
		{"<br/>&amp;", "#60;br/#62;#38;amp;"},
		{"%%{init: {}}%%", "#37;#37;#123;init: #123;#125;#125;#37;#37;"},
		{"[x] (y) `z` \\", "#91;x#93; #40;y#41; #96;z#96; #92;"},
		{"two\nlines", "two lines"},
		{"ünïcode ✓", "ünïcode ✓"},
	}
	for _, tt := range tests {
		if got := mermaidText(tt.in); got != tt.want {
			t.Errorf("mermaidText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugger(t *testing.T) {
	s := slugger{}
	for _, tt := range []struct{ in, want string }{
		{"OrderCreated", "ordercreated"},
		{"OrderCreated", "ordercreated-1"},
		{"OrderCreated", "ordercreated-2"},
		{"Who receives it", "who-receives-it"},
		{"billing.order-events", "billingorder-events"},
		{"snake_case", "snake_case"},
		{"Ünïcode", "ünïcode"},
	} {
		if got := s.slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
