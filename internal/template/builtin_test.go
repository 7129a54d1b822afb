package template

import (
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/journeyhq/journey/internal/journey"
)

// stageSpec pins what other code and sample data rely on in a built-in
// template. Milestones are written "key", "key!" (required) and
// "key!:persona,persona"; templates may add further milestones that are not
// required.
type stageSpec struct {
	key        string
	owner      string
	crm        []string
	kinds      []journey.DealKind
	window     int
	reentry    bool
	milestones []string
}

var openStages = []string{"appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"}

var (
	dNew       = []journey.DealKind{journey.DealNew}
	dExpansion = []journey.DealKind{journey.DealExpansion}
	dRenewal   = []journey.DealKind{journey.DealRenewal}
)

var builtinSpecs = []struct {
	key      string
	name     string
	segments []string
	stages   []stageSpec
}{
	{
		key: "saas-sales-led", name: "SaaS sales-led", segments: nil,
		stages: []stageSpec{
			{key: "discovery", owner: "sales", crm: []string{"appointmentscheduled", "qualifiedtobuy"}, kinds: dNew,
				milestones: []string{"pain_identified!:exec,revops", "champion_identified!", "why_now_established"}},
			{key: "evaluation", owner: "sales", crm: []string{"presentationscheduled"}, kinds: dNew,
				milestones: []string{"demo_held!", "success_criteria_agreed!:exec,revops", "economic_buyer_engaged!:exec,finance"}},
			{key: "proposal", owner: "sales", crm: []string{"decisionmakerboughtin", "contractsent"}, kinds: dNew,
				milestones: []string{"proposal_sent!", "security_review_passed:it", "legal_redlines_resolved:legal"}},
			{key: "handoff", owner: "sales → cs", crm: []string{"closedwon"}, kinds: dNew,
				milestones: []string{"contract_signed!", "handoff_meeting_held!", "handoff_doc_complete!"}},
			{key: "onboarding", owner: "cs", reentry: true,
				milestones: []string{"kickoff_held!:exec,cs_lead", "admin_configured!:revops,it", "users_trained!:end_user,cs_lead", "first_value!:cs_lead,exec"}},
			{key: "adoption", owner: "cs",
				milestones: []string{"onboarding_survey", "first_qbr_held!:exec", "adoption_target_met!:end_user,cs_lead"}},
			{key: "expansion", owner: "cs", crm: openStages, kinds: dExpansion,
				milestones: []string{"expansion_need_identified!", "expansion_sponsor_confirmed!:exec"}},
			{key: "renewal", owner: "cs", crm: openStages, kinds: dRenewal, window: 90,
				milestones: []string{"ebr_held!:exec", "renewal_verbal!:exec,finance"}},
			{key: "advocacy", owner: "cs",
				milestones: []string{"reference_given", "case_study_published"}},
		},
	},
	{
		key: "enterprise", name: "Enterprise", segments: []string{"enterprise"},
		stages: []stageSpec{
			{key: "discovery", owner: "sales", crm: []string{"appointmentscheduled", "qualifiedtobuy"}, kinds: dNew,
				milestones: []string{"pain_identified!:exec", "champion_identified!", "why_now_established"}},
			{key: "technical_validation", owner: "sales", crm: []string{"presentationscheduled"}, kinds: dNew,
				milestones: []string{"success_criteria_agreed!:exec,revops", "economic_buyer_engaged!:exec,finance", "technical_win!:it", "mutual_action_plan"}},
			{key: "business_case", owner: "sales", crm: []string{"decisionmakerboughtin"}, kinds: dNew,
				milestones: []string{"business_case_approved!:exec,finance", "exec_sponsor_met!:exec"}},
			{key: "procurement", owner: "sales", crm: []string{"contractsent"}, kinds: dNew,
				milestones: []string{"security_review_passed!:it", "legal_redlines_resolved!:legal", "procurement_approved!:procurement"}},
			{key: "handoff", owner: "sales → cs", crm: []string{"closedwon"}, kinds: dNew,
				milestones: []string{"contract_signed!", "csm_joined_late_calls", "handoff_meeting_held!", "handoff_doc_complete!"}},
			{key: "onboarding", owner: "cs", reentry: true,
				milestones: []string{"kickoff_held!:exec,cs_lead", "onboarding_plan_agreed!:cs_lead", "admin_configured!:revops,it", "users_trained!:end_user,cs_lead", "first_value!:cs_lead,exec"}},
			{key: "adoption", owner: "cs",
				milestones: []string{"first_qbr_held!:exec", "adoption_target_met!:end_user,cs_lead", "champions_every_level"}},
			{key: "expansion", owner: "cs", crm: openStages, kinds: dExpansion,
				milestones: []string{"expansion_need_identified!", "expansion_sponsor_confirmed!:exec"}},
			{key: "renewal", owner: "cs", crm: openStages, kinds: dRenewal, window: 180,
				milestones: []string{"renewal_risk_review!:cs_lead", "ebr_held!:exec", "renewal_verbal!:exec,finance"}},
			{key: "advocacy", owner: "cs",
				milestones: []string{"reference_given", "case_study_published"}},
		},
	},
	{
		key: "smb-self-serve", name: "SMB / self-serve", segments: []string{"smb", "self_serve"},
		stages: []stageSpec{
			{key: "trial", owner: "sales", crm: []string{"appointmentscheduled", "qualifiedtobuy", "presentationscheduled"}, kinds: dNew,
				milestones: []string{"signup!", "activation_moment!:end_user"}},
			{key: "purchase", owner: "sales", crm: []string{"decisionmakerboughtin", "contractsent"}, kinds: dNew,
				milestones: []string{"plan_selected!", "payment_confirmed"}},
			{key: "handoff", owner: "sales → cs", crm: []string{"closedwon"}, kinds: dNew,
				milestones: []string{"contract_signed!", "handoff_doc_complete"}},
			{key: "onboarding", owner: "cs", reentry: true,
				milestones: []string{"welcome_sent!", "users_trained!:end_user", "first_value!:end_user"}},
			{key: "adoption", owner: "cs",
				milestones: []string{"adoption_target_met!:end_user"}},
			{key: "expansion", owner: "cs", crm: openStages, kinds: dExpansion,
				milestones: []string{"expansion_need_identified!"}},
			{key: "renewal", owner: "cs", crm: openStages, kinds: dRenewal, window: 30,
				milestones: []string{"renewal_confirmed!:finance"}},
			{key: "advocacy", owner: "cs",
				milestones: []string{"reference_given"}},
		},
	},
}

