package slackapp

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/slacksim"
	"github.com/journeyhq/journey/internal/template"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var fixedNow = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

func ago(d int) time.Time { return fixedNow.Add(-time.Duration(d) * 24 * time.Hour) }

// acme is a small account with a skipped milestone, an overdue promise and
// a name that tries to inject mrkdwn.
func acme() (journey.Definition, journey.AccountData) {
	def, _ := template.BuiltinByKey("saas-sales-led")
	data := journey.AccountData{
		Account: journey.Account{ID: "acc-1", Name: "Acme <!channel> *Corp*", Segment: "mid_market"},
		Owner:   journey.Person{ID: "p-1", Name: "Maya Patel", SlackUserID: "U0REP1"},
		Deals: []journey.Deal{{ID: "d-1", AccountID: "acc-1", Name: "Platform", Kind: journey.DealNew, Stage: "contractsent",
			AmountCents: 4_800_000, Currency: "USD", CloseDate: fixedNow.Add(5 * 24 * time.Hour), CreatedAt: ago(80)}},
		Contacts: []journey.Contact{
			{ID: "k-1", AccountID: "acc-1", Name: "Tom Becker", Persona: "revops", BuyingRole: journey.BuyerChampion},
			{ID: "k-2", AccountID: "acc-1", Name: "Helen Ortiz", Persona: "finance", BuyingRole: journey.BuyerEconomic},
		},
		Events: []journey.Event{
			{ID: "e-2", AccountID: "acc-1", ContactID: "k-1", Kind: "message", Direction: journey.SideCustomer, At: ago(1),
				Summary: "Legal is close; we still need the SOC 2 report.", Link: "https://sample.slack.com/archives/C0ACME/p1700000000000100"},
			{ID: "e-1", AccountID: "acc-1", ContactID: "k-2", Kind: "call", Direction: journey.SideCustomer, At: ago(25), Summary: "Pricing call"},
		},
		EventCount: 2,
		Completions: []journey.Completion{
			{ID: "c-1", MilestoneKey: "pain_identified", At: ago(70)}, {ID: "c-2", MilestoneKey: "champion_identified", At: ago(68)},
			{ID: "c-3", MilestoneKey: "demo_held", At: ago(50)}, {ID: "c-4", MilestoneKey: "economic_buyer_engaged", At: ago(40)},
			{ID: "c-5", MilestoneKey: "proposal_sent", At: ago(10)},
		},
		Changes: []journey.Change{{ID: "ch-1", AccountID: "acc-1", DealID: "d-1", Field: "close_date", Old: "2026-11-09", New: "2026-11-28",
			ActorName: "Maya Patel", Source: "hubspot", At: ago(14)}},
		Commitments: []journey.Commitment{{ID: "m-1", AccountID: "acc-1", Side: journey.SideUs, OwnerID: "p-1", OwnerName: "Maya Patel",
			Counterpart: "Tom Becker", What: "Send the SOC 2 Type II report", DueAt: ago(3), Status: journey.CommitmentOpen}},
		Waits: []journey.WaitItem{{ID: "w-1", AccountID: "acc-1", Waiter: journey.SideCustomer, What: "SOC 2 Type II report", Since: ago(9)}},
	}
	return def, data
}

func action(state journey.ActionState) journey.Action {
	return journey.Action{ID: "act-1", AccountID: "acc-1", OwnerID: "p-1", Kind: "commitment_overdue",
		Title: "Acme Corp: Send the SOC 2 Type II report", Reason: "We promised it to Tom Becker for Nov 20, 2026; it is 3 days late.",
		DraftSubject: "the SOC 2 Type II report — as promised", DraftBody: "Hi Tom,\n\nAs promised, here is the SOC 2 Type II report.\n\nBest,\nMaya",
		State: state, UpdatedAt: fixedNow, SnoozedUntil: fixedNow.Add(72 * time.Hour)}
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/slackapp -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file; if the change is intended, run go test ./internal/slackapp -update\n%s", name, diffLine(got, want))
	}
}

func diffLine(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(al), len(bl))
}

// blockKit is the compiled Block Kit schema, compiled once for the tests
// that run in parallel.
var (
	blockKitOnce sync.Once
	blockKit     *jsonschema.Schema
	blockKitErr  error
)

