package bench

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/template"
)

// DefaultSeed is the seed of ScaleConfig and SmallConfig.
const DefaultSeed = 20260701

const day = 24 * time.Hour

// Config sizes a generated book of business.
type Config struct {
	Seed uint64
	// Now is the moment the data describes; every date is relative to it.
	Now      time.Time
	Accounts int
	Managers int
	Reps     int
	CSMs     int
	Contacts int // in all; every account has at least one
	Deals    int // in all; every account has at least one
	Events   int // timeline events in all, spread unevenly over the accounts
	// EventSpan is how far back events go.
	EventSpan time.Duration
	// ChunkRows is the most rows one Batch holds.
	ChunkRows int
}

// ScaleConfig is the data set the project promises to handle: 10,000
// accounts, 40,000 contacts, 50,000 deals and 1,000,000 events over about
// six months.
func ScaleConfig(now time.Time) Config {
	return Config{
		Seed: DefaultSeed, Now: now,
		Accounts: 10_000, Managers: 5, Reps: 50, CSMs: 10,
		Contacts: 40_000, Deals: 50_000, Events: 1_000_000,
		EventSpan: 183 * day, ChunkRows: 25_000,
	}
}

// SmallConfig is a small data set with the same shape, for tests.
func SmallConfig(now time.Time) Config {
	return Config{
		Seed: DefaultSeed, Now: now,
		Accounts: 60, Managers: 2, Reps: 5, CSMs: 2,
		Contacts: 240, Deals: 300, Events: 6_000,
		EventSpan: 183 * day, ChunkRows: 1_000,
	}
}

// Batch is a chunk of rows of one table, ready for store.CopyRows.
type Batch struct {
	Table   string
	Columns []string
	Rows    [][]any
}

// Summary describes what Generate made.
type Summary struct {
	AccountIDs []string         // every account, in generation order
	Segments   map[string]int   // accounts per segment
	Rows       map[string]int64 // rows per table
	Tables     []string         // tables in the order they were emitted
	// Events per account: median, 99th percentile and the busiest account.
	EventsP50, EventsP99, EventsMax int
	QuietAccounts                   int      // accounts with no event at all
	Busiest                         []string // the five accounts with the most events, busiest first
}

// Generate makes the book of business described by cfg for workspace ws
// and hands it to emit in batches of at most cfg.ChunkRows rows: all
// batches of a table come together, and tables come in foreign-key order
// (people, accounts, contacts, deals, timeline_events, milestone_completions,
// property_changes, commitments, waiting_items). Within a table rows are in
// time order. It stops at the first error of emit. The same cfg and ws give
// the same batches.
func Generate(cfg Config, ws string, emit func(Batch) error) (Summary, error) {
	wsID, err := uuid.Parse(ws)
	if err != nil {
		return Summary{}, fmt.Errorf("bench: workspace id %q: %w", ws, err)
	}
	if cfg.Accounts <= 0 || cfg.Reps <= 0 || cfg.Managers <= 0 || cfg.CSMs <= 0 {
		return Summary{}, fmt.Errorf("bench: config needs accounts, managers, reps and CSMs")
	}
	if cfg.ChunkRows <= 0 {
		cfg.ChunkRows = 10_000
	}
	if cfg.EventSpan <= 0 {
		cfg.EventSpan = 183 * day
	}
	g := &gen{
		cfg:  cfg,
		now:  cfg.Now.UTC().Truncate(time.Microsecond),
		ws:   [16]byte(wsID),
		r:    rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9E3779B97F4A7C15)),
		emit: emit,
		sum:  Summary{Segments: map[string]int{}, Rows: map[string]int64{}},
		defs: template.Builtin(),
	}
	steps := []func() error{g.people, g.accounts, g.contacts, g.deals, g.events, g.completions, g.changes, g.commitments, g.waits}
	for _, step := range steps {
		if err := step(); err != nil {
			return g.sum, err
		}
	}
	return g.sum, nil
}

type person struct {
	id   [16]byte
	name string
	role journey.Role
}

type account struct {
	id         [16]byte
	name       string
	segment    string
	def        *journey.Definition
	owner, csm int // index into gen.staff; csm -1 when none
	created    time.Time
	contacts   []int // index into gen.cts
	deals      []int // index into gen.dls, oldest first
	customerAt time.Time
	events     int
	lastEvent  [16]byte
	hasEvent   bool
}

type contact struct {
	id      [16]byte
	acct    int
	name    string
	persona string
	role    journey.BuyingRole
	created time.Time
}

type deal struct {
	id        [16]byte
	acct      int
	name      string
	kind      journey.DealKind
	stage     string
	amount    int64
	closeDate time.Time // a date (UTC midnight)
	created   time.Time
	closedAt  time.Time // zero while open
	owner     int
}

type gen struct {
	cfg  Config
	now  time.Time
	ws   [16]byte
	r    *rand.Rand
	emit func(Batch) error
	sum  Summary
	defs []journey.Definition

	staff    []person
	managers []int
	reps     []int
	csms     []int
	accts    []account
	cts      []contact
	dls      []deal
}

