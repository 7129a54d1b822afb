// Package sample generates the sample data shipped with the binary: the book
// of business of "Sample Co", a fictional B2B SaaS company, as an
// importer.Document. The sandbox imports it so that every surface of the bot
// (account cards, the rep's morning DM, nudges, the manager's digest, handoff
// and reassignment prompts) has something real to show.
//
// The document is deterministic: a fixed math/rand/v2 seed, no map
// iteration, and every date relative to the UTC day of the clock passed in,
// so two runs on the same day give byte-identical JSON.
//
// Scenarios the data is built to show:
//
//  1. Acme Corp (mid_market, Maya Patel): a 48,000 USD new deal at
//     contractsent closing later this month. It reached the proposal stage
//     while success_criteria_agreed is not done, so it is at risk. The
//     champion (Tom Becker) wrote yesterday; the economic buyer (Helen Ortiz)
//     has been silent for 23 days. "Send the SOC 2 Type II report" was
//     promised by us for 3 days ago and is still open, and the customer is
//     waiting on it. The close date was pushed once without a reason. An
//     earlier RevOps contact (Grace Liu) and CS lead (Sam Okafor) went quiet
//     after the evaluation.
//  2. Globex (enterprise): a customer for about 5 months with onboarding and
//     adoption milestones done; an expansion deal closed won 14 days ago, so
//     the journey loops back to onboarding (no onboarding completion since).
//     Its CSM was reassigned (Marcus Green → Priya Raman) 9 days ago without
//     a reason, and nobody has introduced the new CSM yet.
//  3. Initech (mid_market): its deal moved closedlost → closedwon 5 days ago
//     with no reason given; the handoff has not happened yet.
//  4. Umbrella Health (mid_market): healthy-looking customer in adoption
//     (first QBR held with the exec, champion wrote 2 days ago, nothing
//     overdue), but users_trained is done only for persona end_user and
//     first_value is missing for cs_lead: the CS lead's own progress lags.
//  5. Renewals: Quillfeather Learning, Stark Industries and Soylent Systems
//     renew within 90 days without an EBR; Wayne Logistics renews within 90
//     days with an EBR and a verbal. Hooli is the growth account (busiest
//     timeline, open expansion deal, sponsor confirmed). Soylent Systems is
//     at clear risk: silent for 33 days, promises from both sides overdue,
//     the customer waiting on an SSO fix for 48 days.
//
// Also: open new deals in every CRM stage, several closing this month
// (Acme Corp, Tidewater Insurance, Ridgeback Security, Parcelwise), one
// (Oakridge Credit Union) whose close date passed while still open, two
// closed-lost accounts, champions silent for 14+ days (Kestrel Robotics,
// Stark Industries, Quillfeather Learning), accounts quiet for a month
// (Soylent Systems, Brightline Dental), a handoff with a missing handoff doc
// (Cyberdyne Analytics), owner changes with reasons (Ridgeback Security) and
// stage moves from yesterday with and without a reason.
package sample

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/importer"
)

// Seeds of the generator. Changing them changes every generated name, event
// and text.
const (
	seed1 = 0x5A3D1E2026
	seed2 = 0xC0FFEE
)

// window is how many days of timeline the sample covers.
const window = 90

// JSON returns Generate(now) as indented JSON with a trailing newline.
func JSON(now time.Time) ([]byte, error) {
	doc := Generate(now)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sample: encode document: %w", err)
	}
	return append(out, '\n'), nil
}

// Generate returns the sample book of business. Every date and time is
// relative to now truncated to the UTC day, and every timestamp lies before
// that day began, so the document never describes the future as past.
func Generate(now time.Time) importer.Document {
	b := &builder{
		today: now.UTC().Truncate(24 * time.Hour),
		rng:   rand.New(rand.NewPCG(seed1, seed2)),
	}
	b.names = b.rng.Perm(len(firstNames) * len(lastNames))
	b.doc.Workspace = importer.WorkspaceRecord{Name: "Sample Co", SlackTeamID: "T0SAMPLE"}
	for _, p := range team {
		b.doc.People = append(b.doc.People, importer.PersonRecord{
			SlackUserID: p.slack, Name: p.name, Email: p.email,
			TimeZone: p.tz, Role: p.role, Manager: p.manager,
		})
	}
	b.book()
	for _, a := range b.accounts {
		b.background(a)
	}
	slices.SortStableFunc(b.doc.Events, func(x, y importer.EventRecord) int {
		if c := strings.Compare(x.At, y.At); c != 0 {
			return c
		}
		return strings.Compare(x.ExternalID, y.ExternalID)
	})
	return b.doc
}

