package brokerdiff

import "github.com/kombugen/kombugen/runtime"

// bound declares a durable exchange of type typ bound to sources.
func bound(name, typ string, sources ...Binding) DeclareExchange {
	return DeclareExchange{Name: name, Type: typ, Durable: true, Bindings: sources}
}

// exchangeBindingScenarios cover exchange-to-exchange bindings: fan-in,
// routing layers, cycles, alternate exchanges and refusals.
var exchangeBindingScenarios = []Scenario{
	{Name: "exchange-binding-fan-in", Steps: []Step{
		xchg("@eu", "direct"), xchg("@us", "direct"),
		bound("@all", "fanout", bind("@eu", "order"), bind("@us", "order")),
		queue("@q", bind("@all", "")),
		pub("@eu", "order", "eu"), pub("@us", "order", "us"), pub("@us", "refund", "not-bound"),
		Drain{"@q"},
	}},
	{Name: "exchange-binding-layers", Steps: []Step{
		xchg("@in", "topic"),
		bound("@orders", "direct", bind("@in", "order.*")),
		bound("@headers", "headers", bind("@in", "#")),
		queue("@created", bind("@orders", "order.created")),
		queue("@eu", bindArgs("@headers", runtime.Table{"region": "eu"})),
		withHeaders(pub("@in", "order.created", "created-eu"), runtime.Table{"region": "eu"}),
		pub("@in", "order.paid", "paid"),
		withHeaders(pub("@in", "refund", "refund-eu"), runtime.Table{"region": "eu"}),
		Drain{"@created"}, Drain{"@eu"},
	}},
	// RabbitMQ follows each exchange once: a cycle delivers to each queue
	// once.
	{Name: "exchange-binding-cycle", Steps: []Step{
		xchg("@a", "fanout"),
		bound("@b", "fanout", bind("@a", "")),
		bound("@a", "fanout", bind("@b", "")),
		bound("@self", "fanout", bind("@self", "")),
		queue("@qa", bind("@a", "")), queue("@qb", bind("@b", "")),
		queue("@qs", bind("@self", "")),
		pub("@a", "k", "from-a"), pub("@b", "k", "from-b"), pub("@self", "k", "self"),
		Drain{"@qa"}, Drain{"@qb"}, Drain{"@qs"},
	}},
	// An exchange's alternate exchange takes what none of its bindings,
	// to queues or exchanges, matched; an exchange that matched routes
	// nothing itself is no reason.
	{Name: "exchange-binding-alternate", Steps: []Step{
		xchg("@ae", "fanout"),
		DeclareExchange{Name: "@in", Type: "direct", Durable: true, Args: runtime.Table{"alternate-exchange": "@ae"}},
		bound("@empty", "direct", bind("@in", "to-empty")),
		DeclareExchange{Name: "@inner", Type: "direct", Durable: true, Args: runtime.Table{"alternate-exchange": "@ae"},
			Bindings: []Binding{bind("@in", "to-inner")}},
		queue("@unrouted", bind("@ae", "")),
		mandatory(pub("@in", "to-empty", "empty")),
		mandatory(pub("@in", "to-inner", "inner")),
		mandatory(pub("@in", "nothing", "nothing")),
		Drain{"@unrouted"},
	}},
	{Name: "exchange-binding-dead-letter", Steps: []Step{
		xchg("@dlx", "topic"),
		bound("@dead", "fanout", bind("@dlx", "#")),
		queue("@parked", bind("@dead", "")),
		queueArgs("@q", runtime.Table{"x-max-length": 1, "x-dead-letter-exchange": "@dlx"}),
		pub("", "@q", "1"), pub("", "@q", "2"),
		Drain{"@parked"},
	}},
	{Name: "exchange-binding-delete", Steps: []Step{
		xchg("@src", "fanout"),
		DeclareExchange{Name: "@mid", Type: "fanout", AutoDelete: true, Bindings: []Binding{bind("@src", "")}},
		bound("@dst", "fanout", bind("@mid", "")),
		queue("@q", bind("@dst", "")),
		pub("@src", "", "through"),
		DeleteExchange{"@dst"},
		mandatory(pub("@src", "", "nowhere")),
		pub("@mid", "", "mid"),
		Drain{"@q"},
	}},
	{Name: "exchange-binding-refusals", Steps: []Step{
		xchg("@h", "headers"),
		bound("@missing", "direct", bind("@nowhere", "k")),
		bound("@default", "direct", bind("", "k")),
		bound("@x-match", "direct", bindArgs("@h", runtime.Table{"x-match": "some"})),
		bound("@amq", "direct", bind("amq.topic", "#")),
		queue("@q", bind("@amq", "k")),
		pub("amq.topic", "k", "from-amq-topic"),
		Drain{"@q"},
	}},
}
