package hubspotsim

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Version is one value a property had.
type Version struct {
	Value  string
	At     time.Time
	UserID int64 // the HubSpot user who set it; 0 for an integration
}

// Record is a CRM object: its properties, each with its history (oldest
// first), and when it was created.
type Record struct {
	ID        string
	CreatedAt time.Time
	Props     map[string][]Version
	Archived  bool
	// ArchivedAt is when it was archived (deleted in HubSpot).
	ArchivedAt time.Time
	// RestoredAt is when it was last restored from the recycling bin.
	RestoredAt time.Time
}

func (r *Record) value(p string) (string, bool) {
	vs := r.Props[p]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1].Value, true
}

func (r *Record) modified() time.Time {
	t := r.CreatedAt
	if r.RestoredAt.After(t) {
		t = r.RestoredAt
	}
	for _, vs := range r.Props {
		if len(vs) > 0 && vs[len(vs)-1].At.After(t) {
			t = vs[len(vs)-1].At
		}
	}
	return t
}

type sortedSet struct {
	version int
	recs    []*Record
	mods    []time.Time
}

// Owner is a HubSpot user who owns records.
type Owner struct {
	ID        string
	UserID    int64
	Email     string
	FirstName string
	LastName  string
}

// Scopes each endpoint family needs.
const (
	ScopeCompanies = "crm.objects.companies.read"
	ScopeContacts  = "crm.objects.contacts.read"
	ScopeDeals     = "crm.objects.deals.read"
	ScopeOwners    = "crm.objects.owners.read"
	ScopeSchemas   = "crm.schemas.companies.read"
)

// Server is the simulated HubSpot.
type Server struct {
	Token string
	// MaxSearchResults is how far a search can page (HubSpot: 10,000).
	MaxSearchResults int
	// Now is the portal's clock: deletions, archiving and the changes made
	// through its API are stamped with it. Default time.Now; set it before
	// Start.
	Now func() time.Time

	mu         sync.Mutex
	objects    map[string]map[string]*Record // object type → id → record
	owners     []Owner
	assoc      map[string][]string        // deal id → company ids
	properties map[string]map[string]bool // object type → custom property names
	calls      map[string]int             // endpoint → count
	faults     faults
	version    int                  // bumped by every change to the records
	doomed     map[string]bool      // "type/id" deleted right after the next search that lists it
	sorted     map[string]sortedSet // object type → records by modification, for version
	srv        *http.Server
	ln         net.Listener
}

type faults struct {
	rateLimit  int // the next n calls answer 429
	retryAfter int // seconds, sent with them
	serverErr  int // the next n calls answer 502
	expired    bool
	missing    map[string]bool // scopes the token lacks
	daily      int             // calls left today; -1 unlimited
	dailyCap   int
}

// New returns an empty portal that accepts token.
func New(token string) *Server {
	s := &Server{Token: token, objects: map[string]map[string]*Record{"companies": {}, "contacts": {}, "deals": {}},
		assoc: map[string][]string{}, properties: map[string]map[string]bool{"companies": {}}, calls: map[string]int{}}
	s.faults.daily, s.faults.missing = -1, map[string]bool{}
	s.MaxSearchResults = 10000
	return s
}

// now is the portal's current time, in UTC.
func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Start serves on addr ("127.0.0.1:0" picks a port).
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("hubspotsim listen %s: %w", addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // ends with Close
	return nil
}

// URL is the base URL to give the connector.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the server.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}

// AddOwner adds a HubSpot user.
func (s *Server) AddOwner(o Owner) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owners = append(s.owners, o)
}

// AddProperty declares a custom property of an object type (e.g. the CSM property of companies).
func (s *Server) AddProperty(objectType, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.properties[objectType] == nil {
		s.properties[objectType] = map[string]bool{}
	}
	s.properties[objectType][name] = true
}

// Put creates a record with its initial properties, set at its creation.
func (s *Server) Put(objectType, id string, created time.Time, props map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &Record{ID: id, CreatedAt: created, Props: map[string][]Version{}}
	for k, v := range props {
		r.Props[k] = []Version{{Value: v, At: created}}
	}
	s.objects[objectType][id] = r
	s.version++
}

