package definitions_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/definitions"
	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/schema"
)

// The import test loads definitions into the local RabbitMQ node with
// rabbitmqctl, as a user would, reads them back with rabbitmqctl's list
// commands and compares. Entity names get a random suffix so that runs
// never meet each other or anything else on the broker.

func TestImportIntoRabbitMQ(t *testing.T) {
	brokertest.Integration(t)
	t.Parallel()
	ctl := requireRabbitmqctl(t)
	suffix := randomSuffix(t)
	type imported struct {
		s    *schema.Schema
		defs []byte
		want state
	}
	schemas := make(map[string]imported)
	var union state
	for path, golden := range testSchemas(t) {
		// A suffix of each schema's own, as schemas share names
		// (billing.order-events is a quorum queue in one, classic in
		// another).
		s := rename(load(t, path), suffix+"-"+strings.TrimSuffix(golden, ".json"))
		schemas[path] = imported{s, write(t, s), expected(s)}
		union = union.plus(schemas[path].want)
	}
	t.Cleanup(func() {
		for _, im := range schemas {
			deleteAll(t, ctl, im.s)
		}
	})
	// One import per schema, as a user would run them; all at once, as
	// each rabbitmqctl call takes seconds.
	parallel(t, len(schemas), func(i int) error {
		_, err := ctl.output(schemas[sortedKeys(schemas)[i]].defs, "import_definitions")
		return err
	})
	got := ctl.waitFor(t, "/", union)
	for _, path := range sortedKeys(schemas) {
		t.Run(path, func(t *testing.T) {
			want := schemas[path].want
			if diff := cmp.Diff(want, got.only(want)); diff != "" {
				t.Errorf("broker state after import (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImportIntoVHost imports into a vhost of its own that does not exist
// yet: the import creates it, and deleting it cleans up.
func TestImportIntoVHost(t *testing.T) {
	brokertest.Integration(t)
	t.Parallel()
	ctl := requireRabbitmqctl(t)
	vhost := "kombugen-test-" + randomSuffix(t)
	t.Cleanup(func() { ctl.run(t, nil, "delete_vhost", vhost) })
	s := load(t, edge)
	ctl.run(t, write(t, s, definitions.VHost(vhost)), "import_definitions")
	want := expected(s)
	got := ctl.waitFor(t, vhost, want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("broker state after import (-want +got):\n%s", diff)
	}
}

// parallel runs f(0) to f(n-1) at once and fails t with their errors.
func parallel(t *testing.T, n int, f func(i int) error) {
	t.Helper()
	if err := all(n, f); err != nil {
		t.Fatal(err)
	}
}

// all runs f(0) to f(n-1) at once and returns their errors.
func all(n int, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// rabbitmqctl runs the CLI of the local RabbitMQ node.
type rabbitmqctl struct{ path string }

// requireRabbitmqctl finds rabbitmqctl and checks that it can talk to the
// node: it must run as root or the rabbitmq user, who hold the Erlang
// cookie. It fails under CI=true and skips elsewhere when it cannot.
func requireRabbitmqctl(t *testing.T) rabbitmqctl {
	t.Helper()
	fail := func(msg string) {
		brokertest.Unavailable(t, "%s; %s (rabbitmqctl must run as root or the rabbitmq user)", msg, brokertest.StartHint)
	}
	path, err := exec.LookPath("rabbitmqctl")
	if err != nil {
		fail("rabbitmqctl is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, path, "-q", "list_vhosts", "name").CombinedOutput(); err != nil {
		fail(fmt.Sprintf("rabbitmqctl list_vhosts: %v: %s", err, bytes.TrimSpace(out)))
	}
	return rabbitmqctl{path}
}

// run runs rabbitmqctl with stdin, failing t if it fails.
func (c rabbitmqctl) run(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	out, err := c.output(stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// output runs rabbitmqctl with stdin and returns its standard output. The
// import reads its file from stdin, as Debian's wrapper runs the CLI as
// the rabbitmq user, who cannot read the test's temporary files. When the
// node's rabbit app is down, as while another suite restarts it, it waits
// for the app and tries once more.
func (c rabbitmqctl) output(stdin []byte, args ...string) ([]byte, error) {
	out, err := c.once(stdin, args...)
	if err != nil && strings.Contains(err.Error(), "requires the 'rabbit' app to be running") {
		if _, werr := c.once(nil, "await_startup", "--timeout", "120"); werr == nil {
			out, err = c.once(stdin, args...)
		}
	}
	return out, err
}

func (c rabbitmqctl) once(stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.path, append([]string{"-q"}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("rabbitmqctl %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return out, nil
}

// state is what the broker holds of a set of definitions, in a form both
// sides can be brought to: arguments as plain values, sorted lists.
type state struct {
	Exchanges []entity
	Queues    []entity
	Bindings  []entity
}

// entity is an exchange, queue or binding with the properties compared.
type entity struct {
	Name string // source -> destination "routing key", for a binding
	// Destination is a binding's queue.
	Destination string
	Type        string
	Durable     bool
	AutoDelete  bool
	Internal    bool
	Arguments   map[string]any
}

// expected returns what the broker should hold after importing the
// definitions of s: worked out from the schema, not from the definitions,
// so that a field RabbitMQ does not read shows up as a difference.
func expected(s *schema.Schema) state {
	var st state
	for _, x := range s.Exchanges {
		st.Exchanges = append(st.Exchanges, entity{Name: x.Name, Type: x.Type, Durable: x.Durable,
			AutoDelete: x.AutoDelete, Internal: x.Internal, Arguments: x.Arguments.Map()})
		for _, b := range x.Bindings {
			st.Bindings = append(st.Bindings, entity{Name: bindingName(b.Exchange, x.Name, b.RoutingKey),
				Destination: x.Name, Arguments: b.Arguments.Map()})
		}
	}
	for _, q := range s.Queues {
		if q.Exclusive {
			continue // left out
		}
		st.Queues = append(st.Queues, entity{Name: q.Name, Type: q.Type, Durable: q.Durable,
			AutoDelete: q.AutoDelete, Arguments: q.Arguments.Map()})
		for _, b := range q.Bindings {
			st.Bindings = append(st.Bindings, entity{Name: bindingName(b.Exchange, q.Name, b.RoutingKey),
				Destination: q.Name, Arguments: b.Arguments.Map()})
		}
	}
	// The queues tasks go to that the schema does not describe, as
	// Celery declares them.
	for _, name := range celeryQueues(s) {
		if s.Exchange(name) == nil {
			st.Exchanges = append(st.Exchanges, entity{Name: name, Type: "direct", Durable: true, Arguments: map[string]any{}})
		}
		st.Queues = append(st.Queues, entity{Name: name, Type: "classic", Durable: true, Arguments: map[string]any{}})
		st.Bindings = append(st.Bindings, entity{Name: bindingName(name, name, name), Destination: name, Arguments: map[string]any{}})
	}
	st.sort()
	return st
}

// celeryQueues lists, once each, the queues the tasks of s go to that s
// does not describe.
func celeryQueues(s *schema.Schema) []string {
	var out []string
	for _, t := range s.Tasks {
		if t.Queue != "" && s.Queue(t.Queue) == nil && !slices.Contains(out, t.Queue) {
			out = append(out, t.Queue)
		}
	}
	return out
}

func bindingName(source, destination, key string) string {
	return fmt.Sprintf("%s -> %s %q", source, destination, key)
}

func (s *state) sort() {
	for _, list := range []*[]entity{&s.Exchanges, &s.Queues, &s.Bindings} {
		slices.SortFunc(*list, func(a, b entity) int { return strings.Compare(a.Name, b.Name) })
	}
}

// plus returns the entities of s and o together.
func (s state) plus(o state) state {
	out := state{
		Exchanges: append(slices.Clone(s.Exchanges), o.Exchanges...),
		Queues:    append(slices.Clone(s.Queues), o.Queues...),
		Bindings:  append(slices.Clone(s.Bindings), o.Bindings...),
	}
	out.sort()
	return out
}

// names returns the names of the exchanges and queues of s.
func (s state) names() map[string]bool {
	names := make(map[string]bool)
	for _, e := range append(slices.Clone(s.Exchanges), s.Queues...) {
		names[e.Name] = true
	}
	return names
}

// only returns the entities of s that are in want: its exchanges and
// queues, and bindings to its queues.
func (s state) only(want state) state {
	names := want.names()
	var out state
	for _, x := range s.Exchanges {
		if names[x.Name] {
			out.Exchanges = append(out.Exchanges, x)
		}
	}
	for _, q := range s.Queues {
		if names[q.Name] {
			out.Queues = append(out.Queues, q)
		}
	}
	for _, b := range s.Bindings {
		if names[b.Destination] {
			out.Bindings = append(out.Bindings, b)
		}
	}
	return out
}

// waitFor lists what the broker holds of want's entities until it holds
// all of them, as rabbitmqctl's import runs in the background, or a minute
// passes.
func (c rabbitmqctl) waitFor(t *testing.T, vhost string, want state) state {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		got := c.list(t, vhost).only(want)
		complete := len(got.Exchanges) == len(want.Exchanges) && len(got.Queues) == len(want.Queues) &&
			len(got.Bindings) == len(want.Bindings)
		if complete || time.Now().After(deadline) {
			return got
		}
		time.Sleep(time.Second)
	}
}

// list reads the exchanges, queues and bindings of vhost, running the
// three list commands at once.
func (c rabbitmqctl) list(t *testing.T, vhost string) state {
	t.Helper()
	commands := [][]string{
		{"list_exchanges", "name", "type", "durable", "auto_delete", "internal", "arguments"},
		{"list_queues", "name", "type", "durable", "auto_delete", "arguments"},
		{"list_bindings", "source_name", "destination_name", "destination_kind", "routing_key", "arguments"},
	}
	rows := make([][]row, len(commands))
	parallel(t, len(commands), func(i int) error {
		var err error
		rows[i], err = c.listRows(vhost, commands[i]...)
		return err
	})
	var s state
	for _, r := range rows[0] {
		s.Exchanges = append(s.Exchanges, entity{Name: r.str("name"), Type: r.str("type"), Durable: r.bool("durable"),
			AutoDelete: r.bool("auto_delete"), Internal: r.bool("internal"), Arguments: r.args(t)})
	}
	for _, r := range rows[1] {
		s.Queues = append(s.Queues, entity{Name: r.str("name"), Type: r.str("type"), Durable: r.bool("durable"),
			AutoDelete: r.bool("auto_delete"), Arguments: r.args(t)})
	}
	for _, r := range rows[2] {
		// The default exchange's implicit bindings are not definitions.
		if r.str("source_name") == "" {
			continue
		}
		s.Bindings = append(s.Bindings, entity{Name: bindingName(r.str("source_name"), r.str("destination_name"), r.str("routing_key")),
			Destination: r.str("destination_name"), Arguments: r.args(t)})
	}
	s.sort()
	return s
}

// listRows runs a list command with the JSON formatter.
func (c rabbitmqctl) listRows(vhost string, args ...string) ([]row, error) {
	cmd := args[0]
	out, err := c.output(nil, append([]string{cmd, "-p", vhost, "--formatter", "json"}, args[1:]...)...)
	if err != nil {
		return nil, err
	}
	v, err := decodeOrdered(json.NewDecoder(bytes.NewReader(out)))
	if err != nil {
		return nil, fmt.Errorf("rabbitmqctl %s: %v\n%s", cmd, err, out)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("rabbitmqctl %s: want a list, got %s", cmd, out)
	}
	var rows []row
	for _, r := range list {
		obj, ok := r.(object)
		if !ok {
			return nil, fmt.Errorf("rabbitmqctl %s: want objects, got %s", cmd, out)
		}
		rows = append(rows, row(obj))
	}
	return rows, nil
}

// deleteAll removes what the test created: queues with rabbitmqctl (all at
// once, as each call takes seconds), exchanges over AMQP, as rabbitmqctl
// has no command for that.
func deleteAll(t *testing.T, ctl rabbitmqctl, s *schema.Schema) {
	queues := celeryQueues(s)
	for _, q := range s.Queues {
		if !q.Exclusive {
			queues = append(queues, q.Name)
		}
	}
	// Carry on after a failure: whatever can be deleted should be.
	if err := all(len(queues), func(i int) error {
		_, err := ctl.output(nil, "delete_queue", queues[i])
		return err
	}); err != nil {
		t.Errorf("cleanup: %v", err)
	}
	conn := dialBroker(t)
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("cleanup: %v", err)
	}
	defer ch.Close()
	for _, x := range s.Exchanges {
		if err := ch.ExchangeDelete(x.Name, false, false); err != nil {
			t.Errorf("cleanup: deleting exchange %q: %v", x.Name, err)
		}
	}
	for _, name := range celeryQueues(s) {
		if err := ch.ExchangeDelete(name, false, false); err != nil {
			t.Errorf("cleanup: deleting exchange %q: %v", name, err)
		}
	}
}

// dialBroker connects to $KOMBUGEN_AMQP_URL or the local broker, trying
// for a minute in case another suite is restarting it.
func dialBroker(t *testing.T) *amqp.Connection {
	t.Helper()
	url := brokertest.URL()
	deadline := time.Now().Add(time.Minute)
	for {
		conn, err := amqp.Dial(url)
		if err == nil {
			return conn
		}
		if time.Now().After(deadline) {
			t.Fatalf("connecting to RabbitMQ: %v; is RabbitMQ running? start it with rabbitmq-server -detached", err)
		}
		time.Sleep(time.Second)
	}
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// rename gives every exchange and queue of s the suffix, and points
// bindings and arguments naming them at the new names. It returns s.
func rename(s *schema.Schema, suffix string) *schema.Schema {
	renamed := make(map[string]string)
	for _, x := range s.Exchanges {
		renamed[x.Name] = x.Name + ".kgtest-" + suffix
		x.Name = renamed[x.Name]
	}
	for _, q := range s.Queues {
		q.Name += ".kgtest-" + suffix
		for _, b := range q.Bindings {
			if n, ok := renamed[b.Exchange]; ok {
				b.Exchange = n
			}
		}
		renameArgs(q.Arguments, renamed)
	}
	for _, x := range s.Exchanges {
		renameArgs(x.Arguments, renamed)
		for _, b := range x.Bindings {
			if n, ok := renamed[b.Exchange]; ok {
				b.Exchange = n
			}
		}
	}
	for _, t := range s.Tasks {
		if t.Queue != "" {
			t.Queue += ".kgtest-" + suffix
			t.RoutingKey = t.Queue
		}
		if n, ok := renamed[t.Exchange]; ok {
			t.Exchange = n
		}
	}
	return s
}

func renameArgs(t schema.Table, renamed map[string]string) {
	for i, a := range t {
		if a.Key != "alternate-exchange" && a.Key != "x-dead-letter-exchange" {
			continue
		}
		if n, ok := renamed[a.Value.(string)]; ok {
			t[i].Value = n
		}
	}
}
