package memory

import "strings"

// topicWords splits a routing key or a binding key into words the way
// RabbitMQ's topic exchange does: the empty key has no words at all (so "*"
// does not match it but "#" does), and every '.' separates two words, so
// "a..b" and "a." hold empty words that "*" matches.
func topicWords(key string) []string {
	if key == "" {
		return nil
	}
	return strings.Split(key, ".")
}

// topicMatch reports whether the words of a binding key match those of a
// routing key: "*" stands for exactly one word, "#" for zero or more, and
// any other word for itself.
//
// It walks the pattern once, keeping the set of routing-key positions the
// pattern so far can end at, so that keys full of "#" cost O(len(pattern) x
// len(key)) instead of the exponential time of naive backtracking.
func topicMatch(pattern, key []string) bool {
	at := make([]bool, len(key)+1)
	next := make([]bool, len(key)+1)
	at[0] = true
	for _, p := range pattern {
		clear(next)
		alive := false
		switch p {
		case "#":
			reached := false
			for i := range at {
				reached = reached || at[i]
				next[i] = reached
				alive = alive || reached
			}
		default:
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
