package slackapp

import (
	"testing"

	"github.com/slack-go/slack"
)

// An error that belongs to no field of a modal is shown on the modal's own
// first input, whatever the modal: Slack refuses errors on a block_id the
// submitted view does not have.
func TestFirstInputBlockIsTheSubmittedViews(t *testing.T) {
	t.Parallel()
	v := slack.View{Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Pick a template", false, false), nil, nil),
		slack.NewInputBlock(BlockSetupSource, slack.NewTextBlockObject(slack.PlainTextType, "Source", false, false), nil,
			slack.NewPlainTextInputBlockElement(nil, InputSetupSource)),
	}}}
	if got := firstInputBlock(v); got != BlockSetupSource {
		t.Errorf("first input block = %q, want %q", got, BlockSetupSource)
	}
	if got := firstInputBlock(slack.View{}); got != "" {
		t.Errorf("a view without inputs: %q", got)
	}
}
