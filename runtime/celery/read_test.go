package celery

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// TestReadTask reads back what Send sends, in every serializer and with a
// compression, with every header set.
func TestReadTask(t *testing.T) {
	eta := time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)
	for _, ser := range []string{"json", "msgpack", "yaml"} {
		t.Run(ser, func(t *testing.T) {
			task := Task{Name: "images.resize", Args: []any{"u", 640}, Kwargs: map[string]any{"quality": 90}}
			sent, err := sendRecorded(task, nil, WithSerializer(ser), WithCompression("zlib"), WithTaskID("id-1"),
				WithETA(eta), WithExpiresAt(eta.Add(time.Hour)), WithTimeLimit(30*time.Second), WithSoftTimeLimit(2500*time.Millisecond),
				WithShadow("resize"), WithParentID("p"), WithRootID("r"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := ReadTask(sent[0].Properties, sent[0].Body)
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != task.Name || fmt.Sprint(r.Args) != "[u 640]" || fmt.Sprint(r.Kwargs) != "map[quality:90]" {
				t.Errorf("read %s %v %v", r.Name, r.Args, r.Kwargs)
			}
			if r.ID != "id-1" || !r.ETA.Equal(eta) || !r.Expires.Equal(eta.Add(time.Hour)) || r.TimeLimit != 30*time.Second ||
				r.SoftTimeLimit != 2500*time.Millisecond || r.Shadow != "resize" || r.ParentID != "p" || r.RootID != "r" || r.IgnoreResult || r.ReplyTo != "" {
				t.Errorf("read %+v", r)
			}
		})
	}
}

// TestReadTaskRefusesPoison: the shapes a worker cannot run are errors.
func TestReadTaskRefusesPoison(t *testing.T) {
	sent, err := sendRecorded(Task{Name: "kg.add", Args: []any{4, 5}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, poison := range map[string]func(p *runtime.Publishing){
		"no id header":         func(p *runtime.Publishing) { delete(p.Headers, "id") },
		"no task header":       func(p *runtime.Publishing) { delete(p.Headers, "task") },
		"no content type":      func(p *runtime.Publishing) { p.ContentType, p.ContentEncoding = "", "" },
		"body of two elements": func(p *runtime.Publishing) { p.Body = []byte(`[[4, 5], {}]`) },
		"args not a list":      func(p *runtime.Publishing) { p.Body = []byte(`[{}, {}, {}]`) },
		"timelimit of strings": func(p *runtime.Publishing) { p.Headers["timelimit"] = []any{"soon", nil} },
		"eta not a time":       func(p *runtime.Publishing) { p.Headers["eta"] = "tomorrow" },
	} {
		p := sent[0]
		p.Headers = maps.Clone(p.Headers)
		poison(&p)
		if _, err := ReadTask(p.Properties, p.Body); err == nil {
			t.Errorf("%s: ReadTask read it", name)
		}
	}
}
