package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/store"
)

// TestCSVImportAsksWhyLikeTheSync: a deal re-imported from CSV that moved
// backwards and had its close date pushed asks its owner why, as a HubSpot
// sync would (the close date moves three months past today, well after
// the sample's); importing the same file again asks nothing more.
func TestCSVImportAsksWhyLikeTheSync(t *testing.T) {
	t.Parallel()
	b := newBot(t)
	if out := b.ok("import", "--sample"); strings.Contains(out, "questions") {
		// the sample's own recent changes without a reason may be asked about; that is fine
		t.Logf("sample: %s", out)
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "deals.csv")
	if err := os.WriteFile(csv, []byte("external_id,account,name,kind,amount,stage,close_date,owner,source\n"+
		"hs-deal-1001,hs-company-2001,Acme Corp — Platform (60 seats),new,48000,presentationscheduled,"+
		b.now.AddDate(0, 3, 0).Format(time.DateOnly)+",maya.patel@sample.example,hubspot\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := b.ok("import", csv)
	if !strings.Contains(out, "questions about changes queued") {
		t.Errorf("import output:\n%s", out)
	}
	s, err := store.Open(context.Background(), b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM change_prompts p JOIN property_changes c ON c.id = p.change_id
		JOIN people pe ON pe.id = p.person_id
		WHERE p.kind = 'reason' AND pe.slack_user_id = 'U0REP1' AND c.source = 'import' AND c.field IN ('stage', 'close_date')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("want Maya asked about the stage moved back and the close date pushed, got %d questions", n)
	}
	if again := b.ok("import", csv); strings.Contains(again, "questions") {
		t.Errorf("re-importing the same file should ask nothing:\n%s", again)
	}
}
