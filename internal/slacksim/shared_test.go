package slacksim

import (
	"testing"

	"github.com/slack-go/slack"
)

// People of another organization (Slack Connect) and guests are marked as
// Slack marks them, and a channel shared with another organization says so.
func TestStrangersGuestsAndSharedChannels(t *testing.T) {
	t.Parallel()
	s := startSim(t, func(c *Config) {
		c.Users = append(c.Users,
			User{ID: "U0TOM", Name: "tom", RealName: "Tom Becker", TeamID: "T0ACME", IsAdmin: true},
			User{ID: "U0GUS", Name: "gus", RealName: "Gus Guest", IsRestricted: true},
			User{ID: "U0SOL", Name: "sol", RealName: "Sol Single", IsUltraRestricted: true})
		c.Channels[0].IsExtShared = true
		c.Channels[0].Members = append(c.Channels[0].Members, "U0TOM")
	})
	api := apiClient(s)
	ctx := ctxT(t)
	info := func(id string) *slack.User {
		u, err := api.GetUserInfoContext(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if u := info("U0TOM"); u.TeamID != "T0ACME" || !u.IsStranger || u.IsAdmin || u.Profile.Team != "T0ACME" {
		t.Errorf("a stranger: team %q stranger %v admin %v", u.TeamID, u.IsStranger, u.IsAdmin)
	}
	if u := info("U0MAYA"); u.TeamID != s.Config().TeamID || u.IsStranger || u.IsRestricted {
		t.Errorf("a member: team %q stranger %v restricted %v", u.TeamID, u.IsStranger, u.IsRestricted)
	}
	if u := info("U0GUS"); !u.IsRestricted || u.IsUltraRestricted {
		t.Errorf("a multi-channel guest: restricted %v ultra %v", u.IsRestricted, u.IsUltraRestricted)
	}
	if u := info("U0SOL"); !u.IsRestricted || !u.IsUltraRestricted {
		t.Errorf("a single-channel guest: restricted %v ultra %v", u.IsRestricted, u.IsUltraRestricted)
	}
	for id, want := range map[string]bool{"C0ACME": true, "C0RANDOM": false} {
		ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
		if err != nil {
			t.Fatal(err)
		}
		if ch.IsExtShared != want || ch.IsShared != want {
			t.Errorf("%s: is_ext_shared %v is_shared %v, want %v", id, ch.IsExtShared, ch.IsShared, want)
		}
	}
	// a stranger's payloads carry their own team
	if got := s.userRefLocked(s.users["U0TOM"])["team_id"]; got != "T0ACME" {
		t.Errorf("a stranger's user in a payload: team_id %v", got)
	}
	if got := s.appMentionEvent(&msg{User: "U0TOM", Channel: "C0ACME", TS: "1.000001"}); got["user_team"] != "T0ACME" || got["team"] != "T0ACME" {
		t.Errorf("a stranger's mention: user_team %v team %v", got["user_team"], got["team"])
	}
	if got := s.msgObject(&msg{User: "U0MAYA", Channel: "C0ACME", TS: "1.000002"}, true); got["user_team"] != s.Config().TeamID {
		t.Errorf("a member's message: user_team %v", got["user_team"])
	}
}
