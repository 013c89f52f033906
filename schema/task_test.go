package schema

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// taskSchema is SPEC section 6's example, with a type for its result and
// a task routed through an exchange.
const taskSchema = `version: 1
package: images
defaults: {compression: zlib, ttl: 1m}
policies:
  fast: {priority: 5, confirm: false}
exchanges:
  media: {type: topic}
queues:
  thumbs: {max_priority: 10, bindings: [{exchange: media, routing_key: "thumb.#"}]}
types:
  ImageInfo:
    fields:
      width: {type: int32, required: true}
tasks:
  ResizeImage:
    name: images.resize
    description: Resizes an image.
    queue: images
    args:
      - {name: url, type: string, required: true}
      - {name: width, type: int32}
    kwargs:
      quality: {type: int32, minimum: 1, maximum: 100}
    result: {type: ImageInfo, description: The new size.}
    expires: 1h
    time_limit: 60s
    soft_time_limit: 50s
  Thumbnail:
    name: images.thumb
    exchange: media
    routing_key: thumb.small
    policy: fast
    serializer: msgpack
    mandatory: false
    ignore_result: true
  Ping: {name: ping}
producers:
  Images: {tasks: [ResizeImage, Thumbnail]}
`

func TestTasks(t *testing.T) {
	s, err := Parse("s.yaml", []byte(taskSchema), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tasks) != 3 {
		t.Fatalf("%d tasks", len(s.Tasks))
	}
	resize, thumb, ping := s.Task("ResizeImage"), s.Task("Thumbnail"), s.Task("Ping")
	type summary struct {
		CeleryName, Queue, Exchange, ExchangeType, RoutingKey string
		Args, Kwargs                                          []string
		Result                                                string
		Expires, TimeLimit, SoftTimeLimit                     time.Duration
		IgnoreResult                                          bool
		Serializer, Compression                               string
		Priority                                              int
		Mandatory, Confirm                                    bool
		TTL                                                   time.Duration
		DeliveryMode                                          string
	}
	sum := func(t *Task) summary {
		out := summary{
			CeleryName: t.CeleryName, Queue: t.Queue, Exchange: t.Exchange, ExchangeType: t.ExchangeType, RoutingKey: t.RoutingKey,
			Expires: t.Expires, TimeLimit: t.TimeLimit, SoftTimeLimit: t.SoftTimeLimit, IgnoreResult: t.IgnoreResult,
			Serializer: t.Policy.Serializer, Compression: t.Policy.Compression, Priority: t.Policy.Priority,
			Mandatory: t.Policy.Mandatory, Confirm: t.Policy.Confirm, TTL: t.Policy.TTL, DeliveryMode: t.Policy.DeliveryMode,
		}
		for _, a := range t.Args {
			out.Args = append(out.Args, fmt.Sprintf("%s %s %v", a.Name, a.Type, a.Required))
		}
		for _, a := range t.Kwargs {
			out.Kwargs = append(out.Kwargs, fmt.Sprintf("%s %s %v", a.Name, a.Type, a.Required))
		}
		if t.Result != nil {
			out.Result = t.Result.Type.String() + ": " + t.Result.Description
		}
		return out
	}
	want := map[*Task]summary{
		resize: {CeleryName: "images.resize", Queue: "images", ExchangeType: "direct", RoutingKey: "images",
			Args: []string{"url string true", "width int32 false"}, Kwargs: []string{"quality int32 false"},
			Result: "ImageInfo: The new size.", Expires: time.Hour, TimeLimit: time.Minute, SoftTimeLimit: 50 * time.Second,
			Serializer: "json", Compression: "zlib", Mandatory: true, Confirm: true, TTL: time.Hour, DeliveryMode: "persistent"},
		thumb: {CeleryName: "images.thumb", Exchange: "media", ExchangeType: "topic", RoutingKey: "thumb.small",
			IgnoreResult: true, Serializer: "msgpack", Compression: "zlib", Priority: 5, DeliveryMode: "persistent"},
		ping: {CeleryName: "ping", Queue: "celery", ExchangeType: "direct", RoutingKey: "celery",
			Serializer: "json", Compression: "zlib", Mandatory: true, Confirm: true, DeliveryMode: "persistent"},
	}
	for task, w := range want {
		if diff := cmp.Diff(w, sum(task)); diff != "" {
			t.Errorf("task %s (-want +got):\n%s", task.Name, diff)
		}
	}
	if thumb.PolicyName != "fast" || thumb.Policy.Origins["serializer"].Layer != LayerTask || thumb.Policy.Origins["priority"].Layer != LayerPolicy {
		t.Errorf("thumb's policy %q, origins %v", thumb.PolicyName, thumb.Policy.Origins)
	}
	if p := s.Producer("Images"); fmt.Sprint(p.Tasks) != "[ResizeImage Thumbnail]" {
		t.Errorf("producer Images sends %v", p.Tasks)
	}
}

