package template

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/journeyhq/journey/internal/journey"
)

// wantProblem is one expected problem: its line, its path and a part of its
// message.
type wantProblem struct {
	line int
	path string
	msg  string
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		yaml string
		want []wantProblem
	}{
		{
			name: "unknown field",
			yaml: `key: demo
name: Demo
stages:
  - key: discovery
    name: Discovery
    milestone:
      - key: a
        name: A
`,
			want: []wantProblem{{6, "stages[0].milestone", `unknown field "milestone" (did you mean "milestones"?)`}},
		},
		{
			name: "unknown top-level field without a close match",
			yaml: "key: demo\nname: Demo\ncolour: blue\nstages:\n  - key: s\n    name: S\n",
			want: []wantProblem{{3, "colour", `unknown field "colour" (known fields: key, name, version`}},
		},
		{
			name: "wrong type for a bool",
			yaml: `key: demo
name: Demo
stages:
  - key: discovery
    name: Discovery
    milestones:
      - key: a
        name: A
        required: maybe
`,
			want: []wantProblem{{9, "stages[0].milestones[0].required", `must be true or false, not "maybe"`}},
		},
		{
			name: "wrong type for stages",
			yaml: "key: demo\nname: Demo\nstages: 3\n",
			want: []wantProblem{{3, "stages", `must be a list, not "3"`}},
		},
		{
			name: "wrong type for a number",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: renewal\n    name: Renewal\n    renewal_window_days: soon\n",
			want: []wantProblem{{6, "stages[0].renewal_window_days", `must be a whole number, not "soon"`}},
		},
		{
			name: "map where text is expected",
			yaml: "key: demo\nname:\n  en: Demo\nstages:\n  - key: s\n    name: S\n",
			want: []wantProblem{{3, "name", "must be text, not a map"}},
		},
		{
			name: "text where a list is expected",
			yaml: "key: demo\nname: Demo\nsegments: enterprise\nstages:\n  - key: s\n    name: S\n",
			want: []wantProblem{{3, "segments", `must be a list, not "enterprise"`}},
		},
		{
			name: "stage that is not a map",
			yaml: "key: demo\nname: Demo\nstages:\n  - discovery\n",
			want: []wantProblem{{4, "stages[0]", `must be a map of fields, not "discovery"`}},
		},
		{
			name: "empty list item",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n    name: S\n    touchpoints:\n      - Call\n      -\n",
			want: []wantProblem{{8, "stages[0].touchpoints[1]", "must not be empty"}},
		},
		{
			name: "duplicate stage key",
			yaml: `key: demo
name: Demo
stages:
  - key: discovery
    name: Discovery
  - key: discovery
    name: Again
`,
			want: []wantProblem{{6, "stages[1].key", `"discovery" is already used by stages[0]`}},
		},
		{
			name: "duplicate milestone key across stages",
			yaml: `key: demo
name: Demo
stages:
  - key: one
    name: One
    milestones:
      - key: a
        name: A
  - key: two
    name: Two
    milestones:
      - key: b
        name: B
      - key: a
        name: A again
`,
			want: []wantProblem{{14, "stages[1].milestones[1].key", `"a" is already used in stage "one"`}},
		},
		{
			name: "duplicate checklist key",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: handoff\n    name: Handoff\n    checklist:\n      - key: why_buy\n        question: Why?\n      - key: why_buy\n        question: Why again?\n",
			want: []wantProblem{{9, "stages[0].checklist[1].key", `"why_buy" is used twice`}},
		},
		{
			name: "missing definition name",
			yaml: "key: demo\nstages:\n  - key: s\n    name: S\n",
			want: []wantProblem{{1, "name", "is required"}},
		},
		{
			name: "missing stage and milestone names",
			yaml: `key: demo
name: Demo
stages:
  - key: s
    owner_team: sales
    milestones:
      - key: m
        required: true
`,
			want: []wantProblem{
				{4, "stages[0].name", "is required"},
				{7, "stages[0].milestones[0].name", "is required"},
			},
		},
		{
			name: "empty name",
			yaml: "key: demo\nname: \"  \"\nstages:\n  - key: s\n    name: S\n",
			want: []wantProblem{{2, "name", "is required"}},
		},
		{
			name: "bad key characters",
			yaml: `key: Demo Journey
name: Demo
stages:
  - key: Discovery Call
    name: Discovery
    milestones:
      - key: pain-identified
        name: Pain
`,
			want: []wantProblem{
				{1, "key", `"Demo Journey" must be lower-case letters, digits, '-' or '_'`},
				{4, "stages[0].key", `"Discovery Call" must be lower-case letters, digits or '_'`},
				{7, "stages[0].milestones[0].key", `"pain-identified" must be lower-case letters, digits or '_'`},
			},
		},
		{
			name: "no stages",
			yaml: "key: demo\nname: Demo\n",
			want: []wantProblem{{1, "stages", "needs at least one stage"}},
		},
		{
			name: "bad deal kind and negative window",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n    name: S\n    deal_kinds: [upsell]\n    renewal_window_days: -5\n",
			want: []wantProblem{
				{6, "stages[0].deal_kinds", `"upsell" is not a deal kind`},
				{7, "stages[0].renewal_window_days", "must not be negative"},
			},
		},
		{
			name: "CRM stage mapped twice",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: a\n    name: A\n    crm_stages: [contractsent]\n  - key: b\n    name: B\n    crm_stages: [closedwon, contractsent]\n",
			want: []wantProblem{{9, "stages[1].crm_stages", `CRM stage "contractsent" is already mapped to stage "a"`}},
		},
		{
			name: "two re-entry stages",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: a\n    name: A\n    reentry: true\n  - key: b\n    name: B\n    reentry: true\n",
			want: []wantProblem{{9, "stages[1].reentry", "only one stage"}},
		},
		{
			name: "negative version",
			yaml: "key: demo\nname: Demo\nversion: -1\nstages:\n  - key: s\n    name: S\n",
			want: []wantProblem{{3, "version", "must not be negative"}},
		},
		{
			name: "duplicate YAML key",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n    name: S\n    name: T\n",
			want: []wantProblem{{6, "stages[0].name", "is given twice (first on line 5)"}},
		},
		{
			name: "YAML syntax error",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n    name: [S\n",
			want: []wantProblem{{5, "", "YAML syntax error: did not find expected ',' or ']'"}},
		},
		{
			name: "YAML syntax error: bad indentation",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n   name: S\n",
			want: []wantProblem{{5, "", "YAML syntax error: did not find expected '-' indicator (check the indentation"}},
		},
		{
			name: "YAML syntax error: bad indentation deep in a list",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n    name: S\n    milestones:\n      - key: a\n        name: A\n       required: true\n",
			want: []wantProblem{{9, "", "YAML syntax error: did not find expected '-' indicator"}},
		},
		{
			name: "YAML syntax error: unquoted colon",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n    name: Discovery: first call\n",
			want: []wantProblem{{5, "", `quote text that contains ": "`}},
		},
		{
			name: "YAML syntax error: unclosed quote",
			yaml: "key: demo\nname: \"Demo\nstages:\n  - key: s\n    name: S\n",
			want: []wantProblem{{2, "", "a quote is not closed"}},
		},
		{
			name: "YAML syntax error: unknown alias",
			yaml: "key: demo\nname: *nope\n",
			want: []wantProblem{{2, "", "unknown anchor 'nope' referenced"}},
		},
		{
			name: "tab indentation",
			yaml: "key: demo\nname: Demo\nstages:\n\t- key: s\n",
			want: []wantProblem{{4, "", "indent with spaces, not tabs"}},
		},
		{
			name: "empty file",
			yaml: "",
			want: []wantProblem{{1, "", "the file is empty"}},
		},
		{
			name: "only comments",
			yaml: "# nothing here yet\n\n",
			want: []wantProblem{{1, "", "the file is empty"}},
		},
		{
			name: "document is null",
			yaml: "---\n~\n",
			want: []wantProblem{{1, "", "the file is empty"}},
		},
		{
			name: "document is a list",
			yaml: "- key: demo\n  name: Demo\n",
			want: []wantProblem{{1, "", "the document is a list; expected a map of fields"}},
		},
		{
			name: "document is text",
			yaml: "hello\n",
			want: []wantProblem{{1, "", `the document is "hello"; expected a map of fields`}},
		},
		{
			name: "two documents",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n    name: S\n---\nkey: other\n",
			want: []wantProblem{{6, "", "more than one YAML document"}},
		},
		{
			name: "merge key",
			yaml: "base: &b\n  name: S\nkey: demo\nname: Demo\nstages:\n  - key: s\n    <<: *b\n",
			want: []wantProblem{
				{1, "base", `unknown field "base"`},
				{6, "stages[0].name", "is required"},
				{7, "stages[0].<<", "merge keys (<<) are not supported"},
			},
		},
		{
			name: "every problem at once, in line order",
			yaml: `key: demo
name: Demo
stages:
  - key: discovery
    name: Discovery
    milestones:
      - key: a
        name: A
        required: maybe
        persona: [exec]
  - key: discovery
    milestones:
      - key: a
`,
			want: []wantProblem{
				{9, "stages[0].milestones[0].required", "must be true or false"},
				{10, "stages[0].milestones[0].persona", `did you mean "personas"?`},
				{11, "stages[1].key", `"discovery" is already used by stages[0]`},
				{11, "stages[1].name", "is required"},
				{13, "stages[1].milestones[0].key", `"a" is already used in stage "discovery"`},
				{13, "stages[1].milestones[0].name", "is required"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("bad.yaml", []byte(tc.yaml))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse = %+v, %v; want a *ParseError", d, err)
			}
			if pe.File != "bad.yaml" {
				t.Errorf("File = %q", pe.File)
			}
			if len(pe.Problems) != len(tc.want) {
				t.Fatalf("got %d problems; want %d:\n%v", len(pe.Problems), len(tc.want), err)
			}
			for i, w := range tc.want {
				p := pe.Problems[i]
				if p.Line != w.line || p.Path != w.path || !strings.Contains(p.Message, w.msg) {
					t.Errorf("problem %d = %d %q %q; want %d %q containing %q", i, p.Line, p.Path, p.Message, w.line, w.path, w.msg)
				}
			}
		})
	}
}

