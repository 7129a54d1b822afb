package hubspotsim_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/hubspotsim"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func portal(t *testing.T) *hubspotsim.Server {
	t.Helper()
	s := hubspotsim.New("tok")
	s.AddOwner(hubspotsim.Owner{ID: "101", UserID: 9001, Email: "maya@x.example", FirstName: "Maya", LastName: "Patel"})
	s.Put("companies", "11", t0, map[string]string{"name": "Acme", "domain": "acme.example"})
	s.Put("deals", "21", t0, map[string]string{"dealname": "Platform", "dealstage": "closedlost"})
	s.Put("deals", "22", t0.Add(time.Hour), map[string]string{"dealname": "Seats", "dealstage": "contractsent"})
	if err := s.Set("deals", "21", t0.Add(2*time.Hour), 9001, map[string]string{"dealstage": "closedwon"}); err != nil {
		t.Fatal(err)
	}
	s.Associate("21", "11")
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// call sends a request and decodes the JSON answer.
func call(t *testing.T, s *hubspotsim.Server, method, path, token string, body any) (int, http.Header, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest(method, s.URL()+path, &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

func TestSearchPagesOldestModificationFirst(t *testing.T) {
	t.Parallel()
	s := portal(t)
	body := map[string]any{"filterGroups": []any{map[string]any{"filters": []any{map[string]any{"propertyName": "hs_lastmodifieddate", "operator": "GTE",
		"value": "1761998400000"}}}}, "sorts": []any{map[string]string{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}},
		"properties": []string{"dealname", "dealstage"}, "limit": 1}
	code, _, out := call(t, s, "POST", "/crm/v3/objects/deals/search", "tok", body)
	if code != 200 || out["total"].(float64) != 2 {
		t.Fatalf("%d %v", code, out)
	}
	first := out["results"].([]any)[0].(map[string]any)
	if first["id"] != "22" || first["properties"].(map[string]any)["dealstage"] != "contractsent" {
		t.Errorf("oldest modification first: %v", first)
	}
	after := out["paging"].(map[string]any)["next"].(map[string]any)["after"]
	body["after"] = after
	_, _, out = call(t, s, "POST", "/crm/v3/objects/deals/search", "tok", body)
	if out["results"].([]any)[0].(map[string]any)["id"] != "21" || out["paging"] != nil {
		t.Errorf("second and last page: %v", out)
	}
	body["limit"] = 500
	if code, _, out := call(t, s, "POST", "/crm/v3/objects/deals/search", "tok", body); code != 400 || out["category"] != "VALIDATION_ERROR" {
		t.Errorf("limit over 200: %d %v", code, out)
	}
	s.MaxSearchResults = 1
	body["limit"], body["after"] = 1, "1"
	if code, _, _ := call(t, s, "POST", "/crm/v3/objects/deals/search", "tok", body); code != 400 {
		t.Errorf("paging past the result cap: %d", code)
	}
}

func TestBatchReadWithHistoryAndMissingRecords(t *testing.T) {
	t.Parallel()
	s := portal(t)
	code, _, out := call(t, s, "POST", "/crm/v3/objects/deals/batch/read", "tok", map[string]any{
		"inputs": []any{map[string]string{"id": "21"}, map[string]string{"id": "404"}}, "properties": []string{"dealstage"},
		"propertiesWithHistory": []string{"dealstage"}})
	if code != 207 || out["status"] != "COMPLETE" {
		t.Fatalf("%d %v", code, out)
	}
	hist := out["results"].([]any)[0].(map[string]any)["propertiesWithHistory"].(map[string]any)["dealstage"].([]any)
	newest := hist[0].(map[string]any)
	if len(hist) != 2 || newest["value"] != "closedwon" || newest["updatedByUserId"].(float64) != 9001 || newest["sourceType"] != "CRM_UI" {
		t.Errorf("history, newest first: %v", hist)
	}
	e := out["errors"].([]any)[0].(map[string]any)
	if e["category"] != "OBJECT_NOT_FOUND" || e["context"].(map[string]any)["ids"].([]any)[0] != "404" {
		t.Errorf("missing record: %v", e)
	}
	_, _, out = call(t, s, "POST", "/crm/v4/associations/deals/companies/batch/read", "tok", map[string]any{"inputs": []any{map[string]string{"id": "21"}}})
	to := out["results"].([]any)[0].(map[string]any)["to"].([]any)[0].(map[string]any)
	if to["toObjectId"].(float64) != 11 {
		t.Errorf("association: %v", out)
	}
}

func TestFaultsAnswerAsHubSpotDoes(t *testing.T) {
	t.Parallel()
	s := portal(t)
	if code, _, out := call(t, s, "GET", "/crm/v3/owners/?limit=500", "wrong", nil); code != 401 || out["category"] != "INVALID_AUTHENTICATION" {
		t.Errorf("wrong token: %d %v", code, out)
	}
	s.ExpireToken(true)
	if code, _, out := call(t, s, "GET", "/crm/v3/owners/?limit=500", "tok", nil); code != 401 || out["category"] != "EXPIRED_AUTHENTICATION" {
		t.Errorf("expired token: %d %v", code, out)
	}
	s.ExpireToken(false)
	s.RevokeScope(hubspotsim.ScopeOwners)
	code, _, out := call(t, s, "GET", "/crm/v3/owners/?limit=500", "tok", nil)
	scopes := out["errors"].([]any)[0].(map[string]any)["context"].(map[string]any)["requiredGranularScopes"].([]any)
	if code != 403 || out["category"] != "MISSING_SCOPES" || scopes[0] != hubspotsim.ScopeOwners {
		t.Errorf("missing scope: %d %v", code, out)
	}
	s.GrantScope(hubspotsim.ScopeOwners)
	s.RateLimit(1, 2)
	code, h, out := call(t, s, "GET", "/crm/v3/owners/?limit=500", "tok", nil)
	if code != 429 || h.Get("Retry-After") != "2" || out["policyName"] != "SECONDLY" {
		t.Errorf("rate limit: %d %v %v", code, h, out)
	}
	s.ServerErrors(1)
	if code, _, _ := call(t, s, "GET", "/crm/v3/owners/?limit=500", "tok", nil); code != 502 {
		t.Errorf("server error: %d", code)
	}
	s.DailyLimit(1)
	if code, h, out := call(t, s, "GET", "/crm/v3/owners/?limit=500", "tok", nil); code != 200 || h.Get("X-HubSpot-RateLimit-Daily-Remaining") != "0" ||
		out["results"].([]any)[0].(map[string]any)["email"] != "maya@x.example" {
		t.Errorf("last call of the day: %d %v %v", code, h, out)
	}
	if code, _, out := call(t, s, "GET", "/crm/v3/owners/?limit=500", "tok", nil); code != 429 || out["policyName"] != "DAILY" {
		t.Errorf("daily limit: %d %v", code, out)
	}
	s.DailyLimit(-1)
	if code, _, _ := call(t, s, "GET", "/crm/v3/properties/companies/no_such_property", "tok", nil); code != 404 {
		t.Errorf("unknown property: %d", code)
	}
	_, per := s.Calls()
	if per == 0 {
		t.Error("calls are counted")
	}
}
