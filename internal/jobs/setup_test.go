package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/history"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/slacksim"
)

// flakyAPI fails one conversations.history call, as a network drop or a
// crash mid-way would.
type flakyAPI struct {
	*slack.Client
	mu       sync.Mutex
	calls    int
	failAt   int
	cursors  []string
	failures int
	delay    time.Duration           // each history call takes this long
	runs     map[context.Context]int // calls per job run (each run has its own context)
}

func (f *flakyAPI) GetConversationHistoryContext(ctx context.Context, p *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.cursors = append(f.cursors, p.Cursor)
	if f.runs == nil {
		f.runs = map[context.Context]int{}
	}
	f.runs[ctx]++
	f.mu.Unlock()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if n == f.failAt {
		f.mu.Lock()
		f.failures++
		f.mu.Unlock()
		return nil, errors.New("read tcp: connection reset by peer")
	}
	return f.Client.GetConversationHistoryContext(ctx, p)
}

// setupSlack is the Slack side of a set-up for the job: the flaky API and
// a record of the reports.
type setupSlack struct {
	api     *flakyAPI
	mu      sync.Mutex
	reports []bootstrap.Run
}

func (s *setupSlack) SetupReader() *history.Reader {
	return &history.Reader{API: s.api, BaseURL: "https://sample.slack.com/", PageSize: 5}
}

func (s *setupSlack) ReportSetup(_ context.Context, _ string, run bootstrap.Run, _ []bootstrap.ChannelProgress) error {
	s.mu.Lock()
	s.reports = append(s.reports, run)
	s.mu.Unlock()
	return nil
}

