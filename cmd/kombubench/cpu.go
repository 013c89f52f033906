package main

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CPU per message is measured over the same window as a run's rate: the
// client's as the bench process's user+system time (getrusage RUSAGE_SELF,
// every thread: amqp091-go's reader, the runtime's goroutines and the
// garbage collector work on other threads than the publishing goroutine),
// the broker's as the RabbitMQ node's, read from /proc.

// userHZ is the unit of the times in /proc/PID/stat: clock ticks, which
// Linux fixes at 100 a second for every program it runs.
const userHZ = 100

// procCPU returns the user+system time process pid has used, from
// /proc/pid/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted from utime (14) start after its closing parenthesis.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): utime is field 14, stime 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * time.Second / userHZ, nil
}

// brokerNode follows the CPU time of the RabbitMQ node the benchmark
// publishes to: the beam.smp process on this machine that runs rabbit.
type brokerNode struct {
	pid int
	// missing says why there is no node to read, for the tables' notes;
	// "" when there is one.
	missing string
}

// findBrokerNode looks for the node of the broker at rawURL. Without one
// (a broker on another machine, or none found) it says why in missing.
func findBrokerNode(rawURL string) *brokerNode {
	if host, local := localHost(rawURL); !local {
		return &brokerNode{missing: fmt.Sprintf("the broker (%s) is not on this machine", host)}
	}
	pids, err := rabbitNodes()
	switch {
	case err != nil:
		return &brokerNode{missing: fmt.Sprintf("cannot list processes (%v)", err)}
	case len(pids) == 0:
		return &brokerNode{missing: "no RabbitMQ node (a beam.smp process running rabbit) was found on this machine"}
	case len(pids) > 1:
		return &brokerNode{missing: fmt.Sprintf("%d RabbitMQ nodes run on this machine (pids %v), and which one is the broker is unknown", len(pids), pids)}
	}
	return &brokerNode{pid: pids[0]}
}

// cpu returns the node's CPU time. After a restart of the broker (the pid
// gone) it looks for the node again.
func (n *brokerNode) cpu() (time.Duration, bool) {
	if n.missing != "" {
		return 0, false
	}
	if d, err := procCPU(n.pid); err == nil {
		return d, true
	}
	if pids, err := rabbitNodes(); err == nil && len(pids) == 1 {
		n.pid = pids[0]
		if d, err := procCPU(n.pid); err == nil {
			return d, true
		}
	}
	return 0, false
}

// rabbitNodes returns the pids of the beam.smp processes whose command line
// boots rabbit (-s rabbit boot). Other beam.smp processes, such as those
// rabbitmqctl starts, do not name it as an argument of its own.
func rabbitNodes() ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(b) == 0 {
			continue // gone, or a kernel thread
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if filepath.Base(args[0]) != "beam.smp" {
			continue
		}
		for _, a := range args[1:] {
			if a == "rabbit" {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids, nil
}

// localHost returns the host of an AMQP URL and whether it is this
// machine: a loopback address, localhost, or an address of one of its
// interfaces.
func localHost(rawURL string) (string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "an unparsable URL", false
	}
	host := u.Hostname()
	if host == "" || strings.EqualFold(host, "localhost") {
		return "localhost", true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		if name, err := os.Hostname(); err == nil && strings.EqualFold(name, host) {
			return host, true
		}
		addrs, err := net.LookupIP(host)
		if err != nil || len(addrs) == 0 {
			return host, false
		}
		ip = addrs[0]
	}
	if ip.IsLoopback() {
		return host, true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return host, false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
			return host, true
		}
	}
	return host, false
}

// cpuReading is the CPU time used so far by the client and the broker.
type cpuReading struct {
	client   time.Duration
	clientOK bool
	broker   time.Duration
	brokerOK bool
}

// cpuClock reads the client's and the broker's CPU time.
type cpuClock struct {
	node *brokerNode
}

func (c cpuClock) read() cpuReading {
	var r cpuReading
	r.client, r.clientOK = selfCPU()
	if c.node != nil {
		r.broker, r.brokerOK = c.node.cpu()
	}
	return r
}

// cpuPerMessage returns d spread over n messages, in µs; NaN when ok is
// false (the time could not be read).
func cpuPerMessage(d time.Duration, ok bool, n int) float64 {
	if !ok || n <= 0 {
		return math.NaN()
	}
	return float64(d) / float64(time.Microsecond) / float64(n)
}
