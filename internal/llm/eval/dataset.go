package eval

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

//go:embed dataset.json
var datasetJSON []byte

// Dataset is a labelled set of conversations.
type Dataset struct {
	About         string          `json:"about"`
	Template      string          `json:"template"` // the journey whose milestones the keys name
	Users         map[string]User `json:"users"`    // users of every conversation (our team)
	Conversations []Conversation  `json:"conversations"`
}

// User is a Slack user of the set.
type User struct {
	Name string `json:"name"`
	Side string `json:"side"` // "us" or "customer"
	TZ   string `json:"tz"`
}

// Conversation is one account's channel over a few days.
type Conversation struct {
	ID          string           `json:"id"`
	Split       string           `json:"split"` // "" (the development set) or "holdout"
	Account     string           `json:"account"`
	Channel     string           `json:"channel"`
	TZ          string           `json:"tz"`  // the account's zone; message times are in it
	Now         string           `json:"now"` // when the conversation is read, "2006-01-02 15:04"
	Users       map[string]User  `json:"users"`
	Milestones  []string         `json:"milestones"` // keys of the milestones not yet done
	Open        []OpenCommitment `json:"open"`
	OpenWaiting []OpenWait       `json:"open_waiting"`
	Messages    []Message        `json:"messages"`
}

// OpenCommitment is a commitment made before the conversation starts.
type OpenCommitment struct {
	ID          string `json:"id"`
	Side        string `json:"side"`
	Owner       string `json:"owner"`
	Counterpart string `json:"counterpart"`
	What        string `json:"what"`
	Due         string `json:"due"`
}

// OpenWait is a waiting-on item open before the conversation starts.
type OpenWait struct {
	ID     string `json:"id"`
	Waiter string `json:"waiter"` // the side that waits
	What   string `json:"what"`
	Since  string `json:"since"`
}

// Message is one message with what a person found in it.
type Message struct {
	At           string        `json:"at"` // "2006-01-02 15:04" in the conversation's zone
	User         string        `json:"user"`
	Text         string        `json:"text"`
	Batch        int           `json:"batch"`
	Commitments  []Commitment  `json:"commitments"`
	WaitingOn    []Wait        `json:"waiting_on"`
	Milestones   []string      `json:"milestones"`
	Stakeholders []Stakeholder `json:"stakeholders"`
	Fulfils      []string      `json:"fulfils"`  // ids of commitments the message delivers
	Resolves     []string      `json:"resolves"` // ids of waiting-on items it resolves
	Note         string        `json:"note"`     // why it is labelled so
}

// Commitment is an expected commitment. ID is set when a later message
// fulfils it.
type Commitment struct {
	ID          string `json:"id"`
	Owner       string `json:"owner"`
	Counterpart string `json:"counterpart"`
	What        string `json:"what"`
	Due         string `json:"due"` // "2006-01-02", or "" for none
}

// Wait is an expected waiting-on item. ID is set when a later message
// resolves it.
type Wait struct {
	ID     string `json:"id"`
	Waiter string `json:"waiter"`
	On     string `json:"on"`
	What   string `json:"what"`
}

// Stakeholder is an expected stakeholder.
type Stakeholder struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Load returns the embedded set, checked.
func Load() (Dataset, error) {
	return Parse(datasetJSON)
}

// Parse reads and checks a set.
func Parse(data []byte) (Dataset, error) {
	var ds Dataset
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ds); err != nil {
		return Dataset{}, fmt.Errorf("eval: read dataset: %w", err)
	}
	if err := ds.Check(); err != nil {
		return Dataset{}, err
	}
	return ds, nil
}

// Splits of the set. The development conversations were read while the
// offline model's heuristics were written; the held-out ones were written
// and labelled afterwards and not used to tune it, so its figures on them
// are the fairer estimate.
const (
	SplitDev     = "dev"
	SplitHoldout = "holdout"
)

// Only returns the set restricted to one split (SplitDev or SplitHoldout).
func (ds Dataset) Only(split string) Dataset {
	out := ds
	out.Conversations = nil
	for _, c := range ds.Conversations {
		s := c.Split
		if s == "" {
			s = SplitDev
		}
		if s == split {
			out.Conversations = append(out.Conversations, c)
		}
	}
	return out
}

// Messages is the number of messages of the set.
func (ds Dataset) Messages() int {
	n := 0
	for _, c := range ds.Conversations {
		n += len(c.Messages)
	}
	return n
}

