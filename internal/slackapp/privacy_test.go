package slackapp

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/slacksim"
)

// TestWhoMayRead: decideAccess against Slack's view of each person, for
// each Readers setting; and which channels count as shared outside.
func TestWhoMayRead(t *testing.T) {
	t.Parallel()
	sim := slacksim.New(slacksim.Config{
		Users: []slacksim.User{
			{ID: "U0REP", Name: "rep"},
			{ID: "U0MEMBER", Name: "member"},
			{ID: "U0ADMIN", Name: "admin", IsAdmin: true},
			{ID: "U0GUEST", Name: "guest", IsRestricted: true},
			{ID: "U0SINGLE", Name: "single", IsUltraRestricted: true},
			{ID: "U0TOM", Name: "tom", TeamID: "T0ACME", IsAdmin: true},
		},
		Channels: []slacksim.Channel{
			{ID: "C0INT", Name: "deals-internal", Members: []string{"U0BOT", "U0REP"}},
			{ID: "C0EXT", Name: "deals-acme", IsExtShared: true, Members: []string{"U0BOT", "U0REP", "U0TOM"}},
		},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	team := sim.Config().TeamID
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type want struct{ outsider, guest, read bool }
	cases := map[string]map[string]want{
		ReadPeopleAndAdmins: {"U0REP": {read: true}, "U0MEMBER": {}, "U0ADMIN": {read: true}, "U0GUEST": {guest: true},
			"U0SINGLE": {guest: true}, "U0TOM": {outsider: true}},
		ReadPeople: {"U0REP": {read: true}, "U0MEMBER": {}, "U0ADMIN": {}, "U0GUEST": {guest: true}, "U0TOM": {outsider: true}},
		ReadMembers: {"U0REP": {read: true}, "U0MEMBER": {read: true}, "U0ADMIN": {read: true}, "U0GUEST": {guest: true},
			"U0SINGLE": {guest: true}, "U0TOM": {outsider: true}},
	}
	for readers, users := range cases {
		cfg := Config{Readers: readers}
		cfg.defaults()
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
		a := &App{cfg: cfg, log: cfg.Log, api: slack.New("xoxb-sim", slack.OptionAPIURL(sim.APIURL()))}
		for user, w := range users {
			c := caller{TeamID: team, UserID: user, Known: user == "U0REP", Person: journey.Person{ID: "p1"}}
			a.decideAccess(ctx, &c)
			if c.Outsider != w.outsider || c.Guest != w.guest || c.MayRead != w.read {
				t.Errorf("%s, %s: outsider %v guest %v may read %v, want %+v", readers, user, c.Outsider, c.Guest, c.MayRead, w)
			}
			if !c.MayRead && (c.refusal() == "" || c.Outsider && c.refusal() != refuseOutsider) {
				t.Errorf("%s, %s: refusal %q", readers, user, c.refusal())
			}
		}
		for ch, shared := range map[string]bool{"C0INT": false, "C0EXT": true, "C0GONE": true, "D0SOMEONE": false} {
			if got := a.sharedOutside(ctx, ch); got != shared {
				t.Errorf("%s shared outside: %v, want %v", ch, got, shared)
			}
		}
	}
	// a payload from another team is an outsider's, even for a known person
	a := &App{cfg: Config{Readers: ReadMembers}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c := caller{TeamID: team, UserID: "U0REP", Known: true, Outsider: true}
	a.decideAccess(ctx, &c)
	if c.MayRead {
		t.Error("an outsider may not read")
	}
}
