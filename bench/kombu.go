package bench

import _ "embed"

// KombuScript is kombu_bench.py, which publishes the bench messages with
// Python's kombu for kombubench; see its docstring for the protocol.
//
//go:embed kombu_bench.py
var KombuScript []byte
