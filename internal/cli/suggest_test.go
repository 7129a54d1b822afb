package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/cli"
	"github.com/journeyhq/journey/internal/template"
)

// writeExport writes a small Slack export: two leadership channels, one
// day file each.
func writeExport(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, v any) {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("users.json", []map[string]any{
		{"id": "U1", "name": "dana", "real_name": "Dana Whitfield"},
		{"id": "U2", "name": "priya", "real_name": "Priya Raman"},
	})
	write("channels.json", []map[string]any{
		{"id": "CSALES", "name": "sales-leadership"}, {"id": "CCS", "name": "cs-leads"}, {"id": "CRAND", "name": "random"},
	})
	day := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	msg := func(user, text string, min int) map[string]any {
		ts := day.Add(time.Duration(min) * time.Minute).Unix()
		return map[string]any{"type": "message", "user": user, "text": text, "ts": itoa(int(ts)) + ".000100"}
	}
	write("sales-leadership/2026-10-05.json", []map[string]any{
		msg("U1", "Our stages: Discovery → Demo → Commercials → Closed won → Onboarding → Renewal", 0),
		msg("U1", "Handoff happens at signature; the AE sends the handoff doc the same day.", 5),
	})
	write("cs-leads/2026-10-05.json", []map[string]any{
		msg("U2", "CS view of the journey: handoff -> onboarding -> adoption -> renewal", 1),
		msg("U2", "Handoff should be at kickoff, not signature. CS owns onboarding.", 6),
	})
	write("random/2026-10-05.json", []map[string]any{msg("U1", "lunch?", 2)})
	return dir
}

