package cli_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/cli"
	"github.com/journeyhq/journey/internal/slacksim"
)

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestBotRunAgainstTheSimulator boots `bot run` as an operator would, with
// SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_API_URL pointing at the local
// Slack simulator: it connects over Socket Mode, answers /journey with the
// card, and stops cleanly when its context ends.
func TestBotRunAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("import", "--sample")
	in, err := app.SampleInput(b.now)
	if err != nil {
		t.Fatal(err)
	}
	sim := slacksim.New(slacksim.Config{TeamID: "T0SAMPLE", TeamName: "Sample Co", Domain: "sample",
		Users: app.SandboxUsers(in.Doc), Channels: app.SandboxChannels, Now: func() time.Time { return b.now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	scfg := sim.Config()
	vars := map[string]string{"DATABASE_URL": b.url, "SLACK_BOT_TOKEN": scfg.BotToken, "SLACK_APP_TOKEN": scfg.AppToken,
		"SLACK_API_URL": sim.APIURL(), "SMTP_URL": "off", "LOG_LEVEL": "warn"}
	var out, errb syncBuffer
	env := cli.Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""), Now: func() time.Time { return b.now },
		Getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exit := make(chan int, 1)
	go func() { exit <- cli.Main(ctx, []string{"run"}, env) }()

	wait, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	if err := sim.WaitFor(wait, func() bool { return sim.Connections() >= 2 }); err != nil {
		t.Fatalf("bot run did not connect: %v\n%s", err, errb.String())
	}
	if _, err := sim.SlashCommand(wait, "U0REP1", "C0ACME", "/journey", "acme"); err != nil {
		t.Fatal(err)
	}
	if err := sim.WaitFor(wait, func() bool {
		for _, m := range sim.Ephemerals("U0REP1") {
			if strings.Contains(string(m.Blocks), "Acme Corp") && strings.Contains(string(m.Blocks), "Stage:") {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("no card from bot run: %v\n%s", err, errb.String())
	}
	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("bot run exited %d after its context ended:\n%s", code, errb.String())
		}
	case <-wait.Done():
		t.Fatal("bot run did not stop when its context ended")
	}
}

// TestBotRunSaysWhatToSet: without tokens, or with tokens of the wrong
// kind, bot run refuses at once and names the settings.
func TestBotRunSaysWhatToSet(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	if msg := b.fails("run"); !strings.Contains(msg, "SLACK_BOT_TOKEN is not set") || !strings.Contains(msg, "SLACK_APP_TOKEN is not set") ||
		!strings.Contains(msg, "bot sandbox") {
		t.Errorf("bot run without tokens: %q", msg)
	}
}

// TestConfigPrintsTheSettingsWithoutSecrets: bot config shows every
// setting, where its value comes from, and never a secret.
func TestConfigPrintsTheSettingsWithoutSecrets(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"DATABASE_URL": "postgres://journey:hunter2@db.example:5432/journey", "SLACK_BOT_TOKEN": "xoxb-very-secret",
		"LLM_API_KEY": "sk-also-secret", "LLM_MODEL": "gpt-test", "SMTP_URL": "smtp://bot:mailpass@mail.example:587", "LOG_LEVEL": "debug"}
	var out, errb bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(""), Getenv: func(k string) string { return vars[k] }}
	if code := cli.Main(context.Background(), []string{"config"}, env); code != 0 {
		t.Fatalf("bot config: exit %d\n%s", code, errb.String())
	}
	got := out.String()
	for _, secret := range []string{"hunter2", "very-secret", "also-secret", "mailpass"} {
		if strings.Contains(got, secret) {
			t.Errorf("bot config printed a secret (%s):\n%s", secret, got)
		}
	}
	for _, s := range app.Settings {
		if !strings.Contains(got, s.Name) {
			t.Errorf("bot config does not list %s", s.Name)
		}
	}
	for _, want := range []string{"db.example", "LOG_LEVEL              set     debug", "SLACK_BOT_TOKEN        set     (set, 16 characters)",
		"SLACK_APP_TOKEN is not set"} {
		if !strings.Contains(got, want) {
			t.Errorf("bot config lacks %q:\n%s", want, got)
		}
	}

	vars["LOG_LEVEL"], vars["SMTP_URL"] = "loud", "ftp://nope"
	out.Reset()
	errb.Reset()
	if code := cli.Main(context.Background(), []string{"config"}, env); code == 0 ||
		!strings.Contains(errb.String(), `LOG_LEVEL "loud"`) || !strings.Contains(errb.String(), "SMTP_URL") {
		t.Errorf("bad settings should fail, naming each: exit %d\n%s", code, errb.String())
	}
}

// TestAnalyzePrintsWhatTheReadmeShows runs the README's `bot analyze`
// example and compares its output with the JSON the README prints.
func TestAnalyzePrintsWhatTheReadmeShows(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "bin/bot analyze --now 2026-11-23T14:00:00Z --tz America/New_York --users examples/users.json < examples/messages.json")
	if !ok {
		t.Fatal("the README no longer shows the bot analyze example")
	}
	_, rest, _ = strings.Cut(rest, "```json\n")
	want, _, _ := strings.Cut(rest, "```")
	msgs, err := os.ReadFile("../../examples/messages.json")
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errb, Stdin: bytes.NewReader(msgs), Getenv: func(string) string { return "" }}
	if code := cli.Main(context.Background(), []string{"analyze", "--now", "2026-11-23T14:00:00Z", "--tz", "America/New_York",
		"--users", "../../examples/users.json"}, env); code != 0 {
		t.Fatalf("bot analyze: exit %d\n%s", code, errb.String())
	}
	if out.String() != want {
		t.Errorf("bot analyze printed\n%s\nthe README shows\n%s", out.String(), want)
	}
}
