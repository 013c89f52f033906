package brokerdiff

import (
	"math"
	"strings"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// expiring publishes to queue with the expiration property e.
func expiring(queue, e string) Publish { return ttl(queue, "m", e) }

// publishScenarios cover what RabbitMQ refuses to take.
var publishScenarios = []Scenario{
	{Name: "publish-refusals", Steps: []Step{
		DeclareExchange{Name: "@internal", Type: "direct", Durable: true, Internal: true},
		queue("@q"),
		pub("@nowhere", "k", "m"),
		pub("@internal", "k", "m"),
		func() Publish { p := pub("", "@q", ""); p.Props.UserID = "somebody-else"; return p }(),
		func() Publish { p := pub("", "@q", ""); p.Props.UserID = "guest"; return p }(),
		withHeaders(pub("", "@q", "cc"), runtime.Table{"CC": "a"}),
		withHeaders(pub("", "@q", "bcc"), runtime.Table{"BCC": 1}),
		Count{"@q"},
	}},
	{Name: "publish-too-large", Steps: []Step{
		queue("@q"),
		Publish{Exchange: "", Key: "@q", BodySize: 128<<20 + 1},
		Count{"@q"},
	}},
	{Name: "publish-non-finite-headers", Steps: []Step{
		DeclareQueue{Name: "@gone", Exclusive: true},
		queue("@q"),
		withHeaders(pub("", "@q", "nan"), runtime.Table{"f": math.NaN()}),
		Count{"@gone"},
		withHeaders(pub("", "@q", "inf"), runtime.Table{"t": runtime.Table{"l": []any{float32(math.Inf(-1))}}}),
		Count{"@q"},
	}},
	{Name: "expirations", Steps: []Step{
		queue("@q"),
		expiring("@q", "315360000000"),
		expiring("@q", "315360000001"),
		expiring("@q", "+5"),
		expiring("@q", "007"),
		expiring("@q", "-0"),
		expiring("@q", "-1"),
		expiring("@q", "abc"),
		expiring("@q", "1.5"),
		expiring("@q", " 5"),
		expiring("@q", "5 "),
		expiring("@q", "5\x01\x02"),
		expiring("@q", "99999999999999999999999"),
		expiring("@q", "0"+strings.Repeat("9", 19)),
		expiring("@q", "-"+strings.Repeat("0", 35)+"1"),
		expiring("@q", "5"+strings.Repeat("a", 61)),
		Count{"@q"},
	}},
	{Name: "properties", Steps: []Step{
		queue("@q"),
		Publish{Exchange: "", Key: "@q", Body: "all", Props: runtime.Properties{
			ContentType: "application/json", ContentEncoding: "utf-8", DeliveryMode: runtime.Transient, Priority: 7,
			CorrelationID: "c", ReplyTo: "r", Expiration: "60000", MessageID: "m", Type: "t", UserID: "guest", AppID: "a",
			Timestamp: time.Unix(1700000000, 0),
			Headers: runtime.Table{"s": "v", "i": int16(-3), "l": int64(1) << 40, "f": float32(0.5), "d": 2.25, "b": false,
				"x": []byte{0, 1}, "n": nil, "a": []any{1, "two", []any{3.0}}, "t": runtime.Table{"k": "v"}},
		}},
		Get{"@q"},
	}},
}