// person is someone on Sample Co's side.
type person struct {
	slack, name, email, tz, role, manager string
}

func (p person) first() string { return strings.Fields(p.name)[0] }

var (
	dana   = person{"U0MGR1", "Dana Whitfield", "dana.whitfield@sample.example", "America/New_York", "manager", ""}
	maya   = person{"U0REP1", "Maya Patel", "maya.patel@sample.example", "America/New_York", "rep", dana.email}
	jordan = person{"U0REP2", "Jordan Lee", "jordan.lee@sample.example", "America/Chicago", "rep", dana.email}
	sofia  = person{"U0REP3", "Sofia Alvarez", "sofia.alvarez@sample.example", "America/Los_Angeles", "rep", dana.email}
	priya  = person{"U0CSM1", "Priya Raman", "priya.raman@sample.example", "Europe/London", "csm", dana.email}
	marcus = person{"U0CSM2", "Marcus Green", "marcus.green@sample.example", "America/Chicago", "csm", dana.email}
	alex   = person{"U0ADMIN1", "Alex Kim", "alex.kim@sample.example", "America/Los_Angeles", "admin", dana.email}

	team = []person{dana, maya, jordan, sofia, priya, marcus, alex}
)

type builder struct {
	today    time.Time
	rng      *rand.Rand
	doc      importer.Document
	accounts []*acct
	names    []int // a permutation of first × last name pairs
	nextName int

	nAccount, nContact, nDeal, nEvent, nChange, nCommit, nWait int
}

