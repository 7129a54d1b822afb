package bootstrap_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/template"
)

// readThreads reads a testdata file of messages: "== user #channel [reply]"
// starts a message; a reply belongs to the thread of the message before it.
func readThreads(t *testing.T, name string) []bootstrap.Message {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out []bootstrap.Message
	var parent string
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "#") && len(out) == 0 {
			continue
		}
		if f, ok := strings.CutPrefix(line, "== "); ok {
			parts := strings.Fields(f)
			at = at.Add(7 * time.Minute)
			ts := fmt.Sprintf("%d.%06d", at.Unix(), len(out))
			m := bootstrap.Message{User: "U" + strings.ToUpper(parts[0]), UserName: parts[0], ChannelName: strings.TrimPrefix(parts[1], "#"),
				Channel: "C" + strings.ToUpper(strings.ReplaceAll(strings.TrimPrefix(parts[1], "#"), "-", "")), TS: ts, At: at}
			if len(parts) > 2 && parts[2] == "reply" {
				m.ThreadTS = parent
			} else {
				parent = ts
			}
			m.Permalink = bootstrap.Permalink("https://example.slack.com/", m.Channel, m.TS, m.ThreadTS)
			out = append(out, m)
			continue
		}
		if len(out) > 0 {
			last := &out[len(out)-1]
			if last.Text != "" {
				last.Text += "\n"
			}
			last.Text += line
		}
	}
	for i := range out {
		out[i].Text = strings.TrimSpace(out[i].Text)
	}
	return out
}

func propose(t *testing.T, files ...string) bootstrap.Proposal {
	t.Helper()
	s := bootstrap.NewSuggester(template.Builtin())
	for _, f := range files {
		for _, m := range readThreads(t, f) {
			s.Add(m)
		}
	}
	p := s.Proposal()
	if probs := p.Definition.Validate(); len(probs) > 0 {
		t.Fatalf("the proposal does not validate: %v", probs)
	}
	return p
}

func stageNames(d journey.Definition) []string {
	var out []string
	for _, s := range d.Stages {
		out = append(out, s.Name)
	}
	return out
}

func stageKeys(d journey.Definition) []string {
	var out []string
	for _, s := range d.Stages {
		out = append(out, s.Key)
	}
	return out
}

func stage(t *testing.T, p bootstrap.Proposal, key string) (journey.Stage, bootstrap.StageEvidence) {
	t.Helper()
	i := p.Definition.StageIndex(key)
	if i < 0 {
		t.Fatalf("no stage %q in %v", key, stageKeys(p.Definition))
	}
	return p.Definition.Stages[i], p.Stages[i]
}

func TestTerseBullets(t *testing.T) {
	t.Parallel()
	p := propose(t, "terse.txt")
	t.Logf("stages: %v", stageNames(p.Definition))
	if p.Template != "saas-sales-led" {
		t.Errorf("template = %q, want saas-sales-led (Demo, Proposal)", p.Template)
	}
	keys := stageKeys(p.Definition)
	wantOrder := []string{"discovery", "evaluation", "proposal", "handoff", "onboarding", "adoption", "expansion", "renewal", "advocacy"}
	if !slices.Equal(keys, wantOrder) {
		t.Errorf("stage order = %v, want %v", keys, wantOrder)
	}
	ev, evid := stage(t, p, "evaluation")
	if ev.Name != "Demo" || !evid.Discussed || evid.Template != "Evaluation" {
		t.Errorf("evaluation = %q (discussed %v, template %q), want the team's name Demo", ev.Name, evid.Discussed, evid.Template)
	}
	if len(ev.CRMStages) == 0 {
		t.Errorf("Demo lost the template's CRM stages")
	}
	disc, devid := stage(t, p, "discovery")
	if !slices.ContainsFunc(disc.ExitCriteria, func(c string) bool { return strings.Contains(c, "champion") }) {
		t.Errorf("discovery exit criteria %q lack the champion", disc.ExitCriteria)
	}
	if len(devid.Refs) == 0 || !strings.HasPrefix(devid.Refs[0].Permalink, "https://example.slack.com/archives/") {
		t.Errorf("discovery has no permalinked citation: %+v", devid.Refs)
	}
	onb, oevid := stage(t, p, "onboarding")
	if onb.OwnerTeam != "cs" {
		t.Errorf("onboarding owner = %q, want cs (\"CS owns onboarding\")", onb.OwnerTeam)
	}
	discussed := map[string]bool{}
	for _, m := range oevid.Milestones {
		if m.Discussed {
			discussed[m.Key] = true
		}
	}
	for _, k := range []string{"kickoff_held", "admin_configured", "first_value"} {
		if !discussed[k] {
			t.Errorf("onboarding milestone %s not cited; discussed: %v", k, discussed)
		}
	}
	_, adv := stage(t, p, "advocacy")
	if adv.Discussed {
		t.Errorf("advocacy is marked discussed, but nobody wrote about it")
	}
	// the handoff disagreement is shown, with both sides
	var found *bootstrap.Disagreement
	for i, d := range p.Disagreements {
		if d.Stage == "handoff" && strings.Contains(d.Topic, "where") {
			found = &p.Disagreements[i]
		}
	}
	if found == nil {
		t.Fatalf("no handoff disagreement in %+v", p.Disagreements)
	}
	sum := found.Summary()
	for _, want := range []string{"dana (#sales-leadership)", "at contract signed", "priya (#cs-leads)", "at kickoff held"} {
		if !strings.Contains(sum, want) {
			t.Errorf("disagreement %q lacks %q", sum, want)
		}
	}
	if p.Messages != 6 || p.People != 3 {
		t.Errorf("read %d messages by %d people, want 6 by 3", p.Messages, p.People)
	}
}