// id returns a UUID v7 whose time part is t and whose random part comes
// from the generator's seed.
func (g *gen) id(t time.Time) [16]byte {
	var u uuid.UUID
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint64(u[8:], g.r.Uint64())
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	x := g.r.Uint32()
	u[6] = 0x70 | byte(x>>8)&0x0f // version 7
	u[7] = byte(x)
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return [16]byte(u)
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns a time uniformly in [a, b), to the microsecond.
func (g *gen) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(g.r.Int64N(int64(b.Sub(a))))).Truncate(time.Microsecond)
}

// days returns a duration uniformly between lo and hi days.
func (g *gen) days(lo, hi float64) time.Duration {
	return time.Duration((lo + g.r.Float64()*(hi-lo)) * float64(day))
}

// pick returns an index of weights, each chosen in proportion to its weight.
func (g *gen) pick(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *gen) oneOf(s []string) string { return s[g.r.IntN(len(s))] }

// logUniform returns a value between lo and hi, uniform on a log scale.
func (g *gen) logUniform(lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + g.r.Float64()*(math.Log(hi)-math.Log(lo)))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func date(t time.Time) time.Time { return t.UTC().Truncate(day) }

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// flush emits rows of table in chunks.
func (g *gen) flush(table string, cols []string, rows [][]any) error {
	g.sum.Tables = append(g.sum.Tables, table)
	for len(rows) > 0 {
		n := min(len(rows), g.cfg.ChunkRows)
		if err := g.emit(Batch{Table: table, Columns: cols, Rows: rows[:n:n]}); err != nil {
			return err
		}
		g.sum.Rows[table] += int64(n)
		rows = rows[n:]
	}
	return nil
}

// sortByTime sorts rows by the time.Time in column col, keeping the order of equal times.
func sortByTime(rows [][]any, col int) {
	slices.SortStableFunc(rows, func(a, b []any) int {
		return a[col].(time.Time).Compare(b[col].(time.Time))
	})
}

var firstNames = []string{
	"Ada", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Kara", "Luis", "Mina", "Noah",
	"Olga", "Pedro", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor", "Wen", "Xavier", "Yara", "Zane", "Amir", "Bianca",
	"Chen", "Dana", "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nadia",
}

var lastNames = []string{
	"Abbott", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski", "Lopez",
	"Murphy", "Nakamura", "Okafor", "Patel", "Quintero", "Rossi", "Schmidt", "Tanaka", "Usman", "Varga", "Walsh", "Xu",
	"Yilmaz", "Zimmer", "Andersen", "Baker", "Chopra", "Diaz", "Evans", "Fontaine", "Gallo", "Hughes", "Ivanova", "Jovanovic",
}

var (
	nameAdjectives = []string{
		"Blue", "Bright", "Cedar", "Silver", "Golden", "Northern", "Rapid", "Quiet", "Iron", "Crystal", "Summit", "Harbor",
		"Granite", "Maple", "Lunar", "Solar", "Copper", "Evergreen", "Pioneer", "Atlas", "Vertex", "Coastal", "Prairie",
		"Falcon", "Aurora", "Beacon", "Cobalt", "Delta", "Emerald", "Frontier",
	}
	nameNouns = []string{
		"Analytics", "Logistics", "Health", "Robotics", "Foods", "Energy", "Insurance", "Learning", "Media", "Security",
		"Payments", "Dental", "Freight", "Labs", "Software", "Networks", "Biotech", "Retail", "Travel", "Capital",
		"Systems", "Outdoors", "Mobility", "Studios", "Farms", "Clinics", "Metals", "Textiles", "Motors", "Works",
		"Cloud", "Data", "Pharma", "Marine", "Aviation", "Legal", "Homes", "Water", "Telecom", "Games",
	}
	nameSuffixes = []string{"Inc", "Corp", "Ltd", "Group", "Co", "LLC", "GmbH", ""}
)

var personas = []struct {
	key    string
	weight int
	titles []string
}{
	{"exec", 12, []string{"VP Sales", "COO", "Chief Revenue Officer", "VP Operations"}},
	{"revops", 12, []string{"RevOps Manager", "Head of Revenue Operations", "Sales Ops Analyst"}},
	{"cs_lead", 10, []string{"Head of Customer Success", "CS Team Lead", "Director of Customer Experience"}},
	{"it", 10, []string{"IT Director", "Systems Administrator", "Security Engineer"}},
	{"end_user", 30, []string{"Account Manager", "Sales Representative", "Support Specialist", "Analyst"}},
	{"finance", 10, []string{"Finance Director", "CFO", "Controller"}},
	{"legal", 8, []string{"Legal Counsel", "General Counsel"}},
	{"procurement", 8, []string{"Procurement Lead", "Vendor Manager"}},
}

var (
	segments       = []string{"enterprise", "mid_market", "smb"}
	segmentWeights = []int{20, 45, 35}
	// segmentActivity scales contacts, deals and events per account.
	segmentActivity = map[string]int{"enterprise": 3, "mid_market": 2, "smb": 1}
)

var openStages = []string{"appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"}

var topics = []string{
	"the SOC 2 report", "the pricing proposal", "the SSO setup", "the order form", "the security questionnaire",
	"the onboarding plan", "the renewal quote", "the data export", "the API limits", "the QBR deck", "the success plan",
	"the MSA redlines", "the training schedule", "the Salesforce sync", "the invoice", "the rollout timeline",
}