// Set changes properties of a record at a time, by a HubSpot user (0: an integration).
func (s *Server) Set(objectType, id string, at time.Time, userID int64, props map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.objects[objectType][id]
	if !ok {
		return fmt.Errorf("hubspotsim: no %s %s", objectType, id)
	}
	for k, v := range props {
		r.Props[k] = append(r.Props[k], Version{Value: v, At: at, UserID: userID})
	}
	s.version++
	return nil
}

// Associate links a deal to a company.
func (s *Server) Associate(dealID, companyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.assoc[dealID] = append(s.assoc[dealID], companyID)
}

// Delete archives a record now: searches and batch reads no longer return
// it; the archived listing does.
func (s *Server) Delete(objectType, id string) {
	s.DeleteAt(objectType, id, s.now())
}

// DeleteAt archives a record as deleted at a time.
func (s *Server) DeleteAt(objectType, id string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.archive(objectType, id, at)
}

// Restore brings a deleted record back from the recycling bin at a time,
// which counts as a modification.
func (s *Server) Restore(objectType, id string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.objects[objectType][id]; ok && r.Archived {
		r.Archived, r.ArchivedAt, r.RestoredAt = false, time.Time{}, at
	}
	s.version++
}

func (s *Server) archive(objectType, id string, at time.Time) bool {
	r, ok := s.objects[objectType][id]
	if ok && !r.Archived {
		r.Archived, r.ArchivedAt = true, at
	}
	s.version++
	return ok
}

// Merge merges record from into into, as HubSpot does: from disappears and
// into lists it in hs_merged_object_ids.
func (s *Server) Merge(objectType, from, into string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, dst := s.objects[objectType][from], s.objects[objectType][into]
	if src == nil || dst == nil {
		return
	}
	delete(s.objects[objectType], from)
	s.version++
	ids, _ := dst.value("hs_merged_object_ids")
	ids = strings.Trim(ids+";"+from, ";")
	dst.Props["hs_merged_object_ids"] = append(dst.Props["hs_merged_object_ids"], Version{Value: ids, At: at})
	if objectType == "deals" {
		s.assoc[into] = append(s.assoc[into], s.assoc[from]...)
	}
}

// DeleteAfterSearch deletes a record right after the next search lists it,
// as when someone deletes it in HubSpot between two calls of a sync.
func (s *Server) DeleteAfterSearch(objectType, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.doomed == nil {
		s.doomed = map[string]bool{}
	}
	s.doomed[objectType+"/"+id] = true
}

// RateLimit makes the next n calls answer 429 with Retry-After seconds.
func (s *Server) RateLimit(n, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rateLimit, s.faults.retryAfter = n, retryAfter
}

// ServerErrors makes the next n calls answer 502.
func (s *Server) ServerErrors(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.serverErr = n
}

// ExpireToken makes every call answer 401 as for an expired token (false: valid again).
func (s *Server) ExpireToken(expired bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.expired = expired
}

// RevokeScope makes calls needing scope answer 403 MISSING_SCOPES.
func (s *Server) RevokeScope(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.missing[scope] = true
}

// GrantScope undoes RevokeScope.
func (s *Server) GrantScope(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.faults.missing, scope)
}

// DailyLimit allows n more calls today (-1: unlimited).
func (s *Server) DailyLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.daily, s.faults.dailyCap = n, n
}

// Calls returns how many calls each endpoint answered ("search deals", "batch read deals", ...), and the total.
func (s *Server) Calls() (map[string]int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, n := map[string]int{}, 0
	for k, v := range s.calls {
		out[k] = v
		n += v
	}
	return out, n
}

// ResetCalls sets the call counts to zero.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}