// The seed-002 "SALES → CS HANDOFF DOCUMENT", in order.
var handoffChecklist = []struct{ key, section string }{
	{"why_buy", "Deal context"},
	{"why_now", "Deal context"},
	{"why_us", "Deal context"},
	{"decision_criteria", "Deal context"},
	{"exec_sponsor", "Stakeholders"},
	{"champion", "Stakeholders"},
	{"technical_owner", "Stakeholders"},
	{"end_users", "Stakeholders"},
	{"primary_objective", "Success criteria"},
	{"success_metric", "Success criteria"},
	{"timeline", "Success criteria"},
	{"known_risks", "Risks & concerns"},
	{"competitors", "Risks & concerns"},
	{"objections", "Risks & concerns"},
	{"contract_value", "Commercial"},
	{"contract_terms", "Commercial"},
	{"expansion_potential", "Commercial"},
	{"renewal_date", "Commercial"},
}

var personaVocabulary = []string{"exec", "revops", "cs_lead", "it", "end_user", "finance", "legal", "procurement"}

func TestBuiltinFilesParse(t *testing.T) {
	t.Parallel()
	files, err := fs.Glob(templateFiles, "templates/*.yaml")
	if err != nil || len(files) != len(builtinSpecs) {
		t.Fatalf("embedded templates = %v, %v; want %d files", files, err, len(builtinSpecs))
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := fs.ReadFile(templateFiles, f)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(f, data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if want := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".yaml"); d.Key != want {
				t.Errorf("key = %q; want it to match the file name %q", d.Key, want)
			}
			if d.Version != 1 {
				t.Errorf("version = %d; want 1 written in the file", d.Version)
			}
		})
	}
}