func (g *gen) people() error {
	cols := []string{"id", "workspace_id", "slack_user_id", "name", "email", "time_zone", "role", "manager_id"}
	zones := []string{"America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin"}
	var rows [][]any
	add := func(role journey.Role, n int, list *[]int) {
		for range n {
			i := len(g.staff)
			name := fmt.Sprintf("%s %s", firstNames[i%len(firstNames)], lastNames[(i/len(firstNames)+i*7)%len(lastNames)])
			p := person{id: g.id(g.now.Add(-3 * 365 * day)), name: name, role: role}
			g.staff = append(g.staff, p)
			*list = append(*list, i)
			var mgr any
			if role != journey.RoleManager {
				mgr = g.staff[g.managers[g.r.IntN(len(g.managers))]].id
			}
			email := fmt.Sprintf("%s.%d@bench.example", strings.ToLower(strings.ReplaceAll(name, " ", ".")), i)
			rows = append(rows, []any{p.id, g.ws, fmt.Sprintf("UB%05d", i), name, email, g.oneOf(zones), string(role), mgr})
		}
	}
	add(journey.RoleManager, g.cfg.Managers, &g.managers)
	add(journey.RoleRep, g.cfg.Reps, &g.reps)
	add(journey.RoleCSM, g.cfg.CSMs, &g.csms)
	return g.flush("people", cols, rows)
}

// spread hands total items to n owners: one each, the rest in proportion to weight.
func (g *gen) spread(total int, weight func(i int) int) []int {
	n := len(g.accts)
	counts := make([]int, n)
	w := make([]int, n)
	for i := range counts {
		counts[i] = 1
		w[i] = weight(i)
	}
	cum := make([]int, n)
	sum := 0
	for i, x := range w {
		sum += x
		cum[i] = sum
	}
	for range total - n {
		x := g.r.IntN(sum)
		i, _ := slices.BinarySearch(cum, x+1)
		counts[i]++
	}
	return counts
}

func (g *gen) accounts() error {
	seen := map[string]bool{}
	for i := range g.cfg.Accounts {
		seg := segments[g.pick(segmentWeights)]
		def, _ := journey.ForSegment(g.defs, seg)
		name := strings.TrimSpace(fmt.Sprintf("%s %s %s", g.oneOf(nameAdjectives), g.oneOf(nameNouns), g.oneOf(nameSuffixes)))
		if seen[name] {
			name = fmt.Sprintf("%s %d", name, i)
		}
		seen[name] = true
		created := g.now.Add(-g.days(30, 3*365)).Truncate(time.Microsecond)
		a := account{id: g.id(created), name: name, segment: seg, def: &def, owner: g.reps[g.r.IntN(len(g.reps))], csm: -1, created: created}
		g.accts = append(g.accts, a)
		g.sum.Segments[seg]++
	}
	// Contacts and deals, planned here because accounts carry ARR and renewal dates.
	contactCounts := g.spread(g.cfg.Contacts, func(i int) int { return segmentActivity[g.accts[i].segment] })
	dealCounts := g.spread(g.cfg.Deals, func(i int) int { return segmentActivity[g.accts[i].segment] })
	for i := range g.accts {
		g.planContacts(i, contactCounts[i])
		g.planDeals(i, dealCounts[i])
	}

	cols := []string{"id", "workspace_id", "name", "name_key", "domain", "segment", "owner_id", "csm_id", "arr_cents", "currency",
		"renewal_date", "source", "external_id", "created_at", "updated_at"}
	rows := make([][]any, 0, len(g.accts))
	for i := range g.accts {
		a := &g.accts[i]
		var arr int64
		var renewal time.Time
		if !a.customerAt.IsZero() {
			for _, di := range a.deals {
				d := g.dls[di]
				if d.stage == journey.CRMClosedWon && d.kind != journey.DealRenewal {
					arr += d.amount
				}
			}
			if g.chance(0.9) {
				renewal = date(a.customerAt.Add(365 * day))
				for renewal.Before(g.now.Add(-45 * day)) {
					renewal = renewal.AddDate(1, 0, 0)
				}
			}
			if g.chance(0.85) {
				a.csm = g.csms[g.r.IntN(len(g.csms))]
			}
		} else if g.chance(0.25) {
			a.csm = g.csms[g.r.IntN(len(g.csms))]
		}
		var csm any
		if a.csm >= 0 {
			csm = g.staff[a.csm].id
		}
		domain := strings.ToLower(strings.ReplaceAll(journey.NameKey(a.name), " ", "")) + fmt.Sprintf("%d.example", i)
		rows = append(rows, []any{a.id, g.ws, a.name, journey.NameKey(a.name), domain, a.segment, g.staff[a.owner].id, csm,
			arr, "USD", nullTime(renewal), "bench", fmt.Sprintf("acct-%06d", i), a.created, a.created})
		g.sum.AccountIDs = append(g.sum.AccountIDs, uuid.UUID(a.id).String())
	}
	sortByTime(rows, 13)
	return g.flush("accounts", cols, rows)
}

