package gomodel

import (
	"go/token"
	"strings"
	"testing"
	"unicode"
)

func TestGoName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"order_id", "OrderID"},
		{"billing.order-events", "BillingOrderEvents"},
		{"OrderCreated", "OrderCreated"},
		{"orderCreated", "OrderCreated"},
		{"orderId", "OrderID"},
		{"order_ids", "OrderIDs"},
		{"orderIDs", "OrderIDs"},
		{"URLsList", "URLsList"},
		{"HTTPServer", "HTTPServer"},
		{"XMLHttpRequest", "XMLHTTPRequest"},
		{"ORDER_CREATED", "OrderCreated"},
		{"DLQ", "DLQ"},
		{"eu-west.DLQ", "EuWestDLQ"},
		{"ttl", "TTL"},
		{"amqp_url", "AMQPURL"},
		{"json-api", "JSONAPI"},
		{"uuid", "UUID"},
		{"sku", "SKU"},
		{"db_ip", "DBIP"},
		{"utf8_text", "UTF8Text"},
		{"order2Id", "Order2ID"},
		{"v2", "V2"},
		{"2fa_code", "X2faCode"},
		{"über-status", "ÜberStatus"},
		{"订单", "X订单"},
		{"type", "Type"},
		{"func", "Func"},
		{"a b  c", "ABC"},
		{"_private", "Private"},
		{"---", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := GoName(tt.in); got != tt.want {
			t.Errorf("GoName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := GoName(tt.in); got != "" && !token.IsExported(got) {
			t.Errorf("GoName(%q) = %q, not an exported identifier", tt.in, got)
		}
	}
}

func TestVarName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"region", "region"},
		{"Region", "region"},
		{"order_id", "orderID"},
		{"OrderID", "orderID"},
		{"ID", "id"},
		{"URL", "url"},
		{"url_path", "urlPath"},
		{"EU", "eu"},
		{"ORDER_ID", "orderID"},
		{"HTTPServer", "httpServer"},
		{"type", "type_"},
		{"range", "range_"},
		{"string", "string_"},
		{"len", "len_"},
		{"ctx", "ctx"},
		{"kombugen_m_key", "kombugenMKey"},
		{"2fa", "x2fa"},
		{"---", ""},
	}
	for _, tt := range tests {
		if got := VarName(tt.in); got != tt.want {
			t.Errorf("VarName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEnumConstName(t *testing.T) {
	tests := []struct{ typ, value, want string }{
		{"Region", "EU", "RegionEU"},
		{"Status", "in-progress", "StatusInProgress"},
		{"Currency", "jpy", "CurrencyJpy"},
		{"Status", "in_progress", "StatusIn_progress"},
		{"Status", "on hold", "StatusOnHold"},
		{"Status", "a.b-c", "StatusABC"},
		{"Level", "1", "Level1"},
		{"Level", "1st", "Level1st"},
		{"Status", "_", "Status_"},
		{"Sign", "+", ""},
		{"Sign", "", ""},
		{"Accent", "éclair", "AccentÉclair"},
	}
	for _, tt := range tests {
		if got := EnumConstName(tt.typ, tt.value); got != tt.want {
			t.Errorf("EnumConstName(%q, %q) = %q, want %q", tt.typ, tt.value, got, tt.want)
		}
	}
}

func TestEntityNames(t *testing.T) {
	tests := []struct {
		fn   func(string) string
		name string
		in   string
		want string
	}{
		{ProducerName, "ProducerName", "Orders", "OrdersProducer"},
		{ProducerName, "ProducerName", "Producer", "Producer"},
		{ProducerName, "ProducerName", "billing_producer", "BillingProducer"},
		{ExchangeName, "ExchangeName", "orders", "OrdersExchange"},
		{ExchangeName, "ExchangeName", "orders.exchange", "OrdersExchange"},
		{QueueName, "QueueName", "billing.order-events", "BillingOrderEventsQueue"},
		{QueueName, "QueueName", "dead-letter-queue", "DeadLetterQueue"},
		{QueueName, "QueueName", "...", ""},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestGoNameNeedsLetterOrDigit checks what the schema's JSON Schema says of
// names that become Go identifiers (goNamePattern): GoName makes one of a
// name exactly when it holds a letter or digit.
func TestGoNameNeedsLetterOrDigit(t *testing.T) {
	for _, name := range []string{"order_id", "a", "9", "_", "--", "", ".x.", "é", "\U0001F389", "~", "*"} {
		want := strings.ContainsFunc(name, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
		if got := GoName(name) != ""; got != want {
			t.Errorf("GoName(%q) = %q: an identifier is %v, want %v", name, GoName(name), got, want)
		}
	}
}
