package bench

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/hubspotsim"
	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

// Size of the HubSpot portal the sync benchmark reads.
const (
	hsDeals   = 10000
	hsOwners  = 20
	hsHistory = 4 // stage values per deal: 3 changes each
	hsChanged = 100
)

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// hsMinimumCalls is the fewest calls HubSpot's paging allows for a first
// sync: owners in pages of 500, one property check, every object type
// searched in pages of 200, companies and deals read again with their
// histories 100 at a time, the deals' companies 1,000 at a time (one per
// search page), and one page of each type's archived records (none).
func hsMinimumCalls(deals, owners int) int {
	companies := max(deals/4, 1)
	return ceilDiv(owners, hubspot.OwnersPageSize) + 1 + 3 +
		ceilDiv(companies, hubspot.SearchPageSize) + ceilDiv(companies, hubspot.BatchReadSize) +
		ceilDiv(companies, hubspot.SearchPageSize) +
		ceilDiv(deals, hubspot.SearchPageSize) + ceilDiv(deals, hubspot.BatchReadSize) + ceilDiv(deals, hubspot.SearchPageSize)
}

// BenchmarkHubSpotSync syncs a local HubSpot of 10,000 deals (2,500
// companies and contacts, 20 owners, 3 stage changes per deal) into a fresh
// database, then changes 100 deals and syncs again. It reports the time,
// the HubSpot calls made against the minimum the API's paging allows, and
// what was written. Run it with
//
//	go test -run '^$' -bench HubSpotSync -benchtime 1x ./internal/bench/
func BenchmarkHubSpotSync(b *testing.B) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	for b.Loop() {
		b.StopTimer()
		st := pgtest.NewStore(b)
		sim := hubspotsim.New("pat-bench")
		emails := sim.Generate(hsDeals, hsOwners, hsHistory, now.AddDate(0, -3, 0))
		doc := importer.Document{Workspace: importer.WorkspaceRecord{Name: "Bench", SlackTeamID: "T0HSBENCH"}}
		for i, e := range emails {
			doc.People = append(doc.People, importer.PersonRecord{Name: fmt.Sprintf("Owner %d", i), Email: e, Role: "rep", SlackUserID: fmt.Sprintf("U0HS%03d", i)})
		}
		var ws string
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			rep, err := importer.Import(ctx, tx, &importer.Input{File: "bench.json", Doc: doc}, importer.Options{Builtin: template.Builtin(), Now: now})
			ws = rep.Workspace.ID
			return err
		}); err != nil {
			b.Fatal(err)
		}
		if err := sim.Start("127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = sim.Close() })
		run := func(label string) hubspot.Report {
			sim.ResetCalls()
			c, err := hubspot.NewClient(hubspot.Config{Token: "pat-bench", BaseURL: sim.URL(), CSMProperty: hubspotsim.CSMProperty})
			if err != nil {
				b.Fatal(err)
			}
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			b.StartTimer()
			t0 := time.Now()
			rep, err := (&hubspot.Syncer{Client: c, Store: st, WS: ws, Now: func() time.Time { return now }}).Run(ctx)
			took := time.Since(t0)
			b.StopTimer()
			runtime.ReadMemStats(&m1)
			if err != nil {
				b.Fatalf("%s: %v", label, err)
			}
			per, total := sim.Calls()
			var parts []string
			for k, v := range per {
				parts = append(parts, fmt.Sprintf("%s %d", k, v))
			}
			sort.Strings(parts)
			b.Logf("%s: %s, %d HubSpot calls (%s), %d retries; %d deals read, %d new, %d updated; %d changes, %d questions; %.1f MB allocated",
				label, took.Round(time.Millisecond), total, strings.Join(parts, ", "), rep.Retries, rep.Read["deals"], rep.Created["deals"],
				rep.Updated["deals"], rep.Changes, rep.Prompts, float64(m1.TotalAlloc-m0.TotalAlloc)/(1<<20))
			return rep
		}
		first := run("first sync")
		if first.Calls != hsMinimumCalls(hsDeals, hsOwners) {
			b.Logf("first sync made %d calls; the minimum paging allows is %d", first.Calls, hsMinimumCalls(hsDeals, hsOwners))
		} else {
			b.Logf("first sync made exactly the minimum number of calls paging allows (%d)", first.Calls)
		}
		if first.Changes != hsDeals*(hsHistory-1) {
			b.Fatalf("first sync recorded %d changes, want %d", first.Changes, hsDeals*(hsHistory-1))
		}
		for d := 0; d < hsChanged; d++ {
			if err := sim.Set("deals", fmt.Sprint(200000+d*97), now.Add(-time.Minute), 7000, map[string]string{"dealstage": "closedlost"}); err != nil {
				b.Fatal(err)
			}
		}
		incr := run(fmt.Sprintf("incremental sync (%d deals changed)", hsChanged))
		if incr.Changes != hsChanged {
			b.Fatalf("incremental sync recorded %d changes, want %d", incr.Changes, hsChanged)
		}
		run("incremental sync (nothing changed)")
		b.StartTimer()
	}
}
