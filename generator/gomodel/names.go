package gomodel

import (
	"go/token"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds every rule that turns a schema name into a Go name (SPEC
// section 4); Build applies them once, and the emitters only read the
// results.

// commonInitialisms are the words Go style writes in one case: the lint
// list of staticcheck's ST1003, plus SKU.
var commonInitialisms = map[string]bool{
	"acl": true, "amqp": true, "api": true, "ascii": true, "cpu": true,
	"css": true, "db": true, "dns": true, "eof": true, "gid": true,
	"guid": true, "html": true, "http": true, "https": true, "id": true,
	"ip": true, "json": true, "lhs": true, "qps": true, "ram": true,
	"rhs": true, "rpc": true, "rtp": true, "sip": true, "sku": true,
	"sla": true, "smtp": true, "sql": true, "ssh": true, "tcp": true,
	"tls": true, "ts": true, "ttl": true, "udp": true, "ui": true,
	"uid": true, "uri": true, "url": true, "utf8": true, "uuid": true,
	"vm": true, "xml": true, "xmpp": true, "xsrf": true, "xss": true,
}

// GoName returns the exported Go identifier for a schema name. The name is
// split into words at every character that is neither a letter nor a digit
// and where lower case (or a digit) turns to upper case; each word then
// gets an upper-case first letter, with common initialisms (ID, URL, TTL,
// AMQP, JSON, HTTP ...) and their plurals (IDs) written in capitals. A name
// in capitals throughout with several words (ORDER_CREATED) is taken as
// words in lower case; otherwise a word keeps the case it was written in
// after its first letter. A result that would not start with an upper-case
// letter, such as one starting with a digit, is prefixed with X. GoName
// returns "" when name has no letter or digit.
//
//	order_id             => OrderID
//	billing.order-events => BillingOrderEvents
//	OrderCreated         => OrderCreated
//	orderId              => OrderID
//	order_ids            => OrderIDs
//	HTTPServer           => HTTPServer
//	ORDER_CREATED        => OrderCreated
//	eu-west.DLQ          => EuWestDLQ
//	2fa_code             => X2faCode
func GoName(name string) string {
	words := splitWords(name)
	if len(words) == 0 {
		return ""
	}
	shouting := len(words) > 1 && !hasLower(name)
	var b strings.Builder
	for _, w := range words {
		b.WriteString(exportWord(w, shouting))
	}
	s := b.String()
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsUpper(r) {
		s = "X" + s
	}
	return s
}

// VarName returns the unexported Go identifier (lowerCamelCase) for a
// schema name, as used for the parameters of generated Publish methods: the
// first word in lower case (all of it when it is an initialism or written
// in capitals), the others as GoName writes them. A name starting with a
// digit is prefixed with x, and a Go keyword or predeclared identifier gets
// a trailing underscore. VarName returns "" when name has no letter or
// digit. Build further keeps parameters clear of the names a Publish method
// uses itself (ctx, msg, ...).
//
//	region   => region
//	order_id => orderID
//	URL      => url
//	type     => type_
//	string   => string_
func VarName(name string) string {
	words := splitWords(name)
	if len(words) == 0 {
		return ""
	}
	shouting := len(words) > 1 && !hasLower(name)
	var b strings.Builder
	b.WriteString(unexportWord(words[0], shouting))
	for _, w := range words[1:] {
		b.WriteString(exportWord(w, shouting))
	}
	s := b.String()
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsLetter(r) {
		s = "x" + s
	}
	if token.IsKeyword(s) || predeclared[s] {
		s += "_"
	}
	return s
}

// EnumConstName returns the Go constant for value of the enum whose Go name
// is typeName, as SPEC section 4 says: typeName, then value split at every
// character that cannot be in a Go identifier, each part with its first
// letter upper-cased and the rest kept as written. It returns "" when value
// yields no identifier characters at all, which the schema rejects.
//
//	Region, EU          => RegionEU
//	Status, in-progress => StatusInProgress
//	Currency, jpy       => CurrencyJpy
//	Status, in_progress => StatusIn_progress (_ can be in an identifier)
func EnumConstName(typeName, value string) string {
	parts := strings.FieldsFunc(value, func(r rune) bool { return !isIdentRune(r) })
	if len(parts) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(typeName)
	for _, p := range parts {
		b.WriteString(upperFirst(p))
	}
	return b.String()
}

// InlineEnumName returns the Go type of an enum written on a field: the
// Go names of the message or type and of the field (OrderCreated, status
// => OrderCreatedStatus), as SPEC section 2 says.
func InlineEnumName(owner, field string) string {
	o, f := GoName(owner), GoName(field)
	if o == "" || f == "" {
		return ""
	}
	return o + f
}

// ProducerName returns the Go type of a producer: its GoName with Producer
// appended unless it ends so already (Orders => OrdersProducer, Producer =>
// Producer).
func ProducerName(name string) string { return withSuffix(GoName(name), "Producer") }

// ExchangeName returns the Go identifier of the function returning an
// exchange's topology value: its GoName with Exchange appended unless it
// ends so already (orders => OrdersExchange).
func ExchangeName(name string) string { return withSuffix(GoName(name), "Exchange") }

// QueueName returns the Go identifier of the function returning a queue's
// topology value: its GoName with Queue appended unless it ends so already
// (billing.order-events => BillingOrderEventsQueue).
func QueueName(name string) string { return withSuffix(GoName(name), "Queue") }

func withSuffix(goName, suffix string) string {
	if goName == "" || strings.HasSuffix(goName, suffix) {
		return goName
	}
	return goName + suffix
}

// splitWords splits name at every rune that is neither letter nor digit, at
// a lower-case letter or digit followed by an upper-case letter (orderId),
// and before the last capital of a run followed by a lower-case letter
// (HTTPServer), except for a plural s ending the run (IDs).
func splitWords(name string) []string {
	var words []string
	for _, field := range strings.FieldsFunc(name, func(r rune) bool { return !isAlnum(r) }) {
		rs := []rune(field)
		start := 0
		for i := 1; i < len(rs); i++ {
			r, prev := rs[i], rs[i-1]
			switch {
			case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
				words = append(words, string(rs[start:i]))
				start = i
			case unicode.IsLower(r) && unicode.IsUpper(prev) && i-1 > start && unicode.IsUpper(rs[i-2]) &&
				!isPluralS(rs, i):
				words = append(words, string(rs[start:i-1]))
				start = i - 1
			}
		}
		words = append(words, string(rs[start:]))
	}
	return words
}

// isPluralS reports whether rs[i] is an s closing a run of capitals, as in
// IDs or URLsList.
func isPluralS(rs []rune, i int) bool {
	return rs[i] == 's' && (i+1 == len(rs) || !unicode.IsLower(rs[i+1]))
}

// exportWord writes one word of an exported name.
func exportWord(w string, shouting bool) string {
	if s, ok := initialism(w); ok {
		return s
	}
	if shouting {
		w = strings.ToLower(w)
	}
	return upperFirst(w)
}

// unexportWord writes the first word of an unexported name.
func unexportWord(w string, shouting bool) string {
	if _, ok := initialism(w); ok || shouting || !hasLower(w) {
		return strings.ToLower(w)
	}
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToLower(r)) + w[n:]
}

// initialism returns w in Go's spelling when it is a common initialism or
// the plural of one (ids => IDs).
func initialism(w string) (string, bool) {
	lw := strings.ToLower(w)
	if commonInitialisms[lw] {
		return strings.ToUpper(lw), true
	}
	if stem, ok := strings.CutSuffix(lw, "s"); ok && len(stem) > 1 && commonInitialisms[stem] {
		return strings.ToUpper(stem) + "s", true
	}
	return "", false
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func hasLower(s string) bool {
	return strings.IndexFunc(s, unicode.IsLower) >= 0
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isIdentRune reports whether r may appear in a Go identifier.
func isIdentRune(r rune) bool { return isAlnum(r) || r == '_' }

// predeclared are Go's predeclared identifiers; a parameter named after one
// would shadow it in the generated method.
var predeclared = map[string]bool{
	"any": true, "append": true, "bool": true, "byte": true, "cap": true,
	"clear": true, "close": true, "comparable": true, "complex": true,
	"complex128": true, "complex64": true, "copy": true, "delete": true,
	"error": true, "false": true, "float32": true, "float64": true,
	"imag": true, "int": true, "int16": true, "int32": true, "int64": true,
	"int8": true, "iota": true, "len": true, "make": true, "max": true,
	"min": true, "new": true, "nil": true, "panic": true, "print": true,
	"println": true, "real": true, "recover": true, "rune": true,
	"string": true, "true": true, "uint": true, "uint16": true,
	"uint32": true, "uint64": true, "uint8": true, "uintptr": true,
}