func (g *gen) planContacts(ai, n int) {
	a := &g.accts[ai]
	weights := make([]int, len(personas))
	for i, p := range personas {
		weights[i] = p.weight
	}
	for k := range n {
		var role journey.BuyingRole
		persona := personas[g.pick(weights)].key
		switch {
		case k == 0 && g.chance(0.85):
			role = journey.BuyerChampion
			persona = []string{"revops", "cs_lead", "end_user", "exec"}[g.r.IntN(4)]
		case k == 1 && g.chance(0.75):
			role = journey.BuyerEconomic
			persona = []string{"exec", "finance"}[g.r.IntN(2)]
		default:
			role = []journey.BuyingRole{journey.BuyerDecisionMaker, journey.BuyerInfluencer, journey.BuyerUser,
				journey.BuyerTechnicalOwner, journey.BuyerUnknown}[g.pick([]int{10, 30, 35, 10, 15})]
		}
		created := g.between(a.created, g.now.Add(-day))
		c := contact{id: g.id(created), acct: ai, name: g.oneOf(firstNames) + " " + g.oneOf(lastNames), persona: persona, role: role, created: created}
		a.contacts = append(a.contacts, len(g.cts))
		g.cts = append(g.cts, c)
	}
}

func (g *gen) planDeals(ai, n int) {
	a := &g.accts[ai]
	first := a.created.Add(g.days(0, 20))
	times := []time.Time{first}
	for range n - 1 {
		times = append(times, g.between(first, g.now.Add(-day)))
	}
	slices.SortFunc(times, time.Time.Compare)
	base := map[string][2]float64{"enterprise": {40_000, 400_000}, "mid_market": {8_000, 80_000}, "smb": {1_000, 12_000}}[a.segment]
	for k, created := range times {
		created = created.Truncate(time.Microsecond)
		kind := journey.DealNew
		if k > 0 && !a.customerAt.IsZero() && a.customerAt.Before(created) {
			kind = []journey.DealKind{journey.DealExpansion, journey.DealRenewal, journey.DealNew}[g.pick([]int{45, 35, 20})]
		}
		amount := g.logUniform(base[0], base[1])
		if kind == journey.DealExpansion {
			amount *= 0.3
		}
		d := deal{id: g.id(created), acct: ai, kind: kind, amount: int64(amount) * 100, created: created, owner: a.owner}
		if g.chance(0.15) {
			d.owner = g.reps[g.r.IntN(len(g.reps))]
		}
		age := g.now.Sub(created)
		closeP := 0.15
		switch {
		case age > 150*day:
			closeP = 0.9
		case age > 60*day:
			closeP = 0.55
		}
		if g.chance(closeP) {
			winP := map[journey.DealKind]float64{journey.DealNew: 0.5, journey.DealExpansion: 0.6, journey.DealRenewal: 0.85}[kind]
			d.closedAt = created.Add(g.days(14, math.Min(150, math.Max(15, age.Hours()/24)))).Truncate(time.Microsecond)
			if d.closedAt.After(g.now) {
				d.closedAt = g.between(created, g.now)
			}
			d.closeDate = date(d.closedAt)
			d.stage = journey.CRMClosedLost
			if g.chance(winP) {
				d.stage = journey.CRMClosedWon
				if kind == journey.DealNew && a.customerAt.IsZero() {
					a.customerAt = d.closedAt
				}
			}
		} else {
			d.stage = openStages[g.pick([]int{30, 25, 20, 15, 10})]
			d.closeDate = date(g.now.Add(g.days(-40, 150)))
		}
		label := map[journey.DealKind]string{journey.DealNew: "New business", journey.DealExpansion: "Expansion", journey.DealRenewal: "Renewal"}[kind]
		d.name = fmt.Sprintf("%s — %s %d", a.name, label, created.Year())
		a.deals = append(a.deals, len(g.dls))
		g.dls = append(g.dls, d)
	}
}

func (g *gen) contacts() error {
	cols := []string{"id", "workspace_id", "account_id", "name", "email", "title", "persona", "buying_role", "source", "external_id",
		"created_at", "updated_at"}
	rows := make([][]any, 0, len(g.cts))
	for i, c := range g.cts {
		title := ""
		for _, p := range personas {
			if p.key == c.persona {
				title = g.oneOf(p.titles)
			}
		}
		email := fmt.Sprintf("%s.%d@customer%d.example", strings.ToLower(strings.ReplaceAll(c.name, " ", ".")), i, c.acct)
		rows = append(rows, []any{c.id, g.ws, g.accts[c.acct].id, c.name, email, title, c.persona, string(c.role), "hubspot",
			fmt.Sprintf("ct-%07d", i), c.created, c.created})
	}
	sortByTime(rows, 10)
	return g.flush("contacts", cols, rows)
}

func (g *gen) deals() error {
	cols := []string{"id", "workspace_id", "account_id", "name", "kind", "amount_cents", "currency", "stage", "close_date", "owner_id",
		"source", "external_id", "created_at", "closed_at", "updated_at"}
	rows := make([][]any, 0, len(g.dls))
	for i, d := range g.dls {
		updated := d.created
		if !d.closedAt.IsZero() {
			updated = d.closedAt
		}
		rows = append(rows, []any{d.id, g.ws, g.accts[d.acct].id, d.name, string(d.kind), d.amount, "USD", d.stage, d.closeDate,
			g.staff[d.owner].id, "hubspot", fmt.Sprintf("dl-%07d", i), d.created, nullTime(d.closedAt), updated})
	}
	sortByTime(rows, 12)
	return g.flush("deals", cols, rows)
}

