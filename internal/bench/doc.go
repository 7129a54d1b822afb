// Package bench holds Journey's benchmarks (`make bench`) and the generator
// behind them: BenchmarkScale (cards and the whole book) and BenchmarkSlack
// (200 concurrent slash commands and 200 clicks through the Slack
// simulator, on the same data; slack_test.go).
//
// The generator (Generate) makes a deterministic book of business at the
// scale the project promises to handle: by default 10,000 accounts across
// the enterprise, mid_market and smb segments, 65 people (managers, reps,
// CSMs), 40,000 contacts, 50,000 deals, 1,000,000 timeline events over the
// last six months, spread unevenly (a few accounts have thousands of
// events, a few none), and the milestone completions, property changes,
// commitments and waiting items that go with them. Milestone keys come from
// the built-in template each account's segment maps to (enterprise →
// enterprise, smb → smb-self-serve, mid_market → saas-sales-led). A fixed
// math/rand/v2 seed drives every choice and every date is relative to
// Config.Now, so the same Config gives the same rows. Ids are UUID v7
// (github.com/google/uuid values) whose time part is the row's creation
// time and whose random part comes from the seed.
//
// Load streams the rows into Postgres with store.CopyRows (COPY FROM STDIN),
// table by table in foreign-key order. Rows are emitted in time order, as a
// running bot would have written them, so that an account's events are
// scattered over the table rather than stored side by side.
//
// BenchmarkScale (bench_test.go) loads that data set once into a fresh
// database and measures:
//
//   - card: for a fixed sample of 1,000 accounts, store.LoadAccount,
//     journey.ForSegment and journey.BuildCard, one account at a time, with
//     the definitions loaded once up front as a running bot caches them;
//     reported as p50, p95, p99 and max milliseconds, plus the queries and
//     client round trips per card counted by a pgx tracer.
//   - book: store.LoadBook, then Derive, ScoreHealth and Prioritize for
//     every account and RankAccounts; reported as load, derive and total
//     seconds, accounts per second and heap use.
//
// BenchmarkTeams (digest_test.go) loads TeamConfig (50 managers, 1,000 reps,
// 200 CSMs, 10,000 accounts, 20,000 deals, 1,000,000 events) and measures
// every manager's digest (as slackapp.PostDigest makes it, and from one read
// of the whole book), checking every message against Slack's limits, and
// every rep's morning actions (as the morning DM makes them).
//
// The project's goals are a card p95 under 50 ms and the whole book
// re-derived in under 10 s. The benchmark measures and reports; it does not
// fail when a goal is missed. It does fail when LoadAccount or LoadBook send
// a different number of queries than store.CardQueries and store.BookQueries
// claim.
package bench
