package slackapp

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Who may read Journey's internal data (cards, answers, books, actions,
// drafts), the values of Config.Readers. People from another organization
// (Slack Connect) and Slack guests never may, whatever the setting.
const (
	// ReadPeople: only the people Journey knows (reps, managers, CSMs,
	// admins of its imports).
	ReadPeople = "people"
	// ReadPeopleAndAdmins: those, and Slack workspace admins and owners.
	// The default.
	ReadPeopleAndAdmins = "people+admins"
	// ReadMembers: any full member of the workspace.
	ReadMembers = "members"
)

// Refusals: short, and naming nothing Journey holds.
const (
	refuseOutsider = "Sorry — Journey answers only members of the workspace that runs it."
	refuseUnknown  = "Sorry — Journey shows account data only to the people it knows. Ask an admin to add you in the next import."
)

// refusal is what a caller who may not read is told.
func (c caller) refusal() string {
	if c.Outsider || c.Guest {
		return refuseOutsider
	}
	return refuseUnknown
}

// decideAccess sets who the caller is to Journey: an outsider (another
// organization's person, in a Slack Connect channel), a Slack guest, and
// whether they may read internal data (Config.Readers). The people Journey
// knows are members by its configuration; anyone else is looked up with
// users.info. When that fails the caller may read nothing.
func (a *App) decideAccess(ctx context.Context, c *caller) {
	if c.UserID == "" || c.UserID == a.botUser || c.Outsider {
		return
	}
	if c.Known {
		c.MayRead = true
		return
	}
	u, err := a.slackUser(ctx, c.UserID)
	if err != nil {
		a.log.Warn("cannot tell who a Slack user is; showing them nothing", "user", c.UserID, "err", err)
		return
	}
	switch {
	case u.IsStranger || (u.TeamID != "" && u.TeamID != c.TeamID):
		c.Outsider = true
	case u.IsRestricted || u.IsUltraRestricted:
		c.Guest = true
	case u.IsBot || u.Deleted:
	case a.cfg.Readers == ReadMembers:
		c.MayRead = true
	case a.cfg.Readers == ReadPeopleAndAdmins:
		c.MayRead = u.IsAdmin || u.IsOwner || u.IsPrimaryOwner
	}
}

// sharedTTL is how long a channel's shared state is reused.
const sharedTTL = 5 * time.Minute

type sharedCache struct {
	mu sync.Mutex
	m  map[string]sharedAt
}

type sharedAt struct {
	shared bool
	at     time.Time
}

// sharedOutside reports whether channel is shared with another organization
// (Slack Connect, is_ext_shared), where nothing internal is posted. A DM is
// not; a channel Journey cannot look up counts as shared.
func (a *App) sharedOutside(ctx context.Context, channel string) bool {
	if channel == "" || strings.HasPrefix(channel, "D") {
		return false
	}
	a.shared.mu.Lock()
	sa, ok := a.shared.m[channel]
	a.shared.mu.Unlock()
	if ok && time.Since(sa.at) < sharedTTL {
		return sa.shared
	}
	ch, err := a.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
	if err != nil {
		a.log.Warn("cannot tell whether a channel is shared; posting nothing internal there", "channel", channel, "err", err)
		return true
	}
	shared := ch.IsExtShared || ch.IsPendingExtShared
	a.shared.mu.Lock()
	if a.shared.m == nil {
		a.shared.m = map[string]sharedAt{}
	}
	a.shared.m[channel] = sharedAt{shared: shared, at: time.Now()}
	a.shared.mu.Unlock()
	return shared
}

// sharedNote tells an internal person why an answer came only to them.
const sharedNote = "_Only you see this: this channel is shared with people outside your organization, so Journey does not post account data here._"

// sharedShareText is Share in channel's answer in a shared channel.
const sharedShareText = "I won't share this card here: this channel is shared with people outside your organization (Slack Connect), and the card holds internal data — health, risks, owners and deal values. Share it in an internal channel, or use `/journey` there."

// postInChannel posts an answer with internal data in channel (in threadTS's
// thread when set). In a channel shared outside the organization it goes to
// the asker alone, as an ephemeral.
func (a *App) postInChannel(ctx context.Context, c caller, channel, threadTS, text string, blocks ...slack.Block) error {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	if !a.sharedOutside(ctx, channel) {
		if len(blocks) > 0 {
			opts = append(opts, slack.MsgOptionBlocks(blocks...))
		}
		_, _, err := a.postMessage(ctx, channel, opts...)
		return err
	}
	blocks = append(append([]slack.Block(nil), blocks...), contextText(sharedNote))
	if len(blocks) > maxMessageBlocks {
		blocks = append(blocks[:maxMessageBlocks-1], contextText(sharedNote))
	}
	opts = append(opts, slack.MsgOptionBlocks(blocks...))
	if _, err := a.api.PostEphemeralContext(ctx, channel, c.UserID, opts...); err != nil {
		return fmt.Errorf("post ephemeral to %s in %s: %w", c.UserID, channel, err)
	}
	return nil
}

// refuse tells a caller who may not read that Journey won't answer, only
// them, in the channel (or thread) they asked in.
func (a *App) refuse(ctx context.Context, c caller, channel, threadTS string) error {
	opts := []slack.MsgOption{slack.MsgOptionText(c.refusal(), false)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	if strings.HasPrefix(channel, "D") {
		_, _, err := a.postMessage(ctx, channel, opts...)
		return err
	}
	_, err := a.api.PostEphemeralContext(ctx, channel, c.UserID, opts...)
	return err
}
