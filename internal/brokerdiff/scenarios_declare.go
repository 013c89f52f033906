package brokerdiff

import "github.com/kombugen/kombugen/runtime"

// redeclare declares a queue twice, the second time as again says.
func redeclare(first, again DeclareQueue) []Step { return []Step{first, again} }

var quorum = runtime.Table{"x-queue-type": "quorum"}

// declareScenarios cover what a redeclare must match and what RabbitMQ
// refuses to declare.
var declareScenarios = []Scenario{
	{Name: "exchange-equivalence", Steps: []Step{
		DeclareExchange{Name: "@x", Type: "topic", Durable: true, Args: runtime.Table{"alternate-exchange": "@ae", "x-custom": 1}},
		DeclareExchange{Name: "@x", Type: "topic", Durable: true, Args: runtime.Table{"alternate-exchange": "@ae", "x-custom": 2}},
		DeclareExchange{Name: "@x", Type: "direct", Durable: true},
		DeclareExchange{Name: "@x", Type: "topic"},
		DeclareExchange{Name: "@x", Type: "topic", Durable: true, AutoDelete: true},
		DeclareExchange{Name: "@x", Type: "topic", Durable: true, Internal: true},
		DeclareExchange{Name: "@x", Type: "topic", Durable: true, Args: runtime.Table{"alternate-exchange": "@other"}},
		DeclareExchange{Name: "@x", Type: "topic", Durable: true},
		DeclareExchange{Name: "@y", Type: "fanout", Durable: true},
		DeclareExchange{Name: "@y", Type: "fanout", Durable: true, Args: runtime.Table{"alternate-exchange": "@ae"}},
	}},
	{Name: "queue-equivalence-flags", Steps: []Step{
		queue("@q"),
		DeclareQueue{Name: "@q"},
		DeclareQueue{Name: "@q", Durable: true, AutoDelete: true},
		DeclareQueue{Name: "@q", Durable: true, Exclusive: true},
		DeclareQueue{Name: "@ex", Exclusive: true},
		DeclareQueue{Name: "@ex", Exclusive: true, Durable: true},
		DeclareQueue{Name: "@ex"},
	}},
	{Name: "queue-equivalence-arguments", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-length": 5, "x-queue-mode": "lazy", "x-custom": "a"}),
		queueArgs("@q", runtime.Table{"x-max-length": int64(5), "x-queue-mode": []byte("lazy"), "x-custom": "b"}),
		queueArgs("@q", runtime.Table{"x-max-length": 6, "x-queue-mode": "lazy"}),
		queueArgs("@q", runtime.Table{"x-queue-mode": "lazy"}),
		queueArgs("@q", runtime.Table{"x-max-length": 5.0, "x-queue-mode": "lazy"}),
		queueArgs("@q", runtime.Table{"x-max-length": "5", "x-queue-mode": "lazy"}),
		queueArgs("@q", runtime.Table{"x-max-length": 5, "x-queue-mode": "lazy", "x-message-ttl": 1000}),
		queueArgs("@q", runtime.Table{"x-max-length": 5, "x-queue-mode": "lazy", "x-queue-type": "classic"}),
		queueArgs("@q", runtime.Table{"x-max-length": 5, "x-queue-mode": "lazy", "x-queue-type": "quorum"}),
		queueArgs("@q", runtime.Table{"x-max-length": 5, "x-queue-mode": "lazy", "x-delivery-limit": 3}),
		queueArgs("@q", runtime.Table{"x-max-length": 5, "x-queue-mode": "lazy", "x-max-length-bytes": []any{1, "a"}}),
	}},
	{Name: "quorum-equivalence", Steps: []Step{
		queueArgs("@q", quorum),
		queueArgs("@q", runtime.Table{"x-queue-type": "quorum", "x-delivery-limit": 5}),
		queueArgs("@q", nil),
		queueArgs("@q", runtime.Table{"x-queue-type": "classic"}),
		queueArgs("@q", runtime.Table{"x-queue-type": "quorum", "x-custom": 1}),
	}},
	{Name: "quorum-refusals", Steps: []Step{
		DeclareQueue{Name: "@nondurable", Args: quorum},
		DeclareQueue{Name: "@exclusive", Durable: true, Exclusive: true, Args: quorum},
		DeclareQueue{Name: "@autodelete", Durable: true, AutoDelete: true, Exclusive: true, Args: quorum},
		queueArgs("@priority", runtime.Table{"x-queue-type": "quorum", "x-max-priority": 5}),
		queueArgs("@mode", runtime.Table{"x-queue-type": "quorum", "x-queue-mode": "lazy"}),
		queueArgs("", quorum),
		DeclareQueue{Name: "@stream", Args: runtime.Table{"x-queue-type": "stream"}},
	}},
	{Name: "argument-refusals", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-queue-type": "bogus"}),
		queueArgs("@q", runtime.Table{"x-queue-type": 1}),
		queueArgs("@q", runtime.Table{"x-message-ttl": int64(1) << 40}),
		queueArgs("@q", runtime.Table{"x-message-ttl": -1}),
		queueArgs("@q", runtime.Table{"x-message-ttl": "5"}),
		queueArgs("@q", runtime.Table{"x-message-ttl": 1.5}),
		queueArgs("@q", runtime.Table{"x-expires": 0}),
		queueArgs("@q", runtime.Table{"x-expires": int64(1) << 40}),
		queueArgs("@q", runtime.Table{"x-max-priority": 256}),
		queueArgs("@q", runtime.Table{"x-max-length": -1}),
		queueArgs("@q", runtime.Table{"x-overflow": "drop-tail"}),
		queueArgs("@q", runtime.Table{"x-overflow": []byte("drop-head")}),
		queueArgs("@q", runtime.Table{"x-dead-letter-routing-key": "k"}),
		queueArgs("@q", runtime.Table{"x-dead-letter-exchange": 1}),
		queueArgs("@q", runtime.Table{"x-queue-mode": "bogus"}),
		queueArgs("@q", runtime.Table{"x-queue-version": 3}),
		queueArgs("@q", runtime.Table{"x-single-active-consumer": "yes"}),
		queueArgs("@q", runtime.Table{"x-delivery-limit": 5}),
		queueArgs("@q", runtime.Table{"x-message-ttl": "a", "x-max-length": "b", "x-expires": "c"}),
		queueArgs("@q", runtime.Table{"x-queue-type": "stream", "x-max-age": "1X"}),
		Count{"@q"},
	}},
	{Name: "exchange-refusals", Steps: []Step{
		DeclareExchange{Name: "@x", Type: "direct", Durable: true, Args: runtime.Table{"alternate-exchange": 1}},
		DeclareExchange{Name: "@plugin", Type: "x-delayed-message", Durable: true},
		DeclareExchange{Name: "@after", Type: "direct", Durable: true},
	}},
	{Name: "binding-refusals", Steps: []Step{
		xchg("@h", "headers"),
		queue("@missing-exchange", bind("@nowhere", "k")),
		queue("@default", bind("", "k")),
		queue("@bad-x-match", bindArgs("@h", runtime.Table{"x-match": "some"})),
		queue("@int-x-match", bindArgs("@h", runtime.Table{"x-match": 1})),
		queue("@bytes-x-match", bindArgs("@h", runtime.Table{"x-match": []byte("any")})),
		queue("amq.reserved"),
	}},
}
