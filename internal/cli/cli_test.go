package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/cli"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/testclock"
)

// now is the test date (testclock) at 09:00 UTC.
var now = testclock.Now().Truncate(24 * time.Hour).Add(9 * time.Hour)

type bot struct {
	t   *testing.T
	url string
	now time.Time
}

func newBot(t *testing.T) *bot { return &bot{t: t, url: pgtest.NewDB(t), now: now} }

// run runs the bot with args and returns its exit code, stdout and stderr.
func (b *bot) run(stdin string, args ...string) (int, string, string) {
	b.t.Helper()
	var out, errb bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(stdin), Now: func() time.Time { return b.now },
		Getenv: func(k string) string {
			if k == "DATABASE_URL" {
				return b.url
			}
			return ""
		}}
	code := cli.Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func (b *bot) ok(args ...string) string {
	b.t.Helper()
	code, out, errs := b.run("", args...)
	if code != 0 {
		b.t.Fatalf("bot %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func (b *bot) fails(args ...string) string {
	b.t.Helper()
	code, out, errs := b.run("", args...)
	if code == 0 {
		b.t.Fatalf("bot %s should fail:\n%s", strings.Join(args, " "), out)
	}
	return errs
}

// TestReadmePath follows the README as a new user would: migrate, load the
// sample, print the card of Acme Corp.
func TestReadmePath(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	if out := b.ok("migrate"); !strings.Contains(out, "up to date") {
		t.Errorf("migrate on a migrated database: %q", out)
	}
	if msg := b.fails("journey", "show", "acme"); !strings.Contains(msg, "bot import --sample") {
		t.Errorf("show before any data should say what to do: %q", msg)
	}
	first := b.ok("import", "--sample")
	if !strings.Contains(first, "accounts: 25 new") {
		t.Errorf("sample import: %s", first)
	}
	again := b.ok("import", "--sample")
	if !strings.Contains(again, "nothing changed") {
		t.Errorf("re-importing the sample should change nothing:\n%s", again)
	}
	card := b.ok("journey", "show", "acme")
	for _, want := range []string{
		"Acme Corp", "STAGE  Proposal", "AT RISK", `"Success criteria agreed" of Evaluation is missing`,
		"HEALTH ", "Champion engagement", "PRIORITY", "closes this month",
		"PEOPLE AND THEIR OWN PROGRESS", "MILESTONES", "✗ Success criteria agreed (required)",
		"CUSTOMER WAITS ON US", "SOC 2", "OVERDUE", "RECENT CHANGES", "reason unknown",
		"NEXT STEPS", `1. Deliver "Send the SOC 2 Type II report"`, "TIMELINE",
	} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %q:\n%s", want, card)
		}
	}
	// forgiving lookup
	for _, q := range []string{"ACME", "acme corp.", "Acme Corp Inc"} {
		if out := b.ok("journey", "show", q); !strings.HasPrefix(out, "Acme Corp\n") {
			t.Errorf("show %q printed %q", q, firstLine(out))
		}
	}
	if msg := b.fails("journey", "show", "globx"); !strings.Contains(msg, `did you mean "Globex"`) {
		t.Errorf("typo: %q", msg)
	}
	if msg := b.fails("journey", "show", "zzzzqqqq"); !strings.Contains(msg, "no account matches") {
		t.Errorf("nonsense: %q", msg)
	}
	if msg := b.fails("journey", "show"); !strings.Contains(msg, "needs an account name") {
		t.Errorf("empty: %q", msg)
	}
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

func TestSampleScenarios(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("import", "--sample")
	cases := []struct {
		account string
		want    []string
	}{
		{"globex", []string{"loops back to Onboarding", "journey cycle 2", "CSM changed from", "reason unknown"}},
		{"initech", []string{"stage: closedlost → closedwon", "reason unknown"}},
		{"umbrella", []string{"CS lead (Carla Mendes) is stuck in Onboarding", "CS class: Risk"}},
	}
	for _, tt := range cases {
		card := b.ok("journey", "show", tt.account)
		for _, w := range tt.want {
			if !strings.Contains(card, w) {
				t.Errorf("%s card lacks %q:\n%s", tt.account, w, card)
			}
		}
	}
	ranked := b.ok("accounts")
	lines := strings.Split(strings.TrimSpace(ranked), "\n")
	if len(lines) != 26 {
		t.Fatalf("accounts should list 25 accounts and a header:\n%s", ranked)
	}
	for _, l := range lines[1:4] {
		if !strings.Contains(l, "closes this month") {
			t.Errorf("deals closing this month should come first: %q", l)
		}
	}
	if out := b.ok("accounts", "--owner", "maya.patel@sample.example"); strings.Contains(out, "Jordan Lee") {
		t.Errorf("--owner should filter:\n%s", out)
	}
}

func TestJourneyExportApplyRoundTrip(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("import", "--sample")
	list := b.ok("journey", "list")
	for _, k := range []string{"saas-sales-led", "enterprise", "smb-self-serve"} {
		if !strings.Contains(list, k) {
			t.Errorf("list lacks %s:\n%s", k, list)
		}
	}
	yml := b.ok("journey", "export", "saas-sales-led")
	dir := t.TempDir()
	file := filepath.Join(dir, "journey.yaml")
	// rename a stage and publish it as version 2
	edited := strings.Replace(yml, "name: Proposal", "name: Proposal & negotiation", 1)
	if edited == yml {
		t.Fatalf("export has no Proposal stage:\n%s", yml)
	}
	if err := os.WriteFile(file, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := b.ok("journey", "apply", "-f", file); !strings.Contains(out, "published saas-sales-led v2") {
		t.Errorf("apply: %s", out)
	}
	if card := b.ok("journey", "show", "acme"); !strings.Contains(card, "STAGE  Proposal & negotiation (3 of 9, SaaS sales-led v2)") {
		t.Errorf("card should use the new version:\n%s", firstLines(card, 6))
	}
	if old := b.ok("journey", "export", "saas-sales-led", "--version", "1"); old != yml {
		t.Errorf("version 1 should be kept unchanged for history")
	}
	again := b.ok("journey", "export", "saas-sales-led")
	if want := strings.Replace(edited, "version: 1\n", "version: 2\n", 1); again != want {
		t.Errorf("export after apply differs from the applied file:\n%s", again)
	}

	// a bad file is rejected with its line and field, and changes nothing
	bad := strings.Replace(edited, "    required: true", "    required: maybe", 1)
	badLine := 0
	for i, l := range strings.Split(bad, "\n") {
		if strings.Contains(l, "required: maybe") {
			badLine = i + 1
			break
		}
	}
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	msg := b.fails("journey", "apply", "-f", file)
	if !strings.Contains(msg, file+":"+itoa(badLine)+":") || !strings.Contains(msg, "required") {
		t.Errorf("bad file error should name line %d and the field: %s", badLine, msg)
	}
	if out := b.ok("journey", "list"); !strings.Contains(out, "saas-sales-led   v2") {
		t.Errorf("a rejected file must not publish a version:\n%s", out)
	}
	if msg := b.fails("journey", "export", "--template", "nope"); !strings.Contains(msg, "no built-in template") {
		t.Errorf("unknown template: %s", msg)
	}
	if out := b.ok("journey", "export", "--template", "enterprise"); !strings.Contains(out, "key: enterprise") {
		t.Errorf("template export: %s", firstLines(out, 3))
	}
}

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	return strings.Join(l[:min(n, len(l))], "\n")
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestConcurrentStartups runs migrate from several processes' worth of
// goroutines at once on a fresh database: the advisory lock serialises them.
func TestConcurrentStartups(t *testing.T) {
	t.Parallel()
	b := &bot{t: t, url: pgtest.NewEmptyDB(t), now: now}
	var wg sync.WaitGroup
	codes := make([]int, 4)
	outs := make([]string, 4)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var errs string
			codes[i], outs[i], errs = b.run("", "migrate")
			outs[i] += errs
		}()
	}
	wg.Wait()
	applied := 0
	for i, c := range codes {
		if c != 0 {
			t.Fatalf("concurrent migrate %d failed: %s", i, outs[i])
		}
		if strings.Contains(outs[i], "applied 0001_core.sql") {
			applied++
		}
	}
	if applied != 1 {
		t.Errorf("the first migration should be applied exactly once, was %d times: %q", applied, outs)
	}
	b.ok("import", "--sample")
	out := b.ok("import", "--sample")
	if !strings.Contains(out, "nothing changed") {
		t.Errorf("after concurrent imports the sample should be complete:\n%s", out)
	}
}

