// Package interop runs the kombu interop suite: interop/kombu_check.py,
// under Debian's /usr/bin/python3 with python3-kombu, reads messages that Go
// code published and checks them against what Python's kombu makes of the
// same publish arguments.
//
// A test lists its cases and calls Run with a function that publishes one
// case's message to the case's queue (or calls WriteManifest and Check
// itself). For every case the script decodes the
// message with kombu, compares its body, properties and headers with what
// the arguments call for, publishes the same arguments with kombu's own
// Producer and compares the two messages field by field. See the script's
// docstring for the details.
package interop

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kombugen/kombugen/internal/brokertest"
)

// Python is the interpreter the suite runs under: Debian's, which has the
// python3-* packages below.
const Python = "/usr/bin/python3"

// InstallHint says how to get what the suite needs.
const InstallHint = "apt-get install -y python3-kombu python3-msgpack python3-yaml python3-brotli python3-zstandard"

// Script is the suite's path relative to the module root.
const Script = "interop/kombu_check.py"

// Case is one published message and the arguments it was published with,
// in kombu's terms.
type Case struct {
	// Name identifies the case in verdicts; it must be unique.
	Name string
	// Queue holds the message the Go side published, and nothing else.
	Queue string
	// Exchange and RoutingKey are where the message was published, checked
	// against its delivery info: "" and "" mean the default exchange with
	// Queue as routing key. kombu's own message always goes through the
	// default exchange, which does not change its properties.
	Exchange, RoutingKey string
	// QueueArguments are the queue's x- arguments (x-max-priority...);
	// kombu's scratch queue is declared with the same ones.
	QueueArguments map[string]any
	// Body is what was published. A []byte is a Python bytes body, a string
	// a str body and anything else the Python value its JSON encoding
	// decodes to.
	Body any
	// Expect is what kombu's message.decode() must return, encoded as Body
	// is; nil means Body itself.
	Expect any
	// Types, when set, checks the body by type instead of by value: each
	// key of the dict message.decode() returns must hold a value of the
	// type named, a builtin's name or MODULE.NAME (str, bytes,
	// datetime.datetime, msgpack.Timestamp). It is for bodies whose
	// values kombu's json cannot carry, which decode to other types than
	// Body's JSON does.
	Types map[string]string
	// Serializer is kombugen's serializer name: json, yaml, msgpack, raw,
	// text, or "" for the default chosen from the body. text and "" are
	// kombu's serializer=None (text needs a string body).
	Serializer string
	// Compression is a kombu compression name or alias; "" or "none" is
	// none.
	Compression string
	// TTL is the expiration; kombu is given it in seconds.
	TTL time.Duration
	// Priority is kombu's priority argument (its default is 0).
	Priority int
	// DeliveryMode is 1 (transient) or 2 (persistent); 0 is kombu's default.
	DeliveryMode int
	// Headers are the application headers given. Their values must be what
	// JSON carries: strings, numbers, bools, nil, []any and nested maps.
	Headers map[string]any
	// The string properties; "" means not given.
	CorrelationID, MessageID, ReplyTo, Type, AppID, UserID string
	// Timestamp is sent in whole seconds; the zero time means not given.
	Timestamp time.Time
}

// Verdict is the script's finding for one case.
type Verdict struct {
	Case       string   `json:"case"`
	OK         bool     `json:"ok"`
	Mismatches []string `json:"mismatches"`
}

// value is a body in the manifest: bytes travel as base64.
type value struct {
	Kind  string `json:"kind"` // bytes, str or json
	Value any    `json:"value"`
}

type manifestCase struct {
	Name           string            `json:"name"`
	Queue          string            `json:"queue"`
	Exchange       string            `json:"exchange"`
	RoutingKey     string            `json:"routing_key"`
	QueueArguments map[string]any    `json:"queue_arguments,omitempty"`
	Body           value             `json:"body"`
	Expect         *value            `json:"expect,omitempty"`
	ExpectTypes    map[string]string `json:"expect_types,omitempty"`
	Serializer     *string           `json:"serializer"`
	Compression    *string           `json:"compression"`
	ExpirationMS   *int64            `json:"expiration_ms"`
	Priority       int               `json:"priority"`
	DeliveryMode   *int              `json:"delivery_mode"`
	Headers        map[string]any    `json:"headers"`
	Properties     map[string]string `json:"properties"`
	Timestamp      *int64            `json:"timestamp"`
}