type ecma regexp2.Regexp

func (re *ecma) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}
func (re *ecma) String() string { return (*regexp2.Regexp)(re).String() }

// validBlocks checks blocks against the Block Kit schema slacksim embeds and
// Slack's per-message limits.
func validBlocks(t *testing.T, blocks []slack.Block, surface string) {
	t.Helper()
	blockKitOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(slacksim.BlockKitSchema()))
		if err != nil {
			blockKitErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
			re, err := regexp2.Compile(s, regexp2.ECMAScript)
			return (*ecma)(re), err
		})
		if err := c.AddResource("blockkit.json", doc); err != nil {
			blockKitErr = err
			return
		}
		blockKit, blockKitErr = c.Compile("blockkit.json")
	})
	if blockKitErr != nil {
		t.Fatalf("the Block Kit schema: %v", blockKitErr)
	}
	limit := maxMessageBlocks
	if surface != "message" {
		limit = maxViewBlocks
	}
	if len(blocks) > limit {
		t.Errorf("%d blocks, Slack allows %d in a %s", len(blocks), limit, surface)
	}
	raw, _ := json.Marshal(blocks)
	var v any
	_ = json.Unmarshal(raw, &v)
	if err := blockKit.Validate(v); err != nil {
		t.Errorf("blocks are not valid Block Kit: %v", err)
	}
	ids := map[string]bool{}
	for _, b := range v.([]any) {
		m := b.(map[string]any)
		if id, ok := m["block_id"].(string); ok && id != "" {
			if ids[id] {
				t.Errorf("duplicate block_id %s", id)
			}
			ids[id] = true
		}
	}
}

func TestCardGolden(t *testing.T) {
	t.Parallel()
	def, data := acme()
	card := journey.BuildCard(def, data, fixedNow)
	private := cardBlocks(card, cardOptions{Actions: []journey.Action{action(journey.ActionProposed)}, Now: fixedNow})
	validBlocks(t, private, "message")
	golden(t, "card_private", private)
	shared := cardBlocks(card, cardOptions{Shared: true, Actions: []journey.Action{action(journey.ActionProposed)}, Now: fixedNow})
	validBlocks(t, shared, "message")
	golden(t, "card_shared", shared)
	raw, _ := json.Marshal(shared)
	if strings.Contains(string(raw), "As promised") || strings.Contains(string(raw), ActionSend) {
		t.Error("a shared card must not carry anyone's drafts or action buttons")
	}
	escaped := false
	for _, text := range mrkdwnTexts(raw) {
		if strings.Contains(text, "<!channel>") || strings.Contains(text, "*Corp*") {
			t.Errorf("the account name was not escaped in %q", text)
		}
		escaped = escaped || strings.Contains(text, "&lt;!channel&gt;")
	}
	if !escaped {
		t.Error("escaped name missing")
	}
	modal := moreBlocks(card)
	validBlocks(t, modal, "modal")
	golden(t, "card_more", modal)
}

// mrkdwnTexts returns every mrkdwn text in rendered blocks.
func mrkdwnTexts(raw []byte) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				out = append(out, x["text"].(string))
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	walk(v)
	return out
}

func TestActionGolden(t *testing.T) {
	t.Parallel()
	for _, st := range []journey.ActionState{journey.ActionProposed, journey.ActionApproved, journey.ActionSnoozed, journey.ActionDone, journey.ActionDismissed} {
		blocks := actionBlocks(action(st), fixedNow, sendState{})
		validBlocks(t, blocks, "message")
		golden(t, "action_"+string(st), blocks)
	}
	// with a mail server: approved, sent and refused emails
	ny, _ := time.LoadLocation("America/New_York")
	email := &journey.OutboxEmail{ActionID: "act-1", MessageID: "journey-act-1@sample.example", ToName: "Tom Becker", ToAddr: "tom@acme.example",
		SentAt: time.Date(2026, 11, 27, 14, 14, 0, 0, time.UTC)}
	for _, tc := range []struct {
		state journey.ActionState
		note  string
		want  string
	}{
		{journey.ActionApproved, "", "Approved — sending to Tom Becker <tom@acme.example>"},
		{journey.ActionSent, "accepted by the mail server", "Sent 09:14 by <@U0REP1> to Tom Becker — on the timeline"},
		{journey.ActionSent, "handed to the mail server by an attempt that stopped before its answer came; not sent again", "check your Sent folder"},
		{journey.ActionFailed, "mail server refused the message: 550 mailbox unavailable", "Not sent to Tom Becker: mail server refused the message: 550 mailbox unavailable"},
	} {
		e := *email
		e.LastError = tc.note
		blocks := actionBlocks(action(tc.state), fixedNow, sendState{Mailing: true, Email: &e, By: "U0REP1", Loc: ny})
		validBlocks(t, blocks, "message")
		raw, _ := json.Marshal(blocks)
		text := strings.Join(mrkdwnTexts(raw), "\n")
		if !strings.Contains(text, tc.want) {
			t.Errorf("%s (%s): want %q in\n%s", tc.state, tc.note, tc.want, text)
		}
		if tc.state == journey.ActionFailed {
			golden(t, "action_failed_mailing", blocks)
		}
	}
}

