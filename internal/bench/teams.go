package bench

import "time"

// TeamConfig is the data set of the digest and nudge benchmarks
// (BenchmarkTeams): a sales organisation of 50 managers, 1,000 reps and 200
// CSMs, each rep and CSM reporting to one manager, over 10,000 accounts
// with 20,000 deals, 40,000 contacts and 1,000,000 timeline events over
// about six months. A rep owns about 10 accounts; a manager's team about 20
// reps and 4 CSMs.
func TeamConfig(now time.Time) Config {
	return Config{
		Seed: DefaultSeed, Now: now,
		Accounts: 10_000, Managers: 50, Reps: 1_000, CSMs: 200,
		Contacts: 40_000, Deals: 20_000, Events: 1_000_000,
		EventSpan: 183 * day, ChunkRows: 25_000,
	}
}