// TestTasksInTheDefaultProducer: without a producers section, the one
// producer sends every task.
func TestTasksInTheDefaultProducer(t *testing.T) {
	s, err := Parse("s.yaml", []byte("version: 1\npackage: p\ntasks:\n  A: {name: a}\n  B: {name: b}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Producers) != 1 || fmt.Sprint(s.Producers[0].Tasks) != "[A B]" {
		t.Errorf("producers %+v", s.Producers[0])
	}
}

// tbase starts the schemas of invalid tasks: lines 1 to 3.
const tbase = "version: 1\npackage: p\nexchanges: {e: {type: topic}, images: {type: topic}}\n"

var invalidTaskTests = []struct {
	name string
	src  string
	want []string
}{
	{"no name", tbase + "tasks:\n  T: {queue: q}\n", []string{
		`s.yaml:5:3: task "T": missing key "name"; want the name the worker registered the task under, such as name: images.resize`}},
	{"empty name", tbase + "tasks:\n  T: {name: \"\"}\n", []string{
		`s.yaml:5:13: task "T": name: want the name the worker registered the task under, got ""`}},
	{"name twice", tbase + "tasks:\n  A: {name: a.b}\n  B: {name: a.b}\n", []string{
		`s.yaml:6:13: task "B": name: task name "a.b" is task "A"'s too (at 5:13); a worker runs one function by a name: give each task its own`}},
	{"unknown key", tbase + "tasks:\n  T: {name: t, ttl: 1s}\n", []string{
		`s.yaml:5:16: task "T": unknown key "ttl"; want one of name, description, queue, exchange, routing_key, args, kwargs, result, expires, time_limit, soft_time_limit, ignore_result, policy, serializer, compression, priority, mandatory, confirm, retry`}},
	{"required after optional", tbase + "tasks:\n  T:\n    name: t\n    args:\n      - {name: width, type: int32}\n      - {name: url, type: string, required: true}\n", []string{
		`s.yaml:9:16: task "T": arg "url": required, after optional argument "width" (at 8:16): a positional argument cannot be left out before one that is given; make it optional, move it before "width", or make it a kwarg`}},
	{"arg without name", tbase + "tasks:\n  T:\n    name: t\n    args:\n      - {type: int32}\n", []string{
		`s.yaml:8:9: task "T": arg 1: missing key "name"; want the argument's name, such as name: url`}},
	{"arg without type", tbase + "tasks:\n  T:\n    name: t\n    args:\n      - {name: url}\n", []string{
		`s.yaml:8:9: task "T": arg "url": missing key "type"; want type: string, int64, time, a name from types, []T or map[string]T`}},
	{"argument twice", tbase + "tasks:\n  T:\n    name: t\n    args: [{name: url, type: string}]\n    kwargs: {url: {type: string}}\n", []string{
		`s.yaml:8:14: task "T": argument "url" twice (first at 7:19): the worker would get two values for it; rename one`}},
	{"unknown result type", tbase + "types: {ImageInfo: {fields: {w: {type: int}}}}\ntasks:\n  T: {name: t, result: {type: ImageInf}}\n", []string{
		`s.yaml:6:31: task "T": result: type: unknown type "ImageInf" (did you mean "ImageInfo"?)`}},
	{"result without type", tbase + "tasks:\n  T: {name: t, result: {description: d}}\n", []string{
		`s.yaml:5:16: task "T": result: missing key "type"; want type: the type of the task's return value, such as type: ImageInfo`}},
	{"ignore_result with result", tbase + "tasks:\n  T: {name: t, result: {type: int}, ignore_result: true}\n", []string{
		`s.yaml:5:52: task "T": ignore_result: true, yet the task has a result: the worker sends no result to wait for; remove result, or ignore_result`}},
	{"queue and exchange", tbase + "tasks:\n  T: {name: t, queue: q, exchange: e, routing_key: k}\n", []string{
		`s.yaml:5:36: task "T": want queue, or exchange and routing_key, not both: a task sent to a queue goes through the default exchange`}},
	{"routing_key without exchange", tbase + "tasks:\n  T: {name: t, routing_key: k}\n", []string{
		`s.yaml:5:29: task "T": routing_key needs exchange; to send the task to a queue through the default exchange, write queue`}},
	{"unknown exchange", tbase + "tasks:\n  T: {name: t, exchange: ee, routing_key: k}\n", []string{
		`s.yaml:5:26: task "T": exchange: unknown exchange "ee" (did you mean "e"?)`}},
	{"empty queue", tbase + "tasks:\n  T: {name: t, queue: \"\"}\n", []string{
		`s.yaml:5:23: task "T": queue: want a queue name, got ""; leave queue out for Celery's default queue, celery`}},
	{"queue's exchange declared otherwise", tbase + "tasks:\n  T: {name: t, queue: images}\n", []string{
		`s.yaml:5:23: task "T": queue "images" is not under queues, so it is declared as Celery declares it, bound to a durable direct exchange of its name; exchange "images" is declared otherwise (at 3:31), and RabbitMQ would refuse it: describe queue "images" under queues`}},
	{"raw serializer", tbase + "tasks:\n  T: {name: t, serializer: raw}\n", []string{
		`s.yaml:5:28: task "T": serializer raw: a task is sent as json, msgpack or yaml, which give protocol 2's body [args, kwargs, embed]`}},
	{"policy of another kind", tbase + "policies: {slow: {ttl: 1s}}\ntasks:\n  T: {name: t, policy: slow}\n", []string{
		`s.yaml:6:24: task "T": policy: policy "slow" sets ttl, which a task does not take (a task message is persistent and untyped, and expires sets its TTL); give the task a policy of serializer, compression, priority, mandatory, confirm, retry only`}},
	{"expires under a millisecond", tbase + "tasks:\n  T: {name: t, expires: 10us}\n", []string{
		`s.yaml:5:25: task "T": expires: want 0 or a whole number of milliseconds of at least 1ms, got 10µs`}},
	{"unknown task in producer", tbase + "tasks:\n  ResizeImage: {name: t}\nproducers:\n  P: {tasks: [ResizeImg]}\n", []string{
		`s.yaml:7:15: producer "P": tasks: unknown task "ResizeImg" (did you mean "ResizeImage"?)`}},
}

func TestInvalidTasks(t *testing.T) {
	for _, tt := range invalidTaskTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(tt.src), Options{})
			if diff := cmp.Diff(tt.want, errorLines(t, err)); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s\nschema:\n%s", diff, tt.src)
			}
		})
	}
}

