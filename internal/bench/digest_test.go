package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/slackapp"
	"github.com/journeyhq/journey/internal/slacksim"
	"github.com/journeyhq/journey/internal/store"
)

// goalDigests is the project's goal for every manager's digest; reported
// against, never failed on.
const goalDigests = 10 * time.Second

// nudgeTop is how many actions the morning DM shows (slackapp's homeActions).
const nudgeTop = 5

// Slack's Block Kit limits for a message (shared/ext/slack-block-kit/block-kit-limits.json).
const (
	limitMessageBlocks = 50
	limitText          = 3000 // a text object, and a section's text
	limitHeader        = 150
	limitButtonText    = 75
	limitButtonValue   = 2000
	limitID            = 255 // block_id, action_id
)

// BenchmarkTeams loads the TeamConfig data set (50 managers, 1,000 reps,
// 200 CSMs, 10,000 accounts, 20,000 deals, 1,000,000 events) into a fresh
// database once, then runs:
//
//   - digest: every manager's morning digest as slackapp.PostDigest makes
//     it (the people, the team's book in one read through
//     store.LoadBookOfTeam, the definitions; journey.BuildDigest; the Block Kit of the first
//     message and its thread replies), one manager after another; every
//     message is checked against Slack's limits (slacksim.ValidateBlocks and
//     the lengths in block-kit-limits.json) and the benchmark fails if one
//     does not fit.
//   - nudges: every rep's morning actions as the morning DM makes them
//     (store.LoadBookOf, journey.BuildCard and journey.SuggestActions per
//     account, store.ProposeActions, store.ActionsFor, journey.RankActions,
//     the top 5), one rep after another: first on a morning when nothing
//     was proposed yet, then again the next morning with nothing changed.
//
// Run it with
//
//	go test -run '^$' -bench BenchmarkTeams -benchtime 1x -timeout 60m ./internal/bench/
func BenchmarkTeams(b *testing.B) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	cfg := TeamConfig(now)
	sb := loadConfig(ctx, b, cfg)
	st, ws, sum := sb.st, sb.ws, sb.sum
	machine := fmt.Sprintf("%d CPUs, %s/%s, %s, PostgreSQL %s (shared_buffers %s)",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), sb.serverVersion, sb.sharedBuffers)
	setup := []string{
		"machine: " + machine,
		fmt.Sprintf("data: %d managers, %d reps, %d CSMs; %d accounts, %d contacts, %d deals, %d events, %d commitments, %d waiting items, "+
			"%d property changes; generated and loaded in %s (+ VACUUM ANALYZE %s)",
			cfg.Managers, cfg.Reps, cfg.CSMs, sum.Rows["accounts"], sum.Rows["contacts"], sum.Rows["deals"], sum.Rows["timeline_events"],
			sum.Rows["commitments"], sum.Rows["waiting_items"], sum.Rows["property_changes"],
			sb.loaded.Round(time.Millisecond), sb.analyzed.Round(time.Millisecond)),
	}
	logSetup := func(b *testing.B) {
		for _, l := range setup {
			b.Logf("%s", l)
		}
		setup = nil
		b.Logf("load average before %s: %s", b.Name(), loadAverage())
	}

	// A second pool on the same database whose tracer counts what the store sends.
	var counter queryCounter
	pcfg := st.Pool().Config()
	pcfg.ConnConfig.Tracer = &counter
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		b.Fatalf("traced pool: %v", err)
	}
	b.Cleanup(pool.Close)
	ts := store.New(pool)

	people, err := ts.People(ctx, ws.ID)
	if err != nil {
		b.Fatalf("people: %v", err)
	}
	var managers, reps []journey.Person
	for _, p := range people {
		switch p.Role {
		case journey.RoleManager:
			managers = append(managers, p)
		case journey.RoleRep:
			reps = append(reps, p)
		}
	}
	if len(managers) != cfg.Managers || len(reps) != cfg.Reps {
		b.Fatalf("%d managers and %d reps in the database, want %d and %d", len(managers), len(reps), cfg.Managers, cfg.Reps)
	}
	// Warm up: open the pool's connections and prepare the statements on a
	// few books, as a running bot would have.
	for _, p := range reps[:10] {
		if _, err := ts.LoadBookOf(ctx, ws.ID, p.ID, now); err != nil {
			b.Fatalf("warm up: %v", err)
		}
	}

	var summary []string
	perManager := map[string]journey.Digest{}
	since := now.Add(-24 * time.Hour)
	day := now.Format("Mon Jan 2")
	b.Run("digest", func(b *testing.B) {
		logSetup(b)
		var runs []digestRun
		var total time.Duration
		var used counts
		for b.Loop() {
			runs = runs[:0]
			before := counter.snapshot()
			t0 := time.Now()
			for _, m := range managers {
				r, err := teamDigest(ctx, ts, ws.ID, m, since, now, day)
				if err != nil {
					b.Fatalf("digest of %s: %v", m.Name, err)
				}
				runs = append(runs, r)
			}
			total = time.Since(t0)
			used = counter.snapshot().minus(before)
		}

		// Check every message against Slack's limits, outside the timing.
		var fit messageFit
		var members, accounts, overdue, atRisk, intervene, moves, unknown, pipeline, emptyDigests int
		for _, r := range runs {
			fit.check(b, r.manager.Name+" summary", r.summary)
			for i, part := range r.thread {
				fit.check(b, fmt.Sprintf("%s thread reply %d", r.manager.Name, i+1), part)
			}
			members += r.members
			accounts += r.accounts
			d := r.digest
			perManager[r.manager.ID] = d
			overdue += len(d.OverdueByRep)
			atRisk += len(d.AtRisk)
			intervene += len(d.Intervene)
			moves += len(d.Moves)
			for _, m := range d.Moves {
				if m.Reason == "" {
					unknown++
				}
			}
			pipeline += len(d.PipelineByRep)
			if len(d.OverdueByRep)+len(d.AtRisk)+len(d.Intervene)+len(d.Moves)+len(d.PipelineByRep) == 0 {
				emptyDigests++
			}
		}
		if emptyDigests > 0 {
			b.Errorf("%d of %d digests have nothing in them: the data set does not exercise the digest", emptyDigests, len(runs))
		}
		if members != cfg.Reps+cfg.CSMs {
			b.Errorf("the digests cover %d team members, want every rep and CSM (%d)", members, cfg.Reps+cfg.CSMs)
		}

		dur := func(f func(digestRun) time.Duration) (sum time.Duration) {
			for _, r := range runs {
				sum += f(r)
			}
			return sum
		}
		load, build, render := dur(func(r digestRun) time.Duration { return r.load }), dur(func(r digestRun) time.Duration { return r.build }),
			dur(func(r digestRun) time.Duration { return r.render })
		each := func(r digestRun) time.Duration { return r.load + r.build + r.render }
		p50, p95, pmax := pct(runs, each, 50), pct(runs, each, 95), pct(runs, each, 100)
		n := float64(len(runs))
		queries := float64(used.queries+used.batchQueries-used.txControl) / n
		b.ReportMetric(total.Seconds(), "total-s")
		b.ReportMetric(load.Seconds(), "load-s")
		b.ReportMetric(build.Seconds(), "build-s")
		b.ReportMetric(render.Seconds(), "render-s")
		b.ReportMetric(ms(p50), "digest-p50-ms")
		b.ReportMetric(ms(p95), "digest-p95-ms")
		b.ReportMetric(queries, "queries/digest")
		b.ReportMetric(float64(fit.messages), "messages")
		b.ReportMetric(float64(fit.maxBlocks), "max-blocks")
		b.ReportMetric(float64(fit.maxText), "max-text-chars")

		line := fmt.Sprintf("digest (%d managers, %d team members, %d accounts read): total %.2f s [load %.2f s, build %.2f s, render %.3f s]; "+
			"per digest p50 %.0f ms, p95 %.0f ms, max %.0f ms; %.0f queries + %.0f BEGIN/ROLLBACK per digest; goal < %s: %s",
			len(runs), members, accounts, total.Seconds(), load.Seconds(), build.Seconds(), render.Seconds(), ms(p50), ms(p95), ms(pmax),
			queries, float64(used.txControl)/n, goalDigests, verdict(total < goalDigests))
		content := fmt.Sprintf("digest content per manager (mean): %.1f reps with overdue promises, %.1f deals at risk, %.1f need intervention, "+
			"%.1f stage moves since yesterday (%d of %d with reason unknown), %.1f reps with pipeline at risk; %d digests empty",
			float64(overdue)/n, float64(atRisk)/n, float64(intervene)/n, float64(moves)/n, unknown, moves, float64(pipeline)/n, emptyDigests)
		limits := fmt.Sprintf("Slack limits: %d messages (%d first messages + %d thread replies), all valid (slacksim.ValidateBlocks); "+
			"most blocks in a message %d (limit %d), longest text %d chars (limit %d), longest header %d (limit %d), "+
			"longest button label %d (limit %d), longest button value %d (limit %d), longest block/action id %d (limit %d)",
			fit.messages, len(runs), fit.messages-len(runs), fit.maxBlocks, limitMessageBlocks, fit.maxText, limitText, fit.maxHeader, limitHeader,
			fit.maxButtonText, limitButtonText, fit.maxButtonValue, limitButtonValue, fit.maxID, limitID)
		b.Logf("%s", line)
		b.Logf("%s", content)
		b.Logf("%s", limits)
		summary = append(summary, line, content, limits)
	})

	// As the bot makes them: each digest is its own job, and the runner works
	// jobs.Config's default 8 at once, so digests due at the same time are
	// made side by side.
	b.Run("digest-jobs", func(b *testing.B) {
		logSetup(b)
		const workers = 8
		var total time.Duration
		runs := make([]digestRun, len(managers))
		for b.Loop() {
			t0 := time.Now()
			next := make(chan int)
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						r, err := teamDigest(ctx, ts, ws.ID, managers[i], since, now, day)
						if err != nil {
							errs <- fmt.Errorf("digest of %s: %w", managers[i].Name, err)
							return
						}
						runs[i] = r
					}
				}()
			}
			for i := range managers {
				next <- i
			}
			close(next)
			wg.Wait()
			total = time.Since(t0)
			close(errs)
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		for _, r := range runs {
			if want, ok := perManager[r.manager.ID]; ok && digestShape(r.digest) != digestShape(want) {
				b.Errorf("%s: the digest made as a job differs from the one made alone", r.manager.Name)
			}
		}
		each := func(r digestRun) time.Duration { return r.load + r.build + r.render }
		p50, p95 := pct(runs, each, 50), pct(runs, each, 95)
		b.ReportMetric(total.Seconds(), "total-s")
		b.ReportMetric(ms(p50), "digest-p50-ms")
		b.ReportMetric(ms(p95), "digest-p95-ms")
		line := fmt.Sprintf("digest as jobs (%d managers, %d at once, as the job runner works them): total %.2f s; per digest p50 %.0f ms, p95 %.0f ms; goal < %s: %s",
			len(runs), workers, total.Seconds(), ms(p50), ms(p95), goalDigests, verdict(total < goalDigests))
		b.Logf("%s", line)
		summary = append(summary, line)
	})

	b.Run("digest-one-read", func(b *testing.B) {
		logSetup(b)
		var load, build, render, total time.Duration
		var fit messageFit
		var accounts int
		digests := map[string]journey.Digest{}
		for b.Loop() {
			load, build, render, accounts = 0, 0, 0, 0
			t0 := time.Now()
			people, err := ts.People(ctx, ws.ID)
			if err != nil {
				b.Fatalf("people: %v", err)
			}
			defs, err := ts.Definitions(ctx, ws.ID)
			if err != nil {
				b.Fatalf("definitions: %v", err)
			}
			book, err := ts.LoadBook(ctx, ws.ID, now)
			if err != nil {
				b.Fatalf("load book: %v", err)
			}
			t1 := time.Now()
			load = t1.Sub(t0)
			// Each team's book: the accounts its reps own or its CSMs manage.
			byID := make(map[string]journey.Person, len(people))
			managerOf := map[string]string{}
			for _, p := range people {
				byID[p.ID] = p
				if p.Role == journey.RoleRep || p.Role == journey.RoleCSM {
					managerOf[p.ID] = p.ManagerID
				}
			}
			teams := map[string][]journey.AccountData{}
			for _, d := range book {
				m1, m2 := managerOf[d.Account.OwnerID], managerOf[d.Account.CSMID]
				if m1 != "" {
					teams[m1] = append(teams[m1], d)
				}
				if m2 != "" && m2 != m1 {
					teams[m2] = append(teams[m2], d)
				}
			}
			for _, m := range managers {
				t2 := time.Now()
				accounts += len(teams[m.ID])
				d := journey.BuildDigest(defs, teams[m.ID], byID, since, now)
				t3 := time.Now()
				s, th := slackapp.DigestMessages(d, day)
				t4 := time.Now()
				build += t3.Sub(t2)
				render += t4.Sub(t3)
				digests[m.ID] = d
				fit.check(b, m.Name+" summary", s)
				for i, part := range th {
					fit.check(b, fmt.Sprintf("%s thread reply %d", m.Name, i+1), part)
				}
			}
			build = time.Since(t1) - render // with the partition into teams
			total = load + build + render
		}
		// The same digests as one manager at a time.
		for _, m := range managers {
			want, ok := perManager[m.ID]
			if !ok {
				break // the digest sub-benchmark did not run
			}
			got := digests[m.ID]
			if a, b2 := digestShape(got), digestShape(want); a != b2 {
				b.Errorf("%s: one read gives %s, one manager at a time %s", m.Name, a, b2)
			}
		}
		b.ReportMetric(total.Seconds(), "total-s")
		b.ReportMetric(load.Seconds(), "load-s")
		b.ReportMetric(build.Seconds(), "build-s")
		line := fmt.Sprintf("digest from one book read (%d managers, %d team accounts): total %.2f s [store.LoadBook + people + definitions %.2f s, "+
			"teams + BuildDigest %.2f s, render %.3f s]; %d messages, all valid; same digests as one manager at a time; goal < %s: %s",
			len(managers), accounts, total.Seconds(), load.Seconds(), build.Seconds(), render.Seconds(), fit.messages, goalDigests, verdict(total < goalDigests))
		b.Logf("%s", line)
		summary = append(summary, line)
	})

	b.Run("nudges", func(b *testing.B) {
		logSetup(b)
		var first []nudgeRun
		var firstTotal time.Duration
		for b.Loop() {
			first = first[:0]
			t0 := time.Now()
			for _, p := range reps {
				r, err := repNudge(ctx, ts, ws.ID, p, now)
				if err != nil {
					b.Fatalf("nudge of %s: %v", p.Name, err)
				}
				first = append(first, r)
			}
			firstTotal = time.Since(t0)
		}
		// The next morning, nothing changed: every suggestion is already
		// stored, so nothing new is proposed and the DM reads the same.
		var next []nudgeRun
		t0 := time.Now()
		for _, p := range reps {
			r, err := repNudge(ctx, ts, ws.ID, p, now)
			if err != nil {
				b.Fatalf("second nudge of %s: %v", p.Name, err)
			}
			next = append(next, r)
		}
		nextTotal := time.Since(t0)

		var proposed, again, withActions, three, top5, changed int
		for i, r := range first {
			proposed += r.proposed
			again += next[i].proposed
			if r.open > 0 {
				withActions++
			}
			if len(r.top) >= 3 {
				three++
			}
			top5 += len(r.top)
			// The only change allowed the next morning: actions on accounts
			// outside the rep's book (a deal they own on someone else's
			// account), proposed by that owner's run after this rep's.
			if !slices.Equal(r.top, next[i].top) {
				changed++
				for _, k := range next[i].top {
					if acct, _, _ := strings.Cut(k, " "); !slices.Contains(r.top, k) && r.accounts[acct] {
						b.Errorf("%s's top actions changed the next morning with nothing changed on their accounts: %v, then %v", reps[i].Name, r.top, next[i].top)
					}
				}
			}
		}
		if again != 0 {
			b.Errorf("the second morning proposed %d new actions; want none (nothing changed)", again)
		}
		if withActions == 0 {
			b.Errorf("no rep got an action: the data set does not exercise the nudges")
		}
		each := func(r nudgeRun) time.Duration { return r.total() }
		p50, p95, pmax := pct(first, each, 50), pct(first, each, 95), pct(first, each, 100)
		np50, np95 := pct(next, each, 50), pct(next, each, 95)
		part := func(rs []nudgeRun, f func(nudgeRun) time.Duration) (sum time.Duration) {
			for _, r := range rs {
				sum += f(r)
			}
			return sum
		}
		load, derive := part(first, func(r nudgeRun) time.Duration { return r.load }), part(first, func(r nudgeRun) time.Duration { return r.derive })
		propose, rank := part(first, func(r nudgeRun) time.Duration { return r.propose }), part(first, func(r nudgeRun) time.Duration { return r.rank })
		b.ReportMetric(firstTotal.Seconds(), "total-s")
		b.ReportMetric(ms(p50), "rep-p50-ms")
		b.ReportMetric(ms(p95), "rep-p95-ms")
		b.ReportMetric(nextTotal.Seconds(), "next-total-s")
		b.ReportMetric(ms(np95), "next-rep-p95-ms")
		b.ReportMetric(float64(proposed), "actions")

		line := fmt.Sprintf("nudges (%d reps, first morning): total %.2f s [load %.2f s, cards+suggest %.2f s, propose %.2f s, actions+rank %.2f s]; "+
			"per rep p50 %.1f ms, p95 %.1f ms, max %.1f ms; %d actions proposed, %d reps with open actions, %d with 3 or more, %.1f shown per rep (top %d)",
			len(first), firstTotal.Seconds(), load.Seconds(), derive.Seconds(), propose.Seconds(), rank.Seconds(), ms(p50), ms(p95), ms(pmax),
			proposed, withActions, three, float64(top5)/float64(len(first)), nudgeTop)
		nextLine := fmt.Sprintf("nudges (next morning, nothing changed): total %.2f s, per rep p50 %.1f ms, p95 %.1f ms; %d new actions proposed; "+
			"%d reps' top %d changed, each only by an action on a deal they own on another rep's account (proposed when that rep's book ran)",
			nextTotal.Seconds(), ms(np50), ms(np95), again, changed, nudgeTop)
		b.Logf("%s", line)
		b.Logf("%s", nextLine)
		summary = append(summary, line, nextLine)
		b.Logf("summary\n  machine: %s\n  %s", machine, strings.Join(summary, "\n  "))
	})
}

