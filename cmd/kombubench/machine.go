package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	goruntime "runtime"
	"runtime/debug"
	"strings"
	"time"
)

// machine describes where the numbers were measured.
type machine struct {
	date      string
	cpu       string
	cores     int
	os        string
	goVersion string
	amqp091   string
	// commit is the kombugen commit measured, as git describes the
	// working tree kombubench runs in.
	commit   string
	rabbitmq string // filled in by the broker section
	erlang   string
	python   string
	kombu    string // "" when Python cannot import it
	kombuErr string
	// loadStart and loadEnd are the load averages (1, 5, 15 minutes)
	// when the run started and ended: other work on the machine skews
	// absolute numbers.
	loadStart, loadEnd string
}

func describeMachine(ctx context.Context, python string) *machine {
	m := &machine{
		date:      time.Now().UTC().Format("2006-01-02"),
		cpu:       cpuModel(),
		cores:     goruntime.NumCPU(),
		os:        goruntime.GOOS + "/" + goruntime.GOARCH,
		goVersion: goruntime.Version(),
		amqp091:   moduleVersion("github.com/rabbitmq/amqp091-go"),
		loadStart: loadAverage(),
		commit:    gitCommit(ctx),
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.os += ", Linux " + strings.TrimSpace(string(b))
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "-c",
		"import sys, kombu; print(sys.version.split()[0], kombu.__version__)").CombinedOutput()
	if err != nil {
		m.kombuErr = strings.TrimSpace(lastLine(string(out)))
		if m.kombuErr == "" {
			m.kombuErr = err.Error()
		}
		return m
	}
	if f := strings.Fields(string(out)); len(f) == 2 {
		m.python, m.kombu = f[0], f[1]
	}
	return m
}

// cpuModel returns the first CPU's model name in /proc/cpuinfo, with its
// family and model numbers, which tell generations apart when a virtual
// machine shows a bare "AMD EPYC".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	fields := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			if len(fields) > 0 {
				break // the end of the first CPU
			}
			continue
		}
		fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	name := fields["model name"]
	if name == "" {
		return "unknown"
	}
	if fam, model := fields["cpu family"], fields["model"]; fam != "" && model != "" {
		name += fmt.Sprintf(" (family %s, model %s)", fam, model)
	}
	return name
}

// moduleVersion returns the version of a module the binary was built with.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range info.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	return "unknown"
}

// gitCommit returns the commit of the working tree, marked when tracked
// files differ from it, or "unknown" outside a git checkout. Run from the
// module (go run ./cmd/kombubench), that is the code the binary was built
// from.
func gitCommit(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	commit := strings.TrimSpace(string(out))
	st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(strings.TrimSpace(string(st))) > 0 {
		commit += " with uncommitted changes"
	}
	return commit
}

// loadAverage returns the 1, 5 and 15 minute load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// lines returns the description as "key: value" lines.
func (m *machine) lines() []string {
	kombu := m.kombu
	if kombu == "" {
		kombu = "not available (" + m.kombuErr + ")"
	} else {
		kombu += " (Python " + m.python + ")"
	}
	rabbit := m.rabbitmq
	if rabbit == "" {
		rabbit = "not measured"
	} else if m.erlang != "" {
		rabbit += " (" + m.erlang + ")"
	}
	return []string{
		"date: " + m.date,
		fmt.Sprintf("CPU: %s, %d cores (GOMAXPROCS %d)", m.cpu, m.cores, goruntime.GOMAXPROCS(0)),
		"OS: " + m.os,
		"kombugen: commit " + m.commit,
		"Go: " + m.goVersion + ", amqp091-go " + m.amqp091,
		"RabbitMQ: " + rabbit + ", on the same machine",
		"kombu: " + kombu,
		"load average (1/5/15 min): " + m.loadStart + " at the start, " + m.loadEnd + " at the end",
	}
}
