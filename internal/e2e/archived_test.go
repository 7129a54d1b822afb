package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestCompanyDeletedInHubSpotLeavesHomeAndLookups: Sofia's customer Initech
// is deleted in HubSpot (through the local HubSpot's driver, as a person
// would); after one sync it is gone from her Home tab and `/journey initech`
// no longer finds it.
func TestCompanyDeletedInHubSpotLeavesHomeAndLookups(t *testing.T) {
	t.Parallel()
	const sofia = "U0REP3"
	c := startCRM(t)
	v, _ := c.home(sofia)
	if !strings.Contains(string(v.JSON), "Initech") {
		t.Fatalf("Sofia's Home should show Initech before:\n%s", v.JSON)
	}
	company := c.hs.Company(t, "Initech")
	if code := c.hs.DeleteThroughDriver(t, "companies", company); code != http.StatusNoContent {
		t.Fatalf("deleting company %s in the local HubSpot: %d", company, code)
	}
	rep := c.sync()
	if rep.Archived["companies"] != 1 {
		t.Fatalf("the sync should archive Initech:\n%s", rep)
	}
	// the Home tab is published again without Initech
	if err := c.sim.OpenHome(ctx(t), sofia); err != nil {
		t.Fatal(err)
	}
	c.waitFor("Sofia's Home without Initech", func() bool {
		v, ok := c.sim.HomeView(sofia)
		return ok && strings.Contains(string(v.JSON), "My accounts") && !strings.Contains(string(v.JSON), "Initech")
	})
	c.card(sofia, "initech", "No account matches")
}