// loadAverage is the machine's load average (1, 5, 15 minutes), which
// other work on the machine raises; "" where the system does not say.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(raw))
	return strings.Join(f[:min(3, len(f))], " ")
}

// digestShape sums up a digest for comparing two ways of making it.
func digestShape(d journey.Digest) string {
	var risk int64
	for _, p := range d.PipelineByRep {
		risk += p.AtRiskCents
	}
	return fmt.Sprintf("%d overdue reps, %d at risk, %d to intervene, %d moves, %d pipelines (%d cents at risk)",
		len(d.OverdueByRep), len(d.AtRisk), len(d.Intervene), len(d.Moves), len(d.PipelineByRep), risk)
}

// digestRun is one manager's digest, timed.
type digestRun struct {
	manager             journey.Person
	members, accounts   int
	load, build, render time.Duration
	digest              journey.Digest
	summary             []slack.Block
	thread              [][]slack.Block
}

// teamDigest makes a manager's digest the way slackapp.PostDigest does,
// without posting it: the people, the book of the reps and CSMs reporting
// to the manager in one read (store.LoadBookOfTeam), the definitions; then
// journey.BuildDigest and the Block Kit messages.
func teamDigest(ctx context.Context, st *store.Store, ws string, manager journey.Person, since, now time.Time, day string) (digestRun, error) {
	r := digestRun{manager: manager}
	t0 := time.Now()
	people, err := st.People(ctx, ws)
	if err != nil {
		return r, err
	}
	byID := map[string]journey.Person{}
	var members []string
	for _, p := range people {
		byID[p.ID] = p
		if p.ManagerID == manager.ID && (p.Role == journey.RoleRep || p.Role == journey.RoleCSM) {
			members = append(members, p.ID)
		}
	}
	r.members = len(members)
	book, err := st.LoadBookOfTeam(ctx, ws, members, now)
	if err != nil {
		return r, err
	}
	defs, err := st.Definitions(ctx, ws)
	if err != nil {
		return r, err
	}
	r.accounts = len(book)
	t1 := time.Now()
	r.digest = journey.BuildDigest(defs, book, byID, since, now)
	t2 := time.Now()
	r.summary, r.thread = slackapp.DigestMessages(r.digest, day)
	t3 := time.Now()
	r.load, r.build, r.render = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2)
	return r, nil
}

