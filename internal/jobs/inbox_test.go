package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/testclock"
)

// fakeInbox replays stored events: an event listed in fail fails that many
// times first; during each replay it checks that a late delivery could not
// take the event up too.
type fakeInbox struct {
	t       *testing.T
	s       *store.Store
	mu      sync.Mutex
	fail    map[string]int
	calls   map[string]int
	handled map[string]int
}

func (f *fakeInbox) ReplaySlackEvent(ctx context.Context, teamID string, payload []byte) error {
	var ev struct {
		EventID string `json:"event_id"`
	}
	if err := json.Unmarshal(payload, &ev); err != nil {
		return err
	}
	if claimed, err := f.s.ClaimSlackEvent(ctx, teamID, ev.EventID, inboxNow); err != nil || claimed {
		f.t.Errorf("event %s claimed by a second handler during its replay (%v)", ev.EventID, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[ev.EventID]++
	if f.fail[ev.EventID] > 0 {
		f.fail[ev.EventID]--
		return fmt.Errorf("store: %w", errors.New("connection reset"))
	}
	f.handled[ev.EventID]++
	return nil
}

// inboxNow is when the inbox tests' events arrive: the test date.
var inboxNow = testclock.Now()

func inboxEvent(t *testing.T, s *store.Store, id string) {
	t.Helper()
	fresh, err := s.RecordSlackEvent(context.Background(), "T0ACME", id, "app_mention", "env-"+id, 0,
		[]byte(`{"type":"event_callback","team_id":"T0ACME","event_id":"`+id+`","event":{"type":"app_mention","user":"U0REP1","channel":"C0ACME","text":"hi"}}`), inboxNow)
	if err != nil || !fresh {
		t.Fatalf("record %s: %v %v", id, fresh, err)
	}
}

func status(t *testing.T, s *store.Store, id string) store.SlackEventState {
	t.Helper()
	st, ok, err := s.SlackEventStatus(context.Background(), "T0ACME", id)
	if err != nil || !ok {
		t.Fatalf("status %s: %v %v", id, ok, err)
	}
	return st
}

func TestInboxReplaysFailedAndUnfinishedEventsOnce(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t)
	ctx := context.Background()
	r, err := jobs.New(s, nil, jobs.Config{Log: quiet, NoSchedule: true, InboxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeInbox{t: t, s: s, fail: map[string]int{"Ev1": 1, "Ev3": 99}, calls: map[string]int{}, handled: map[string]int{}}
	r.SetInbox(f)

	// Ev1: stored and acked, then the process died before handling it.
	inboxEvent(t, s, "Ev1")
	// Ev2: handled at once, and the handler failed (a store error).
	inboxEvent(t, s, "Ev2")
	if ok, err := s.ClaimSlackEvent(ctx, "T0ACME", "Ev2", inboxNow); err != nil || !ok {
		t.Fatalf("claim Ev2: %v %v", ok, err)
	}
	if err := s.MarkSlackEventProcessed(ctx, "T0ACME", "Ev2", errors.New("store: connection reset"), inboxNow); err != nil {
		t.Fatal(err)
	}
	// Ev3: fails every time.
	inboxEvent(t, s, "Ev3")
	// Slack's retry of Ev2 is a duplicate: only the replay can handle it.
	if fresh, err := s.RecordSlackEvent(ctx, "T0ACME", "Ev2", "app_mention", "env-retry", 1, []byte(`{}`), inboxNow); err != nil || fresh {
		t.Fatalf("retry stored as new: %v %v", fresh, err)
	}

	start := inboxNow
	// under a minute old: their own handlers may still be at work
	if sw, err := r.SweepSlackInbox(ctx, start); err != nil || sw.Replayed+sw.Failed != 0 {
		t.Fatalf("sweep of fresh events: %+v %v", sw, err)
	}
	sw, err := r.SweepSlackInbox(ctx, start.Add(2*time.Minute))
	if err != nil || sw.Replayed != 1 || sw.Failed != 2 || sw.GaveUp != 0 {
		t.Fatalf("first replay: %+v %v", sw, err)
	}
	if st := status(t, s, "Ev2"); !st.Processed || st.Attempts != 2 || st.Error != "" {
		t.Errorf("Ev2 after its replay: %+v", st)
	}
	if st := status(t, s, "Ev1"); st.Processed || st.Attempts != 1 || st.Error == "" {
		t.Errorf("Ev1 after a failed replay: %+v", st)
	}
	sw, err = r.SweepSlackInbox(ctx, start.Add(4*time.Minute))
	if err != nil || sw.Replayed != 1 || sw.Failed != 1 || sw.GaveUp != 0 {
		t.Fatalf("second replay: %+v %v", sw, err)
	}
	// Ev3 used its three attempts: given up, and kept
	sw, err = r.SweepSlackInbox(ctx, start.Add(6*time.Minute))
	if err != nil || sw.Replayed != 0 || sw.Failed != 1 || sw.GaveUp != 1 {
		t.Fatalf("third sweep: %+v %v", sw, err)
	}
	if sw, err := r.SweepSlackInbox(ctx, start.Add(8*time.Minute)); err != nil || sw != (jobs.InboxSweep{}) {
		t.Fatalf("sweep with nothing left: %+v %v", sw, err)
	}
	if st := status(t, s, "Ev3"); !st.GaveUp || st.Processed || st.Attempts != 3 || st.Error == "" {
		t.Errorf("Ev3: %+v", st)
	}
	if st := status(t, s, "Ev1"); !st.Processed || st.Attempts != 2 {
		t.Errorf("Ev1: %+v", st)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.handled["Ev1"] != 1 || f.handled["Ev2"] != 1 || f.handled["Ev3"] != 0 || f.calls["Ev3"] != 3 {
		t.Errorf("handled %v, calls %v; want Ev1 and Ev2 once each, Ev3 tried 3 times", f.handled, f.calls)
	}
	// a late delivery finds nothing to take up
	for _, id := range []string{"Ev1", "Ev2", "Ev3"} {
		if ok, err := s.ClaimSlackEvent(ctx, "T0ACME", id, inboxNow); err != nil || ok {
			t.Errorf("%s claimed again: %v %v", id, ok, err)
		}
	}
}

func TestInboxRetention(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t)
	ctx := context.Background()
	var mu sync.Mutex
	clock := inboxNow
	r, err := jobs.New(s, nil, jobs.Config{Log: quiet, NoSchedule: true,
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	startRunner(t, r)
	inboxEvent(t, s, "EvDone")
	if err := s.MarkSlackEventProcessed(ctx, "T0ACME", "EvDone", nil, inboxNow); err != nil {
		t.Fatal(err)
	}
	inboxEvent(t, s, "EvOpen") // never processed: kept
	sweepAt := func(at time.Time) {
		t.Helper()
		mu.Lock()
		clock = at
		mu.Unlock()
		if err := r.QueueInboxSweep(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the sweep", func() bool { idle, err := r.Idle(ctx); return err == nil && idle })
	}
	sweepAt(inboxNow.AddDate(0, 0, 13))
	if n, _ := s.SlackEventCount(ctx, "T0ACME", ""); n != 2 {
		t.Fatalf("after 13 days: %d events, want 2", n)
	}
	sweepAt(inboxNow.AddDate(0, 0, 15))
	if _, ok, _ := s.SlackEventStatus(ctx, "T0ACME", "EvDone"); ok {
		t.Error("an event processed 15 days ago is still in the inbox")
	}
	if _, ok, _ := s.SlackEventStatus(ctx, "T0ACME", "EvOpen"); !ok {
		t.Error("an unprocessed event was deleted")
	}
}