// taskLintCases are schemas breaking the rules about tasks, as lintCases.
var taskLintCases = []struct {
	name string
	src  string
	want []string
}{
	{name: "unsent", src: taskSchema, want: []string{
		`s.yaml:36:3: task "Ping" is in no producer's tasks, so no Send method is generated for it [unsent-task]`,
	}},
	{name: "priority to Celery's queue", src: "version: 1\npackage: p\ntasks:\n  T: {name: t, priority: 3}\n", want: []string{
		`t.yaml:4:26: task "T": priority 3 has no effect in queue "celery", which Celery declares without max_priority; describe the queue under queues with max_priority [priority-above-max]`,
	}},
	{name: "priority above max", src: "version: 1\npackage: p\nqueues: {q: {max_priority: 2}}\ntasks:\n  T: {name: t, queue: q, priority: 3}\n", want: []string{
		`t.yaml:5:36: task "T": priority 3 is above max_priority 2 of queue "q", which it can reach; the broker treats it as 2 [priority-above-max]`,
	}},
	{name: "unroutable", src: "version: 1\npackage: p\nexchanges: {x: {type: direct}}\nqueues: {q: {bindings: [{exchange: x, routing_key: a}]}}\ntasks:\n  T: {name: t, exchange: x, routing_key: b}\n", want: []string{
		`t.yaml:6:3: task "T": no binding of exchange "x" can take routing key "b"; sending it fails as unroutable (mandatory is on) [unroutable]`,
	}},
	{name: "routed by task header", src: "version: 1\npackage: p\nexchanges: {x: {type: headers}}\nqueues: {q: {bindings: [{exchange: x, arguments: {task: t}}]}}\ntasks:\n  T: {name: t, exchange: x}\n  U: {name: u, exchange: x}\n", want: []string{
		`t.yaml:7:3: task "U": no binding of exchange "x" can take routing key ""; sending it fails as unroutable (mandatory is on) [unroutable]`,
	}},
	{name: "queue used by a task", src: "version: 1\npackage: p\nqueues: {q: {}}\ntypes: {R: {fields: {a: {type: int}}}}\ntasks:\n  T: {name: t, queue: q, result: {type: R}}\n"},
	{name: "soft limit too late", src: "version: 1\npackage: p\ntasks:\n  T: {name: t, time_limit: 10s, soft_time_limit: 10s}\n", want: []string{
		`t.yaml:4:3: task "T": soft_time_limit 10s is not below time_limit 10s: a prefork worker arms the hard limit only when the soft one fires, to go off time_limit - soft_time_limit later, here at once, so the task runs for 10s whatever time_limit says; make soft_time_limit the shorter [soft-time-limit-too-late]`,
	}},
	{name: "mandatory without confirm", src: "version: 1\npackage: p\ntasks:\n  T: {name: t, confirm: false}\n", want: []string{
		`t.yaml:4:25: task "T": mandatory without confirm: Send returns before the broker can return the task, so it never fails as unroutable [mandatory-without-confirm]`,
	}},
}

func TestTaskLint(t *testing.T) {
	for _, tt := range taskLintCases {
		t.Run(tt.name, func(t *testing.T) {
			file := "t.yaml"
			if tt.src == taskSchema {
				file = "s.yaml"
			}
			s, err := Parse(file, []byte(tt.src), Options{})
			if err != nil {
				t.Fatalf("the schema is invalid:\n%v", err)
			}
			var got []string
			for _, w := range Lint(s) {
				got = append(got, w.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}