// nudgeRun is one rep's morning actions, timed.
type nudgeRun struct {
	load, derive, propose, rank time.Duration
	proposed, open              int
	top                         []string        // idempotency keys of the actions shown
	accounts                    map[string]bool // the rep's book
}

func (r nudgeRun) total() time.Duration { return r.load + r.derive + r.propose + r.rank }

// repNudge makes a rep's morning actions the way the morning DM
// (slackapp.SendNudge) does, without sending them: the rep's book, a card
// and suggestions per account, the new suggestions stored, the rep's open
// actions ranked by their accounts' priority, the top nudgeTop kept.
func repNudge(ctx context.Context, st *store.Store, ws string, rep journey.Person, now time.Time) (nudgeRun, error) {
	var r nudgeRun
	t0 := time.Now()
	defs, err := st.Definitions(ctx, ws)
	if err != nil {
		return r, err
	}
	book, err := st.LoadBookOf(ctx, ws, rep.ID, now)
	if err != nil {
		return r, err
	}
	t1 := time.Now()
	r.accounts = make(map[string]bool, len(book))
	var ps []journey.Priority
	var suggested []journey.Action
	for _, data := range book {
		r.accounts[data.Account.ID] = true
		def, ok := journey.ForSegment(defs, data.Account.Segment)
		if !ok {
			continue
		}
		card := journey.BuildCard(def, data, now)
		ps = append(ps, card.Priority)
		suggested = append(suggested, journey.SuggestActions(def, data, card, now)...)
	}
	t2 := time.Now()
	ids, err := st.ProposeActions(ctx, ws, suggested)
	if err != nil {
		return r, err
	}
	r.proposed = len(ids)
	t3 := time.Now()
	journey.RankAccounts(ps)
	prio := make(map[string]journey.Priority, len(ps))
	for _, p := range ps {
		prio[p.AccountID] = p
	}
	actions, err := st.ActionsFor(ctx, ws, rep.ID, now)
	if err != nil {
		return r, err
	}
	ranked := journey.RankActions(actions, prio, now)
	r.open = len(ranked)
	for _, ra := range ranked[:min(nudgeTop, len(ranked))] {
		r.top = append(r.top, ra.Action.AccountID+" "+ra.Action.IdempotencyKey)
	}
	t4 := time.Now()
	r.load, r.derive, r.propose, r.rank = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3)
	return r, nil
}