// events spreads cfg.Events over the accounts with a heavy tail (a Pareto
// weight per account, scaled by segment; a few accounts get none) and emits
// them in time order, as a running bot would have stored them.
func (g *gen) events() error {
	n := len(g.accts)
	weights := make([]float64, n)
	total := 0.0
	for i := range weights {
		if g.chance(0.04) {
			continue
		}
		w := math.Min(300, math.Pow(1-g.r.Float64(), -1/1.3))
		weights[i] = w * float64(segmentActivity[g.accts[i].segment])
		total += weights[i]
	}
	// Largest remainder: the counts add up to cfg.Events exactly.
	counts := make([]int, n)
	rem := make([]int, n)
	assigned := 0
	fracs := make([]float64, n)
	for i, w := range weights {
		exact := float64(g.cfg.Events) * w / total
		counts[i] = int(exact)
		fracs[i] = exact - float64(counts[i])
		assigned += counts[i]
		rem[i] = i
	}
	slices.SortStableFunc(rem, func(a, b int) int { return cmp.Compare(fracs[b], fracs[a]) })
	for k := 0; assigned < g.cfg.Events; k++ {
		counts[rem[k%n]]++
		assigned++
	}

	type slot struct {
		at   int64 // unix microseconds
		acct int32
	}
	slots := make([]slot, 0, g.cfg.Events)
	spanStart := g.now.Add(-g.cfg.EventSpan)
	for i, c := range counts {
		a := &g.accts[i]
		a.events = c
		if c == 0 {
			g.sum.QuietAccounts++
			continue
		}
		// How long the account has been quiet.
		var quiet time.Duration
		switch g.pick([]int{65, 15, 10, 10}) {
		case 0:
			quiet = g.days(0, 3)
		case 1:
			quiet = g.days(3, 14)
		case 2:
			quiet = g.days(14, 45)
		default:
			quiet = g.days(45, 150)
		}
		from, to := spanStart, g.now.Add(-quiet)
		if a.created.After(from) {
			from = a.created
		}
		if !to.After(from) {
			from, to = spanStart, g.now
		}
		for range c {
			slots = append(slots, slot{at: g.between(from, to).UnixMicro(), acct: int32(i)})
		}
	}
	slices.SortStableFunc(slots, func(a, b slot) int { return cmp.Compare(a.at, b.at) })

	sorted := slices.Clone(counts)
	slices.Sort(sorted)
	g.sum.EventsP50, g.sum.EventsP99, g.sum.EventsMax = sorted[n/2], sorted[min(n-1, n*99/100)], sorted[n-1]
	byEvents := make([]int, n)
	for i := range byEvents {
		byEvents[i] = i
	}
	slices.SortStableFunc(byEvents, func(a, b int) int { return cmp.Compare(counts[b], counts[a]) })
	for _, i := range byEvents[:min(5, n)] {
		g.sum.Busiest = append(g.sum.Busiest, uuid.UUID(g.accts[i].id).String())
	}

	cols := []string{"id", "workspace_id", "account_id", "deal_id", "contact_id", "actor_id", "kind", "source", "external_id",
		"occurred_at", "direction", "summary", "link", "created_at"}
	g.sum.Tables = append(g.sum.Tables, "timeline_events")
	kinds := []string{journey.EventMessage, journey.EventEmail, journey.EventCall, journey.EventMeeting, journey.EventNote}
	kindWeights := []int{35, 30, 10, 10, 15}
	rows := make([][]any, 0, g.cfg.ChunkRows)
	for seq, s := range slots {
		a := &g.accts[s.acct]
		at := time.UnixMicro(s.at).UTC()
		kind := kinds[g.pick(kindWeights)]
		dir := ""
		switch kind {
		case journey.EventMessage, journey.EventEmail:
			dir = []string{"customer", "us"}[g.r.IntN(2)]
		case journey.EventCall, journey.EventMeeting:
			if g.chance(0.5) {
				dir = "us"
			}
		}
		var contactID any
		var contactName string
		if len(a.contacts) > 0 && (dir == "customer" || (kind != journey.EventNote && g.chance(0.7))) {
			ci := a.contacts[0]
			if !g.chance(0.4) {
				ci = a.contacts[g.r.IntN(len(a.contacts))]
			}
			contactID, contactName = g.cts[ci].id, g.cts[ci].name
		}
		var actorID any
		if dir == "us" || kind == journey.EventNote || kind == journey.EventMeeting || kind == journey.EventCall {
			actor := a.owner
			if a.csm >= 0 && g.chance(0.3) {
				actor = a.csm
			}
			actorID = g.staff[actor].id
		}
		var dealID any
		if g.chance(0.5) {
			for _, di := range slices.Backward(a.deals) {
				if !g.dls[di].created.After(at) {
					dealID = g.dls[di].id
					break
				}
			}
		}
		topic := g.oneOf(topics)
		var source, summary, link string
		switch kind {
		case journey.EventMessage:
			source = "slack"
			link = fmt.Sprintf("https://bench.slack.example/archives/C%05d/p%d", s.acct, s.at)
			summary = bySide(dir, fmt.Sprintf("%s asked about %s", orThem(contactName), topic),
				fmt.Sprintf("Shared %s in the Slack Connect channel", topic))
		case journey.EventEmail:
			source = "email"
			summary = bySide(dir, fmt.Sprintf("Email from %s: re %s", orThem(contactName), topic), fmt.Sprintf("Sent %s by email", topic))
		case journey.EventCall:
			source = "hubspot"
			link = fmt.Sprintf("https://app.hubspot.example/calls/%d", seq)
			summary = fmt.Sprintf("Call with %s about %s", orThem(contactName), topic)
		case journey.EventMeeting:
			source = "hubspot"
			link = fmt.Sprintf("https://app.hubspot.example/meetings/%d", seq)
			summary = fmt.Sprintf("Meeting with %s: walked through %s", orThem(contactName), topic)
		default:
			source = "hubspot"
			summary = fmt.Sprintf("Note: follow up on %s", topic)
		}
		id := g.id(at)
		a.lastEvent, a.hasEvent = id, true
		rows = append(rows, []any{id, g.ws, a.id, dealID, contactID, actorID, kind, source, fmt.Sprintf("ev-%08d", seq), at, dir,
			summary, link, at.Add(time.Duration(1+seq%90) * time.Second)})
		if len(rows) == g.cfg.ChunkRows {
			if err := g.emit(Batch{Table: "timeline_events", Columns: cols, Rows: rows}); err != nil {
				return err
			}
			g.sum.Rows["timeline_events"] += int64(len(rows))
			rows = make([][]any, 0, g.cfg.ChunkRows)
		}
	}
	if len(rows) > 0 {
		if err := g.emit(Batch{Table: "timeline_events", Columns: cols, Rows: rows}); err != nil {
			return err
		}
		g.sum.Rows["timeline_events"] += int64(len(rows))
	}
	return nil
}