func TestHelpAndPickGolden(t *testing.T) {
	t.Parallel()
	help := ephemeral("Journey help", section(usageText))
	validBlocks(t, help.Blocks.BlockSet, "message")
	golden(t, "help", help)
	pick := pickMessage(`No account matches "acm". Did you mean:`, []journey.NamedRef{{ID: "acc-1", Name: "Acme Corp"}, {ID: "acc-2", Name: "Acme Widgets"}})
	validBlocks(t, pick.Blocks.BlockSet, "message")
	golden(t, "pick", pick)
}

func TestAccountRowsGolden(t *testing.T) {
	t.Parallel()
	def, data := acme()
	card := journey.BuildCard(def, data, fixedNow)
	rows := accountRows([]rankedAccount{{Data: data, Position: card.Position, Health: card.Health, Priority: card.Priority}}, 10)
	validBlocks(t, rows, "home")
	golden(t, "account_rows", rows)
}

// TestHugeCardFitsSlack: 200 events, 40 contacts, 60 changes, 30 promises.
func TestHugeCardFitsSlack(t *testing.T) {
	t.Parallel()
	def, data := acme()
	personas := []string{"exec", "revops", "cs_lead", "it", "end_user", "finance", "legal", "procurement"}
	for i := 0; i < 40; i++ {
		data.Contacts = append(data.Contacts, journey.Contact{ID: fmt.Sprintf("kx-%d", i), Name: fmt.Sprintf("Contact %d with a rather long name", i),
			Persona: personas[i%len(personas)], BuyingRole: journey.BuyerInfluencer})
	}
	for i := 0; i < 200; i++ {
		data.Events = append(data.Events, journey.Event{ID: fmt.Sprintf("ex-%d", i), Kind: "message", At: ago(i % 90),
			ContactID: fmt.Sprintf("kx-%d", i%40), Direction: journey.SideCustomer, Summary: strings.Repeat("A long message about the rollout. ", 20)})
	}
	for i := 0; i < 60; i++ {
		data.Changes = append(data.Changes, journey.Change{ID: fmt.Sprintf("chx-%d", i), Field: "amount", Old: "1", New: "2", At: ago(i)})
	}
	for i := 0; i < 30; i++ {
		data.Commitments = append(data.Commitments, journey.Commitment{ID: fmt.Sprintf("mx-%d", i), Side: journey.SideUs, What: strings.Repeat("promise ", 30),
			DueAt: ago(i + 1), Status: journey.CommitmentOpen})
		data.Waits = append(data.Waits, journey.WaitItem{ID: fmt.Sprintf("wx-%d", i), Waiter: journey.SideCustomer, What: strings.Repeat("thing ", 40), Since: ago(i)})
	}
	data.EventCount = len(data.Events)
	card := journey.BuildCard(def, data, fixedNow)
	var acts []journey.Action
	for i := 0; i < 10; i++ {
		a := action(journey.ActionProposed)
		a.ID = fmt.Sprintf("act-%d", i)
		acts = append(acts, a)
	}
	blocks := cardBlocks(card, cardOptions{Actions: acts, Now: fixedNow})
	validBlocks(t, blocks, "message")
	raw, _ := json.Marshal(blocks)
	if !strings.Contains(string(raw), "more") {
		t.Error("a summarized card should say there is more")
	}
	validBlocks(t, moreBlocks(card), "modal")
}

