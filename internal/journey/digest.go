package journey

import (
	"fmt"
	"sort"
	"time"
)

// Digest is a manager's morning view of a team: where to intervene today.
type Digest struct {
	At    time.Time
	Since time.Time // stage moves are listed from here (yesterday morning)
	// Reps with overdue promises, most overdue first.
	OverdueByRep []RepOverdue
	// Deals at risk because a required milestone of an earlier stage is missing.
	AtRisk []DigestDeal
	// Deals that need intervention: close date passed or within 7 days with
	// health under 60, or a stakeholder gone silent on a deal closing soon.
	Intervene []DigestDeal
	// Stage moves since Since, with their reasons (or "reason unknown").
	Moves []DigestMove
	// Open pipeline that is at risk, per rep.
	PipelineByRep []RepPipeline
	// Follow-ups the team sent through Journey since Since: promises kept.
	// The caller fills it (it comes from the timeline, not the book).
	Sent []SentFollowUp
	// People names the people the digest mentions, by id.
	People map[string]Person
}

// RepOverdue is one rep's overdue promises.
type RepOverdue struct {
	Rep      Person
	Count    int
	Oldest   time.Time
	Examples []string // "Acme Corp: Send the SOC 2 report (due Nov 20)"
}

// DigestDeal is an account in a digest list, with the one-line reason.
type DigestDeal struct {
	AccountID   string
	AccountName string
	Rep         Person
	AmountCents int64
	Currency    string
	Why         string
	Priority    int
}

// DigestMove is a stage move since yesterday.
type DigestMove struct {
	AccountID   string
	AccountName string
	Rep         Person
	From, To    string
	Reason      string // "" when nobody said why
	At          time.Time
}

// RepPipeline is a rep's open pipeline and how much of it is at risk.
type RepPipeline struct {
	Rep         Person
	OpenCents   int64
	AtRiskCents int64
	AtRiskDeals int
	Currency    string
}

// BuildDigest derives a team's digest at time now from the accounts of its
// reps. people maps person ids to people (for names); since is where the
// list of stage moves starts. It reads only its arguments.
func BuildDigest(defs []Definition, book []AccountData, people map[string]Person, since, now time.Time) Digest {
	d := Digest{At: now, Since: since, People: people}
	overdue := map[string]*RepOverdue{}
	pipes := map[string]*RepPipeline{}
	for _, data := range book {
		def, ok := ForSegment(defs, data.Account.Segment)
		if !ok {
			continue
		}
		pos := Derive(def, data, now)
		h := ScoreHealth(data, pos, now)
		p := Prioritize(def, data, pos, h, now)
		rep := people[data.Account.OwnerID]
		for _, c := range data.Commitments {
			if c.Side != SideUs || !c.Overdue(now) {
				continue
			}
			who := people[firstNonEmpty(c.OwnerID, data.Account.OwnerID)]
			if who.ID == "" {
				continue
			}
			ro := overdue[who.ID]
			if ro == nil {
				ro = &RepOverdue{Rep: who, Oldest: c.DueAt}
				overdue[who.ID] = ro
			}
			ro.Count++
			if c.DueAt.Before(ro.Oldest) {
				ro.Oldest = c.DueAt
			}
			if len(ro.Examples) < 3 {
				ro.Examples = append(ro.Examples, fmt.Sprintf("%s: %s (due %s)", data.Account.Name, c.What, c.DueAt.Format("Jan 2")))
			}
		}
		deal, open := focusDeal(def, data.Deals)
		base := DigestDeal{AccountID: data.Account.ID, AccountName: data.Account.Name, Rep: rep, Priority: p.Score}
		if open {
			base.AmountCents, base.Currency = deal.AmountCents, deal.Currency
			pl := pipes[rep.ID]
			if rep.ID != "" {
				if pl == nil {
					pl = &RepPipeline{Rep: rep, Currency: deal.Currency}
					pipes[rep.ID] = pl
				}
				pl.OpenCents += deal.AmountCents
			}
			risky := pos.AtRisk() || h.Score < 50
			if risky && pl != nil {
				pl.AtRiskCents += deal.AmountCents
				pl.AtRiskDeals++
			}
		}
		if pos.AtRisk() {
			dd := base
			dd.Why = pos.Risks[0].Sentence
			d.AtRisk = append(d.AtRisk, dd)
		}
		if open && !deal.CloseDate.IsZero() {
			left := deal.CloseDate.Sub(now.Truncate(24 * time.Hour))
			switch {
			case left < 0:
				dd := base
				dd.Why = fmt.Sprintf("close date %s passed and the deal is still open", FormatDate(deal.CloseDate))
				d.Intervene = append(d.Intervene, dd)
			case left <= 7*24*time.Hour && h.Score < 60:
				dd := base
				dd.Why = fmt.Sprintf("closes %s with health %d: %s", FormatDate(deal.CloseDate), h.Score, h.Explain())
				d.Intervene = append(d.Intervene, dd)
			}
		}
		for _, ch := range data.Changes {
			if ch.Field != "stage" || ch.At.Before(since) || ch.At.After(now) {
				continue
			}
			d.Moves = append(d.Moves, DigestMove{AccountID: data.Account.ID, AccountName: data.Account.Name, Rep: rep,
				From: ch.Old, To: ch.New, Reason: ch.Reason, At: ch.At})
		}
	}
	for _, ro := range overdue {
		d.OverdueByRep = append(d.OverdueByRep, *ro)
	}
	sort.Slice(d.OverdueByRep, func(i, j int) bool {
		a, b := d.OverdueByRep[i], d.OverdueByRep[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Rep.Name < b.Rep.Name
	})
	for _, pl := range pipes {
		if pl.AtRiskDeals > 0 {
			d.PipelineByRep = append(d.PipelineByRep, *pl)
		}
	}
	sort.Slice(d.PipelineByRep, func(i, j int) bool {
		if d.PipelineByRep[i].AtRiskCents != d.PipelineByRep[j].AtRiskCents {
			return d.PipelineByRep[i].AtRiskCents > d.PipelineByRep[j].AtRiskCents
		}
		return d.PipelineByRep[i].Rep.Name < d.PipelineByRep[j].Rep.Name
	})
	byValue := func(ds []DigestDeal) {
		sort.SliceStable(ds, func(i, j int) bool {
			if ds[i].AmountCents != ds[j].AmountCents {
				return ds[i].AmountCents > ds[j].AmountCents
			}
			return ds[i].AccountName < ds[j].AccountName
		})
	}
	byValue(d.AtRisk)
	byValue(d.Intervene)
	sort.SliceStable(d.Moves, func(i, j int) bool { return d.Moves[i].At.After(d.Moves[j].At) })
	return d
}
