package bench

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// The project's goals; the benchmark reports against them but never fails on them.
const (
	goalCardP95 = 50 * time.Millisecond
	goalBook    = 10 * time.Second
)

// sink keeps the compiler from discarding the cards.
var sink int

// cardSample is how many accounts the card benchmark loads, one at a time.
const cardSample = 1000

// BenchmarkScale loads the ScaleConfig data set (10,000 accounts, 1,000,000
// events) into a fresh database once, then runs the "card" and "book"
// sub-benchmarks on it. Run it with
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 60m ./internal/bench/
func BenchmarkScale(b *testing.B) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	sb := loadScale(ctx, b, now)
	st, ws, sum, loaded, analyzed := sb.st, sb.ws, sb.sum, sb.loaded, sb.analyzed
	machine := fmt.Sprintf("%d CPUs, %s/%s, %s, PostgreSQL %s (shared_buffers %s)",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), sb.serverVersion, sb.sharedBuffers)
	var dbSize string
	if err := st.Pool().QueryRow(ctx, `SELECT pg_size_pretty(pg_database_size(current_database()))`).Scan(&dbSize); err != nil {
		b.Fatal(err)
	}
	var tables []string
	for _, t := range sum.Tables {
		tables = append(tables, fmt.Sprintf("%s %d", t, sum.Rows[t]))
	}
	// Sub-benchmarks' logs are printed without -v, the parent's are not: the
	// first sub-benchmark to run logs the setup.
	setup := []string{
		"machine: " + machine,
		fmt.Sprintf("generated and loaded in %s (+ VACUUM ANALYZE %s), database %s: %s", loaded.Round(time.Millisecond),
			analyzed.Round(time.Millisecond), dbSize, strings.Join(tables, ", ")),
		fmt.Sprintf("segments %v; events per account: median %d, p99 %d, max %d, %d accounts with none",
			sum.Segments, sum.EventsP50, sum.EventsP99, sum.EventsMax, sum.QuietAccounts),
	}
	logSetup := func(b *testing.B) {
		for _, l := range setup {
			b.Logf("%s", l)
		}
		setup = nil
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

	// Definitions are loaded once, as a running bot caches them.
	defs, err := ts.Definitions(ctx, ws.ID)
	if err != nil {
		b.Fatalf("definitions: %v", err)
	}

	perm := rand.New(rand.NewPCG(DefaultSeed, 1)).Perm(len(sum.AccountIDs))
	sample := make([]string, 0, cardSample)
	for _, i := range perm[:min(cardSample, len(perm))] {
		sample = append(sample, sum.AccountIDs[i])
	}
	warm := perm[min(cardSample, len(perm)):min(cardSample+20, len(perm))]

	var summary []string
	b.Run("card", func(b *testing.B) {
		logSetup(b)
		// Warm up: open the pool's connection and prepare the statements
		// on accounts outside the sample, as a running bot would have.
		for _, i := range warm {
			if _, err := ts.LoadAccount(ctx, ws.ID, sum.AccountIDs[i]); err != nil {
				b.Fatalf("warm up: %v", err)
			}
		}
		runtime.GC()
		type timing struct {
			id                  string
			events              int
			total, load, derive time.Duration
		}
		var times []timing
		var before counts
		for b.Loop() {
			times = times[:0]
			before = counter.snapshot()
			for _, id := range sample {
				t0 := time.Now()
				data, err := ts.LoadAccount(ctx, ws.ID, id)
				if err != nil {
					b.Fatalf("load account %s: %v", id, err)
				}
				t1 := time.Now()
				def, ok := journey.ForSegment(defs, data.Account.Segment)
				if !ok {
					b.Fatalf("no definition for segment %q", data.Account.Segment)
				}
				card := journey.BuildCard(def, data, now)
				t2 := time.Now()
				sink += len(card.NextSteps)
				times = append(times, timing{id: id, events: data.EventCount, total: t2.Sub(t0), load: t1.Sub(t0), derive: t2.Sub(t1)})
			}
		}
		used := counter.snapshot().minus(before)
		n := float64(len(times))

		// The busiest accounts, measured apart from the sample: the worst case a person can ask for.
		var busiest []string
		var busiestMax time.Duration
		for _, id := range sum.Busiest {
			t0 := time.Now()
			data, err := ts.LoadAccount(ctx, ws.ID, id)
			if err != nil {
				b.Fatalf("load account %s: %v", id, err)
			}
			def, _ := journey.ForSegment(defs, data.Account.Segment)
			sink += len(journey.BuildCard(def, data, now).NextSteps)
			d := time.Since(t0)
			busiestMax = max(busiestMax, d)
			busiest = append(busiest, fmt.Sprintf("%.1f ms (%d events)", ms(d), data.EventCount))
		}
		queries := float64(used.queries+used.batchQueries) / n
		roundTrips := float64(used.queries+used.batches) / n
		if queries != store.CardQueries {
			b.Errorf("LoadAccount sent %.2f queries per card; store.CardQueries says %d", queries, store.CardQueries)
		}

		total := func(t timing) time.Duration { return t.total }
		p50, p95, p99, pmax := pct(times, total, 50), pct(times, total, 95), pct(times, total, 99), pct(times, total, 100)
		loadP50, loadP95 := pct(times, func(t timing) time.Duration { return t.load }, 50), pct(times, func(t timing) time.Duration { return t.load }, 95)
		deriveP50, deriveP95 := pct(times, func(t timing) time.Duration { return t.derive }, 50), pct(times, func(t timing) time.Duration { return t.derive }, 95)
		b.ReportMetric(ms(p50), "p50-ms")
		b.ReportMetric(ms(p95), "p95-ms")
		b.ReportMetric(ms(p99), "p99-ms")
		b.ReportMetric(ms(pmax), "max-ms")
		b.ReportMetric(ms(loadP95), "load-p95-ms")
		b.ReportMetric(ms(deriveP95), "derive-p95-ms")
		b.ReportMetric(ms(busiestMax), "busiest-max-ms")
		b.ReportMetric(queries, "queries/card")
		b.ReportMetric(roundTrips, "roundtrips/card")

		slowest := slices.Clone(times)
		slices.SortFunc(slowest, func(a, b timing) int { return cmp.Compare(b.total, a.total) })
		var slow []string
		for _, t := range slowest[:min(5, len(slowest))] {
			slow = append(slow, fmt.Sprintf("%.1f ms (load %.1f, derive %.1f; %d events)", ms(t.total), ms(t.load), ms(t.derive), t.events))
		}
		line := fmt.Sprintf("card (%d accounts, one at a time): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms "+
			"[load p50 %.1f / p95 %.1f ms, derive p50 %.2f / p95 %.2f ms]; %.0f queries in %.0f round trip(s) per card "+
			"(store.CardQueries = %d); goal p95 < %s: %s",
			len(times), ms(p50), ms(p95), ms(p99), ms(pmax), ms(loadP50), ms(loadP95), ms(deriveP50), ms(deriveP95),
			queries, roundTrips, store.CardQueries, goalCardP95, verdict(p95 < goalCardP95))
		b.Logf("%s", line)
		b.Logf("slowest cards of the sample: %s", strings.Join(slow, "; "))
		b.Logf("cards of the %d busiest accounts (measured apart from the sample): %s", len(busiest), strings.Join(busiest, "; "))
		summary = append(summary, line)
	})

	b.Run("book", func(b *testing.B) {
		logSetup(b)
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		peak := sampleHeap()

		var loadDur, deriveDur time.Duration
		var book []journey.AccountData
		var prios []journey.Priority
		var used counts
		var health []int
		for b.Loop() {
			before := counter.snapshot()
			t0 := time.Now()
			var err error
			book, err = ts.LoadBook(ctx, ws.ID, now)
			if err != nil {
				b.Fatalf("load book: %v", err)
			}
			t1 := time.Now()
			used = counter.snapshot().minus(before)
			prios = make([]journey.Priority, len(book))
			health = make([]int, len(book))
			for i := range book {
				def, ok := journey.ForSegment(defs, book[i].Account.Segment)
				if !ok {
					b.Fatalf("no definition for segment %q", book[i].Account.Segment)
				}
				pos := journey.Derive(def, book[i], now)
				h := journey.ScoreHealth(book[i], pos, now)
				prios[i] = journey.Prioritize(def, book[i], pos, h, now)
				health[i] = h.Score
			}
			journey.RankAccounts(prios)
			t2 := time.Now()
			loadDur, deriveDur = t1.Sub(t0), t2.Sub(t1)
		}
		peakHeap := peak()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		runtime.GC()
		var live runtime.MemStats
		runtime.ReadMemStats(&live)
		runtime.KeepAlive(book)
		runtime.KeepAlive(prios)

		if want := ScaleConfig(now).Accounts; len(book) != want {
			b.Errorf("LoadBook returned %d accounts, want %d", len(book), want)
		}
		dataQueries := used.queries + used.batchQueries - used.txControl
		if dataQueries != store.BookQueries {
			b.Errorf("LoadBook ran %d queries (plus %d BEGIN/ROLLBACK); store.BookQueries says %d", dataQueries, used.txControl, store.BookQueries)
		}
		events := 0
		for _, a := range book {
			events += len(a.Events)
		}
		totalDur := loadDur + deriveDur
		perSec := float64(len(book)) / totalDur.Seconds()
		mb := func(n uint64) float64 { return float64(n) / (1 << 20) }
		b.ReportMetric(loadDur.Seconds(), "load-s")
		b.ReportMetric(deriveDur.Seconds(), "derive-s")
		b.ReportMetric(totalDur.Seconds(), "total-s")
		b.ReportMetric(perSec, "accounts/s")
		b.ReportMetric(mb(peakHeap), "peak-heap-MB")
		b.ReportMetric(mb(live.HeapAlloc-min(live.HeapAlloc, base.HeapAlloc)), "live-heap-MB")
		b.ReportMetric(mb(after.TotalAlloc-base.TotalAlloc), "alloc-MB")

		classes := map[journey.CSClass]int{}
		closing := 0
		for _, p := range prios {
			classes[p.Class]++
			if p.ClosingThisMonth {
				closing++
			}
		}
		slices.Sort(health)
		line := fmt.Sprintf("book (%d accounts, %d events in the %d-day window): load %.2f s, derive+rank %.2f s, total %.2f s, "+
			"%.0f accounts/s; heap peak %.0f MB, live after %.0f MB, allocated %.0f MB; %d queries + %d BEGIN/ROLLBACK "+
			"(store.BookQueries = %d); goal < %s: %s",
			len(book), events, int(store.BookEventWindow/(24*time.Hour)), loadDur.Seconds(), deriveDur.Seconds(), totalDur.Seconds(), perSec,
			mb(peakHeap), mb(live.HeapAlloc-min(live.HeapAlloc, base.HeapAlloc)), mb(after.TotalAlloc-base.TotalAlloc),
			dataQueries, used.txControl, store.BookQueries, goalBook, verdict(totalDur < goalBook))
		b.Logf("%s", line)
		if len(prios) > 0 {
			b.Logf("book shape: health median %d (p10 %d, p90 %d); classes maintain %d / risk %d / grow %d / prospect %d; "+
				"%d closing this month; top: %s", health[len(health)/2], health[len(health)/10], health[len(health)*9/10],
				classes[journey.ClassMaintain], classes[journey.ClassRisk], classes[journey.ClassGrow], classes[""], closing, prios[0].Sentence)
		}
		summary = append(summary, line)
		b.Logf("summary\n  machine: %s\n  data: %d accounts, %d contacts, %d deals, %d events; generated and loaded in %s, VACUUM ANALYZE %s\n  %s",
			machine, sum.Rows["accounts"], sum.Rows["contacts"], sum.Rows["deals"], sum.Rows["timeline_events"],
			loaded.Round(time.Millisecond), analyzed.Round(time.Millisecond), strings.Join(summary, "\n  "))
	})
}