type manifest struct {
	Cases []manifestCase `json:"cases"`
}

// WriteManifest writes cases as the script's JSON manifest.
func WriteManifest(path string, cases []Case) error {
	m := manifest{Cases: make([]manifestCase, 0, len(cases))}
	seen := map[string]bool{}
	for _, c := range cases {
		if c.Name == "" || c.Queue == "" || seen[c.Name] {
			return fmt.Errorf("interop: case %q: a unique name and a queue are required", c.Name)
		}
		seen[c.Name] = true
		mc, err := c.manifest()
		if err != nil {
			return fmt.Errorf("interop: case %s: %w", c.Name, err)
		}
		m.Cases = append(m.Cases, mc)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("interop: manifest: %w", err)
	}
	return os.WriteFile(path, b, 0o644)
}

func (c Case) manifest() (manifestCase, error) {
	asText := c.Serializer == "text"
	body, err := encodeValue(c.Body, asText)
	if err != nil {
		return manifestCase{}, fmt.Errorf("body: %w", err)
	}
	mc := manifestCase{
		Name:           c.Name,
		Queue:          c.Queue,
		Exchange:       c.Exchange,
		RoutingKey:     cmp.Or(c.RoutingKey, c.Queue),
		QueueArguments: c.QueueArguments,
		Body:           body,
		Serializer:     kombuSerializer(c.Serializer),
		Compression:    optional(c.Compression != "" && c.Compression != "none", c.Compression),
		ExpirationMS:   optional(c.TTL > 0, c.TTL.Milliseconds()),
		Priority:       c.Priority,
		DeliveryMode:   optional(c.DeliveryMode != 0, c.DeliveryMode),
		Headers:        c.Headers,
		Properties: map[string]string{
			"correlation_id": c.CorrelationID, "message_id": c.MessageID, "reply_to": c.ReplyTo,
			"type": c.Type, "app_id": c.AppID, "user_id": c.UserID,
		},
		Timestamp:   optional(!c.Timestamp.IsZero(), c.Timestamp.Unix()),
		ExpectTypes: c.Types,
	}
	if c.Expect != nil {
		expect, err := encodeValue(c.Expect, false)
		if err != nil {
			return manifestCase{}, fmt.Errorf("expect: %w", err)
		}
		mc.Expect = &expect
	}
	return mc, nil
}

// kombuSerializer maps kombugen's serializer name to kombu's: text and the
// default are kombu's None, which picks from the body.
func kombuSerializer(name string) *string {
	return optional(name != "" && name != "text", name)
}

func optional[T any](set bool, v T) *T {
	if !set {
		return nil
	}
	return &v
}

// encodeValue encodes a body for the manifest. With text, bytes are sent as
// the str they spell, as kombu has no text serializer for bytes.
func encodeValue(v any, text bool) (value, error) {
	switch v := v.(type) {
	case []byte:
		if text && utf8.Valid(v) {
			return value{"str", string(v)}, nil
		}
		return value{"bytes", base64.StdEncoding.EncodeToString(v)}, nil
	case string:
		return value{"str", v}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return value{}, err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return value{}, err
	}
	return value{"json", generic}, nil
}

// ErrUnavailable is returned, wrapped, when Python or its modules are
// missing.
var ErrUnavailable = errors.New("kombu interop suite unavailable")

var available struct {
	once sync.Once
	err  error
}

// Available reports whether Python and the modules the suite needs are
// installed; the error says how to install them.
func Available() error {
	available.once.Do(func() {
		out, err := exec.Command(Python, "-c", "import kombu, msgpack, yaml, brotli, zstandard").CombinedOutput()
		if err != nil {
			if last := lastLine(out); last != "" {
				err = fmt.Errorf("%w: %s", err, last)
			}
			available.err = fmt.Errorf("%w: %s: %v; install with: %s", ErrUnavailable, Python, err, InstallHint)
		}
	})
	return available.err
}

// Require skips t unless the integration tests were asked for; then it
// skips t, or fails it when $CI is set, unless the suite can run.
func Require(t testing.TB) {
	t.Helper()
	brokertest.Integration(t)
	err := Available()
	if err == nil {
		return
	}
	brokertest.Unavailable(t, "%v", err)
}

