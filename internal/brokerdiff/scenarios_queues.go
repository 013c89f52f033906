package brokerdiff

import "github.com/kombugen/kombugen/runtime"

// prio publishes body to queue with a priority.
func prio(queue, body string, priority uint8) Publish {
	p := pub("", queue, body)
	p.Props.Priority = priority
	return p
}

// queueScenarios cover priorities, TTLs and length limits.
var queueScenarios = []Scenario{
	{Name: "max-priority", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-priority": 5}),
		prio("@q", "p1", 1), prio("@q", "p5", 5), prio("@q", "p0", 0), prio("@q", "p9", 9),
		prio("@q", "p5b", 5), prio("@q", "p2", 2),
		Drain{"@q"},
	}},
	{Name: "no-max-priority", Steps: []Step{
		queue("@q"),
		prio("@q", "p1", 1), prio("@q", "p9", 9), prio("@q", "p0", 0),
		Drain{"@q"},
	}},
	{Name: "queue-ttl", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-message-ttl": 1000}),
		ttl("@q", "a", ""), ttl("@q", "b", ""),
		Count{"@q"},
		wait(1500),
		Count{"@q"}, Get{"@q"},
	}},
	{Name: "message-ttl", Steps: []Step{
		queue("@q"),
		ttl("@q", "short", "100"), ttl("@q", "long", "60000"), ttl("@q", "none", ""),
		wait(500),
		Count{"@q"}, Drain{"@q"},
	}},
	{Name: "queue-and-message-ttl", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-message-ttl": 150}),
		ttl("@q", "message-longer", "60000"), ttl("@q", "message-shorter", "50"),
		queueArgs("@keep", runtime.Table{"x-message-ttl": 60000}),
		ttl("@keep", "message-shorter", "100"), ttl("@keep", "queue", ""),
		wait(600),
		Count{"@q"}, Drain{"@keep"},
	}},
	{Name: "expiration-zero", Steps: []Step{
		queue("@q"),
		ttl("@q", "gone", "0"),
		Count{"@q"},
		ttl("@q", "head", ""), ttl("@q", "behind", "0"),
		Count{"@q"}, Drain{"@q"}, Count{"@q"},
	}},
	// A message expired behind a live head still counts, and leaves when
	// it reaches the head.
	{Name: "expired-behind-head", Steps: []Step{
		xchg("@dlx", "fanout"),
		queue("@dead", bind("@dlx", "")),
		queueArgs("@q", runtime.Table{"x-dead-letter-exchange": "@dlx"}),
		ttl("@q", "A", "30000"), ttl("@q", "B", "100"),
		wait(500),
		Count{"@q"}, Count{"@dead"},
		Get{"@q"},
		Count{"@q"}, Drain{"@dead"},
	}},
	{Name: "expired-behind-priority-head", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-priority": 5}),
		prio("@q", "live", 5),
		func() Publish { p := prio("@q", "dead", 1); p.Props.Expiration = "50"; return p }(),
		wait(400),
		Count{"@q"}, Drain{"@q"},
	}},
	// A message of a higher priority becomes the head without RabbitMQ
	// looking at its TTL: it expires only when the queue next drops
	// expired messages, here after the get that delivers it.
	{Name: "expiring-priority-head", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-priority": 5}),
		prio("@q", "old", 1),
		func() Publish { p := prio("@q", "new", 5); p.Props.Expiration = "100"; return p }(),
		wait(400),
		Count{"@q"}, Drain{"@q"},
	}},
	{Name: "max-length-drop-head", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-length": 2}),
		pub("", "@q", "1"), pub("", "@q", "2"), pub("", "@q", "3"),
		Count{"@q"}, Drain{"@q"},
	}},
	{Name: "max-length-zero", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-length": 0}),
		pub("", "@q", "1"),
		Count{"@q"},
	}},
	{Name: "max-length-bytes", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-length-bytes": 10}),
		pub("", "@q", "aaaa"), pub("", "@q", "bbbb"), pub("", "@q", "cccc"), pub("", "@q", "dddddddddddd"),
		Drain{"@q"},
	}},
	{Name: "max-length-priority", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-length": 2, "x-max-priority": 5}),
		prio("@q", "low", 1), prio("@q", "high", 5), prio("@q", "mid", 3),
		Drain{"@q"},
	}},
	{Name: "max-length-reject-publish", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-length": 2, "x-overflow": "reject-publish"}),
		pub("", "@q", "1"), pub("", "@q", "2"), pub("", "@q", "3"),
		Get{"@q"},
		pub("", "@q", "4"),
		Drain{"@q"},
	}},
	{Name: "max-length-reject-publish-dlx", Steps: []Step{
		xchg("@dlx", "fanout"),
		queue("@dead", bind("@dlx", "")),
		queueArgs("@q", runtime.Table{"x-max-length": 1, "x-overflow": "reject-publish-dlx", "x-dead-letter-exchange": "@dlx"}),
		pub("", "@q", "1"), pub("", "@q", "2"),
		Drain{"@q"}, Drain{"@dead"},
	}},
	// The case RabbitMQ answers with [C] and dead-letters A (maxlen) and
	// B (expired): B, expired behind the head, still took its place.
	{Name: "max-length-ttl-dlx", Steps: []Step{
		xchg("@dlx", "fanout"),
		queue("@dead", bind("@dlx", "")),
		queueArgs("@q", runtime.Table{"x-max-length": 2, "x-dead-letter-exchange": "@dlx"}),
		ttl("@q", "A", "30000"), ttl("@q", "B", "100"),
		wait(500),
		ttl("@q", "C", ""),
		Drain{"@q"}, Drain{"@dead"},
	}},
	{Name: "reject-publish-counts-expired", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-max-length": 2, "x-overflow": "reject-publish"}),
		ttl("@q", "A", "30000"), ttl("@q", "B", "100"),
		wait(500),
		ttl("@q", "C", ""),
		Count{"@q"}, Drain{"@q"},
	}},
	{Name: "queue-expires", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-expires": 1000}),
		pub("", "@q", "1"),
		Count{"@q"},
		wait(1800),
		mandatory(pub("", "@q", "2")),
		Count{"@q"},
	}},
	{Name: "purge-and-delete", Steps: []Step{
		DeclareExchange{Name: "@x", Type: "fanout", AutoDelete: true},
		queue("@q", bind("@x", "")),
		pub("@x", "", "1"), pub("@x", "", "2"),
		Purge{"@q"},
		pub("@x", "", "3"),
		DeleteQueue{"@q"},
		mandatory(pub("@x", "", "4")),
	}},
	{Name: "quorum-queue", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-queue-type": "quorum", "x-max-length": 2}),
		pub("", "@q", "1"), pub("", "@q", "2"), pub("", "@q", "3"),
		Count{"@q"}, Drain{"@q"},
	}},
	{Name: "quorum-reject-publish", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-queue-type": "quorum", "x-max-length": 2, "x-overflow": "reject-publish"}),
		pub("", "@q", "1"), pub("", "@q", "2"), pub("", "@q", "3"), pub("", "@q", "4"),
		Count{"@q"}, Get{"@q"}, pub("", "@q", "5"), Get{"@q"}, pub("", "@q", "6"),
		Drain{"@q"},
	}},
	{Name: "quorum-ttl", Steps: []Step{
		queueArgs("@q", runtime.Table{"x-queue-type": "quorum", "x-message-ttl": 100}),
		pub("", "@q", "1"),
		wait(500),
		Count{"@q"},
	}},
}
