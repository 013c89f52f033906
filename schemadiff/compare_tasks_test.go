package schemadiff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// taskBase is a schema with one task that the task cases edit. Its lines:
//
//	1 version: 1
//	2 package: p
//	3 types: {Info: {fields: {w: {type: int}}}}
//	4 tasks:
//	5   Resize:
//	6     name: images.resize
//	7     queue: images
//	8     args:
//	9       - {name: url, type: string, required: true}
//	10      - {name: width, type: int32}
//	11    kwargs:
//	12      quality: {type: int32}
//	13    result: {type: Info}
const taskBase = `version: 1
package: p
types: {Info: {fields: {w: {type: int}}}}
tasks:
  Resize:
    name: images.resize
    queue: images
    args:
      - {name: url, type: string, required: true}
      - {name: width, type: int32}
    kwargs:
      quality: {type: int32}
    result: {type: Info}
`

var taskCompareCases = []struct {
	name     string
	old, new string
	want     []string
	says     []string
	breaking bool
}{
	{name: "identical", old: taskBase, new: taskBase},
	{
		name: "Celery name changed",
		old:  taskBase,
		new:  strings.Replace(taskBase, "name: images.resize", "name: images.scale", 1),
		want: []string{`WIRE breaking changed 5:3 task "Resize"`},
		says: []string{"NotRegistered"}, breaking: true,
	},
	{
		name: "queue changed",
		old:  taskBase,
		new:  strings.Replace(taskBase, "queue: images", "queue: media", 1),
		want: []string{`ROUTING breaking changed 5:3 task "Resize"`},
		says: []string{`queue "images" -> queue "media"`}, breaking: true,
	},
	{
		name: "task renamed",
		old:  taskBase,
		new:  strings.Replace(taskBase, "  Resize:", "  Scale:", 1),
		want: []string{
			`GO_API breaking removed 5:3 task "Resize"`,
			`ROUTING warning removed 5:3 task "Resize"`,
			`GO_API compatible added 5:3 task "Scale"`,
			`GO_API compatible added 1:1 producer "Producer" task "Scale"`,
		},
		says: []string{"the type Resize and Producer.SendResize and Producer.CallResize are no longer generated"}, breaking: true,
	},
	{
		name: "positional argument removed",
		old:  taskBase,
		new:  strings.Replace(taskBase, "      - {name: width, type: int32}\n", "", 1),
		want: []string{
			`WIRE breaking removed 10:16 task "Resize" arg "width"`,
			`GO_API breaking removed 10:16 task "Resize" field Width`,
		},
		says: []string{"positional argument 2 removed"}, breaking: true,
	},
	{
		name: "positional arguments swapped",
		old:  strings.Replace(taskBase, "      - {name: width, type: int32}\n", "      - {name: width, type: int32}\n      - {name: height, type: int32}\n", 1),
		new:  strings.Replace(taskBase, "      - {name: width, type: int32}\n", "      - {name: height, type: int32}\n      - {name: width, type: int32}\n", 1),
		want: []string{
			`WIRE breaking changed 10:16 task "Resize" arg "height"`,
			`WIRE breaking changed 11:16 task "Resize" arg "width"`,
		},
		says: []string{"arguments moved"}, breaking: true,
	},
	{
		name: "optional positional argument appended",
		old:  taskBase,
		new:  strings.Replace(taskBase, "      - {name: width, type: int32}\n", "      - {name: width, type: int32}\n      - {name: height, type: int32}\n", 1),
		want: []string{
			`WIRE warning added 11:16 task "Resize" arg "height"`,
			`GO_API compatible added 11:16 task "Resize" field Height`,
		},
		says: []string{"calls that set it fail on workers whose function does not take it"},
	},
	{
		name: "argument type changed",
		old:  taskBase,
		new:  strings.Replace(taskBase, "{name: url, type: string, required: true}", "{name: url, type: int64, required: true}", 1),
		want: []string{
			`WIRE breaking changed 9:16 task "Resize" arg "url"`,
			`GO_API breaking changed 9:16 task "Resize" field URL`,
		},
		breaking: true,
	},
	{
		name: "required keyword argument added",
		old:  taskBase,
		new:  strings.Replace(taskBase, "      quality: {type: int32}\n", "      quality: {type: int32}\n      mode: {type: string, required: true}\n", 1),
		want: []string{
			`WIRE breaking added 13:7 task "Resize" kwarg "mode"`,
			`GO_API compatible added 13:7 task "Resize" field Mode`,
		},
		says: []string{"TypeError"}, breaking: true,
	},
	{
		name: "result type changed",
		old:  taskBase,
		new:  strings.Replace(taskBase, "result: {type: Info}", "result: {type: string}", 1),
		want: []string{
			`GO_API breaking changed 13:5 task "Resize"`,
			`WIRE breaking changed 13:5 task "Resize"`,
		},
		says: []string{"*celery.Result[string]"}, breaking: true,
	},
	{
		name: "result removed",
		old:  taskBase,
		new:  strings.Replace(taskBase, "    result: {type: Info}\n", "", 1),
		want: []string{`GO_API breaking changed 5:3 task "Resize"`},
		says: []string{"CallResize is gone"}, breaking: true,
	},
	{
		name: "serializer and time limit",
		old:  taskBase + "    time_limit: 1m\n",
		new:  taskBase + "    time_limit: 30s\n    serializer: msgpack\n",
		want: []string{
			`WIRE breaking changed 15:17 task "Resize" policy "serializer"`,
			`POLICY warning changed 5:3 task "Resize"`,
		},
		says: []string{"the worker stops the task sooner"}, breaking: true,
	},
}

func TestCompareTasks(t *testing.T) {
	for _, tc := range taskCompareCases {
		t.Run(tc.name, func(t *testing.T) {
			r := Compare(mustParse(t, "old.yaml", tc.old), mustParse(t, "new.yaml", tc.new))
			var got []string
			var summaries strings.Builder
			for _, c := range r.Changes {
				got = append(got, strings.TrimSpace(fmt.Sprintf("%s %s %s %d:%d %s", c.Category, c.Severity, c.Kind, c.Pos.Line, c.Pos.Col, c.Subject)))
				summaries.WriteString(c.Summary + "\n")
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("changes (-want +got):\n%s\nsummaries:\n%s", diff, summaries.String())
			}
			for _, s := range tc.says {
				if !strings.Contains(summaries.String(), s) {
					t.Errorf("no summary says %q; they are:\n%s", s, summaries.String())
				}
			}
			if r.Breaking() != tc.breaking {
				t.Errorf("Breaking() = %v, want %v", r.Breaking(), tc.breaking)
			}
		})
	}
}