// when is the start of the day `ago` days before today, plus hour and minute.
func (b *builder) when(ago, hour, minute int) time.Time {
	return b.today.AddDate(0, 0, -ago).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

func (b *builder) at(ago, hour, minute int) string {
	return b.when(ago, hour, minute).Format(time.RFC3339)
}

// date is the calendar day `offset` days from today (negative: past).
func (b *builder) date(offset int) string {
	return b.today.AddDate(0, 0, offset).Format(time.DateOnly)
}

// thisMonth is `offset` days from today, or the last day of this month when
// that falls into the next one.
func (b *builder) thisMonth(offset int) int {
	last := time.Date(b.today.Year(), b.today.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	left := int(last.Sub(b.today).Hours() / 24)
	return min(offset, left)
}

// acctSpec describes one account.
type acctSpec struct {
	name, key, segment string
	owner              person
	csm                *person
	arr                float64
	renewal            int // days from today; 0: none
	created            int // days ago
	rate               float64
	quiet              int // no events in the last quiet days
}

type acct struct {
	b        *builder
	id, name string
	key      string
	channel  string
	domain   string
	segment  string
	rec      int // index into doc.Accounts

	owner, csm           person
	hasCSM               bool
	prevOwner, prevCSM   person
	ownerSince, csmSince int // days ago the current owner / CSM took over; 0: always

	created  int
	rate     float64
	quiet    int
	wonAgo   int // days ago the first deal closed won; 0: not a customer
	contacts []*contact
	deals    []*deal
}

type contact struct {
	rec    importer.ContactRecord
	first  string
	since  int // first active this many days ago; 0: from the start
	silent int // silent for the last this many days; 0: active until today
	weight int
}

type deal struct {
	rec     importer.DealRecord
	created int
	closed  int // days ago; 0 while open
}

func (b *builder) account(s acctSpec) *acct {
	b.nAccount++
	a := &acct{
		b: b, id: fmt.Sprintf("hs-company-%d", 2000+b.nAccount), name: s.name, key: s.key,
		channel: "C0" + strings.ToUpper(s.key), domain: s.key + ".example", segment: s.segment,
		owner: s.owner, created: s.created, rate: s.rate, quiet: s.quiet,
	}
	rec := importer.AccountRecord{
		ExternalID: a.id, Name: s.name, Domain: a.domain, Segment: s.segment,
		Owner: s.owner.email, Currency: "USD", ARR: s.arr,
		CreatedAt: b.at(s.created, 14, 30),
	}
	if s.csm != nil {
		a.csm, a.hasCSM = *s.csm, true
		rec.CSM = s.csm.email
	}
	if s.renewal != 0 {
		rec.RenewalDate = b.date(s.renewal)
	}
	a.rec = len(b.doc.Accounts)
	b.doc.Accounts = append(b.doc.Accounts, rec)
	b.accounts = append(b.accounts, a)
	return a
}

// ownerAt is the account owner on the day `ago` days before today.
func (a *acct) ownerAt(ago int) person {
	if a.ownerSince > 0 && ago > a.ownerSince {
		return a.prevOwner
	}
	return a.owner
}

// csmAt is the CSM on the day `ago` days before today, or the owner.
func (a *acct) csmAt(ago int) person {
	if !a.hasCSM {
		return a.ownerAt(ago)
	}
	if a.csmSince > 0 && ago > a.csmSince {
		return a.prevCSM
	}
	return a.csm
}

// contact adds a named contact. since and silent bound the days on which the
// contact takes part in the timeline.
func (a *acct) contact(name, title, persona, role string, since, silent int) *contact {
	a.b.nContact++
	first := strings.Fields(name)[0]
	c := &contact{
		rec: importer.ContactRecord{
			ExternalID: fmt.Sprintf("hs-contact-%d", 5000+a.b.nContact),
			Account:    a.id, Name: name, Email: emailOf(name, a.domain), Title: title,
			Persona: persona, BuyingRole: role,
		},
		first: first, since: since, silent: silent, weight: roleWeight(role),
	}
	a.b.doc.Contacts = append(a.b.doc.Contacts, c.rec)
	a.contacts = append(a.contacts, c)
	return c
}

// people adds generated contacts, one per "persona:buying_role" spec.
func (a *acct) people(specs ...string) {
	for _, s := range specs {
		persona, role, _ := strings.Cut(s, ":")
		a.generated(persona, role, 0, 0)
	}
}

func (a *acct) generated(persona, role string, since, silent int) *contact {
	b := a.b
	for {
		n := b.names[b.nextName%len(b.names)]
		b.nextName++
		name := firstNames[n%len(firstNames)] + " " + lastNames[n/len(firstNames)]
		if !a.hasContact(name) {
			titles := titlesByPersona(persona)
			return a.contact(name, titles[b.rng.IntN(len(titles))], persona, role, since, silent)
		}
	}
}

func (a *acct) hasContact(name string) bool {
	for _, c := range a.contacts {
		if c.rec.Name == name {
			return true
		}
	}
	return false
}

func (a *acct) byRole(role string) *contact {
	for _, c := range a.contacts {
		if c.rec.BuyingRole == role {
			return c
		}
	}
	return nil
}

func (a *acct) byPersona(persona string) *contact {
	for _, c := range a.contacts {
		if c.rec.Persona == persona {
			return c
		}
	}
	return nil
}

func (c *contact) activeOn(ago int) bool {
	return (c.since == 0 || ago <= c.since) && ago > c.silent
}

// deal adds a deal closing `closeIn` days from today (negative: past). closed
// is how many days ago it closed; 0 while open.
func (a *acct) deal(name, kind string, amount float64, stage string, created, closeIn, closed int) *deal {
	b := a.b
	b.nDeal++
	d := &deal{
		rec: importer.DealRecord{
			ExternalID: fmt.Sprintf("hs-deal-%d", 1000+b.nDeal),
			Account:    a.id, Name: name, Kind: kind, Amount: amount, Currency: "USD",
			Stage: stage, CloseDate: b.date(closeIn), Owner: a.owner.email,
			Source: "hubspot", CreatedAt: b.at(created, 15, 10),
		},
		created: created, closed: closed,
	}
	if closed > 0 {
		d.rec.ClosedAt = b.at(closed, 19, 45)
		d.rec.CloseDate = b.date(-closed)
		if stage == "closedwon" && kind == "new" && a.wonAgo == 0 {
			a.wonAgo = closed
		}
	}
	b.doc.Deals = append(b.doc.Deals, d.rec)
	a.deals = append(a.deals, d)
	return d
}

// dealAt is the deal being worked on the day `ago` days before today: the
// newest deal created by then and not closed before it.
func (a *acct) dealAt(ago int) string {
	id := ""
	for _, d := range a.deals {
		if d.created >= ago && (d.closed == 0 || d.closed <= ago) {
			id = d.rec.ExternalID
		}
	}
	return id
}

// dealFor is the deal a milestone belongs to, if any.
func (a *acct) dealFor(key string) string {
	kind := ""
	switch stageOf(key) {
	case "sales":
		kind = "new"
	case "expansion":
		kind = "expansion"
	case "renewal":
		kind = "renewal"
	default:
		return ""
	}
	id := ""
	for _, d := range a.deals {
		if d.rec.Kind == kind {
			id = d.rec.ExternalID
		}
	}
	return id
}

// change records a property change.
func (a *acct) change(d *deal, ago, hour int, field, old, new, reason string, actor person) {
	b := a.b
	b.nChange++
	rec := importer.ChangeRecord{
		ExternalID: fmt.Sprintf("hs-change-%d", 9000+b.nChange),
		Account:    a.id, Field: field, Old: old, New: new, Reason: reason,
		Actor: actor.email, Source: "hubspot", At: b.at(ago, hour, 5+b.nChange%50),
	}
	if d != nil {
		rec.Deal = d.rec.ExternalID
	}
	b.doc.Changes = append(b.doc.Changes, rec)
}

// move records a deal stage move made by the owner of the day.
func (a *acct) move(d *deal, ago int, from, to, reason string) {
	a.change(d, ago, 16, "stage", from, to, reason, a.ownerAt(ago))
}

// won records the move that closed a deal won.
func (a *acct) won(d *deal, reason string) {
	a.move(d, d.closed, "contractsent", "closedwon", reason)
}

// push records a close-date push on a deal, from and to as day offsets.
func (a *acct) push(d *deal, ago, from, to int, reason string) {
	a.change(d, ago, 17, "close_date", a.b.date(from), a.b.date(to), reason, a.ownerAt(ago))
}

// event adds one timeline event and returns its external id.
func (a *acct) event(kind, dir string, c *contact, actor person, ago, hour, minute int, text string) string {
	b := a.b
	b.nEvent++
	t := b.when(ago, hour, minute)
	ev := importer.EventRecord{
		Account: a.id, Deal: a.dealAt(ago), Kind: kind, At: t.Format(time.RFC3339),
		Direction: dir, Text: text, Actor: actor.email,
	}
	if c != nil {
		ev.Contact = c.rec.ExternalID
	}
	switch kind {
	case "message":
		micro := b.nEvent % 1_000_000
		ev.Source = "slack"
		ev.Actor = actor.slack
		ev.ExternalID = fmt.Sprintf("slack-%s-%d.%06d", a.channel, t.Unix(), micro)
		ev.Link = fmt.Sprintf("https://sample.slack.com/archives/%s/p%d%06d", a.channel, t.Unix(), micro)
	case "email":
		ev.Source = "email"
		ev.ExternalID = fmt.Sprintf("email-%06d", 100000+b.nEvent)
	default:
		ev.Source = "hubspot"
		ev.ExternalID = fmt.Sprintf("hs-%s-%06d", kind, 300000+b.nEvent)
	}
	b.doc.Events = append(b.doc.Events, ev)
	return ev.ExternalID
}

// say adds a message or email from (inbound) or to (outbound) a contact.
func (a *acct) say(kind string, inbound bool, c *contact, ago, hour int, text string) string {
	dir := "outbound"
	if inbound {
		dir = "inbound"
	}
	actor := a.ownerAt(ago)
	if a.wonAgo > 0 && ago < a.wonAgo {
		actor = a.csmAt(ago)
	}
	return a.event(kind, dir, c, actor, ago, hour, (ago*7+hour*13)%60, text)
}

// ms marks a milestone done `ago` days ago. Inside the timeline window it
// also adds the event that shows it, points the completion at it and returns
// the event's external id.
func (a *acct) ms(key string, ago int, persona string) string {
	return a.msBy(nil, key, ago, persona)
}

// path marks milestones done one after the other, spread evenly from `from`
// days ago to `to` days ago.
func (a *acct) path(from, to int, keys ...string) {
	for i, k := range keys {
		ago := from
		if len(keys) > 1 {
			ago = from - (from-to)*i/(len(keys)-1)
		}
		a.ms(k, ago, "")
	}
}

// msBy is ms with the contact the evidence event involves; nil picks one.
func (a *acct) msBy(c *contact, key string, ago int, persona string) string {
	b := a.b
	rec := importer.CompletionRecord{
		Account: a.id, Deal: a.dealFor(key), Milestone: key, Persona: persona,
		At: b.at(ago, 20, 0),
	}
	if ago <= window && ago > a.quiet {
		rec.Evidence = a.msEvent(c, key, ago, persona)
	} else {
		rec.Note = "Recorded in HubSpot before the sample timeline starts"
	}
	if persona != "" {
		rec.Note = "Done for the " + strings.ReplaceAll(persona, "_", " ") + " team only"
	}
	b.doc.Completions = append(b.doc.Completions, rec)
	return rec.Evidence
}

func (a *acct) msEvent(c *contact, key string, ago int, persona string) string {
	m, ok := milestoneEvents[key]
	if !ok {
		m = msText{"note", "", "champion", "Milestone " + key + " reached at {company}."}
	}
	prefer := m.prefer
	if persona != "" {
		prefer = persona
	}
	if c == nil {
		c = a.pickFor(ago, prefer)
	}
	kind, dir := m.kind, m.dir
	if c == nil && (dir == "inbound" || kind == "meeting" || kind == "call") {
		kind, dir = "note", ""
	}
	actor := a.ownerAt(ago)
	if a.wonAgo > 0 && ago < a.wonAgo {
		actor = a.csmAt(ago)
	}
	first := ""
	if c != nil {
		first = c.first
	}
	text := strings.NewReplacer(
		"{first}", first, "{company}", a.name,
		"{persona}", strings.ReplaceAll(persona, "_", " "), "{me}", actor.first(),
	).Replace(m.text)
	if kind == "note" {
		c = nil
	}
	return a.event(kind, dir, c, actor, ago, 15, 30, text)
}

// pickFor finds the contact a scripted event involves: the first active one
// with the preferred buying role or persona, else the champion, else anyone.
func (a *acct) pickFor(ago int, prefer string) *contact {
	for _, c := range a.contacts {
		if c.activeOn(ago) && (c.rec.BuyingRole == prefer || c.rec.Persona == prefer) {
			return c
		}
	}
	for _, c := range a.contacts {
		if c.activeOn(ago) && c.rec.BuyingRole == "champion" {
			return c
		}
	}
	for _, c := range a.contacts {
		if c.activeOn(ago) {
			return c
		}
	}
	return nil
}

// promise records a commitment. due is a date string; doneAgo > 0 marks it
// done that many days ago.
func (a *acct) promise(d *deal, side, owner, counterpart, what, due string, created, doneAgo int, evidence string) {
	b := a.b
	b.nCommit++
	rec := importer.CommitmentRecord{
		ExternalID: fmt.Sprintf("commit-%d", 4000+b.nCommit),
		Account:    a.id, Side: side, Owner: owner, Counterpart: counterpart, What: what,
		Due: due, Status: "open", Evidence: evidence, CreatedAt: b.at(created, 17, 0),
	}
	if d != nil {
		rec.Deal = d.rec.ExternalID
	}
	if doneAgo > 0 {
		rec.Status = "done"
		rec.DoneAt = b.at(doneAgo, 18, 30)
	}
	b.doc.Commitments = append(b.doc.Commitments, rec)
}

// wait records something one side waits on; resolvedAgo > 0 resolves it.
func (a *acct) wait(d *deal, waiter, what string, since, resolvedAgo int, evidence string) {
	b := a.b
	b.nWait++
	rec := importer.WaitRecord{
		ExternalID: fmt.Sprintf("wait-%d", 6000+b.nWait),
		Account:    a.id, Waiter: waiter, What: what, Since: b.at(since, 17, 15), Evidence: evidence,
	}
	if d != nil {
		rec.Deal = d.rec.ExternalID
	}
	if resolvedAgo > 0 {
		rec.ResolvedAt = b.at(resolvedAgo, 18, 0)
	}
	b.doc.WaitingOn = append(b.doc.WaitingOn, rec)
}

// background fills an account's timeline with everyday traffic.
func (b *builder) background(a *acct) {
	start := min(a.created, window)
	for ago := start; ago >= 1 && ago > a.quiet; ago-- {
		wd := b.today.AddDate(0, 0, -ago).Weekday()
		if wd == time.Saturday || wd == time.Sunday {
			if b.rng.Float64() < 0.06 {
				b.randomEvent(a, ago)
			}
			continue
		}
		lambda := a.rate / 5 * (0.4 + 1.2*b.rng.Float64())
		n := int(lambda)
		if b.rng.Float64() < lambda-float64(n) {
			n++
		}
		for range n {
			b.randomEvent(a, ago)
		}
	}
}

func (b *builder) randomEvent(a *acct, ago int) {
	customer := a.wonAgo > 0 && ago < a.wonAgo
	c := b.pickWeighted(a, ago)
	kind := weighted(b.rng, []string{"message", "email", "call", "meeting", "note"}, []int{42, 24, 12, 9, 13})
	if c == nil {
		kind = "note"
	}
	dir := ""
	switch kind {
	case "message", "email":
		dir = "outbound"
		if b.rng.Float64() < 0.5 {
			dir = "inbound"
		}
	case "call":
		dir = "outbound"
		if b.rng.Float64() < 0.3 {
			dir = "inbound"
		}
	case "meeting":
		dir = "inbound"
	case "note":
		c = nil
	}
	actor := a.ownerAt(ago)
	switch {
	case customer && b.rng.Float64() < 0.7:
		actor = a.csmAt(ago)
	case !customer && a.segment != "smb" && b.rng.Float64() < 0.08:
		actor = dana
	}
	pool := textPool(customer, kind, dir)
	text := pool[b.rng.IntN(len(pool))]
	first := ""
	if c != nil {
		first = c.first
	}
	text = strings.NewReplacer(
		"{first}", first, "{company}", a.name, "{me}", actor.first(),
		"{n}", fmt.Sprint(5+5*b.rng.IntN(8)), "{pct}", fmt.Sprint(62+b.rng.IntN(30)),
		"{day}", weekdays[b.rng.IntN(len(weekdays))],
	).Replace(text)
	a.event(kind, dir, c, actor, ago, 13+b.rng.IntN(9), b.rng.IntN(60), text)
}

// pickWeighted picks an active contact, champions most often.
func (b *builder) pickWeighted(a *acct, ago int) *contact {
	total := 0
	for _, c := range a.contacts {
		if c.activeOn(ago) {
			total += c.weight
		}
	}
	if total == 0 {
		return nil
	}
	n := b.rng.IntN(total)
	for _, c := range a.contacts {
		if !c.activeOn(ago) {
			continue
		}
		if n < c.weight {
			return c
		}
		n -= c.weight
	}
	return nil
}

func weighted(r *rand.Rand, items []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return items[i]
		}
		n -= w
	}
	return items[len(items)-1]
}