// messageFit checks Block Kit messages against Slack's limits and keeps
// the largest values seen.
type messageFit struct {
	messages                                                            int
	maxBlocks, maxText, maxHeader, maxButtonText, maxButtonValue, maxID int
}

// check validates one message's blocks and fails b when they do not fit.
func (f *messageFit) check(b *testing.B, what string, blocks []slack.Block) {
	b.Helper()
	f.messages++
	raw, err := json.Marshal(blocks)
	if err != nil {
		b.Fatalf("%s: marshal blocks: %v", what, err)
	}
	if problems := slacksim.ValidateBlocks(raw); len(problems) > 0 {
		b.Errorf("%s does not fit Slack: %s", what, strings.Join(problems, "; "))
	}
	var tree []any
	if err := json.Unmarshal(raw, &tree); err != nil {
		b.Fatalf("%s: %v", what, err)
	}
	f.maxBlocks = max(f.maxBlocks, len(tree))
	if len(tree) > limitMessageBlocks {
		b.Errorf("%s has %d blocks; Slack takes %d", what, len(tree), limitMessageBlocks)
	}
	over := func(kind string, n, limit int) {
		if n > limit {
			b.Errorf("%s: a %s of %d characters; Slack takes %d", what, kind, n, limit)
		}
	}
	var walk func(v any, parent string)
	walk = func(v any, parent string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, parent)
			}
		case map[string]any:
			typ, _ := x["type"].(string)
			for _, k := range []string{"block_id", "action_id"} {
				if s, ok := x[k].(string); ok {
					f.maxID = max(f.maxID, utf8.RuneCountInString(s))
					over(k, utf8.RuneCountInString(s), limitID)
				}
			}
			if typ == "button" {
				if s, ok := x["value"].(string); ok {
					f.maxButtonValue = max(f.maxButtonValue, utf8.RuneCountInString(s))
					over("button value", utf8.RuneCountInString(s), limitButtonValue)
				}
			}
			if s, ok := x["text"].(string); ok && (typ == "plain_text" || typ == "mrkdwn") {
				n := utf8.RuneCountInString(s)
				f.maxText = max(f.maxText, n)
				over("text", n, limitText)
				switch parent {
				case "header":
					f.maxHeader = max(f.maxHeader, n)
					over("header", n, limitHeader)
				case "button":
					f.maxButtonText = max(f.maxButtonText, n)
					over("button label", n, limitButtonText)
				}
			}
			for k, e := range x {
				if k == "type" {
					continue
				}
				walk(e, typ)
			}
		}
	}
	walk(tree, "")
}

