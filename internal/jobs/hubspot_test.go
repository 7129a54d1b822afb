package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/crmtest"
	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/store"
)

// prompter records the workspaces whose questions it was asked to send.
type prompter struct {
	mu  sync.Mutex
	wss []string
}

func (p *prompter) SendNudge(context.Context, string, journey.Person, string) (string, error) {
	return "", nil
}
func (p *prompter) PostDigest(context.Context, string, string, journey.Person, string, time.Time, time.Time) (string, error) {
	return "", nil
}
func (p *prompter) SendPrompts(_ context.Context, ws string) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wss = append(p.wss, ws)
	return 0, nil
}
func (p *prompter) SendWoken(context.Context, string, journey.Person, journey.Action) (string, error) {
	return "", nil
}
func (p *prompter) SendOutcome(context.Context, string, journey.Action) error { return nil }

func (p *prompter) calls() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.wss) }

// TestPeriodicHubSpotSync: with HubSpot enabled, the leader runs the sync at
// once, records the run, queues the questions and hands them to the Slack
// app; an expired token is recorded on the run with what to do.
func TestPeriodicHubSpotSync(t *testing.T) {
	t.Parallel()
	s, ws, _ := book(t)
	sim := crmtest.Start(t, "pat-jobs", now)
	acme := sim.Deal(t, "Acme Corp")
	r := runner(t, s, llm.NewOffline())
	p := &prompter{}
	r.SetNotifier(p)
	cfg := sim.Config()
	cfg.Log = quiet
	// the first sync records what was there and asks nobody
	if _, err := r.SyncHubSpot(context.Background(), cfg, ws.ID); err != nil {
		t.Fatal(err)
	}
	_ = sim.Set("deals", acme, now.Add(-3*time.Hour), sim.Fixture.UserOf["maya.patel@sample.example"], map[string]string{"dealstage": "closedlost"})
	_ = sim.Set("deals", acme, now.Add(-2*time.Hour), sim.Fixture.UserOf["maya.patel@sample.example"], map[string]string{"dealstage": "closedwon"})
	r.EnableHubSpot(cfg, ws.ID)
	count := func(q string) int {
		var n int
		if err := s.Pool().QueryRow(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor(t, "a finished sync run", func() bool {
		return count(`SELECT count(*) FROM crm_sync_runs WHERE finished_at IS NOT NULL AND error = ''`) >= 2
	})
	if n := count(`SELECT count(*) FROM change_prompts WHERE kind = 'reason'`); n != 1 {
		t.Errorf("want Maya asked once why Acme moved Closed Lost → Closed Won, got %d questions", n)
	}
	waitFor(t, "the questions handed to the Slack app", func() bool { return p.calls() >= 2 })

	// an expired token: the next run stops and says what to do
	sim.ExpireToken(true)
	if _, err := r.SyncHubSpot(context.Background(), sim.Config(), ws.ID); err == nil {
		t.Fatal("an expired token should stop the sync")
	}
	if n := count(`SELECT count(*) FROM crm_sync_runs WHERE error LIKE '%has expired%HUBSPOT_TOKEN%'`); n != 1 {
		t.Errorf("the failed run should be recorded with its reason (%d)", n)
	}

	// two syncs of one workspace never run at once
	sim.ExpireToken(false)
	runs := count(`SELECT count(*) FROM crm_sync_runs`)
	if err := s.WithSyncLock(context.Background(), ws.ID, hubspot.Source, func() error {
		_, err := r.SyncHubSpot(context.Background(), sim.Config(), ws.ID)
		if !errors.Is(err, store.ErrSyncRunning) {
			t.Errorf("a sync while another runs: %v", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := count(`SELECT count(*) FROM crm_sync_runs`); got != runs {
		t.Errorf("the skipped sync should not have run (%d → %d runs)", runs, got)
	}
}
