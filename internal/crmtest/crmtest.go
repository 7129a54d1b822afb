// Package crmtest serves the sample book from a local HubSpot, for the tests
// of the HubSpot sync, of the job that runs it and of the end-to-end flows: the
// same companies, contacts, deals and owners that pgtest.NewSampleStore
// imports, under HubSpot ids, so that a test can change a record in HubSpot,
// sync, and see what Journey makes of it.
//
// Only tests import it (.golangci.yml); the portal is hubspotsim, the one
// `bot sandbox` runs.
package crmtest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/hubspotsim"
	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/pgtest"
)

// HubSpot is a local HubSpot portal holding the sample book. The embedded
// server changes records as a person would in HubSpot (Set, Put, Merge,
// DeleteAt, …) and injects failures (ExpireToken, RateLimit, …).
type HubSpot struct {
	*hubspotsim.Server
	// Token is the private-app token the portal accepts.
	Token string
	// Fixture maps the sample's people, accounts and deals to their HubSpot
	// ids.
	Fixture hubspotsim.Fixture
	// Doc is the sample book the portal serves.
	Doc importer.Document
}

// Start serves the sample book as of now from a local HubSpot that accepts
// token and whose clock stands at now. It listens on a free port of
// 127.0.0.1 and is closed when t ends.
func Start(t testing.TB, token string, now time.Time) *HubSpot {
	t.Helper()
	doc := pgtest.Sample(t, now).Doc
	sim := hubspotsim.New(token)
	sim.Now = func() time.Time { return now }
	fx, err := sim.LoadDocument(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return &HubSpot{Server: sim, Token: token, Fixture: fx, Doc: doc}
}

// Config is the sync's configuration for this portal: its token and URL, the
// sample's CSM property, and a backoff of a millisecond so that retries do
// not slow the test.
func (h *HubSpot) Config() hubspot.Config {
	return hubspot.Config{Token: h.Token, BaseURL: h.URL(), CSMProperty: hubspotsim.CSMProperty, Backoff: time.Millisecond}
}

// Deal returns the HubSpot id of the sample's first deal whose name starts
// with prefix ("Acme Corp", "Globex — EMEA"); t fails when there is none.
func (h *HubSpot) Deal(t testing.TB, prefix string) string {
	t.Helper()
	for _, d := range h.Doc.Deals {
		if strings.HasPrefix(d.Name, prefix) {
			return h.Fixture.DealOf[d.ExternalID]
		}
	}
	t.Fatalf("crmtest: the sample has no deal %q", prefix)
	return ""
}

// Company returns the HubSpot id of the sample's account named name; t fails
// when there is none.
func (h *HubSpot) Company(t testing.TB, name string) string {
	t.Helper()
	for _, a := range h.Doc.Accounts {
		if a.Name == name {
			return h.Fixture.CompanyOf[a.ExternalID]
		}
	}
	t.Fatalf("crmtest: the sample has no account %q", name)
	return ""
}

// DeleteThroughDriver deletes a record the way the sandbox's driver does
// (DELETE /_sim/objects/TYPE/ID), as a person would in HubSpot, and returns
// the HTTP status: 204 when deleted, 404 when there is no such record.
func (h *HubSpot) DeleteThroughDriver(t testing.TB, objectType, id string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, h.URL()+"/_sim/objects/"+objectType+"/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