func TestBuiltinValidAndRoundTrip(t *testing.T) {
	t.Parallel()
	defs := Builtin()
	if len(defs) != len(builtinSpecs) {
		t.Fatalf("Builtin() has %d templates; want %d", len(defs), len(builtinSpecs))
	}
	for _, d := range defs {
		t.Run(d.Key, func(t *testing.T) {
			if ps := d.Validate(); len(ps) > 0 {
				t.Fatalf("Validate: %v", ps)
			}
			if d.Source != SourceTemplate || d.Version != 1 {
				t.Errorf("source, version = %q, %d; want template, 1", d.Source, d.Version)
			}
			data, err := Marshal(d)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			back, err := Parse(d.Key+".yaml", data)
			if err != nil {
				t.Fatalf("Parse(Marshal(d)): %v\n%s", err, data)
			}
			back.Source = d.Source
			if !reflect.DeepEqual(back, d) {
				t.Errorf("round trip changed the definition:\n got %+v\nwant %+v", back, d)
			}
		})
	}
}

func TestBuiltinFixedKeys(t *testing.T) {
	t.Parallel()
	for _, spec := range builtinSpecs {
		t.Run(spec.key, func(t *testing.T) {
			d, ok := BuiltinByKey(spec.key)
			if !ok {
				t.Fatalf("BuiltinByKey(%q) not found", spec.key)
			}
			if d.Name != spec.name || !slices.Equal(d.Segments, spec.segments) {
				t.Errorf("name, segments = %q, %q; want %q, %q", d.Name, d.Segments, spec.name, spec.segments)
			}
			var keys []string
			for _, s := range d.Stages {
				keys = append(keys, s.Key)
			}
			var want []string
			for _, s := range spec.stages {
				want = append(want, s.key)
			}
			if !slices.Equal(keys, want) {
				t.Fatalf("stages = %q; want %q", keys, want)
			}
			for i, ss := range spec.stages {
				s := d.Stages[i]
				if s.OwnerTeam != ss.owner {
					t.Errorf("%s: owner_team = %q; want %q", s.Key, s.OwnerTeam, ss.owner)
				}
				if !slices.Equal(s.CRMStages, ss.crm) || !slices.Equal(s.DealKinds, ss.kinds) {
					t.Errorf("%s: crm_stages, deal_kinds = %q, %q; want %q, %q", s.Key, s.CRMStages, s.DealKinds, ss.crm, ss.kinds)
				}
				if s.RenewalWindowDays != ss.window || s.Reentry != ss.reentry {
					t.Errorf("%s: renewal_window_days, reentry = %d, %v; want %d, %v", s.Key, s.RenewalWindowDays, s.Reentry, ss.window, ss.reentry)
				}
				pinned := map[string]bool{}
				for _, m := range ss.milestones {
					key, personas, _ := strings.Cut(m, ":")
					key, required := strings.CutSuffix(key, "!")
					pinned[key] = true
					got, at, ok := d.Milestone(key)
					if !ok || at != i {
						t.Errorf("%s: milestone %q missing from the stage", s.Key, key)
						continue
					}
					var wantPersonas []string
					if personas != "" {
						wantPersonas = strings.Split(personas, ",")
					}
					if got.Required != required || !slices.Equal(got.Personas, wantPersonas) {
						t.Errorf("%s.%s: required, personas = %v, %q; want %v, %q", s.Key, key, got.Required, got.Personas, required, wantPersonas)
					}
				}
				for _, m := range s.Milestones {
					if !pinned[m.Key] && m.Required {
						t.Errorf("%s.%s: added milestones must not be required", s.Key, m.Key)
					}
				}
			}
		})
	}
}