func TestUsageAndBadCommands(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	if out := b.ok(); !strings.Contains(out, "bot journey show ACCOUNT") {
		t.Errorf("usage: %s", out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"journey"}, "journey needs a subcommand"},
		{[]string{"journey", "fly"}, `unknown journey subcommand "fly"`},
		{[]string{"import"}, "import needs a FILE"},
		{[]string{"import", "/does/not/exist.json"}, "cannot read /does/not/exist.json"},
		{[]string{"journey", "apply"}, "journey apply needs -f FILE"},
		{[]string{"journey", "show", "acme", "--at", "yesterday"}, "is not an RFC 3339 time"},
	} {
		if msg := b.fails(c.args...); !strings.Contains(msg, c.want) {
			t.Errorf("bot %v: %q, want %q", c.args, msg, c.want)
		}
	}
}

func TestSampleFromAnotherDayNeedsReset(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("import", "--sample")
	// a channel linked to an account must not stop the reset
	s, err := store.Open(context.Background(), b.url)
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := s.Workspace(context.Background(), "T0SAMPLE")
	refs, _ := s.AccountRefs(context.Background(), ws.ID)
	if err := s.LinkChannel(context.Background(), ws.ID, "C0ACME", refs[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b.now = now.Add(24 * time.Hour)
	if msg := b.fails("import", "--sample"); !strings.Contains(msg, "bot import --sample --reset") {
		t.Fatalf("a sample from another day should not be mixed in: %q", msg)
	}
	out := b.ok("import", "--sample", "--reset")
	if !strings.Contains(out, "removed the old sample workspace") || !strings.Contains(out, "accounts: 25 new") {
		t.Errorf("reset: %s", out)
	}
	if out := b.ok("import", "--sample"); !strings.Contains(out, "nothing changed") {
		t.Errorf("after reset, the same day's sample should change nothing: %s", out)
	}
	if msg := b.fails("import", "--reset", "x.json"); !strings.Contains(msg, "--reset only goes with --sample") {
		t.Errorf("reset without sample: %q", msg)
	}
}

func TestDigestSetting(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	b.ok("import", "--sample")
	if out := b.ok("digest", "--channel", "C0MANAGERS", "--manager", "dana.whitfield@sample.example", "--at", "07:45"); !strings.Contains(out, "Dana Whitfield's team digest will be posted in C0MANAGERS at 07:45 on workdays (America/New_York time)") {
		t.Errorf("digest: %s", out)
	}
	if out := b.ok("digest", "--channel", "C0MANAGERS", "--manager", "dana.whitfield@sample.example", "--cron", "30 7 * * 1,3,5"); !strings.Contains(out, `on the schedule "30 7 * * 1,3,5"`) {
		t.Errorf("digest --cron: %s", out)
	}
	conn, err := pgx.Connect(context.Background(), b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var spec string
	if err := conn.QueryRow(context.Background(), `SELECT schedule FROM digest_channels WHERE channel_id = 'C0MANAGERS'`).Scan(&spec); err != nil || spec != "30 7 * * 1,3,5" {
		t.Errorf("stored schedule %q, %v", spec, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"digest", "--channel", "C1"}, "needs --channel CHANNEL_ID and --manager"},
		{[]string{"digest", "--channel", "C1", "--manager", "nobody@x"}, "no person with email"},
		{[]string{"digest", "--channel", "C1", "--manager", "dana.whitfield@sample.example", "--at", "8am"}, "is not HH:MM"},
		{[]string{"digest", "--channel", "C1", "--manager", "dana.whitfield@sample.example", "--cron", "every morning"}, "is not a cron expression"},
		{[]string{"digest", "--channel", "C1", "--manager", "dana.whitfield@sample.example", "--cron", "CRON_TZ=UTC 0 8 * * *"}, "leave out the time zone"},
	} {
		if msg := b.fails(c.args...); !strings.Contains(msg, c.want) {
			t.Errorf("%v: %q, want %q", c.args, msg, c.want)
		}
	}
}
