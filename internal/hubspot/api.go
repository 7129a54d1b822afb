package hubspot

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Paging limits of the CRM v3 API.
const (
	SearchPageSize      = 200   // results per search page
	SearchMaxResults    = 10000 // a search pages through at most this many results
	BatchReadSize       = 100   // inputs per batch read
	AssociationReadSize = 1000  // inputs per association batch read (v4)
	OwnersPageSize      = 500
	ListPageSize        = 100 // records per page of a listing (GET /crm/v3/objects/{type})
)

// Object is a CRM record as HubSpot returns it.
type Object struct {
	ID                    string                       `json:"id"`
	Properties            map[string]*string           `json:"properties"`
	PropertiesWithHistory map[string][]PropertyVersion `json:"propertiesWithHistory,omitempty"`
	CreatedAt             time.Time                    `json:"createdAt"`
	UpdatedAt             time.Time                    `json:"updatedAt"`
	Archived              bool                         `json:"archived"`
	ArchivedAt            time.Time                    `json:"archivedAt,omitempty"`
}

// Prop returns a property's value, "" when absent or null.
func (o Object) Prop(name string) string {
	if v := o.Properties[name]; v != nil {
		return *v
	}
	return ""
}

// PropertyVersion is one value a property had, and who set it when.
type PropertyVersion struct {
	Value           string    `json:"value"`
	Timestamp       time.Time `json:"timestamp"`
	SourceType      string    `json:"sourceType"`
	SourceID        string    `json:"sourceId,omitempty"`
	SourceLabel     string    `json:"sourceLabel,omitempty"`
	UpdatedByUserID int64     `json:"updatedByUserId,omitempty"`
}

// Paging is where the next page starts.
type Paging struct {
	Next *struct {
		After string `json:"after"`
		Link  string `json:"link,omitempty"`
	} `json:"next,omitempty"`
}

// SearchPage is one page of search results.
type SearchPage struct {
	Total   int      `json:"total"`
	Results []Object `json:"results"`
	Paging  *Paging  `json:"paging,omitempty"`
}

// NextAfter returns the next page's after token, "" on the last page.
func (p SearchPage) NextAfter() string {
	if p.Paging == nil || p.Paging.Next == nil {
		return ""
	}
	return p.Paging.Next.After
}

type filter struct {
	PropertyName string `json:"propertyName"`
	Operator     string `json:"operator"`
	Value        string `json:"value,omitempty"`
}

type searchRequest struct {
	FilterGroups []struct {
		Filters []filter `json:"filters"`
	} `json:"filterGroups"`
	Sorts      []map[string]string `json:"sorts"`
	Properties []string            `json:"properties"`
	Limit      int                 `json:"limit"`
	After      string              `json:"after,omitempty"`
}

// SearchModified reads one page of objectType's records modified at or after
// since (all of them when since is zero), oldest modification first.
func (c *Client) SearchModified(ctx context.Context, objectType string, since time.Time, props []string, after string) (SearchPage, error) {
	req := searchRequest{Sorts: []map[string]string{{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}},
		Properties: props, Limit: SearchPageSize, After: after}
	if !since.IsZero() {
		req.FilterGroups = append(req.FilterGroups, struct {
			Filters []filter `json:"filters"`
		}{Filters: []filter{{PropertyName: "hs_lastmodifieddate", Operator: "GTE", Value: strconv.FormatInt(since.UnixMilli(), 10)}}})
	} else {
		req.FilterGroups = []struct {
			Filters []filter `json:"filters"`
		}{}
	}
	var page SearchPage
	err := c.do(ctx, "POST", "/crm/v3/objects/"+objectType+"/search", req, &page)
	return page, err
}

// BatchError is one input of a batch that HubSpot could not read.
type BatchError struct {
	Status   string `json:"status"`
	Category string `json:"category"`
	Message  string `json:"message"`
	Context  struct {
		IDs []string `json:"ids"`
	} `json:"context"`
}

// BatchResult is what a batch read returns: the records read, and errors for
// those it could not (deleted, merged away).
type BatchResult struct {
	Status  string       `json:"status"`
	Results []Object     `json:"results"`
	Errors  []BatchError `json:"errors,omitempty"`
}

