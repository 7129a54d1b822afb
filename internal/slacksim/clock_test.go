package slacksim

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/journeyhq/journey/internal/testclock"
)

// tsSeconds reads the seconds of a Slack ts ("1700000000.000100").
func tsSeconds(t *testing.T, ts string) int64 {
	t.Helper()
	sec, _, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		t.Fatalf("ts %q: %v", ts, err)
	}
	return n
}

// A workspace on a fixed clock lives on that day: message ts, event_ts and
// event_time, action_ts and the users' zone offsets all follow it, not the
// wall clock.
func TestTheWorkspaceFollowsItsClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2028, 2, 29, 23, 30, 0, 0, time.UTC) // a leap day; already March 1 in Berlin
	if v := testclock.Now(); v.Year() != 2026 || v.Month() != time.November {
		at = v // the date the suite runs at, when it was moved
	}
	clock := testclock.New(at)
	s := startSim(t, func(c *Config) { c.Now = clock.Now })
	b := connectBot(t, s, nil)

	ts, err := s.Post(ctxT(t), "maya", "deals-acme", "", "hello")
	if err != nil {
		t.Fatal(err)
	}
	if got := tsSeconds(t, ts); got != at.Unix() {
		t.Errorf("message ts %s is %s, want the clock's %s", ts, time.Unix(got, 0).UTC(), at)
	}
	var outer struct {
		EventTime int64 `json:"event_time"`
		Event     struct {
			TS      string `json:"ts"`
			EventTS string `json:"event_ts"`
		} `json:"event"`
	}
	evs := b.events(socketmode.EventTypeEventsAPI)
	if len(evs) == 0 {
		t.Fatal("no event delivered")
	}
	if err := json.Unmarshal(evs[len(evs)-1].Request.Payload, &outer); err != nil {
		t.Fatal(err)
	}
	if outer.EventTime != at.Unix() || tsSeconds(t, outer.Event.EventTS) != at.Unix() {
		t.Errorf("event_time %d, event_ts %s; want the clock's %d", outer.EventTime, outer.Event.EventTS, at.Unix())
	}

	// the offset of a zone is the one it has on the clock's day
	berlin, _ := time.LoadLocation("Europe/Berlin")
	_, wantOff := at.In(berlin).Zone()
	u, err := apiClient(s).GetUserInfo("U0MAYA") // in Europe/Berlin
	if err != nil {
		t.Fatal(err)
	}
	if u.TZOffset != wantOff {
		t.Errorf("tz_offset %d, want %d on %s", u.TZOffset, wantOff, at.Format(time.DateOnly))
	}

	// a later clock: a later ts, and a click's action_ts
	later := clock.Advance(36 * time.Hour)
	_, ts2, err := apiClient(s).PostMessage("C0ACME", slack.MsgOptionBlocks(slack.NewActionBlock("b",
		slack.NewButtonBlockElement("go", "v", slack.NewTextBlockObject(slack.PlainTextType, "Go", false, false)))))
	if err != nil {
		t.Fatal(err)
	}
	if got := tsSeconds(t, ts2); got != later.Unix() {
		t.Errorf("message ts %s after the clock moved, want %d", ts2, later.Unix())
	}
	if _, err := s.Click(ctxT(t), "maya", Target{ChannelID: "C0ACME", MessageTS: ts2}, "go", ""); err != nil {
		t.Fatal(err)
	}
	clicks := b.events(socketmode.EventTypeInteractive)
	if len(clicks) == 0 {
		t.Fatal("no click delivered")
	}
	var cb struct {
		Actions []struct {
			ActionTS string `json:"action_ts"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(clicks[len(clicks)-1].Request.Payload, &cb); err != nil || len(cb.Actions) != 1 {
		t.Fatalf("click payload: %v %s", err, clicks[len(clicks)-1].Request.Payload)
	}
	if got := tsSeconds(t, cb.Actions[0].ActionTS); got != later.Unix() {
		t.Errorf("action_ts %s, want the clock's %d", cb.Actions[0].ActionTS, later.Unix())
	}
}