// ScriptPath returns the script's absolute path, found by walking up from
// the working directory to the directory holding go.mod.
func ScriptPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, filepath.FromSlash(Script)), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("interop: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Check runs the script on the manifest against the broker at url. It
// starts the script, waits until Python is connected, calls publish (which
// may be nil when the messages are already queued) and lets the script read
// the messages, so that those with a short TTL are read as soon as they are
// published. It returns the verdicts, in manifest order, and what the
// script wrote to stderr (the kombu version, diagnostics). Mismatches are
// verdicts, not errors; the error is for a suite that could not run, or
// publish's.
func Check(ctx context.Context, url, manifestPath string, publish func() error) (verdicts []Verdict, log string, err error) {
	script, err := ScriptPath()
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, Python, script, manifestPath)
	cmd.Env = append(os.Environ(), "KOMBUGEN_AMQP_URL="+url)
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", err
	}
	stdoutPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("interop: start %s %s: %w", Python, Script, err)
	}
	stdout := bufio.NewReader(stdoutPipe)
	started := awaitReady(stdout)
	if started == nil && publish != nil {
		started = publish()
	}
	if started != nil {
		cancel() // kills the script
	} else {
		_, started = io.WriteString(stdin, "go\n")
	}
	stdin.Close()
	out, _ := io.ReadAll(stdout)
	runErr := cmd.Wait()
	log = stderr.String()
	if started != nil {
		return nil, log, fmt.Errorf("interop: %w\n%s", started, log)
	}
	return verdictsOf(out, runErr, log)
}

// awaitReady reads the script's ready line.
func awaitReady(stdout *bufio.Reader) error {
	line, err := stdout.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("%s did not get ready: %w", Script, err)
	}
	var ready struct{ Ready bool }
	if json.Unmarshal(line, &ready) != nil || !ready.Ready {
		return fmt.Errorf("%s: want a ready line, got %q", Script, line)
	}
	return nil
}

// verdictsOf parses the script's output, given how it exited: status 1
// means mismatches, anything else but 0 a suite that could not run.
func verdictsOf(out []byte, runErr error, log string) ([]Verdict, string, error) {
	verdicts, err := parseVerdicts(out)
	var exit *exec.ExitError
	switch {
	case runErr != nil && !(errors.As(runErr, &exit) && exit.ExitCode() == 1):
		return verdicts, log, fmt.Errorf("interop: %s %s: %w\n%s", Python, Script, runErr, log)
	case err != nil:
		return verdicts, log, fmt.Errorf("interop: %s output: %w\n%s", Script, err, log)
	case runErr != nil && len(verdicts) == 0:
		return nil, log, fmt.Errorf("interop: %s failed without verdicts: %w\n%s", Script, runErr, log)
	}
	return verdicts, log, nil
}

func parseVerdicts(out []byte) ([]Verdict, error) {
	var verdicts []Verdict
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var v Verdict
		if err := json.Unmarshal(line, &v); err != nil {
			return verdicts, fmt.Errorf("line %q: %w", line, err)
		}
		verdicts = append(verdicts, v)
	}
	return verdicts, sc.Err()
}

// Run starts the suite on cases, calls publish for each case in order to
// publish its message, then reports each case as a subtest of t named after
// it, failing with the mismatches the script found. It skips (or fails
// under CI) when the suite cannot run. Cases with a short TTL belong at the
// end: the script reads them first, as soon as publishing is done.
func Run(t *testing.T, cases []Case, publish func(Case) error) []Verdict {
	t.Helper()
	Require(t)
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := WriteManifest(path, cases); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	verdicts, log, err := Check(ctx, brokertest.URL(), path, func() error {
		for _, c := range cases {
			if err := publish(c); err != nil {
				return fmt.Errorf("case %s: publish: %w", c.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kombu interop, %d cases: %s", len(cases), strings.TrimSpace(log))
	byName := make(map[string]Verdict, len(verdicts))
	for _, v := range verdicts {
		byName[v.Case] = v
	}
	for _, c := range cases {
		v, found := byName[c.Name]
		t.Run(c.Name, func(t *testing.T) {
			switch {
			case !found:
				t.Errorf("kombu interop: no verdict for %s", c.Name)
			case !v.OK:
				t.Errorf("kombu interop mismatches (queue %s):\n\t%s", c.Queue, strings.Join(v.Mismatches, "\n\t"))
			}
		})
	}
	return verdicts
}

func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}
