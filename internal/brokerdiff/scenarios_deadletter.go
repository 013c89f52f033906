package brokerdiff

import "github.com/kombugen/kombugen/runtime"

// delay declares a queue whose messages expire after ms milliseconds into
// the default exchange with the routing key next.
func delay(name string, ms int, next string) DeclareQueue {
	return queueArgs(name, runtime.Table{"x-message-ttl": ms, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": next})
}

// deadLetterScenarios cover x-death headers, routing keys, chains and
// cycles of dead-lettering.
var deadLetterScenarios = []Scenario{
	{Name: "dead-letter-expired", Steps: []Step{
		xchg("@dlx", "direct"), xchg("@work", "direct"),
		queue("@dead", bind("@dlx", "k")),
		queueArgs("@q", runtime.Table{"x-message-ttl": 100, "x-dead-letter-exchange": "@dlx"}, bind("@work", "k")),
		func() Publish {
			p := withHeaders(pub("@work", "k", "m"), runtime.Table{"app": "a"})
			p.Props.Expiration, p.Props.MessageID, p.Props.Priority = "50", "id-1", 3
			return p
		}(),
		wait(500),
		Count{"@q"}, Drain{"@dead"},
	}},
	{Name: "dead-letter-routing-key", Steps: []Step{
		xchg("@dlx", "direct"),
		queue("@dead", bind("@dlx", "dead")),
		queue("@own", bind("@dlx", "@q")),
		queueArgs("@q", runtime.Table{"x-max-length": 1, "x-dead-letter-exchange": "@dlx", "x-dead-letter-routing-key": "dead"}),
		queueArgs("@keep", runtime.Table{"x-max-length": 1, "x-dead-letter-exchange": "@dlx"}),
		withHeaders(pub("", "@q", "1"), runtime.Table{"CC": []any{"cc-key"}}), pub("", "@q", "2"),
		withHeaders(pub("", "@keep", "3"), runtime.Table{"CC": []any{"@q"}}), pub("", "@keep", "4"),
		Drain{"@dead"}, Drain{"@own"},
	}},
	{Name: "dead-letter-missing-exchange", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-length": 1, "x-dead-letter-exchange": "@nowhere"}),
		pub("", "@q", "1"), pub("", "@q", "2"),
		Drain{"@q"},
	}},
	// A delay chain: each hop's TTL runs from when the message entered it.
	{Name: "dead-letter-chain", Steps: []Step{
		delay("@wait1", 150, "@wait2"),
		delay("@wait2", 150, "@work"),
		queue("@work"),
		pub("", "@wait1", "m"),
		wait(800),
		Count{"@wait1"}, Count{"@wait2"}, Drain{"@work"},
	}},
	{Name: "dead-letter-chain-three", Steps: []Step{
		delay("@h1", 100, "@h2"), delay("@h2", 100, "@h3"), delay("@h3", 100, "@end"),
		queue("@end"),
		pub("", "@h1", "m"),
		wait(900),
		Drain{"@end"},
	}},
	{Name: "dead-letter-cycle", Steps: []Step{
		delay("@retry", 100, "@main"),
		delay("@main", 100, "@retry"),
		pub("", "@retry", "m"),
		wait(700),
		Count{"@retry"}, Count{"@main"},
	}},
	{Name: "dead-letter-count", Steps: []Step{
		xchg("@dlx", "fanout"),
		queue("@dead", bind("@dlx", "")),
		queueArgs("@q", runtime.Table{"x-max-length": 1, "x-dead-letter-exchange": "@dlx"}),
		withHeaders(pub("", "@q", "again"), runtime.Table{
			"x-death": []any{
				runtime.Table{"queue": "@other", "reason": "expired", "count": int64(4), "exchange": "", "routing-keys": []any{"@other"}},
				runtime.Table{"queue": "@q", "reason": "maxlen", "count": int64(2), "exchange": "", "routing-keys": []any{"@q"}},
			},
			"x-first-death-queue": "@other", "x-first-death-reason": "expired", "x-first-death-exchange": "",
		}),
		pub("", "@q", "push"),
		Drain{"@dead"},
	}},
	{Name: "dead-letter-drop-head-chain", Steps: []Step{
		xchg("@dlx", "fanout"),
		queueArgs("@small", runtime.Table{"x-max-length": 1}, bind("@dlx", "")),
		queueArgs("@q", runtime.Table{"x-max-length": 1, "x-dead-letter-exchange": "@dlx"}),
		pub("", "@q", "1"), pub("", "@q", "2"), pub("", "@q", "3"),
		Drain{"@small"}, Drain{"@q"},
	}},
}