// pct returns the q-th percentile (nearest rank) of the durations f picks from ts.
func pct[T any](ts []T, f func(T) time.Duration, q float64) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	d := make([]time.Duration, len(ts))
	for i, t := range ts {
		d[i] = f(t)
	}
	slices.Sort(d)
	rank := int(math.Ceil(q / 100 * float64(len(d))))
	return d[max(0, min(len(d)-1, rank-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// sampleHeap samples the bytes of heap objects (live and not yet swept)
// every few milliseconds until the returned function is called, which
// returns the highest value seen.
func sampleHeap() func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	read := func() {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
	}
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		read()
		return peak.Load()
	}
}

// queryCounter is a pgx tracer that counts what a pool sends: single
// queries (Query, QueryRow, Exec), batches, and the queries inside batches.
type queryCounter struct {
	queries, batches, batchQueries, txControl atomic.Int64
}

type counts struct{ queries, batches, batchQueries, txControl int64 }

func (c *queryCounter) snapshot() counts {
	return counts{c.queries.Load(), c.batches.Load(), c.batchQueries.Load(), c.txControl.Load()}
}

func (a counts) minus(b counts) counts {
	return counts{a.queries - b.queries, a.batches - b.batches, a.batchQueries - b.batchQueries, a.txControl - b.txControl}
}

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	c.queries.Add(1)
	switch strings.ToLower(strings.Fields(data.SQL + " x")[0]) {
	case "begin", "commit", "rollback":
		c.txControl.Add(1)
	}
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.batches.Add(1)
	return ctx
}

func (c *queryCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.batchQueries.Add(1)
}

func (c *queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// scaleBook is the ScaleConfig data set loaded into a fresh database.
type scaleBook struct {
	st                           *store.Store
	ws                           journey.Workspace
	sum                          Summary
	loaded, analyzed             time.Duration
	serverVersion, sharedBuffers string
}

// loadScale loads the ScaleConfig book into a fresh database and vacuums it,
// timing both; the benchmarks share it.
func loadScale(ctx context.Context, b *testing.B, now time.Time) scaleBook {
	b.Helper()
	return loadConfig(ctx, b, ScaleConfig(now))
}