// loadConfig loads the book of cfg into a fresh database and vacuums it,
// timing both; every benchmark here loads its data with it.
func loadConfig(ctx context.Context, b *testing.B, cfg Config) scaleBook {
	b.Helper()
	sb := scaleBook{st: pgtest.NewStore(b)}
	st := sb.st
	if err := st.Pool().QueryRow(ctx, `SHOW server_version`).Scan(&sb.serverVersion); err != nil {
		b.Fatal(err)
	}
	if err := st.Pool().QueryRow(ctx, `SHOW shared_buffers`).Scan(&sb.sharedBuffers); err != nil {
		b.Fatal(err)
	}
	ws, err := Setup(ctx, st)
	if err != nil {
		b.Fatalf("setup: %v", err)
	}
	sb.ws = ws
	start := time.Now()
	if sb.sum, err = Load(ctx, st, cfg, ws.ID); err != nil {
		b.Fatalf("load: %v", err)
	}
	sb.loaded = time.Since(start)
	// VACUUM as well as ANALYZE: freshly copied pages have no hint bits and no
	// visibility map, so without it the first reads would pay for writes that
	// a database in steady state (autovacuum on) does not.
	if _, err := st.Pool().Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
		b.Fatalf("vacuum analyze: %v", err)
	}
	sb.analyzed = time.Since(start) - sb.loaded
	return sb
}