func TestBuiltinContent(t *testing.T) {
	t.Parallel()
	for _, d := range Builtin() {
		t.Run(d.Key, func(t *testing.T) {
			if d.Description == "" {
				t.Error("template has no description")
			}
			for _, s := range d.Stages {
				if s.Name == "" || s.OwnerTeam == "" || s.Description == "" || len(s.EntryCriteria) == 0 ||
					len(s.ExitCriteria) == 0 || len(s.Touchpoints) == 0 || len(s.Milestones) == 0 {
					t.Errorf("stage %s lacks a name, owner, description, entry or exit criteria, touchpoints or milestones", s.Key)
				}
				for _, m := range s.Milestones {
					if len(m.Evidence) == 0 {
						t.Errorf("milestone %s has no evidence", m.Key)
					}
					for _, p := range m.Personas {
						if !slices.Contains(personaVocabulary, p) {
							t.Errorf("milestone %s: persona %q is not one of %q", m.Key, p, personaVocabulary)
						}
					}
				}
				if len(s.Checklist) > 0 && s.Key != "handoff" {
					t.Errorf("stage %s carries a checklist; only handoff should", s.Key)
				}
			}
			if len(d.Personas()) == 0 {
				t.Error("no milestone names a persona")
			}
		})
	}
}

func TestBuiltinHandoffChecklist(t *testing.T) {
	t.Parallel()
	for _, d := range Builtin() {
		t.Run(d.Key, func(t *testing.T) {
			i := d.StageIndex("handoff")
			if i < 0 {
				t.Fatal("no handoff stage")
			}
			got := d.Stages[i].Checklist
			if len(got) != len(handoffChecklist) {
				t.Fatalf("checklist has %d items; want %d", len(got), len(handoffChecklist))
			}
			for j, want := range handoffChecklist {
				if got[j].Key != want.key || got[j].Section != want.section || got[j].Question == "" {
					t.Errorf("checklist[%d] = %+v; want key %q in section %q with a question", j, got[j], want.key, want.section)
				}
			}
		})
	}
}

func TestBuiltinForSegment(t *testing.T) {
	t.Parallel()
	defs := Builtin()
	for _, tc := range []struct{ segment, want string }{
		{"enterprise", "enterprise"},
		{"Enterprise", "enterprise"},
		{"smb", "smb-self-serve"},
		{"self_serve", "smb-self-serve"},
		{"mid_market", "saas-sales-led"},
		{"", "saas-sales-led"},
	} {
		d, ok := journey.ForSegment(defs, tc.segment)
		if !ok || d.Key != tc.want {
			t.Errorf("ForSegment(%q) = %q, %v; want %q", tc.segment, d.Key, ok, tc.want)
		}
	}
}

func TestBuiltinReturnsCopies(t *testing.T) {
	t.Parallel()
	a, _ := BuiltinByKey("saas-sales-led")
	a.Stages[0].Milestones[0].Personas[0] = "changed"
	a.Stages[0].Key = "changed"
	a.Segments = append(a.Segments, "changed")
	b, _ := BuiltinByKey("saas-sales-led")
	if b.Stages[0].Key != "discovery" || b.Stages[0].Milestones[0].Personas[0] != "exec" || len(b.Segments) != 0 {
		t.Errorf("changing a returned template changed the cached one: %+v", b.Stages[0])
	}
	if _, ok := BuiltinByKey("nope"); ok {
		t.Error(`BuiltinByKey("nope") found a template`)
	}
}

func TestLoadBuiltinsRejectsBrokenFile(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"templates/a.yaml": {Data: []byte("key: a\nname: A\nstages:\n  - key: s\n    name: S\n")},
		"templates/b.yaml": {Data: []byte("key: b\nname: B\nstages: 3\n")},
	}
	_, err := loadBuiltins(fsys)
	if err == nil || !strings.Contains(err.Error(), "templates/b.yaml:3: stages: must be a list") {
		t.Errorf("loadBuiltins error = %v; want it to name templates/b.yaml line 3", err)
	}
	fsys["templates/b.yaml"] = &fstest.MapFile{Data: []byte("key: a\nname: B\nstages:\n  - key: s\n    name: S\n")}
	if _, err := loadBuiltins(fsys); err == nil || !strings.Contains(err.Error(), `reuses key "a"`) {
		t.Errorf("loadBuiltins error = %v; want a duplicate key error", err)
	}
}
