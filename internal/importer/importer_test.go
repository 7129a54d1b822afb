package importer_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func read(t *testing.T, file string) *importer.Input {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	in, err := importer.Read(file, data, "")
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	return in
}

func doImport(t *testing.T, s *store.Store, ins ...*importer.Input) ([]importer.Report, error) {
	t.Helper()
	var reps []importer.Report
	err := s.InTx(context.Background(), func(tx *store.Tx) error {
		for _, in := range ins {
			rep, err := importer.Import(context.Background(), tx, in, importer.Options{Builtin: template.Builtin(), Now: now,
				Workspace: importer.WorkspaceRecord{Name: "Test Co", SlackTeamID: "T0TEST"}})
			if err != nil {
				return err
			}
			reps = append(reps, rep)
		}
		return nil
	})
	return reps, err
}

// counts returns the number of rows in every table that imports write.
func counts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"workspaces", "people", "accounts", "contacts", "deals", "timeline_events", "milestone_completions",
		"property_changes", "commitments", "waiting_items", "journey_definitions"} {
		var n int
		if err := s.Pool().QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestImportIsIdempotentAndTracksChanges(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t)
	ctx := context.Background()
	reps, err := doImport(t, s, read(t, "book.json"))
	if err != nil {
		t.Fatal(err)
	}
	rep := reps[0]
	if rep.Created["accounts"] != 2 || rep.Created["deals"] != 2 || rep.Created["events"] != 2 || rep.Created["people"] != 3 ||
		rep.Created["completions"] != 2 || rep.Created["commitments"] != 1 || rep.Created["waiting_on"] != 1 || rep.Created["changes"] != 1 {
		t.Errorf("first import report:\n%s", rep)
	}
	first := counts(t, s)
	if first["journey_definitions"] != 3 {
		t.Errorf("the built-in journeys should be installed once: %d", first["journey_definitions"])
	}

	reps, err = doImport(t, s, read(t, "book.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c, u := reps[0].Total(); c != 0 || u != 0 || reps[0].Changes != 0 {
		t.Errorf("re-import changed something: %d created, %d updated\n%s", c, u, reps[0])
	}
	if second := counts(t, s); !equal(first, second) {
		t.Errorf("re-import changed row counts:\n%v\n%v", first, second)
	}

	// Change two fields of one deal and the manager of a person.
	data, _ := os.ReadFile("testdata/book.json")
	changed := strings.Replace(string(data), `"amount": 48000, "stage": "contractsent"`, `"amount": 52000, "stage": "decisionmakerboughtin"`, 1)
	in, err := importer.Read("book-v2.json", []byte(changed), "")
	if err != nil {
		t.Fatal(err)
	}
	reps, err = doImport(t, s, in)
	if err != nil {
		t.Fatal(err)
	}
	if reps[0].Updated["deals"] != 1 || reps[0].Changes != 2 {
		t.Errorf("changed import report:\n%s", reps[0])
	}
	ws, _ := s.Workspace(ctx, "T0TEST")
	refs, _ := s.AccountRefs(ctx, ws.ID)
	acme := journey.Match(refs, "acme")[0]
	acct, err := s.LoadAccount(ctx, ws.ID, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]journey.Change{}
	for _, c := range acct.Changes {
		if c.Source == importer.Source {
			found[c.Field] = c
		}
	}
	if c := found["stage"]; c.Old != "contractsent" || c.New != "decisionmakerboughtin" || c.Entity != "deal" || !strings.Contains(c.ActorName, "book-v2.json") {
		t.Errorf("stage change = %+v", c)
	}
	if c := found["amount"]; c.Old != "48000.00" || c.New != "52000.00" {
		t.Errorf("amount change = %+v", c)
	}
	if acct.Deals[0].Stage != "decisionmakerboughtin" || acct.Deals[0].AmountCents != 5_200_000 {
		t.Errorf("deal not updated: %+v", acct.Deals[0])
	}
}

func equal(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestBadFileChangesNothingAndNamesEveryProblem(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t)
	if _, err := doImport(t, s, read(t, "book.json")); err != nil {
		t.Fatal(err)
	}
	before := counts(t, s)
	_, err := doImport(t, s, read(t, "bad.json"))
	var ie *importer.Error
	if !errors.As(err, &ie) {
		t.Fatalf("want *importer.Error, got %v", err)
	}
	msg := ie.Error()
	for _, want := range []string{
		"bad.json:3: people[0]: needs an email or a slack_user_id",
		`bad.json:4: people[1].role: "wizard" is not a role`,
		`bad.json:7: accounts[0].renewal_date: "next year" is not a date`,
		`bad.json:7: accounts[0].currency: "DOLLARS" is not an ISO 4217 currency`,
		"bad.json:8: accounts[1].external_id: is required",
		`bad.json:11: deals[0].account: no account with external_id "acc-404"`,
		`bad.json:11: deals[0].kind: "barter" is not a deal kind`,
		"nothing was imported",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	if after := counts(t, s); !equal(before, after) {
		t.Errorf("a failed import changed rows:\n%v\n%v", before, after)
	}
}

func TestSyntaxErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, data, want string
	}{
		{"truncated", "{\n  \"accounts\": [\n    {\"external_id\": \"a\"", "f.json:3: (syntax): the file ends in the middle"},
		{"syntax", "{\n  \"accounts\": [\n    {\"external_id\": \"a\",, }\n  ]\n}", "f.json:3: (syntax): invalid character"},
		{"type", "{\n  \"accounts\": [\n    {\"external_id\": \"a\", \"arr\": \"lots\"}\n  ]\n}", "f.json:3: accounts.arr: expected a number, found a JSON string"},
		{"unknown field", "{\"acounts\": []}", `acounts: unknown field`},
		{"empty", "", "the file is empty"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importer.Read("f.json", []byte(tt.data), "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCSVImport(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t)
	if _, err := doImport(t, s, read(t, "book.json"), read(t, "accounts.csv")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ws, _ := s.Workspace(ctx, "T0TEST")
	refs, _ := s.AccountRefs(ctx, ws.ID)
	m := journey.Match(refs, "initech")
	if len(m) != 1 {
		t.Fatalf("initech not imported: %v", refs)
	}
	acct, _ := s.LoadAccount(ctx, ws.ID, m[0].ID)
	if acct.Account.ARRCents != 5_200_000 || acct.Account.Segment != "mid_market" || acct.Account.RenewalDate.Format("2006-01-02") != "2027-03-01" {
		t.Errorf("CSV account = %+v", acct.Account)
	}

	before := counts(t, s)
	_, err := doImport(t, s, read(t, "contacts_bad.csv"))
	if err == nil || !strings.Contains(err.Error(), `contacts_bad.csv:3: contacts[1].buying_role: "overlord" is not a buying role`) {
		t.Errorf("bad CSV: %v", err)
	}
	if after := counts(t, s); !equal(before, after) {
		t.Errorf("a failed CSV import changed rows")
	}
	if _, err := importer.Read("x.csv", []byte("external_id,nmae\n1,x\n"), ""); err == nil || !strings.Contains(err.Error(), `x.csv:1: nmae: unknown column for accounts`) {
		t.Errorf("unknown column: %v", err)
	}
}
