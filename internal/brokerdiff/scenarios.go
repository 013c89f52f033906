package brokerdiff

import "slices"

// Scenarios returns every scenario of the suite.
func Scenarios() []Scenario {
	return slices.Concat(routingScenarios, exchangeBindingScenarios, queueScenarios, deadLetterScenarios,
		declareScenarios, publishScenarios)
}
