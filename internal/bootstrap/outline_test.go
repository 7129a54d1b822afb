package bootstrap_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/template"
)

func TestOutlineRoundTrip(t *testing.T) {
	t.Parallel()
	def, _ := template.BuiltinByKey("saas-sales-led")
	text := bootstrap.Outline(def, 3000)
	if len([]rune(text)) > 3000 {
		t.Fatalf("outline is %d runes", len([]rune(text)))
	}
	got, probs := bootstrap.ApplyOutline(def, text)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if !slices.Equal(stageKeys(got), stageKeys(def)) {
		t.Errorf("round trip changed stages: %v", stageKeys(got))
	}
	for i := range def.Stages {
		if !slices.Equal(got.Stages[i].CRMStages, def.Stages[i].CRMStages) || len(got.Stages[i].Milestones) != len(def.Stages[i].Milestones) {
			t.Errorf("stage %s changed", def.Stages[i].Key)
		}
	}
}

func TestOutlineEdits(t *testing.T) {
	t.Parallel()
	def, _ := template.BuiltinByKey("saas-sales-led")
	text := bootstrap.Outline(def, 0)
	// rename Proposal, move Evaluation after it, drop Advocacy, add a stage
	// and a milestone, make a milestone optional
	lines := strings.Split(text, "\n")
	var out []string
	var evaluation []string
	inEval, inAdv := false, false
	for _, l := range lines {
		isStage := !strings.HasPrefix(l, "- ")
		if isStage {
			inEval = strings.HasSuffix(l, "| evaluation")
			inAdv = strings.HasSuffix(l, "| advocacy")
		}
		switch {
		case inAdv:
			continue
		case inEval:
			if !strings.Contains(l, "| demo_held |") {
				evaluation = append(evaluation, l)
			}
			continue
		case strings.HasSuffix(l, "| proposal"):
			out = append(out, "Commercials | sales | proposal")
			continue
		case strings.Contains(l, "| demo_held |"):
			continue
		case strings.Contains(l, "| legal_redlines_resolved | required"):
			l = strings.Replace(l, "required", "optional", 1)
		}
		out = append(out, l)
		if strings.HasPrefix(l, "- ") && strings.Contains(l, "legal_redlines_resolved") {
			out = append(out, evaluation...)
			out = append(out, "- Demo recorded | demo_held | required")
		}
	}
	out = append(out, "Security review | sales", "- SOC 2 sent")
	got, probs := bootstrap.ApplyOutline(def, strings.Join(out, "\n"))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	keys := stageKeys(got)
	want := []string{"discovery", "proposal", "evaluation", "handoff", "onboarding", "adoption", "expansion", "renewal", "security_review"}
	if !slices.Equal(keys, want) {
		t.Fatalf("stages %v, want %v", keys, want)
	}
	p := got.Stages[1]
	if p.Name != "Commercials" || !slices.Equal(p.CRMStages, []string{"decisionmakerboughtin", "contractsent"}) {
		t.Errorf("renamed stage %q lost its CRM stages: %v", p.Name, p.CRMStages)
	}
	ev := got.Stages[2]
	if ev.Milestones[len(ev.Milestones)-1].Key != "demo_held" || ev.Milestones[len(ev.Milestones)-1].Name != "Demo recorded" {
		t.Errorf("moved milestone: %+v", ev.Milestones)
	}
	for _, m := range p.Milestones {
		if m.Key == "legal_redlines_resolved" && m.Required {
			t.Errorf("legal redlines still required")
		}
	}
	sec := got.Stages[8]
	if sec.Name != "Security review" || sec.OwnerTeam != "sales" || len(sec.Milestones) != 1 || sec.Milestones[0].Key != "soc_2_sent" {
		t.Errorf("new stage: %+v", sec)
	}
}

func TestOutlineProblems(t *testing.T) {
	t.Parallel()
	def, _ := template.BuiltinByKey("saas-sales-led")
	cases := map[string]string{
		"- Orphan milestone\nDiscovery":                           "line 1: the milestone \"Orphan milestone\" comes before any stage",
		"Discovery | sales | discovery\nFind | sales | discovery": "line 2: the stage key \"discovery\" is already used on line 1",
		"Discovery\n- Pain | pain_identified | maybe":             "line 2: \"maybe\" should be required or optional",
		"# nothing but a comment":                                 "no stages",
		"Discovery\n- A | x | required\n- B | x":                  "milestone key \"x\" is already used on line 2",
	}
	for in, want := range cases {
		_, probs := bootstrap.ApplyOutline(def, in)
		if !strings.Contains(strings.Join(probs, "\n"), want) {
			t.Errorf("%q: problems %q, want %q", in, probs, want)
		}
	}
}

func TestOutlinePartsFitTheirInputs(t *testing.T) {
	t.Parallel()
	def, _ := template.BuiltinByKey("enterprise")
	whole := bootstrap.Outline(def, 0)
	parts := bootstrap.OutlineParts(def, 600)
	if len(parts) < 3 {
		t.Fatalf("%d parts of at most 600 runes for a %d-rune outline", len(parts), len([]rune(whole)))
	}
	for i, p := range parts {
		if n := len([]rune(p)); n > 600 {
			t.Errorf("part %d has %d runes", i, n)
		}
		if strings.HasPrefix(p, "- ") {
			t.Errorf("part %d starts with a milestone, not a stage", i)
		}
	}
	got, probs := bootstrap.ApplyOutline(def, strings.Join(parts, "\n"))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if !slices.Equal(stageKeys(got), stageKeys(def)) {
		t.Errorf("parts read back as %v", stageKeys(got))
	}
	for i := range def.Stages {
		if len(got.Stages[i].Milestones) != len(def.Stages[i].Milestones) {
			t.Errorf("stage %s lost milestones", def.Stages[i].Key)
		}
	}
	if one := bootstrap.OutlineParts(def, 3000); len(one) != 1 || one[0] != bootstrap.Outline(def, 3000) {
		t.Errorf("an outline that fits is one part")
	}
}