func TestLongDebateEnterprise(t *testing.T) {
	t.Parallel()
	p := propose(t, "debate.txt")
	t.Logf("stages: %v", stageNames(p.Definition))
	for _, d := range p.Disagreements {
		t.Logf("disagreement: %s", d.Summary())
	}
	if p.Template != "enterprise" {
		t.Errorf("template = %q, want enterprise", p.Template)
	}
	keys := stageKeys(p.Definition)
	if i, j := slices.Index(keys, "technical_validation"), slices.Index(keys, "business_case"); i < 0 || j < 0 || i > j {
		t.Errorf("technical validation should stay before business case (2 lists to 1): %v", keys)
	}
	tv, _ := stage(t, p, "technical_validation")
	if !slices.ContainsFunc(tv.ExitCriteria, func(c string) bool { return strings.Contains(c, "technical win") }) {
		t.Errorf("technical validation exit criteria %q lack the technical win", tv.ExitCriteria)
	}
	proc, _ := stage(t, p, "procurement")
	if proc.OwnerTeam != "sales" {
		t.Errorf("procurement owner = %q, want sales", proc.OwnerTeam)
	}
	var order, handoff bool
	for _, d := range p.Disagreements {
		if strings.HasPrefix(d.Topic, "order of") && strings.Contains(d.Topic, "business case") {
			order = true
		}
		if d.Stage == "handoff" {
			handoff = true
		}
	}
	if !order {
		t.Errorf("the business case / technical validation order dispute is not shown")
	}
	if !handoff {
		t.Errorf("the handoff dispute (after kickoff vs signature) is not shown")
	}
	_, onb := stage(t, p, "onboarding")
	var keysDiscussed []string
	for _, m := range onb.Milestones {
		if m.Discussed {
			keysDiscussed = append(keysDiscussed, m.Key)
		}
	}
	for _, k := range []string{"kickoff_held", "onboarding_plan_agreed", "users_trained"} {
		if !slices.Contains(keysDiscussed, k) {
			t.Errorf("onboarding milestone %s not found in the list; found %v", k, keysDiscussed)
		}
	}
}

func TestMixedLanguages(t *testing.T) {
	t.Parallel()
	p := propose(t, "mixed.txt")
	t.Logf("stages: %v", stageNames(p.Definition))
	for _, d := range p.Disagreements {
		t.Logf("disagreement: %s", d.Summary())
	}
	keys := stageKeys(p.Definition)
	for _, k := range []string{"discovery", "evaluation", "proposal", "handoff", "onboarding", "adoption", "renewal"} {
		st, ev := stage(t, p, k)
		if !ev.Discussed {
			t.Errorf("stage %s (%s) not recognised as discussed", k, st.Name)
		}
	}
	if i, j := slices.Index(keys, "procurement"), slices.Index(keys, "proposal"); i < 0 || i > j {
		t.Errorf("the security review (procurement) stage should come before the proposal, as listed: %v", keys)
	}
	disc, _ := stage(t, p, "discovery")
	if disc.Name != "Descubrimiento" && disc.Name != "Discovery" {
		t.Errorf("discovery named %q", disc.Name)
	}
	var handoff bool
	for _, d := range p.Disagreements {
		if d.Stage == "handoff" && strings.HasPrefix(d.Topic, "where") {
			handoff = true
		}
	}
	if !handoff {
		t.Errorf("the Übergabe/traspaso dispute (kickoff vs signature) is not shown: %+v", p.Disagreements)
	}
	onb, _ := stage(t, p, "onboarding")
	if onb.OwnerTeam != "cs" {
		t.Errorf("onboarding owner = %q, want cs (\"CS ist verantwortlich für die Einführung\")", onb.OwnerTeam)
	}
}

func TestNoProcessTalkGivesTheTemplate(t *testing.T) {
	t.Parallel()
	p := propose(t, "noise.txt")
	def, _ := template.BuiltinByKey("saas-sales-led")
	if !slices.Equal(stageKeys(p.Definition), stageKeys(def)) {
		t.Errorf("stages = %v, want the default template's", stageKeys(p.Definition))
	}
	for _, s := range p.Stages {
		if s.Discussed {
			t.Errorf("stage %s marked discussed in chatter", s.Key)
		}
	}
	if len(p.Notes) == 0 || !strings.Contains(strings.Join(p.Notes, "\n"), "template as it is") {
		t.Errorf("notes %q do not say the template was kept", p.Notes)
	}
}

func TestEmptyHistory(t *testing.T) {
	t.Parallel()
	p := bootstrap.NewSuggester(template.Builtin()).Proposal()
	if p.Messages != 0 || len(p.Definition.Stages) == 0 || len(p.Definition.Validate()) > 0 {
		t.Errorf("empty history: %d messages, %d stages, problems %v", p.Messages, len(p.Definition.Stages), p.Definition.Validate())
	}
}
