//go:build !unix

package main

import "time"

// selfCPU reports that the process's CPU time cannot be read here.
func selfCPU() (time.Duration, bool) { return 0, false }