func TestJourneySuggestFromExportThenApply(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	dir := writeExport(t)
	code, out, errs := b.run("", "journey", "suggest", "--export", dir, "--channels", "sales-leadership,#cs-leads", "--url", "https://acme.slack.com")
	if code != 0 {
		t.Fatalf("suggest: exit %d: %s", code, errs)
	}
	for _, want := range []string{"name: Demo", "name: Commercials", "People disagree on", "at contract signed", "at kickoff held",
		"https://acme.slack.com/archives/CSALES/p", "Dana Whitfield in #sales-leadership", "owner_team: cs"} {
		if !strings.Contains(out, want) {
			t.Errorf("suggestion lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "lunch") {
		t.Errorf("read a channel that was not asked for")
	}
	if !strings.Contains(errs, "read 4 messages in 2 channels") {
		t.Errorf("stderr = %q", errs)
	}
	def, err := template.Parse("journey.yaml", []byte(out))
	if err != nil {
		t.Fatalf("apply would reject the suggestion: %v", err)
	}
	if def.Key != "saas-sales-led" {
		t.Errorf("key %q", def.Key)
	}
	file := filepath.Join(t.TempDir(), "journey.yaml")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	b.ok("import", "--sample")
	before := b.ok("journey", "show", "acme")
	if !strings.Contains(before, "Proposal") {
		t.Fatalf("before: %s", firstLines(before, 6))
	}
	applied := b.ok("journey", "apply", "-f", file)
	if !strings.Contains(applied, "published saas-sales-led v2") {
		t.Errorf("apply: %s", applied)
	}
	after := b.ok("journey", "show", "acme")
	if !strings.Contains(after, "STAGE  Commercials (3 of 9, SaaS sales-led v2)") {
		t.Errorf("Acme is not under the new version's stages:\n%s", firstLines(after, 8))
	}
	if v1 := b.ok("journey", "export", "saas-sales-led", "--version", "1"); !strings.Contains(v1, "name: Proposal") || strings.Contains(v1, "Commercials") {
		t.Errorf("version 1 was not kept as it was")
	}
}

// realExport is the part of a public workspace export kept for the history
// package's tests (see its SOURCE.md): 16 channels, 625 messages.
const realExport = "../history/testdata/slack-export-houstondatavis"

func TestJourneySuggestRealExportAndBadInput(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	code, out, errs := b.run("", "journey", "suggest", "--export", realExport)
	if code != 0 {
		t.Fatalf("real export: exit %d: %s", code, errs)
	}
	if _, err := template.Parse("journey.yaml", []byte(out)); err != nil {
		t.Errorf("the suggestion from the real export does not parse: %v", err)
	}
	if !strings.Contains(errs, "read 625 messages in 16 channels") {
		t.Errorf("stderr = %q", errs)
	}
	if e := b.fails("journey", "suggest"); !strings.Contains(e, "needs --export") {
		t.Errorf("no export: %q", e)
	}
	dir := writeExport(t)
	if e := b.fails("journey", "suggest", "--export", dir, "--channels", "nope"); !strings.Contains(e, `no channel "nope"`) || !strings.Contains(e, "sales-leadership") {
		t.Errorf("unknown channel: %q", e)
	}
	if e := b.fails("journey", "suggest", "--export", dir, "--since", "last week"); !strings.Contains(e, "not a date") {
		t.Errorf("bad date: %q", e)
	}
	// a truncated day file: a warning, and the rest is still read
	if err := os.WriteFile(filepath.Join(dir, "cs-leads", "2026-10-05.json"), []byte(`[{"type": "message", "user": "U2", "text": "CS view`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = b.run("", "journey", "suggest", "--export", dir, "--channels", "sales-leadership,cs-leads")
	if code != 0 || !strings.Contains(errs, "cs-leads/2026-10-05.json") || !strings.Contains(errs, "truncated") || !strings.Contains(out, "name: Demo") {
		t.Errorf("truncated file: exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "# Warning: cs-leads/2026-10-05.json") {
		t.Errorf("the YAML does not carry the warning")
	}
}

// chatServer is a local server speaking the Chat Completions API: it
// answers a journey request with the draft's stages, "Demo" renamed, each
// citing the first message.
func chatServer(t *testing.T) (*httptest.Server, *int) {
	t.Helper()
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		var req struct {
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) < 2 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var doc struct {
			Draft struct {
				Stages []map[string]any `json:"stages"`
			} `json:"draft"`
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
		}
		if err := json.Unmarshal([]byte(req.Messages[1].Content), &doc); err != nil || len(doc.Messages) == 0 {
			http.Error(w, "no document", http.StatusBadRequest)
			return
		}
		for _, s := range doc.Draft.Stages {
			if s["name"] == "Demo" {
				s["name"] = "Product demo"
			}
			s["evidence"] = []string{doc.Messages[0].ID}
			for _, k := range []string{"exit_criteria", "milestones"} {
				if s[k] == nil {
					s[k] = []any{}
				}
			}
		}
		answer, _ := json.Marshal(map[string]any{"stages": doc.Draft.Stages, "disagreements": []any{}})
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "local",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": string(answer)}}},
			"usage":   map[string]any{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestJourneySuggestWithAModel(t *testing.T) {
	t.Parallel()
	srv, calls := chatServer(t)
	dir := writeExport(t)
	var out, errb bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""), Now: func() time.Time { return now },
		Getenv: func(k string) string {
			return map[string]string{"LLM_BASE_URL": srv.URL + "/v1", "LLM_API_KEY": "sk-local", "LLM_MODEL": "local"}[k]
		}}
	if code := cli.Main(context.Background(), []string{"journey", "suggest", "--model", "--export", dir, "--channels", "sales-leadership,cs-leads"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if *calls != 1 || !strings.Contains(out.String(), "name: Product demo") || !strings.Contains(out.String(), "proposed with the model local") {
		t.Errorf("%d calls; suggestion:\n%s", *calls, firstLines(out.String(), 20))
	}
	if _, err := template.Parse("journey.yaml", out.Bytes()); err != nil {
		t.Errorf("the model's suggestion does not parse: %v", err)
	}
	b := newBot(t)
	if e := b.fails("journey", "suggest", "--model", "--export", dir); !strings.Contains(e, "LLM_BASE_URL") {
		t.Errorf("--model without a model: %q", e)
	}
}