// bySide is the summary of an event going in direction dir: fromCustomer
// when the customer wrote it, else fromUs.
func bySide(dir, fromCustomer, fromUs string) string {
	if dir == "customer" {
		return fromCustomer
	}
	return fromUs
}

func orThem(name string) string {
	if name == "" {
		return "the customer"
	}
	return name
}

// stageFor is the index of the first stage of def that a deal of kind in
// CRM stage crm maps to, or -1.
func stageFor(def *journey.Definition, crm string, kind journey.DealKind) int {
	for i, s := range def.Stages {
		if slices.Contains(s.CRMStages, crm) && (len(s.DealKinds) == 0 || slices.Contains(s.DealKinds, kind)) {
			return i
		}
	}
	return -1
}

// mainPath lists the stages every account walks through: those not
// reserved for expansion or renewal deals.
func mainPath(def *journey.Definition) []int {
	var out []int
	for i, s := range def.Stages {
		if len(s.DealKinds) == 0 || slices.Contains(s.DealKinds, journey.DealNew) {
			out = append(out, i)
		}
	}
	return out
}

// completions marks milestones of each account's template done: most of
// the required ones of the stages it went through, some of the current one,
// some per persona only, some again after an expansion loops the journey back.
func (g *gen) completions() error {
	cols := []string{"id", "workspace_id", "account_id", "deal_id", "stage_key", "milestone_key", "persona", "completed_at",
		"evidence_event_id", "note", "source", "created_at"}
	var rows [][]any
	for ai := range g.accts {
		a := &g.accts[ai]
		def := a.def
		path := mainPath(def)
		var firstNew *deal
		bestOpen := -1
		for _, di := range a.deals {
			d := &g.dls[di]
			if d.kind != journey.DealNew {
				continue
			}
			if firstNew == nil {
				firstNew = d
			}
			if d.closedAt.IsZero() {
				bestOpen = max(bestOpen, stageFor(def, d.stage, journey.DealNew))
			}
		}
		handoff := slices.Index(path, stageFor(def, journey.CRMClosedWon, journey.DealNew))
		reach := 0 // position in path
		switch {
		case !a.customerAt.IsZero():
			since := g.now.Sub(a.customerAt)
			reach = handoff
			switch {
			case since > 365*day && g.chance(0.15):
				reach = len(path) - 1
			case since > 90*day:
				reach = handoff + 2
			case since > 30*day:
				reach = handoff + 1
			}
			reach = min(reach, len(path)-1)
		case bestOpen >= 0:
			reach = max(0, slices.Index(path, bestOpen))
		case handoff > 0:
			reach = g.r.IntN(handoff)
		}
		start := a.created
		if firstNew != nil {
			start = firstNew.created
		}
		var dealID any
		if firstNew != nil {
			dealID = firstNew.id
		}
		add := func(stage journey.Stage, m journey.Milestone, at time.Time, dealRef any) {
			if at.After(g.now) {
				at = g.now.Add(-time.Hour)
			}
			evidence := any(nil)
			if a.hasEvent && g.chance(0.25) {
				evidence = a.lastEvent
			}
			note := ""
			if g.chance(0.3) {
				note = "confirmed on a call"
			}
			if len(m.Personas) > 0 && g.chance(0.3) {
				for k, p := range m.Personas {
					if g.chance(0.7) {
						t := at.Add(time.Duration(k) * time.Minute)
						rows = append(rows, []any{g.id(t), g.ws, a.id, dealRef, stage.Key, m.Key, p, t, evidence, note, "slack", t})
					}
				}
				return
			}
			rows = append(rows, []any{g.id(at), g.ws, a.id, dealRef, stage.Key, m.Key, "", at, evidence, note, "slack", at})
		}
		for k := 0; k <= reach; k++ {
			st := def.Stages[path[k]]
			for _, m := range st.Milestones {
				p := 0.35
				switch {
				case m.Required && k < reach:
					p = 0.95
				case m.Required:
					p = 0.45
				}
				if !g.chance(p) {
					continue
				}
				frac := (float64(k) + g.r.Float64()) / float64(reach+1)
				at := start.Add(time.Duration(frac * float64(g.now.Sub(start)))).Truncate(time.Microsecond)
				d := dealID
				if k > handoff {
					d = nil
				}
				add(st, m, at, d)
			}
		}
		// Side paths: expansion and renewal milestones for accounts with such deals.
		for i, st := range def.Stages {
			if slices.Contains(path, i) {
				continue
			}
			var side *deal
			for _, di := range a.deals {
				if slices.Contains(st.DealKinds, g.dls[di].kind) {
					side = &g.dls[di]
				}
			}
			if side == nil {
				continue
			}
			end := side.closedAt
			if end.IsZero() {
				end = g.now
			}
			for _, m := range st.Milestones {
				if g.chance(0.6) {
					add(st, m, g.between(side.created, end), side.id)
				}
			}
		}
		// Loop-back: the newest expansion won restarts onboarding.
		reentry := slices.IndexFunc(def.Stages, func(s journey.Stage) bool { return s.Reentry })
		for _, di := range slices.Backward(a.deals) {
			d := &g.dls[di]
			if d.kind != journey.DealExpansion || d.stage != journey.CRMClosedWon || reentry < 0 {
				continue
			}
			for _, m := range def.Stages[reentry].Milestones {
				if g.chance(0.5) {
					add(def.Stages[reentry], m, g.between(d.closedAt, g.now), nil)
				}
			}
			break
		}
	}
	sortByTime(rows, 7)
	return g.flush("milestone_completions", cols, rows)
}

