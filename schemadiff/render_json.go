package schemadiff

import (
	"encoding/json"
	"io"

	"github.com/kombugen/kombugen/schema"
)

// WriteJSON writes r as one JSON object, indented, for tools. Its field
// names are stable:
//
//	{
//	  "old": "old.kombugen.yaml",            // the schemas' file names
//	  "new": "new.kombugen.yaml",
//	  "breaking": true,                       // kombugen diff exits 1
//	  "counts": {"breaking": 1, "warning": 0, "compatible": 2},
//	  "changes": [                            // [] when there are none
//	    {
//	      "severity": "breaking",             // breaking | warning | compatible
//	      "category": "WIRE",                 // WIRE | ROUTING | DECLARE | GO_API | POLICY
//	      "kind": "removed",                  // changed | added | removed
//	      "subject": "message \"OrderCreated\" field \"note\"",
//	      "summary": "removed: ...",
//	      "where": "(removed, was at old.kombugen.yaml:20:7)",
//	      "pos": {"file": "old.kombugen.yaml", "line": 20, "col": 7},
//	      "old_pos": {"file": "old.kombugen.yaml", "line": 20, "col": 7}
//	    }
//	  ]
//	}
//
// pos is in the new schema, except for removals, where it is the old
// position; old_pos is null for additions. line and col are 0 when the
// model has no position, only a file.
func WriteJSON(w io.Writer, r *Report) error {
	out := jsonReport{
		Old:      r.OldFile,
		New:      r.NewFile,
		Breaking: r.Breaking(),
		Counts:   jsonCounts{Breaking: r.Count(Breaking), Warning: r.Count(Warning), Compatible: r.Count(Compatible)},
		Changes:  make([]jsonChange, 0, len(r.Changes)),
	}
	for _, c := range r.Changes {
		out.Changes = append(out.Changes, jsonChange{
			Severity: c.Severity,
			Category: c.Category,
			Kind:     c.Kind,
			Subject:  c.Subject,
			Summary:  c.Summary,
			Where:    c.Where(),
			Pos:      jsonPosition(c.Pos),
			OldPos:   jsonPosition(c.OldPos),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Summaries hold "->"; escaping it as \u003e would help no one.
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

type jsonReport struct {
	Old      string       `json:"old"`
	New      string       `json:"new"`
	Breaking bool         `json:"breaking"`
	Counts   jsonCounts   `json:"counts"`
	Changes  []jsonChange `json:"changes"`
}

type jsonCounts struct {
	Breaking   int `json:"breaking"`
	Warning    int `json:"warning"`
	Compatible int `json:"compatible"`
}

type jsonChange struct {
	Severity Severity `json:"severity"`
	Category Category `json:"category"`
	Kind     Kind     `json:"kind"`
	Subject  string   `json:"subject"`
	Summary  string   `json:"summary"`
	Where    string   `json:"where"`
	Pos      *jsonPos `json:"pos"`
	OldPos   *jsonPos `json:"old_pos"`
}

type jsonPos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// jsonPosition returns p for JSON, or nil when it names no file.
func jsonPosition(p schema.Pos) *jsonPos {
	if p.File == "" && !p.IsValid() {
		return nil
	}
	return &jsonPos{File: p.File, Line: p.Line, Col: p.Col}
}