func TestParseErrorFormat(t *testing.T) {
	t.Parallel()
	_, err := Parse("journeys/demo.yaml", []byte("key: demo\nname: Demo\nstages:\n  - key: s\n    name: S\n    milestone: []\n---\n"))
	want := `journeys/demo.yaml:6: stages[0].milestone: unknown field "milestone" (did you mean "milestones"?)`
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %q; want %q", err, want)
	}
	if code := journey.ErrorCode(err); code != journey.EINVALID {
		t.Errorf("ErrorCode = %q; want %q", code, journey.EINVALID)
	}
	if msg := journey.ErrorMessage(err); msg != want {
		t.Errorf("ErrorMessage = %q; want the problem list", msg)
	}

	pe := &ParseError{File: "x.yaml", Problems: []journey.Problem{
		{Line: 1, Message: "the file is empty"},
		{Path: "stages", Message: "needs at least one stage"},
	}}
	if got, want := pe.Error(), "x.yaml:1: the file is empty\nx.yaml: stages: needs at least one stage"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		yaml string
		want journey.Definition
	}{
		{
			name: "minimal",
			yaml: "key: demo\nname: Demo\nstages:\n  - key: s\n    name: S\n",
			want: journey.Definition{Key: "demo", Name: "Demo", Stages: []journey.Stage{{Key: "s", Name: "S"}}},
		},
		{
			name: "empty values are absent, text is trimmed, scalars are text",
			yaml: `key: demo
name: "  Demo  "
version: 3
description: |
  Two lines
  of text.
segments: []
won_stages:
stages:
  - key: s
    name: 2026
    reentry: false
    renewal_window_days: ~
    milestones:
      - key: m
        name: M
        required: True
        evidence: [yes, "42"]
`,
			want: journey.Definition{Key: "demo", Name: "Demo", Version: 3, Description: "Two lines\nof text.",
				Stages: []journey.Stage{{Key: "s", Name: "2026", Milestones: []journey.Milestone{
					{Key: "m", Name: "M", Required: true, Evidence: []string{"yes", "42"}},
				}}}},
		},
		{
			name: "anchors and aliases",
			yaml: `key: demo
name: Demo
stages:
  - key: expansion
    name: Expansion
    crm_stages: &open [qualifiedtobuy, contractsent]
    deal_kinds: [expansion]
  - key: renewal
    name: Renewal
    crm_stages: *open
    deal_kinds: [renewal]
`,
			want: journey.Definition{Key: "demo", Name: "Demo", Stages: []journey.Stage{
				{Key: "expansion", Name: "Expansion", CRMStages: []string{"qualifiedtobuy", "contractsent"}, DealKinds: []journey.DealKind{journey.DealExpansion}},
				{Key: "renewal", Name: "Renewal", CRMStages: []string{"qualifiedtobuy", "contractsent"}, DealKinds: []journey.DealKind{journey.DealRenewal}},
			}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("ok.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tc.want.Source = SourceYAML
			if !reflect.DeepEqual(d, tc.want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", d, tc.want)
			}
		})
	}
}

func TestParseAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("key: demo\nname: Demo\nx: &s {key: s, name: S}\nstages: [")
	for i := range maxAliases + 10 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*s")
	}
	b.WriteString("]\n")
	_, err := Parse("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "expands more than") {
		t.Errorf("Parse = %v; want an alias limit error", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	tricky := []string{"yes", "123", "null", "~", "a: b", "# not a comment", "- dash", "[x", "x, y", "{z}", "'quoted'", `"double"`, "two\nlines", "sales → cs", "@at", "*star", "&amp", "!bang", "%pct", "`tick`", "0x1F", "1e3", ".inf"}
	d := journey.Definition{
		ID:          "ignored",
		Key:         "full",
		Name:        "Full: every field",
		Version:     7,
		Segments:    []string{"enterprise", "mid_market"},
		Description: "Line one.\nLine two: with a colon.",
		WonStages:   []string{"closedwon", "won-custom"},
		LostStages:  []string{"closedlost"},
		Stages: []journey.Stage{
			{
				Key: "discovery", Name: "Discovery", OwnerTeam: "sales", Description: "true",
				EntryCriteria: tricky, ExitCriteria: []string{"done"}, Touchpoints: tricky,
				CRMStages: []string{"appointmentscheduled", "qualifiedtobuy"}, DealKinds: []journey.DealKind{journey.DealNew},
				Milestones: []journey.Milestone{
					{Key: "m1", Name: "No", Required: true, Personas: tricky, Evidence: tricky, Description: "1.5"},
					{Key: "m2", Name: "Optional"},
				},
			},
			{
				Key: "renewal", Name: "Renewal", OwnerTeam: "sales → cs", RenewalWindowDays: 90, Reentry: true,
				CRMStages: []string{"contractsent"}, DealKinds: []journey.DealKind{journey.DealRenewal, journey.DealExpansion},
				Checklist: []journey.ChecklistItem{{Key: "why_buy", Section: "Deal context", Question: "Why did they buy? (business pain)"}},
			},
		},
		Source: "bootstrap",
	}
	data, err := Marshal(d)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	back, err := Parse("full.yaml", data)
	if err != nil {
		t.Fatalf("Parse(Marshal(d)): %v\n%s", err, data)
	}
	d.ID, d.Source = "", SourceYAML
	if !reflect.DeepEqual(back, d) {
		t.Errorf("round trip:\n got %+v\nwant %+v\nyaml:\n%s", back, d, data)
	}
}

func TestMarshalOmitsEmptyFields(t *testing.T) {
	t.Parallel()
	data, err := Marshal(journey.Definition{Key: "demo", Name: "Demo", Stages: []journey.Stage{
		{Key: "s", Name: "S", CRMStages: []string{"closedwon"}, Milestones: []journey.Milestone{{Key: "m", Name: "M", Personas: []string{"exec"}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `key: demo
name: Demo
stages:
  - key: s
    name: S
    crm_stages: [closedwon]
    milestones:
      - key: m
        name: M
        personas: [exec]
`
	if string(data) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", data, want)
	}
}