var changeReasons = []string{
	"customer asked for more time", "budget approved", "legal review took longer", "champion left the company",
	"procurement added a step", "verbal yes on the call", "territory realignment", "pricing agreed",
}

func (g *gen) changes() error {
	cols := []string{"id", "workspace_id", "account_id", "deal_id", "entity", "entity_id", "field", "old_value", "new_value",
		"reason", "actor_id", "actor_name", "source", "external_id", "changed_at", "created_at"}
	var rows [][]any
	add := func(a *account, d *deal, entity string, entityID [16]byte, field, oldV, newV string, actor int, at time.Time) {
		if at.After(g.now) {
			at = g.now.Add(-time.Minute)
		}
		reason := ""
		if g.chance(0.5) {
			reason = g.oneOf(changeReasons)
		}
		var actorID any
		actorName := "HubSpot workflow"
		if actor >= 0 {
			actorID, actorName = g.staff[actor].id, g.staff[actor].name
		}
		var dealID any
		if d != nil {
			dealID = d.id
		}
		rows = append(rows, []any{g.id(at), g.ws, a.id, dealID, entity, entityID, field, oldV, newV, reason, actorID, actorName,
			"hubspot", fmt.Sprintf("pc-%08d", len(rows)), at, at})
	}
	for ai := range g.accts {
		a := &g.accts[ai]
		for _, di := range a.deals {
			d := &g.dls[di]
			end := d.closedAt
			if end.IsZero() {
				end = g.now
			}
			// The last few stage moves.
			path := slices.Clone(openStages)
			last := slices.Index(path, d.stage)
			if last < 0 {
				path = append(path[:g.r.IntN(len(openStages))+1], d.stage)
				last = len(path) - 1
			}
			actor := d.owner
			if g.chance(0.3) {
				actor = -1
			}
			for k := max(1, last-2); k <= last; k++ {
				frac := float64(k) / float64(last+1)
				at := d.created.Add(time.Duration(frac * float64(end.Sub(d.created)))).Truncate(time.Microsecond)
				add(a, d, "deal", d.id, "stage", path[k-1], path[k], actor, at)
			}
			// Close-date slips of open deals: dates[0] < ... < dates[slips] = the close date now.
			if d.closedAt.IsZero() && g.chance(0.35) {
				slips := 1 + g.r.IntN(3)
				dates := make([]time.Time, slips+1)
				dates[slips] = d.closeDate
				for k := slips - 1; k >= 0; k-- {
					dates[k] = dates[k+1].Add(-g.days(7, 30)).Truncate(day)
				}
				from := later(d.created, g.now.Add(-100*day))
				for k := 1; k <= slips; k++ {
					frac := (float64(k) - g.r.Float64()) / float64(slips+1)
					at := from.Add(time.Duration(frac * float64(g.now.Sub(from)))).Truncate(time.Microsecond)
					add(a, d, "deal", d.id, "close_date", dates[k-1].Format(time.DateOnly), dates[k].Format(time.DateOnly), d.owner, at)
				}
			}
			if g.chance(0.1) {
				add(a, d, "deal", d.id, "amount", fmt.Sprint(d.amount/100*9/10), fmt.Sprint(d.amount/100), d.owner, g.between(d.created, end))
			}
		}
		if a.csm >= 0 && g.chance(0.08) {
			old := g.csms[g.r.IntN(len(g.csms))]
			add(a, nil, "account", a.id, "csm", g.staff[old].name, g.staff[a.csm].name, g.managers[g.r.IntN(len(g.managers))],
				g.between(a.created, g.now))
		}
		if g.chance(0.05) {
			old := g.reps[g.r.IntN(len(g.reps))]
			add(a, nil, "account", a.id, "owner", g.staff[old].name, g.staff[a.owner].name, g.managers[g.r.IntN(len(g.managers))],
				g.between(a.created, g.now))
		}
	}
	sortByTime(rows, 14)
	return g.flush("property_changes", cols, rows)
}