// Check reports the first inconsistency of the set: unknown users or
// parties, bad times or dates, batches out of order, ids used twice or
// fulfilled before they exist.
func (ds Dataset) Check() error {
	seen := map[string]bool{}
	for _, c := range ds.Conversations {
		if c.ID == "" || seen[c.ID] {
			return fmt.Errorf("eval: conversation id %q missing or repeated", c.ID)
		}
		seen[c.ID] = true
		if c.Split != "" && c.Split != SplitDev && c.Split != SplitHoldout {
			return fmt.Errorf("eval: %s: split %q is neither %q nor %q", c.ID, c.Split, SplitDev, SplitHoldout)
		}
		fail := func(i int, format string, args ...any) error {
			return fmt.Errorf("eval: %s#%d: %s", c.ID, i, fmt.Sprintf(format, args...))
		}
		loc, err := time.LoadLocation(c.TZ)
		if err != nil {
			return fail(-1, "tz: %v", err)
		}
		now, err := parseAt(c.Now, loc)
		if err != nil {
			return fail(-1, "now: %v", err)
		}
		users := ds.users(c)
		for id, u := range users {
			if u.Side != "us" && u.Side != "customer" {
				return fail(-1, "user %s has side %q", id, u.Side)
			}
			if _, err := time.LoadLocation(u.TZ); err != nil {
				return fail(-1, "user %s: %v", id, err)
			}
		}
		party := func(p string, empty bool) bool {
			_, ok := users[p]
			return ok || p == "us" || p == "customer" || (empty && p == "")
		}
		ids := map[string]bool{}
		for _, o := range c.Open {
			if o.ID == "" || ids[o.ID] || (o.Side != "us" && o.Side != "customer") || !party(o.Owner, false) || !party(o.Counterpart, true) || !validDate(o.Due) {
				return fail(-1, "open commitment %q is not valid", o.ID)
			}
			ids[o.ID] = true
		}
		for _, o := range c.OpenWaiting {
			if o.ID == "" || ids[o.ID] || (o.Waiter != "us" && o.Waiter != "customer") || !validDate(o.Since) {
				return fail(-1, "open wait %q is not valid", o.ID)
			}
			ids[o.ID] = true
		}
		for _, k := range c.Milestones {
			if k == "" {
				return fail(-1, "empty milestone key")
			}
		}
		batch, last := 0, time.Time{}
		made := map[string]int{} // id → batch it was made in
		// claim takes the id of a labelled item made in batch madeIn; it is
		// false when another item has it. Items without an id take none.
		claim := func(id string, madeIn int) bool {
			if id == "" {
				return true
			}
			if ids[id] {
				return false
			}
			ids[id], made[id] = true, madeIn
			return true
		}
		for i, m := range c.Messages {
			at, err := parseAt(m.At, loc)
			if err != nil {
				return fail(i, "at: %v", err)
			}
			if at.Before(last) || at.After(now) {
				return fail(i, "written out of order or after now")
			}
			last = at
			if m.Batch < batch {
				return fail(i, "batch %d after batch %d", m.Batch, batch)
			}
			batch = m.Batch
			if _, ok := users[m.User]; !ok {
				return fail(i, "unknown user %s", m.User)
			}
			for _, e := range m.Commitments {
				if !party(e.Owner, false) || !party(e.Counterpart, true) || !validDate(e.Due) || e.What == "" {
					return fail(i, "commitment %+v is not valid", e)
				}
				if !claim(e.ID, m.Batch) {
					return fail(i, "id %s repeated", e.ID)
				}
			}
			for _, e := range m.WaitingOn {
				if !party(e.Waiter, false) || !party(e.On, true) || e.What == "" {
					return fail(i, "wait %+v is not valid", e)
				}
				if !claim(e.ID, m.Batch) {
					return fail(i, "id %s repeated", e.ID)
				}
			}
			for _, s := range m.Stakeholders {
				if _, ok := journey.ParseBuyingRole(s.Role); !ok || s.Name == "" {
					return fail(i, "stakeholder %+v is not valid", s)
				}
			}
			for _, k := range m.Milestones {
				if !contains(c.Milestones, k) {
					return fail(i, "milestone %s is not in the conversation's list", k)
				}
			}
			for _, id := range append(append([]string{}, m.Fulfils...), m.Resolves...) {
				b, ok := made[id]
				if !ids[id] || (ok && b >= m.Batch) {
					return fail(i, "%s fulfilled before it is open", id)
				}
			}
		}
	}
	return nil
}

// users returns the set's users and the conversation's.
func (ds Dataset) users(c Conversation) map[string]User {
	out := map[string]User{}
	for id, u := range ds.Users {
		out[id] = u
	}
	for id, u := range c.Users {
		out[id] = u
	}
	return out
}

func parseAt(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02 15:04", s, loc)
}

func validDate(s string) bool {
	if s == "" {
		return true
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func parseDate(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