func TestSetupJobResumesAfterAFailureWithoutDuplicates(t *testing.T) {
	t.Parallel()
	s, ws, _ := book(t)
	sim := slacksim.New(slacksim.Config{TeamID: "T0SAMPLE", Domain: "sample", Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Users: []slacksim.User{{ID: "U1", Name: "dana"}, {ID: "U2", Name: "priya"}},
		Channels: []slacksim.Channel{
			{ID: "C1", Name: "sales-leadership", Members: []string{"U0BOT", "U1", "U2"}},
			{ID: "C2", Name: "cs-leads", Members: []string{"U2"}},
		}})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	var seed []slacksim.SeedMessage
	start := now.AddDate(0, 0, -10)
	for i := 0; i < 30; i++ {
		text := fmt.Sprintf("note %d", i)
		if i == 3 {
			text = "Our stages: Discovery → Demo → Commercials → Closed won → Onboarding → Renewal"
		}
		seed = append(seed, slacksim.SeedMessage{User: "dana", At: start.Add(time.Duration(i) * time.Hour), Text: text})
		if i%6 == 0 {
			seed = append(seed, slacksim.SeedMessage{User: "priya", At: start.Add(time.Duration(i)*time.Hour + time.Minute), Text: "agreed", Reply: true})
		}
	}
	if _, err := sim.Seed("C1", seed); err != nil {
		t.Fatal(err)
	}
	slackSide := &setupSlack{api: &flakyAPI{Client: slack.New("xoxb-sim", slack.OptionAPIURL(sim.APIURL())), failAt: 3}}
	r := runner(t, s, llm.NewOffline())
	r.SetSetup(slackSide)
	ctx := context.Background()
	id, err := r.StartSetup(ctx, ws.ID, bootstrap.Run{RequestedBy: "U0ADMIN1", Channels: []string{"C1", "C2"}, Oldest: now.AddDate(0, 0, -30),
		Status: bootstrap.RunReading, ProgressChannel: "D0ADMIN", ProgressTS: "1.000001"})
	if err != nil {
		t.Fatal(err)
	}
	var run bootstrap.Run
	deadline := time.Now().Add(60 * time.Second)
	for {
		run, err = s.SetupRun(ctx, ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status == bootstrap.RunProposed || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if run.Status != bootstrap.RunProposed || run.Proposal == nil {
		t.Fatalf("the run is %q after a minute", run.Status)
	}
	if slackSide.api.failures != 1 {
		t.Errorf("%d failures, want the one injected", slackSide.api.failures)
	}
	// after the failure the job resumed from the stored cursor: only the
	// first call of all started from the beginning
	fresh := 0
	for _, c := range slackSide.api.cursors {
		if c == "" {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d history calls started from the top (%v): the retry did not resume from the cursor", fresh, slackSide.api.cursors)
	}
	n, seen := 0, map[string]bool{}
	if err := s.EachSetupMessage(ctx, id, func(m bootstrap.Message) error {
		n++
		if seen[m.TS] {
			t.Errorf("message %s stored twice", m.TS)
		}
		seen[m.TS] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != len(seed) {
		t.Errorf("stored %d messages, want %d", n, len(seed))
	}
	if len(run.Problems) != 1 || run.Problems[0].Channel != "C2" || run.Problems[0].Code != "not_in_channel" {
		t.Errorf("problems %+v, want C2 not_in_channel", run.Problems)
	}
	if i := run.Proposal.Definition.StageIndex("proposal"); i < 0 || run.Proposal.Definition.Stages[i].Name != "Commercials" {
		t.Errorf("the proposal does not follow the thread: %+v", run.Proposal.Definition.Stages)
	}
	slackSide.mu.Lock()
	last := slackSide.reports[len(slackSide.reports)-1]
	slackSide.mu.Unlock()
	if last.Status != bootstrap.RunProposed || last.ProgressTS != "1.000001" {
		t.Errorf("the last report is %q for message %q", last.Status, last.ProgressTS)
	}
}

// A long read is done in slices: each run of the job reads for a while and
// hands over to the next, which resumes from the stored cursors; the run
// still finishes with every message once.
func TestSetupJobReadsInSlices(t *testing.T) {
	t.Parallel()
	s, ws, _ := book(t)
	sim := slacksim.New(slacksim.Config{TeamID: "T0SAMPLE", Domain: "sample", Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Users:    []slacksim.User{{ID: "U1", Name: "dana"}},
		Channels: []slacksim.Channel{{ID: "C1", Name: "sales-leadership", Members: []string{"U0BOT", "U1"}}}})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	var seed []slacksim.SeedMessage
	for i := 0; i < 40; i++ {
		text := fmt.Sprintf("note %d", i)
		if i == 3 {
			text = "Our stages: Discovery → Demo → Commercials → Closed won → Onboarding → Renewal"
		}
		seed = append(seed, slacksim.SeedMessage{User: "dana", At: now.AddDate(0, 0, -10).Add(time.Duration(i) * time.Hour), Text: text})
	}
	if _, err := sim.Seed("C1", seed); err != nil {
		t.Fatal(err)
	}
	api := &flakyAPI{Client: slack.New("xoxb-sim", slack.OptionAPIURL(sim.APIURL())), delay: 60 * time.Millisecond}
	slackSide := &setupSlack{api: api}
	r, err := jobs.New(s, llm.NewOffline(), jobs.Config{Now: func() time.Time { return now }, Log: quiet, NoSchedule: true,
		SetupSlice: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r.SetSetup(slackSide)
	startRunner(t, r)
	ctx := context.Background()
	id, err := r.StartSetup(ctx, ws.ID, bootstrap.Run{RequestedBy: "U0ADMIN1", Channels: []string{"C1"}, Oldest: now.AddDate(0, 0, -30),
		Status: bootstrap.RunReading, ProgressChannel: "D0ADMIN", ProgressTS: "1.000001"})
	if err != nil {
		t.Fatal(err)
	}
	var run bootstrap.Run
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if run, err = s.SetupRun(ctx, ws.ID, id); err != nil || run.Status == bootstrap.RunProposed {
			break
		}
	}
	if err != nil || run.Status != bootstrap.RunProposed {
		t.Fatalf("the run is %q (%v)", run.Status, err)
	}
	api.mu.Lock()
	runs := len(api.runs)
	api.mu.Unlock()
	if runs < 2 {
		t.Errorf("the read took %d run(s) of the job; with a 150 ms slice and 8 pages of 60 ms it takes several", runs)
	}
	n := 0
	if err := s.EachSetupMessage(ctx, id, func(bootstrap.Message) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != len(seed) {
		t.Errorf("stored %d messages, want %d once each", n, len(seed))
	}
}
