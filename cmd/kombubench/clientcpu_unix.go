//go:build unix

package main

import (
	"syscall"
	"time"
)

// selfCPU returns the user+system time the whole process has used, every
// thread of it.
func selfCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
