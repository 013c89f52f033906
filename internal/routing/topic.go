package routing

import "strings"

// TopicWords splits a routing key or a binding key into words as RabbitMQ's
// topic exchange does: the empty key has no words at all (so "*" does not
// match it but "#" does), and every '.' separates two words, so "a..b" and
// "a." hold empty words, which "*" matches.
func TopicWords(key string) []string {
	if key == "" {
		return nil
	}
	return strings.Split(key, ".")
}

// TopicMatch reports whether a binding key's words match a routing key's:
// "*" stands for exactly one word, "#" for zero or more, and any other word,
// even one holding '*' or '#' among other characters, for itself.
//
// It walks the pattern once, keeping the set of routing-key positions the
// pattern read so far can end at, so that a pattern full of "#" costs
// O(len(pattern) x len(key)) where naive backtracking is exponential.
func TopicMatch(pattern, key []string) bool {
	at := make([]bool, len(key)+1)
	next := make([]bool, len(key)+1)
	at[0] = true
	for _, p := range pattern {
		clear(next)
		alive := false
		if p == "#" {
			// Zero or more words: every position at or after a reachable one.
			reached := false
			for i := range at {
				reached = reached || at[i]
				next[i] = reached
				alive = alive || reached
			}
		} else {
			for i, w := range key {
				if at[i] && (p == "*" || p == w) {
					next[i+1] = true
					alive = true
				}
			}
		}
		if !alive {
			return false
		}
		at, next = next, at
	}
	return at[len(key)]
}

// MatchTopic reports whether a topic binding with bindingKey takes a
// message published with routingKey.
func MatchTopic(bindingKey, routingKey string) bool {
	return TopicMatch(TopicWords(bindingKey), TopicWords(routingKey))
}