func roleWeight(role string) int {
	switch role {
	case "champion":
		return 6
	case "economic_buyer", "decision_maker", "influencer":
		return 2
	case "user":
		return 3
	}
	return 1
}

func emailOf(name, domain string) string {
	var parts []string
	for _, f := range strings.Fields(strings.ToLower(name)) {
		f = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, f)
		if f != "" && f != "dr" {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, ".") + "@" + domain
}

// stageOf groups milestone keys: sales milestones belong to the new-business
// deal, expansion and renewal ones to deals of that kind.
func stageOf(key string) string {
	switch key {
	case "pain_identified", "champion_identified", "why_now_established",
		"demo_held", "success_criteria_agreed", "economic_buyer_engaged",
		"technical_win", "mutual_action_plan", "business_case_approved", "exec_sponsor_met",
		"proposal_sent", "security_review_passed", "legal_redlines_resolved", "procurement_approved",
		"contract_signed", "csm_joined_late_calls",
		"signup", "activation_moment", "plan_selected", "payment_confirmed":
		return "sales"
	case "expansion_need_identified", "expansion_sponsor_confirmed":
		return "expansion"
	case "renewal_risk_review", "ebr_held", "renewal_verbal", "renewal_confirmed":
		return "renewal"
	}
	return ""
}
