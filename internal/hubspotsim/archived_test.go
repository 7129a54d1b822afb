package hubspotsim_test

import (
	"strconv"
	"testing"
	"time"
)

// TestArchivedListingInHubSpotsShape: GET /crm/v3/objects/deals?archived=true
// lists only deleted deals, 100 at most a page, each with archived and
// archivedAt; a deleted deal leaves the search.
func TestArchivedListingInHubSpotsShape(t *testing.T) {
	t.Parallel()
	s := portal(t)
	for i := 0; i < 120; i++ {
		id := strconv.Itoa(500 + i)
		s.Put("deals", id, t0, map[string]string{"dealname": "D" + id})
		s.DeleteAt("deals", id, t0.Add(time.Duration(i)*time.Minute))
	}
	code, _, out := call(t, s, "GET", "/crm/v3/objects/deals?archived=true&limit=100", "tok", nil)
	res, _ := out["results"].([]any)
	if code != 200 || len(res) != 100 {
		t.Fatalf("first page: %d, %d results", code, len(res))
	}
	first := res[0].(map[string]any)
	if first["id"] != "500" || first["archived"] != true || first["archivedAt"] != "2026-11-01T12:00:00Z" {
		t.Errorf("an archived deal as HubSpot lists it: %v", first)
	}
	next := out["paging"].(map[string]any)["next"].(map[string]any)
	if next["after"] != "100" {
		t.Fatalf("paging: %v", next)
	}
	_, _, out = call(t, s, "GET", "/crm/v3/objects/deals?archived=true&limit=100&after=100", "tok", nil)
	if res, _ := out["results"].([]any); len(res) != 20 || out["paging"] != nil {
		t.Errorf("last page: %d results, paging %v", len(res), out["paging"])
	}
	if code, _, _ := call(t, s, "GET", "/crm/v3/objects/deals?archived=true&limit=101", "tok", nil); code != 400 {
		t.Errorf("limit over 100: %d", code)
	}
	if code, _, _ := call(t, s, "GET", "/crm/v3/objects/deals?archived=true", "bad", nil); code != 401 {
		t.Errorf("bad token: %d", code)
	}
	// the live listing holds the deal that was not deleted, and the search no deleted one
	_, _, out = call(t, s, "GET", "/crm/v3/objects/deals?limit=100", "tok", nil)
	for _, r := range out["results"].([]any) {
		if r.(map[string]any)["archived"] != false {
			t.Errorf("live listing holds an archived deal: %v", r)
		}
	}
	_, _, out = call(t, s, "POST", "/crm/v3/objects/deals/search", "tok", map[string]any{"limit": 200})
	if out["total"].(float64) >= 120 {
		t.Errorf("search lists deleted deals: total %v", out["total"])
	}
	if per, _ := s.Calls(); per["list deals"] != 5 {
		t.Errorf("listing calls counted %d, want 5", per["list deals"])
	}
}
