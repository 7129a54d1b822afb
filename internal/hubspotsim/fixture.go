package hubspotsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/importer"
)

// CSMProperty is the company property the fixtures keep each company's CSM in.
const CSMProperty = "customer_success_manager"

// Fixture maps a book of business onto the portal's ids.
type Fixture struct {
	OwnerOf   map[string]string // person email → owner id
	UserOf    map[string]int64  // person email → HubSpot user id
	CompanyOf map[string]string // account external id → company id
	DealOf    map[string]string // deal external id → deal id
}

// digits keeps the number in an id such as "hs-deal-1001".
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var roleOf = map[string]string{"champion": "CHAMPION", "economic_buyer": "BUDGET_HOLDER", "decision_maker": "DECISION_MAKER",
	"influencer": "INFLUENCER", "user": "END_USER", "technical_owner": "TECHNICAL_EVALUATOR"}

var dealTypeOf = map[string]string{"": "newbusiness", "new": "newbusiness", "expansion": "existingbusiness", "renewal": "renewal"}

// LoadDocument fills the portal with a book of business in Journey's import
// format (the sample, say): its people become owners, accounts companies
// (with their CSM in CSMProperty), contacts and deals keep the numbers of
// their ids. Every value is as it is today, set when the record was created.
func (s *Server) LoadDocument(doc importer.Document) (Fixture, error) {
	f := Fixture{OwnerOf: map[string]string{}, UserOf: map[string]int64{}, CompanyOf: map[string]string{}, DealOf: map[string]string{}}
	for i, p := range doc.People {
		first, last, _ := strings.Cut(p.Name, " ")
		o := Owner{ID: strconv.Itoa(100 + i), UserID: int64(9000 + i), Email: p.Email, FirstName: first, LastName: last}
		s.AddOwner(o)
		f.OwnerOf[strings.ToLower(p.Email)], f.UserOf[strings.ToLower(p.Email)] = o.ID, o.UserID
	}
	s.AddProperty("companies", CSMProperty)
	owner := func(email string) string { return f.OwnerOf[strings.ToLower(email)] }
	parse := func(v string) time.Time {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t
		}
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return t
		}
		return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	for _, a := range doc.Accounts {
		id := digits(a.ExternalID)
		if id == "" {
			return f, fmt.Errorf("account %s: no number in its id", a.ExternalID)
		}
		f.CompanyOf[a.ExternalID] = id
		props := map[string]string{"name": a.Name, "domain": a.Domain, "hubspot_owner_id": owner(a.Owner)}
		if a.CSM != "" {
			props[CSMProperty] = owner(a.CSM)
		}
		s.Put("companies", id, parse(a.CreatedAt), props)
	}
	for i, c := range doc.Contacts {
		first, last, _ := strings.Cut(c.Name, " ")
		s.Put("contacts", digits(c.ExternalID), parse("2025-06-01").Add(time.Duration(i)*time.Minute), map[string]string{"firstname": first, "lastname": last,
			"email": c.Email, "jobtitle": c.Title, "associatedcompanyid": f.CompanyOf[c.Account], "hs_buying_role": roleOf[c.BuyingRole]})
	}
	for _, d := range doc.Deals {
		id := digits(d.ExternalID)
		f.DealOf[d.ExternalID] = id
		props := map[string]string{"dealname": d.Name, "dealstage": d.Stage, "amount": strconv.FormatFloat(d.Amount, 'f', -1, 64),
			"hubspot_owner_id": owner(d.Owner), "dealtype": dealTypeOf[d.Kind], "deal_currency_code": d.Currency}
		if d.CloseDate != "" {
			props["closedate"] = d.CloseDate + "T00:00:00Z"
		}
		created := parse(d.CreatedAt)
		s.Put("deals", id, created, props)
		s.Associate(id, f.CompanyOf[d.Account])
	}
	return f, nil
}

// Generate fills the portal with a synthetic book: deals deals over
// deals/4 companies, one contact each, owned by owners owners, each deal
// with a stage history of histLen values. It returns the owners' emails.
func (s *Server) Generate(deals, owners, histLen int, start time.Time) []string {
	stages := []string{"appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon"}
	var emails []string
	for i := 0; i < owners; i++ {
		e := fmt.Sprintf("owner%d@bench.example", i)
		emails = append(emails, e)
		s.AddOwner(Owner{ID: strconv.Itoa(500 + i), UserID: int64(7000 + i), Email: e, FirstName: "Owner", LastName: strconv.Itoa(i)})
	}
	s.AddProperty("companies", CSMProperty)
	companies := max(deals/4, 1)
	for c := 0; c < companies; c++ {
		id := strconv.Itoa(100000 + c)
		at := start.Add(time.Duration(c) * time.Minute)
		s.Put("companies", id, at, map[string]string{"name": fmt.Sprintf("Company %d", c), "domain": fmt.Sprintf("c%d.bench.example", c),
			"hubspot_owner_id": strconv.Itoa(500 + c%owners), CSMProperty: strconv.Itoa(500 + (c+1)%owners)})
		s.Put("contacts", strconv.Itoa(300000+c), at, map[string]string{"firstname": "Pat", "lastname": strconv.Itoa(c),
			"email": fmt.Sprintf("pat%d@c%d.bench.example", c, c), "associatedcompanyid": id, "hs_buying_role": "CHAMPION"})
	}
	for d := 0; d < deals; d++ {
		id := strconv.Itoa(200000 + d)
		at := start.Add(time.Duration(d) * time.Second)
		s.Put("deals", id, at, map[string]string{"dealname": fmt.Sprintf("Deal %d", d), "dealstage": stages[0],
			"amount": strconv.Itoa(10000 + d%50*1000), "hubspot_owner_id": strconv.Itoa(500 + d%owners), "dealtype": "newbusiness",
			"closedate": at.AddDate(0, 2, 0).Format("2006-01-02") + "T00:00:00Z"})
		for h := 1; h < histLen; h++ {
			_ = s.Set("deals", id, at.Add(time.Duration(h)*time.Hour), int64(7000+d%owners), map[string]string{"dealstage": stages[h%(len(stages)-1)]})
		}
		s.Associate(id, strconv.Itoa(100000+d%companies))
	}
	return emails
}