// ServeHTTP answers one API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) == 4 && parts[0] == "_sim" && parts[1] == "objects" && r.Method == "POST" {
		s.serveDriverSet(w, r, parts[2], parts[3])
		return
	}
	if len(parts) == 4 && parts[0] == "_sim" && parts[1] == "objects" && r.Method == "DELETE" {
		s.serveDriverDelete(w, parts[2], parts[3])
		return
	}
	name, scope := s.route(r.Method, parts)
	s.calls[name]++
	f := &s.faults
	if f.daily >= 0 {
		w.Header().Set("X-HubSpot-RateLimit-Daily", strconv.Itoa(f.dailyCap))
	}
	switch {
	case r.Header.Get("Authorization") != "Bearer "+s.Token:
		writeErr(w, 401, map[string]any{"status": "error", "message": "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
			"correlationId": "sim", "category": "INVALID_AUTHENTICATION"})
		return
	case f.expired:
		writeErr(w, 401, map[string]any{"status": "error", "message": "The OAuth token used to make this call expired 2 hour(s) ago.",
			"correlationId": "sim", "category": "EXPIRED_AUTHENTICATION"})
		return
	case scope != "" && f.missing[scope]:
		writeErr(w, 403, map[string]any{"status": "error", "message": "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
			"correlationId": "sim", "category": "MISSING_SCOPES",
			"errors": []any{map[string]any{"message": "One or more of the following scopes are required.", "context": map[string]any{"requiredGranularScopes": []string{scope}}}},
			"links":  map[string]string{"scopes": "https://developers.hubspot.com/scopes"}})
		return
	case f.daily == 0:
		w.Header().Set("X-HubSpot-RateLimit-Daily-Remaining", "0")
		writeErr(w, 429, map[string]any{"status": "error", "message": "You have reached your daily limit.", "errorType": "RATE_LIMIT",
			"correlationId": "sim", "policyName": "DAILY"})
		return
	case f.rateLimit > 0:
		f.rateLimit--
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		writeErr(w, 429, map[string]any{"status": "error", "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT",
			"correlationId": "sim", "policyName": "SECONDLY", "groupName": "publicapi:private-app"})
		return
	case f.serverErr > 0:
		f.serverErr--
		writeErr(w, 502, map[string]any{"status": "error", "message": "Bad Gateway", "correlationId": "sim"})
		return
	}
	if f.daily > 0 {
		f.daily--
		w.Header().Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(f.daily))
	}
	switch {
	case name == "owners":
		s.serveOwners(w, r)
	case strings.HasPrefix(name, "list "):
		s.serveList(w, r, parts[3])
	case strings.HasPrefix(name, "search "):
		s.serveSearch(w, r, parts[3])
	case strings.HasPrefix(name, "batch read "):
		s.serveBatchRead(w, r, parts[3])
	case name == "associations deals companies":
		s.serveAssociations(w, r)
	case name == "property":
		s.serveProperty(w, parts[3], parts[4])
	default:
		writeErr(w, 404, map[string]any{"status": "error", "message": "Unknown path " + r.URL.Path, "category": "OBJECT_NOT_FOUND"})
	}
}

// route names the endpoint of a request and the scope it needs.
func (s *Server) route(method string, p []string) (string, string) {
	scopeOf := map[string]string{"companies": ScopeCompanies, "contacts": ScopeContacts, "deals": ScopeDeals}
	switch {
	case len(p) == 3 && p[0] == "crm" && p[1] == "v3" && p[2] == "owners" && method == "GET":
		return "owners", ScopeOwners
	case len(p) == 4 && p[0] == "crm" && p[1] == "v3" && p[2] == "objects" && method == "GET" && scopeOf[p[3]] != "":
		return "list " + p[3], scopeOf[p[3]]
	case len(p) == 5 && p[1] == "v3" && p[2] == "objects" && p[4] == "search" && method == "POST" && scopeOf[p[3]] != "":
		return "search " + p[3], scopeOf[p[3]]
	case len(p) == 6 && p[1] == "v3" && p[2] == "objects" && p[4] == "batch" && p[5] == "read" && method == "POST" && scopeOf[p[3]] != "":
		return "batch read " + p[3], scopeOf[p[3]]
	case len(p) == 7 && p[1] == "v4" && p[2] == "associations" && p[3] == "deals" && p[4] == "companies" && method == "POST":
		return "associations deals companies", ScopeDeals
	case len(p) == 5 && p[1] == "v3" && p[2] == "properties" && method == "GET":
		return "property", ScopeSchemas
	}
	return "unknown", ""
}

