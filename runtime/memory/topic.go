package memory

import "github.com/kombugen/kombugen/internal/routing"

// Topic matching lives in internal/routing, shared with the docs generator
// so that what the docs say receives a message is what this broker does.

// topicWords splits a key into topic words (see routing.TopicWords).
func topicWords(key string) []string { return routing.TopicWords(key) }

// topicMatch reports whether a binding key's words match a routing key's
// (see routing.TopicMatch).
func topicMatch(pattern, key []string) bool { return routing.TopicMatch(pattern, key) }