var promises = []string{
	"Send the SOC 2 Type II report", "Share the pricing proposal", "Set up SSO", "Send the order form", "Fill in the security questionnaire",
	"Share the onboarding plan", "Send the renewal quote", "Export last quarter's data", "Book the QBR", "Introduce the new CSM",
	"Return the MSA redlines", "Confirm the rollout date", "Send the list of admins", "Approve the budget",
}

// openDeal returns the account's newest open deal, if any.
func (g *gen) openDeal(a *account) any {
	for _, di := range slices.Backward(a.deals) {
		if g.dls[di].closedAt.IsZero() {
			return g.dls[di].id
		}
	}
	return nil
}

func (g *gen) commitments() error {
	cols := []string{"id", "workspace_id", "account_id", "deal_id", "side", "owner_id", "owner_name", "counterpart", "what", "due_at",
		"status", "done_at", "source_event_id", "source", "external_id", "created_at", "updated_at"}
	var rows [][]any
	for ai := range g.accts {
		a := &g.accts[ai]
		n := g.r.IntN(1 + 2*segmentActivity[a.segment])
		for range n {
			c := g.cts[a.contacts[g.r.IntN(len(a.contacts))]]
			side, ownerName, counterpart := "us", g.staff[a.owner].name, c.name
			var ownerID any = g.staff[a.owner].id
			if g.chance(0.4) {
				side, ownerID, ownerName, counterpart = "customer", nil, c.name, g.staff[a.owner].name
			}
			status := []string{journey.CommitmentOpen, journey.CommitmentDone, journey.CommitmentCancelled}[g.pick([]int{45, 45, 10})]
			var due, done time.Time
			created := g.between(g.now.Add(-120*day), g.now.Add(-time.Hour))
			switch status {
			case journey.CommitmentOpen:
				if g.chance(0.9) {
					due = g.now.Add(g.days(-21, 30)).Truncate(time.Microsecond)
					if due.Before(created) {
						created = due.Add(-g.days(2, 20)).Truncate(time.Microsecond)
					}
				}
			case journey.CommitmentDone:
				due = created.Add(g.days(2, 20)).Truncate(time.Microsecond)
				done = g.between(created, earlier(g.now, due.Add(5*day)))
			}
			var src any
			if a.hasEvent && g.chance(0.3) {
				src = a.lastEvent
			}
			updated := created
			if !done.IsZero() {
				updated = done
			}
			rows = append(rows, []any{g.id(created), g.ws, a.id, g.openDeal(a), side, ownerID, ownerName, counterpart, g.oneOf(promises),
				nullTime(due), status, nullTime(done), src, "slack", fmt.Sprintf("cm-%07d", len(rows)), created, updated})
		}
	}
	sortByTime(rows, 15)
	return g.flush("commitments", cols, rows)
}

func (g *gen) waits() error {
	cols := []string{"id", "workspace_id", "account_id", "deal_id", "waiter", "what", "since", "resolved_at", "source_event_id",
		"source", "external_id", "created_at"}
	var rows [][]any
	for ai := range g.accts {
		a := &g.accts[ai]
		n := g.r.IntN(1 + segmentActivity[a.segment])
		for range n {
			waiter := "us"
			if g.chance(0.55) {
				waiter = "customer"
			}
			since := g.between(g.now.Add(-60*day), g.now.Add(-time.Hour))
			var resolved time.Time
			if g.chance(0.5) {
				resolved = g.between(since, g.now)
			}
			var src any
			if a.hasEvent && g.chance(0.3) {
				src = a.lastEvent
			}
			rows = append(rows, []any{g.id(since), g.ws, a.id, g.openDeal(a), waiter, g.oneOf(topics), since, nullTime(resolved), src,
				"slack", fmt.Sprintf("wt-%07d", len(rows)), since})
		}
	}
	sortByTime(rows, 6)
	return g.flush("waiting_items", cols, rows)
}
