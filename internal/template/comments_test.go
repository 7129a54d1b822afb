package template_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/journeyhq/journey/internal/template"
)

func TestMarshalWithCommentsReadsBackTheSame(t *testing.T) {
	t.Parallel()
	def, _ := template.BuiltinByKey("saas-sales-led")
	out, err := template.MarshalWithComments(def, template.Comments{
		Header:     []string{"Proposed from 4 messages", "", "People disagree on: where handoff happens"},
		Stages:     map[string][]string{"evaluation": {"Called \"Demo\" in Slack", "Dana in #sales: \"Discovery → Demo\" https://acme.slack.com/archives/C1/p1"}},
		Milestones: map[string][]string{"kickoff_held": {"Priya in #cs: \"kickoff within 5 days\""}},
	})
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"# Proposed from 4 messages\n", "# People disagree on: where handoff happens\n",
		"  # Called \"Demo\" in Slack\n  # Dana in #sales:", "      # Priya in #cs:"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text[:min(len(text), 1200)])
		}
	}
	back, err := template.Parse("journey.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := template.Marshal(def)
	again, _ := template.Parse("plain.yaml", plain)
	if !reflect.DeepEqual(back, again) {
		t.Errorf("comments changed what the file says")
	}
}