func writeErr(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func badRequest(w http.ResponseWriter, msg string) {
	writeErr(w, 400, map[string]any{"status": "error", "message": msg, "correlationId": "sim", "category": "VALIDATION_ERROR"})
}

func (s *Server) serveOwners(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	after, _ := strconv.Atoi(r.URL.Query().Get("after"))
	var results []any
	end := min(after+limit, len(s.owners))
	for _, o := range s.owners[min(after, len(s.owners)):end] {
		results = append(results, map[string]any{"id": o.ID, "email": o.Email, "firstName": o.FirstName, "lastName": o.LastName,
			"userId": o.UserID, "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z", "archived": false})
	}
	body := map[string]any{"results": nonNil(results)}
	if end < len(s.owners) {
		body["paging"] = map[string]any{"next": map[string]any{"after": strconv.Itoa(end)}}
	}
	writeJSON(w, 200, body)
}

func nonNil(xs []any) []any {
	if xs == nil {
		return []any{}
	}
	return xs
}

// object renders a record as HubSpot does, with the requested properties
// (and their histories, newest first).
func (s *Server) object(objectType string, rec *Record, props, history []string) map[string]any {
	ps := map[string]any{"hs_object_id": rec.ID, "createdate": rec.CreatedAt.UTC().Format(time.RFC3339Nano),
		"hs_lastmodifieddate": rec.modified().UTC().Format(time.RFC3339Nano)}
	for _, p := range props {
		if v, ok := rec.value(p); ok {
			ps[p] = v
		} else if _, set := ps[p]; !set {
			ps[p] = nil
		}
	}
	out := map[string]any{"id": rec.ID, "properties": ps, "createdAt": rec.CreatedAt.UTC().Format(time.RFC3339Nano),
		"updatedAt": rec.modified().UTC().Format(time.RFC3339Nano), "archived": false}
	if len(history) > 0 {
		h := map[string]any{}
		for _, p := range history {
			vs := rec.Props[p]
			list := make([]any, 0, len(vs))
			for i := len(vs) - 1; i >= 0; i-- {
				v := vs[i]
				e := map[string]any{"value": v.Value, "timestamp": v.At.UTC().Format(time.RFC3339Nano), "sourceType": "CRM_UI"}
				if v.UserID != 0 {
					e["sourceId"] = "userId:" + strconv.FormatInt(v.UserID, 10)
					e["updatedByUserId"] = v.UserID
				} else {
					e["sourceType"], e["sourceLabel"] = "INTEGRATION", "Data sync"
				}
				list = append(list, e)
			}
			if _, known := rec.Props[p]; known || s.properties[objectType][p] {
				h[p] = list
			}
		}
		out["propertiesWithHistory"] = h
	}
	return out
}

func (s *Server) serveSearch(w http.ResponseWriter, r *http.Request, objectType string) {
	var req struct {
		FilterGroups []struct {
			Filters []struct {
				PropertyName string `json:"propertyName"`
				Operator     string `json:"operator"`
				Value        string `json:"value"`
			} `json:"filters"`
		} `json:"filterGroups"`
		Properties []string `json:"properties"`
		Limit      int      `json:"limit"`
		After      string   `json:"after"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		badRequest(w, "Invalid input JSON: "+err.Error())
		return
	}
	if req.Limit <= 0 {
		req.Limit = 10
	}
	if req.Limit > 200 {
		badRequest(w, "limit must be 200 or less")
		return
	}
	after, _ := strconv.Atoi(req.After)
	if after+req.Limit > s.MaxSearchResults {
		badRequest(w, "There was a problem with the request. Search results are limited to 10,000; narrow your filters.")
		return
	}
	var since time.Time
	for _, g := range req.FilterGroups {
		for _, f := range g.Filters {
			if f.PropertyName != "hs_lastmodifieddate" || f.Operator != "GTE" {
				badRequest(w, fmt.Sprintf("unsupported filter %s %s in the simulator", f.PropertyName, f.Operator))
				return
			}
			ms, err := strconv.ParseInt(f.Value, 10, 64)
			if err != nil {
				badRequest(w, "filter value must be epoch milliseconds")
				return
			}
			since = time.UnixMilli(ms)
		}
	}
	set := s.byModification(objectType)
	first := sort.Search(len(set.mods), func(i int) bool { return !set.mods[i].Before(since) })
	recs := set.recs[first:]
	var results []any
	end := min(after+req.Limit, len(recs))
	for _, rec := range recs[min(after, len(recs)):end] {
		results = append(results, s.object(objectType, rec, req.Properties, nil))
		if s.doomed[objectType+"/"+rec.ID] {
			delete(s.doomed, objectType+"/"+rec.ID)
			rec.Archived, rec.ArchivedAt = true, s.now()
			s.version++
		}
	}
	body := map[string]any{"total": len(recs), "results": nonNil(results)}
	if end < len(recs) {
		body["paging"] = map[string]any{"next": map[string]any{"after": strconv.Itoa(end), "link": ""}}
	}
	writeJSON(w, 200, body)
}

// byModification returns an object type's live records, oldest modification
// first (ties by id), sorted once per version of the data.
func (s *Server) byModification(objectType string) sortedSet {
	if s.sorted == nil {
		s.sorted = map[string]sortedSet{}
	}
	if set, ok := s.sorted[objectType]; ok && set.version == s.version {
		return set
	}
	set := sortedSet{version: s.version}
	for _, rec := range s.objects[objectType] {
		if !rec.Archived {
			set.recs = append(set.recs, rec)
		}
	}
	mods := make(map[*Record]time.Time, len(set.recs))
	for _, r := range set.recs {
		mods[r] = r.modified()
	}
	sort.Slice(set.recs, func(i, j int) bool {
		a, b := mods[set.recs[i]], mods[set.recs[j]]
		if !a.Equal(b) {
			return a.Before(b)
		}
		return set.recs[i].ID < set.recs[j].ID
	})
	for _, r := range set.recs {
		set.mods = append(set.mods, mods[r])
	}
	s.sorted[objectType] = set
	return set
}

func (s *Server) serveBatchRead(w http.ResponseWriter, r *http.Request, objectType string) {
	var req struct {
		Inputs                []struct{ ID string } `json:"inputs"`
		Properties            []string              `json:"properties"`
		PropertiesWithHistory []string              `json:"propertiesWithHistory"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		badRequest(w, "Invalid input JSON: "+err.Error())
		return
	}
	if len(req.Inputs) > 100 {
		badRequest(w, "Batch input must contain at most 100 inputs")
		return
	}
	var results, errs []any
	var missing []string
	for _, in := range req.Inputs {
		rec, ok := s.objects[objectType][in.ID]
		if !ok || rec.Archived {
			missing = append(missing, in.ID)
			continue
		}
		results = append(results, s.object(objectType, rec, req.Properties, req.PropertiesWithHistory))
	}
	now := s.now().Format(time.RFC3339Nano)
	body := map[string]any{"status": "COMPLETE", "results": nonNil(results), "startedAt": now, "completedAt": now}
	status := 200
	if len(missing) > 0 {
		errs = append(errs, map[string]any{"status": "error", "category": "OBJECT_NOT_FOUND",
			"message": "Could not get some " + strings.TrimSuffix(objectType, "s") + " objects, they may be deleted or not exist. Check that ids are valid.",
			"context": map[string]any{"ids": missing}})
		body["errors"], body["numErrors"] = errs, len(errs)
		status = 207
	}
	writeJSON(w, status, body)
}

func (s *Server) serveAssociations(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Inputs []struct{ ID string } `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		badRequest(w, "Invalid input JSON: "+err.Error())
		return
	}
	if len(req.Inputs) > 1000 {
		badRequest(w, "Batch input must contain at most 1000 inputs")
		return
	}
	var results []any
	for _, in := range req.Inputs {
		var to []any
		for _, c := range s.assoc[in.ID] {
			n, err := strconv.ParseInt(c, 10, 64)
			if err != nil {
				continue
			}
			to = append(to, map[string]any{"toObjectId": n, "associationTypes": []any{map[string]any{"category": "HUBSPOT_DEFINED", "typeId": 5, "label": "Primary"}}})
		}
		if len(to) > 0 {
			results = append(results, map[string]any{"from": map[string]string{"id": in.ID}, "to": to})
		}
	}
	now := s.now().Format(time.RFC3339Nano)
	writeJSON(w, 200, map[string]any{"status": "COMPLETE", "results": nonNil(results), "startedAt": now, "completedAt": now})
}

// builtin properties every portal has.
var builtin = map[string]bool{"name": true, "domain": true, "hubspot_owner_id": true, "dealname": true, "dealstage": true,
	"amount": true, "closedate": true, "firstname": true, "lastname": true, "email": true}

func (s *Server) serveProperty(w http.ResponseWriter, objectType, name string) {
	if !builtin[name] && !s.properties[objectType][name] {
		writeErr(w, 404, map[string]any{"status": "error", "message": fmt.Sprintf("Unable to find property %s", name),
			"correlationId": "sim", "category": "OBJECT_NOT_FOUND"})
		return
	}
	writeJSON(w, 200, map[string]any{"name": name, "label": name, "type": "enumeration", "fieldType": "select", "groupName": objectType + "information"})
}

// serveDriverSet is the sandbox's way to change a record as a person would
// in HubSpot: POST /_sim/objects/deals/1001 {"properties": {"dealstage":
// "closedwon"}, "by": "maya.patel@sample.example"}. It is not part of
// HubSpot's API and needs no token.
func (s *Server) serveDriverSet(w http.ResponseWriter, r *http.Request, objectType, id string) {
	var req struct {
		Properties map[string]string `json:"properties"`
		By         string            `json:"by"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Properties) == 0 {
		badRequest(w, `send {"properties": {"name": "value"}, "by": "email of the HubSpot user"}`)
		return
	}
	var user int64
	for _, o := range s.owners {
		if strings.EqualFold(o.Email, req.By) {
			user = o.UserID
		}
	}
	rec, ok := s.objects[objectType][id]
	if !ok {
		writeErr(w, 404, map[string]any{"status": "error", "message": fmt.Sprintf("no %s %s", objectType, id), "category": "OBJECT_NOT_FOUND"})
		return
	}
	at := s.now()
	for k, v := range req.Properties {
		rec.Props[k] = append(rec.Props[k], Version{Value: v, At: at, UserID: user})
	}
	s.version++
	writeJSON(w, 200, s.object(objectType, rec, keys(req.Properties), nil))
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// serveList answers GET /crm/v3/objects/{objectType}: a page of records by
// id, at most 100. With archived=true it lists only the archived ones, each
// with archived and archivedAt, as HubSpot does; records merged away are in
// neither listing.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, objectType string) {
	q := r.URL.Query()
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			badRequest(w, "limit must be a positive integer")
			return
		}
		limit = n
	}
	if limit > 100 {
		badRequest(w, "limit must be 100 or less")
		return
	}
	archived := q.Get("archived") == "true"
	var props []string
	if v := q.Get("properties"); v != "" {
		props = strings.Split(v, ",")
	}
	var recs []*Record
	for _, rec := range s.objects[objectType] {
		if rec.Archived == archived {
			recs = append(recs, rec)
		}
	}
	sort.Slice(recs, func(i, j int) bool {
		a, _ := strconv.ParseInt(recs[i].ID, 10, 64)
		b, _ := strconv.ParseInt(recs[j].ID, 10, 64)
		if a != b {
			return a < b
		}
		return recs[i].ID < recs[j].ID
	})
	after, _ := strconv.Atoi(q.Get("after"))
	end := min(after+limit, len(recs))
	var results []any
	for _, rec := range recs[min(after, len(recs)):end] {
		o := s.object(objectType, rec, props, nil)
		if rec.Archived {
			o["archived"] = true
			o["archivedAt"] = rec.ArchivedAt.UTC().Format(time.RFC3339Nano)
		}
		results = append(results, o)
	}
	body := map[string]any{"results": nonNil(results)}
	if end < len(recs) {
		next := strconv.Itoa(end)
		link := "/crm/v3/objects/" + objectType + "?after=" + next + "&limit=" + strconv.Itoa(limit)
		if archived {
			link += "&archived=true"
		}
		body["paging"] = map[string]any{"next": map[string]any{"after": next, "link": link}}
	}
	writeJSON(w, 200, body)
}

// serveDriverDelete is the sandbox's way to delete a record as a person
// would in HubSpot: DELETE /_sim/objects/deals/1001 archives it now. Like
// serveDriverSet, it is not part of HubSpot's API and needs no token.
func (s *Server) serveDriverDelete(w http.ResponseWriter, objectType, id string) {
	if !s.archive(objectType, id, s.now()) {
		writeErr(w, 404, map[string]any{"status": "error", "message": fmt.Sprintf("no %s %s", objectType, id), "category": "OBJECT_NOT_FOUND"})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
