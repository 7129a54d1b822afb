package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/testclock"
)

// now is 14:00 UTC on the Monday of the test's week (testclock): the
// messages below speak of "Thursday" and "the 15th".
var now = testclock.Monday(time.UTC, 14, 0)

var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))

// book loads the sample into a fresh database and returns the store, the
// workspace and Acme's account id.
func book(t *testing.T) (*store.Store, journey.Workspace, string) {
	t.Helper()
	s, ws, _ := pgtest.NewSampleStore(t, now)
	ctx := context.Background()
	refs, _ := s.AccountRefs(ctx, ws.ID)
	return s, ws, journey.Match(refs, "acme")[0].ID
}

func runner(t *testing.T, s *store.Store, m journey.ConversationModel) *jobs.Runner {
	t.Helper()
	// no periodic schedule: these tests drive the work they test, and a
	// morning DM due at the test's hour would fail (no Slack app) and retry
	r, err := jobs.New(s, m, jobs.Config{Now: func() time.Time { return now }, Log: quiet, NoSchedule: true})
	if err != nil {
		t.Fatal(err)
	}
	startRunner(t, r)
	return r
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// nextDayOfMonth is the next day d of a month on or after t's date.
func nextDayOfMonth(t time.Time, d int) time.Time {
	if t.Day() <= d {
		return time.Date(t.Year(), t.Month(), d, 0, 0, 0, 0, t.Location())
	}
	return time.Date(t.Year(), t.Month()+1, d, 0, 0, 0, 0, t.Location())
}

func message(accountID, ts, user, text string, side journey.Side) journey.Event {
	return journey.Event{AccountID: accountID, Kind: journey.EventMessage, Source: "slack", ExternalID: "C0ACME:" + ts,
		At: now.Add(-time.Hour), Direction: side, Summary: text, AuthorRef: user, AuthorName: user, Text: text}
}

func TestIngestAnalyseOnceAndIdempotent(t *testing.T) {
	t.Parallel()
	s, ws, acme := book(t)
	r := runner(t, s, llm.NewOffline())
	ctx := context.Background()
	m := message(acme, "1795435200.000100", "U0REP1", "I'll send the pricing sheet Thursday.", journey.SideUs)
	_, added, err := r.Ingest(ctx, ws.ID, m)
	if err != nil || !added {
		t.Fatalf("ingest: %v %v", added, err)
	}
	if _, added, _ := r.Ingest(ctx, ws.ID, m); added {
		t.Error("the same message stored twice")
	}
	waitFor(t, "the promise", func() bool {
		data, _ := s.LoadAccount(ctx, ws.ID, acme)
		for _, c := range data.Commitments {
			if strings.Contains(c.What, "pricing sheet") {
				return c.OwnerName == "Maya Patel" && c.DueAt.Format(time.DateOnly) == now.AddDate(0, 0, 3).Format(time.DateOnly)
			}
		}
		return false
	})
	// the customer's promise is the customer's
	if _, _, err := r.Ingest(ctx, ws.ID, message(acme, "1795435300.000100", "U0TOM", "Our legal team will return the MSA redlines by the 15th.", journey.SideCustomer)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the customer's promise", func() bool {
		data, _ := s.LoadAccount(ctx, ws.ID, acme)
		for _, c := range data.Commitments {
			if strings.Contains(c.What, "MSA redlines") && c.Side == journey.SideCustomer && c.Status == journey.CommitmentOpen &&
				c.DueAt.Format(time.DateOnly) == nextDayOfMonth(now, 15).Format(time.DateOnly) {
				return true
			}
		}
		return false
	})
}

// fakeLLM is a local Chat Completions server whose answers a test scripts.
func fakeLLM(t *testing.T, answer func(n int) (int, string)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		status, content := answer(n)
		if status != http.StatusOK {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"message":"overloaded","type":"server_error"}}`)
			return
		}
		b, _ := json.Marshal(map[string]any{
			"id": "c1", "object": "chat.completion", "model": "test-model",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content}}},
			"usage":   map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
		})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func liveModel(t *testing.T, url string) journey.ConversationModel {
	t.Helper()
	m, err := llm.NewOpenAI(llm.Config{BaseURL: url + "/v1", APIKey: "test-key", Model: "test-model", MaxRetries: -1, Timeout: 2 * time.Second}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestModelDownLeavesMessagesQueued: a model that is down fails the job, the
// message stays pending for River's retry, and the failure is recorded.
func TestModelDownLeavesMessagesQueued(t *testing.T) {
	t.Parallel()
	s, ws, acme := book(t)
	srv, calls := fakeLLM(t, func(int) (int, string) { return http.StatusServiceUnavailable, "" })
	r := runner(t, s, liveModel(t, srv.URL))
	ctx := context.Background()
	if _, _, err := r.Ingest(ctx, ws.ID, message(acme, "1795435200.000200", "U0REP1", "I'll send the SOC 2 bridge letter tomorrow.", journey.SideUs)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a failed model call to be recorded", func() bool {
		var n int
		_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM model_calls WHERE error <> ''`).Scan(&n)
		return n > 0 && calls.Load() > 0
	})
	var pending int
	_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM timeline_events WHERE analyzed_at IS NULL AND text <> ''`).Scan(&pending)
	if pending != 1 {
		t.Errorf("the message should stay queued for a retry, %d pending", pending)
	}
	var retryable int
	_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'analyze_messages' AND state IN ('retryable', 'available', 'running')`).Scan(&retryable)
	if retryable == 0 {
		t.Error("the analysis job should be waiting for a retry")
	}
}

// TestLiveDraftReplacesTemplateUnlessEdited: with a live model, new actions
// get the model's draft; a draft the owner edited is never overwritten.
func TestLiveDraftReplacesTemplateUnlessEdited(t *testing.T) {
	t.Parallel()
	s, ws, acme := book(t)
	srv, _ := fakeLLM(t, func(int) (int, string) {
		return http.StatusOK, `{"subject":"SOC 2 report for Acme","body":"Hi Victor,\n\nHere is the SOC 2 Type II report.\n\nBest,\nMaya"}`
	})
	r := runner(t, s, liveModel(t, srv.URL))
	ctx := context.Background()
	data, _ := s.LoadAccount(ctx, ws.ID, acme)
	defs, _ := s.Definitions(ctx, ws.ID)
	def, _ := journey.ForSegment(defs, data.Account.Segment)
	ids, err := s.ProposeActions(ctx, ws.ID, journey.SuggestActions(def, data, journey.BuildCard(def, data, now), now))
	if err != nil || len(ids) < 2 {
		t.Fatalf("propose: %v %v", ids, err)
	}
	if _, err := s.UpdateDraft(ctx, ws.ID, ids[1], "My own subject", "My own words", ""); err != nil {
		t.Fatal(err)
	}
	if err := r.RequestDrafts(ctx, ws.ID, ids[:2]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the model's draft", func() bool {
		a, _ := s.Action(ctx, ws.ID, ids[0])
		return a.DraftSubject == "SOC 2 report for Acme"
	})
	// once no job waits or runs, the second draft request has been worked
	waitFor(t, "the draft jobs to finish", func() bool { idle, err := r.Idle(ctx); return err == nil && idle })
	if a, _ := s.Action(ctx, ws.ID, ids[1]); a.DraftBody != "My own words" {
		t.Errorf("an edited draft was overwritten: %q", a.DraftBody)
	}
}
