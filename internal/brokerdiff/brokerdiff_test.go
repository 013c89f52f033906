package brokerdiff

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/goldentest"
)

var update = flag.Bool("update", false, "record RabbitMQ's observations in testdata")

const pkg = "internal/brokerdiff"

// runID makes this run's entity names its own.
var runID = func() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}()

// prefix is what "@" stands for in scenario i: the same length in every
// run, so that reply texts cut at 255 bytes are cut alike.
func prefix(i int) string { return fmt.Sprintf("bd%s-%03d-", runID, i) }

// connection returns the virtual host and user of the broker URL.
func connection(t *testing.T) (vhost, user string) {
	u, err := url.Parse(brokertest.URL())
	if err != nil {
		t.Fatalf("KOMBUGEN_AMQP_URL: %v", err)
	}
	vhost = strings.TrimPrefix(u.Path, "/")
	if vhost == "" {
		vhost = "/"
	}
	if vhost, err = url.PathUnescape(vhost); err != nil {
		t.Fatalf("KOMBUGEN_AMQP_URL: %v", err)
	}
	user = u.User.Username()
	if user == "" {
		user = "guest" // amqp091-go's default
	}
	return vhost, user
}

func record(s Scenario) string { return filepath.Join("testdata", s.Name+".txt") }

func TestScenarioNames(t *testing.T) {
	seen := make(map[string]bool)
	for _, s := range Scenarios() {
		if seen[s.Name] || s.Name == "" || strings.ContainsAny(s.Name, " /") {
			t.Errorf("scenario name %q is empty, repeated or not a file name", s.Name)
		}
		seen[s.Name] = true
	}
}

// TestRabbitMQ runs every scenario on RabbitMQ and on memory and compares
// them line for line, and RabbitMQ with its record in testdata (which
// -update rewrites). The scenarios run on RabbitMQ all at once, as they
// spend their time waiting.
func TestRabbitMQ(t *testing.T) {
	brokertest.Require(t)
	vhost, user := connection(t)
	scenarios := Scenarios()
	type result struct {
		lines []string
		err   error
	}
	results := make([]result, len(scenarios))
	var wg sync.WaitGroup
	for i, s := range scenarios {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			lines, err := RunRabbitMQ(ctx, brokertest.URL(), s, prefix(i), vhost)
			results[i] = result{lines, err}
		})
	}
	wg.Wait()
	wanted := make(map[string]bool)
	for i, s := range scenarios {
		wanted[record(s)] = true
		t.Run(s.Name, func(t *testing.T) {
			got := results[i].lines
			if err := results[i].err; err != nil {
				t.Fatalf("RabbitMQ: %v\nobserved so far:\n%s", err, strings.Join(got, "\n"))
			}
			mem := RunMemory(s, prefix(i), vhost, user)
			if diff := cmp.Diff(got, mem); diff != "" {
				t.Errorf("memory differs from RabbitMQ (-rabbitmq +memory):\n%s", diff)
			}
			goldentest.Check(t, record(s), formatRecord(got), *update, pkg)
		})
	}
	goldentest.Stale(t, filepath.Join("testdata", "*.txt"), wanted, *update, pkg)
}

// TestMemory compares memory with what RabbitMQ observed, recorded in
// testdata: it runs with no broker at hand.
func TestMemory(t *testing.T) {
	if *update {
		t.Skip("-update records what RabbitMQ observes; TestRabbitMQ does it")
	}
	for i, s := range Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(record(s))
			if err != nil {
				t.Fatalf("%v (record it: go test ./%s -update, with RabbitMQ)", err, pkg)
			}
			// The record's names and virtual host are normalised; memory
			// runs as the guest user of the default virtual host.
			got := RunMemory(s, prefix(i), "/", "guest")
			if diff := cmp.Diff(parseRecord(want), got); diff != "" {
				t.Errorf("memory differs from RabbitMQ's record (-rabbitmq +memory):\n%s", diff)
			}
		})
	}
}

// A record holds an observation a line, and the lines after the first of
// an observation that has several (a reply text Erlang broke) behind
// "| ".
func formatRecord(observations []string) []byte {
	var b strings.Builder
	for _, o := range observations {
		b.WriteString(strings.ReplaceAll(o, "\n", "\n| "))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func parseRecord(data []byte) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "| "); ok && len(out) > 0 {
			out[len(out)-1] += "\n" + rest
			continue
		}
		out = append(out, line)
	}
	return out
}
