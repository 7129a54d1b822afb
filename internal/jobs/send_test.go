package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/mail"
	"github.com/journeyhq/journey/internal/mailsim"
	"github.com/journeyhq/journey/internal/store"
)

// outcomes records what the runner tells the Slack side.
type outcomes struct {
	mu   sync.Mutex
	seen []journey.Action
}

func (o *outcomes) SendNudge(context.Context, string, journey.Person, string) (string, error) {
	return "", nil
}
func (o *outcomes) PostDigest(context.Context, string, string, journey.Person, string, time.Time, time.Time) (string, error) {
	return "", nil
}
func (o *outcomes) SendWoken(context.Context, string, journey.Person, journey.Action) (string, error) {
	return "", nil
}
func (o *outcomes) SendOutcome(_ context.Context, _ string, a journey.Action) error {
	o.mu.Lock()
	o.seen = append(o.seen, a)
	o.mu.Unlock()
	return nil
}

// sendSetup proposes one action on Acme and starts a runner that sends
// through a local mail server.
func sendSetup(t *testing.T) (*store.Store, journey.Workspace, journey.Action, *jobs.Runner, *mailsim.Server, *outcomes) {
	t.Helper()
	s, ws, acme := book(t)
	ctx := context.Background()
	people, _ := s.People(ctx, ws.ID)
	owner := people[0]
	ids, err := s.ProposeActions(ctx, ws.ID, []journey.Action{{AccountID: acme, OwnerID: owner.ID, Kind: "no_reply", Title: "Follow up with Acme",
		IdempotencyKey: acme + ":test", DraftSubject: "Following up", DraftBody: "Hi Tom,\n\nFollowing up.\n\nBest"}})
	if err != nil || len(ids) != 1 {
		t.Fatal(ids, err)
	}
	a, _ := s.Action(ctx, ws.ID, ids[0])
	srv, err := mailsim.Start("127.0.0.1:0", quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg, _ := mail.ParseURL(srv.URL())
	sender, _ := mail.NewSender(cfg)
	r, err := jobs.New(s, llm.NewOffline(), jobs.Config{Now: func() time.Time { return now }, Log: quiet, NoSchedule: true, Mailer: sender})
	if err != nil {
		t.Fatal(err)
	}
	o := &outcomes{}
	r.SetNotifier(o)
	return s, ws, a, r, srv, o
}

func email(a journey.Action, by string) journey.OutboxEmail {
	return journey.OutboxEmail{MessageID: journey.MessageID(a.ID, "sample.example"), FromName: "Maya", FromAddr: "maya@sample.example",
		ToName: "Tom Becker", ToAddr: "tom@acme.example", Bcc: "maya@sample.example", ApprovedBy: by, ApprovedAt: now}
}

// startRunner starts r and stops it when t ends.
func startRunner(t *testing.T, r *jobs.Runner) {
	t.Helper()
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r.Stop(c)
	})
}

func waitState(t *testing.T, s *store.Store, ws, id string, want journey.ActionState) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if a, err := s.Action(context.Background(), ws, id); err == nil && a.State == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	a, _ := s.Action(context.Background(), ws, id)
	t.Fatalf("action is %s, want %s", a.State, want)
}

// Approving twice (a double click) queues one send and sends one email,
// recorded on the timeline.
func TestApproveTwiceSendsOnce(t *testing.T) {
	t.Parallel()
	s, ws, a, r, srv, o := sendSetup(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	changes := make([]bool, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, changed, err := r.ApproveSend(ctx, ws.ID, a.ID, journey.VerbApprove, email(a, a.OwnerID))
			if err != nil {
				t.Error(err)
			}
			changes[i] = changed
		}()
	}
	wg.Wait()
	if changes[0] == changes[1] {
		t.Fatalf("exactly one approval should change the action: %v", changes)
	}
	var jobsQueued int
	_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'send_email'`).Scan(&jobsQueued)
	if jobsQueued != 1 {
		t.Fatalf("%d send jobs queued, want 1", jobsQueued)
	}
	startRunner(t, r)
	waitState(t, s, ws.ID, a.ID, journey.ActionSent)
	if ms := srv.Messages(); len(ms) != 1 || ms[0].Subject != "Following up" {
		t.Fatalf("emails: %+v", ms)
	}
	ob, _ := s.OutboxEmail(ctx, ws.ID, a.ID)
	if ob.Phase != "sent" || ob.Attempts != 1 || !ob.SentAt.Equal(now) {
		t.Errorf("outbox %+v", ob)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.seen) != 1 || o.seen[0].State != journey.ActionSent {
		t.Errorf("the rep should be told once that it was sent: %+v", o.seen)
	}
}

// An attempt that stopped before the hand-over (phase sending) is sent
// again; one that stopped after it (handed_over) is not.
func TestCrashedAttempts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		phase string
		sent  int
	}{{"sending", 1}, {"handed_over", 0}} {
		t.Run(tc.phase, func(t *testing.T) {
			s, ws, a, r, srv, _ := sendSetup(t)
			ctx := context.Background()
			if _, _, err := r.ApproveSend(ctx, ws.ID, a.ID, journey.VerbApprove, email(a, a.OwnerID)); err != nil {
				t.Fatal(err)
			}
			// what a process that died mid-attempt leaves behind
			if _, err := s.BeginSendAttempt(ctx, ws.ID, a.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Pool().Exec(ctx, `UPDATE outbox_emails SET phase = $2 WHERE action_id = $1`, a.ID, tc.phase); err != nil {
				t.Fatal(err)
			}
			startRunner(t, r)
			waitState(t, s, ws.ID, a.ID, journey.ActionSent)
			if n := len(srv.Messages()); n != tc.sent {
				t.Errorf("%d emails sent, want %d", n, tc.sent)
			}
			var events int
			_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM timeline_events WHERE external_id = $1`, "sent:"+a.ID).Scan(&events)
			if events != 1 {
				t.Errorf("%d timeline events, want 1", events)
			}
		})
	}
}

// A refusal fails the action with the server's reason; approving again
// reuses the same email and Message-ID.
func TestRefusalThenRetry(t *testing.T) {
	t.Parallel()
	s, ws, a, r, srv, _ := sendSetup(t)
	ctx := context.Background()
	srv.SetFault(mailsim.Fault{Code: 554, Text: "5.7.1 relay denied"})
	startRunner(t, r)
	if _, _, err := r.ApproveSend(ctx, ws.ID, a.ID, journey.VerbApprove, email(a, a.OwnerID)); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, ws.ID, a.ID, journey.ActionFailed)
	ob, _ := s.OutboxEmail(ctx, ws.ID, a.ID)
	if ob.Phase != "failed" || ob.LastError == "" || len(srv.Messages()) != 0 {
		t.Fatalf("after a refusal: %+v, %d emails", ob, len(srv.Messages()))
	}
	srv.SetFault(mailsim.Fault{})
	if _, _, err := r.ApproveSend(ctx, ws.ID, a.ID, journey.VerbRetry, email(a, a.OwnerID)); err != nil {
		t.Fatal(err)
	}
	waitState(t, s, ws.ID, a.ID, journey.ActionSent)
	ms := srv.Messages()
	if len(ms) != 1 || ms[0].MessageID != ob.MessageID {
		t.Fatalf("emails %+v, want one with Message-ID %s", ms, ob.MessageID)
	}
}