func TestEscape(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"<!channel> ping": "&lt;!channel&gt; ping",
		"<@U123>":         "&lt;@U123&gt;",
		"*bold*":          "*\u200bbold*\u200b",
		"a & b":           "a &amp; b",
		"Ünïcödé 🚀":       "Ünïcödé 🚀",
	}
	for in, want := range cases {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDigestGoldenAndFitsForFiftyReps(t *testing.T) {
	t.Parallel()
	def, data := acme()
	people := map[string]journey.Person{"p-1": data.Owner}
	data.Account.OwnerID = "p-1"
	data.Changes = append(data.Changes, journey.Change{ID: "ch-2", Field: "stage", Old: "decisionmakerboughtin", New: "contractsent", At: fixedNow.Add(-3 * time.Hour)})
	d := journey.BuildDigest([]journey.Definition{def}, []journey.AccountData{data}, people, fixedNow.Add(-24*time.Hour), fixedNow)
	summary, thread := digestBlocks(d, "")
	validBlocks(t, summary, "message")
	if len(thread) != 0 {
		t.Errorf("a small team needs no thread: %d replies", len(thread))
	}
	golden(t, "digest", summary)
	raw, _ := json.Marshal(summary)
	if !strings.Contains(string(raw), "reason unknown") || !strings.Contains(string(raw), "Success criteria agreed") {
		t.Errorf("digest lacks the unknown reason or the skipped milestone:\n%s", raw)
	}

	// 50 reps, 4 accounts each, every one of them with something to say
	var book []journey.AccountData
	people = map[string]journey.Person{}
	for r := 0; r < 50; r++ {
		rep := journey.Person{ID: fmt.Sprintf("rep-%d", r), Name: fmt.Sprintf("Rep Number %d", r), SlackUserID: fmt.Sprintf("U%04d", r)}
		people[rep.ID] = rep
		for a := 0; a < 4; a++ {
			_, x := acme()
			x.Account.ID, x.Account.Name, x.Account.OwnerID = fmt.Sprintf("acc-%d-%d", r, a), fmt.Sprintf("Account %d-%d with a long name", r, a), rep.ID
			x.Commitments[0].OwnerID = rep.ID
			x.Changes = append(x.Changes, journey.Change{ID: "mv", Field: "stage", Old: "a", New: "b", At: fixedNow.Add(-time.Hour)})
			book = append(book, x)
		}
	}
	d = journey.BuildDigest([]journey.Definition{def}, book, people, fixedNow.Add(-24*time.Hour), fixedNow)
	summary, thread = digestBlocks(d, "")
	validBlocks(t, summary, "message")
	if len(thread) == 0 {
		t.Fatal("a team of 50 should get its details in the thread")
	}
	lines := 0
	for _, msg := range thread {
		validBlocks(t, msg, "message")
		raw, _ := json.Marshal(msg)
		lines += strings.Count(string(raw), "• ")
	}
	if want := len(d.OverdueByRep) + len(d.AtRisk) + len(d.Intervene) + len(d.Moves) + len(d.PipelineByRep); lines != want {
		t.Errorf("the thread should list every entry: %d of %d", lines, want)
	}
}

func TestReplaceActionBlocksKeepsTheRest(t *testing.T) {
	t.Parallel()
	a1, a2 := action(journey.ActionProposed), action(journey.ActionProposed)
	a2.ID = "act-2"
	msg := append([]slack.Block{header("My day")}, actionBlocks(a1, fixedNow, sendState{})...)
	msg = append(msg, actionBlocks(a2, fixedNow, sendState{})...)
	done := a2
	done.State = journey.ActionDone
	out := replaceActionBlocks(msg, done, fixedNow, sendState{})
	raw, _ := json.Marshal(out)
	if !strings.Contains(string(raw), "My day") || !strings.Contains(string(raw), `"buttons_act-1"`) {
		t.Error("the rest of the message must stay")
	}
	if strings.Contains(string(raw), `"buttons_act-2"`) || !strings.Contains(string(raw), "Done") {
		t.Errorf("the done action should show its status instead of buttons:\n%s", raw)
	}
	if got := replaceActionBlocks(nil, done, fixedNow, sendState{}); len(got) == 0 {
		t.Error("with no original, the action's own blocks")
	}
}
