//go:build race

package main

// raceEnabled is set when the tests run under the race detector, which
// makes zlib (compress/flate's hash tables) several hundred times slower.
const raceEnabled = true
