// Package routing decides where RabbitMQ routes a message, as pure
// functions shared by the in-process broker (runtime/memory) and the docs
// generator (docs), so that topic and headers matching live in one place.
//
// # Topic exchanges
//
// TopicWords splits a key into words and TopicMatch matches a binding key's
// words against a routing key's: "*" is exactly one word, "#" zero or more,
// any other word only itself, as RabbitMQ's rabbit_exchange_type_topic
// does.
//
// # Headers exchanges
//
// ParseXMatch reads a binding's x-match (all, any, all-with-x, any-with-x)
// and HeadersMatch decides a binding for a message's headers.
// HeadersVerdict does the same when only some headers are known, answering
// Yes, No or Maybe.
//
// # Routing-key templates
//
// A kombugen message's routing key is a template such as
// "order.{region}.created", its parameters filled in at publish time.
// MatchTemplate tells whether messages published with a template reach a
// binding: always, never, or under conditions on the parameters ("region is
// eu"). See MatchTemplate for how parameters are understood.
package routing