type idInput struct {
	ID string `json:"id"`
}

// BatchRead reads up to BatchReadSize records by id with their properties and
// the full history of the history properties.
func (c *Client) BatchRead(ctx context.Context, objectType string, ids, props, history []string) (BatchResult, error) {
	if len(ids) > BatchReadSize {
		return BatchResult{}, fmt.Errorf("batch read of %d %s: at most %d at a time", len(ids), objectType, BatchReadSize)
	}
	in := make([]idInput, len(ids))
	for i, id := range ids {
		in[i] = idInput{id}
	}
	body := map[string]any{"inputs": in, "properties": props}
	if len(history) > 0 {
		body["propertiesWithHistory"] = history
	}
	var res BatchResult
	err := c.do(ctx, "POST", "/crm/v3/objects/"+objectType+"/batch/read", body, &res)
	return res, err
}

// AssociationResult lists the records one record is associated with.
type AssociationResult struct {
	From struct {
		ID string `json:"id"`
	} `json:"from"`
	To []struct {
		ToObjectID int64 `json:"toObjectId"`
	} `json:"to"`
}

// Associations returns, for each of up to AssociationReadSize records of
// from, the ids of the to records it is associated with.
func (c *Client) Associations(ctx context.Context, from, to string, ids []string) (map[string][]string, error) {
	if len(ids) > AssociationReadSize {
		return nil, fmt.Errorf("association read of %d %s: at most %d at a time", len(ids), from, AssociationReadSize)
	}
	in := make([]idInput, len(ids))
	for i, id := range ids {
		in[i] = idInput{id}
	}
	var res struct {
		Results []AssociationResult `json:"results"`
	}
	if err := c.do(ctx, "POST", "/crm/v4/associations/"+from+"/"+to+"/batch/read", map[string]any{"inputs": in}, &res); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, r := range res.Results {
		for _, t := range r.To {
			out[r.From.ID] = append(out[r.From.ID], strconv.FormatInt(t.ToObjectID, 10))
		}
	}
	return out, nil
}

// Owner is a HubSpot user who can own records.
type Owner struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserID    int64  `json:"userId"`
	Archived  bool   `json:"archived"`
}

// Owners reads every owner of the portal, page by page.
func (c *Client) Owners(ctx context.Context) ([]Owner, error) {
	var all []Owner
	after := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(OwnersPageSize)}}
		if after != "" {
			q.Set("after", after)
		}
		var page struct {
			Results []Owner `json:"results"`
			Paging  *Paging `json:"paging"`
		}
		if err := c.do(ctx, "GET", "/crm/v3/owners/?"+q.Encode(), nil, &page); err != nil {
			return all, err
		}
		all = append(all, page.Results...)
		if page.Paging == nil || page.Paging.Next == nil || page.Paging.Next.After == "" {
			return all, nil
		}
		after = page.Paging.Next.After
	}
}

// PropertyExists reports whether objectType has a property called name.
func (c *Client) PropertyExists(ctx context.Context, objectType, name string) (bool, error) {
	err := c.do(ctx, "GET", "/crm/v3/properties/"+objectType+"/"+url.PathEscape(name), nil, nil)
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// ListPage is one page of a listing of records.
type ListPage struct {
	Results []Object `json:"results"`
	Paging  *Paging  `json:"paging,omitempty"`
}

// ListArchived reads one page of objectType's archived (deleted) records,
// each with when it was archived; after is "" for the first page. It
// returns the next page's after token, "" on the last page.
func (c *Client) ListArchived(ctx context.Context, objectType, after string) ([]Object, string, error) {
	q := url.Values{"archived": {"true"}, "limit": {strconv.Itoa(ListPageSize)}}
	if after != "" {
		q.Set("after", after)
	}
	var page ListPage
	if err := c.do(ctx, "GET", "/crm/v3/objects/"+objectType+"?"+q.Encode(), nil, &page); err != nil {
		return nil, "", err
	}
	if page.Paging == nil || page.Paging.Next == nil {
		return page.Results, "", nil
	}
	return page.Results, page.Paging.Next.After, nil
}
