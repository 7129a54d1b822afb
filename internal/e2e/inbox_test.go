package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/jobs"
)

// An event stored in the inbox and acked, whose process died before handling
// it, is handled by the inbox's replay, once; Slack's late retry of it is a
// duplicate, and a second sweep finds nothing left.
func TestInboxReplaysAnEventNeverHandled(t *testing.T) {
	t.Parallel()
	e := start(t)
	ts, err := e.sim.Post(ctx(t), maya, "C0GENERAL", "", "acme")
	if err != nil {
		t.Fatal(err)
	}
	e.quiet()
	payload := `{"type":"event_callback","team_id":"T0SAMPLE","api_app_id":"A0JOURNEY","event_id":"Ev0LOST","event_time":1795435200,` +
		`"event":{"type":"app_mention","user":"` + maya + `","channel":"C0GENERAL","text":"<@U0BOT> acme","ts":"` + ts + `","event_ts":"` + ts + `"}}`
	if fresh, err := e.s.RecordSlackEvent(ctx(t), "T0SAMPLE", "Ev0LOST", "app_mention", "env-lost", 0, []byte(payload), now); err != nil || !fresh {
		t.Fatalf("store the event: %v %v", fresh, err)
	}
	sw, err := e.sb.Jobs.SweepSlackInbox(ctx(t), now.Add(2*time.Minute))
	if err != nil || sw.Replayed != 1 || sw.Failed != 0 {
		t.Fatalf("sweep: %+v %v", sw, err)
	}
	e.waitFor("the card in the thread", func() bool { return len(e.botReplies("C0GENERAL", ts)) == 1 })
	if got := blocksText(e.botReplies("C0GENERAL", ts)[0].Blocks); !strings.Contains(got, "Stage:") {
		t.Errorf("the replayed mention did not answer with the card: %s", got)
	}
	// Slack's retry, late: a duplicate
	if fresh, err := e.s.RecordSlackEvent(ctx(t), "T0SAMPLE", "Ev0LOST", "app_mention", "env-retry", 1, []byte(payload), now); err != nil || fresh {
		t.Fatalf("the retry was stored as new: %v %v", fresh, err)
	}
	if sw, err := e.sb.Jobs.SweepSlackInbox(ctx(t), now.Add(4*time.Minute)); err != nil || sw != (jobs.InboxSweep{}) {
		t.Fatalf("second sweep: %+v %v", sw, err)
	}
	e.quiet()
	if n := len(e.botReplies("C0GENERAL", ts)); n != 1 {
		t.Errorf("the bot answered %d times, want once", n)
	}
	st, ok, err := e.s.SlackEventStatus(ctx(t), "T0SAMPLE", "Ev0LOST")
	if err != nil || !ok || !st.Processed || st.Attempts != 1 || st.Error != "" {
		t.Errorf("inbox row: %+v %v %v", st, ok, err)
	}
}
