package history

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/wait"
)

// API is what the reader needs of slack-go's *slack.Client.
type API interface {
	GetConversationInfoContext(ctx context.Context, in *slack.GetConversationInfoInput) (*slack.Channel, error)
	GetConversationHistoryContext(ctx context.Context, p *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	GetConversationRepliesContext(ctx context.Context, p *slack.GetConversationRepliesParameters) ([]slack.Message, bool, string, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
}

var _ API = (*slack.Client)(nil)

// Cursor is where reading a channel got to.
type Cursor struct {
	Cursor string // conversations.history cursor of the next page; "" at the start
	Done   bool   // the channel has been read to the end
	Read   int    // messages stored so far
}

// Sink stores what the reader reads. SavePage stores a page of messages
// (each at most once, whatever was saved before) together with the cursor
// of the page after it, atomically: a reader stopped at any point resumes
// from Cursor without losing or repeating a message.
type Sink interface {
	Cursor(ctx context.Context, channel string) (Cursor, error)
	SavePage(ctx context.Context, channel, name string, msgs []bootstrap.Message, next Cursor) (added int, err error)
}

// Reader reads channels through the Web API.
type Reader struct {
	API API
	// BaseURL is the workspace URL ("https://acme.slack.com/") for permalinks.
	BaseURL string
	// PageSize is conversations.history's limit; default 200 (Slack allows
	// up to 1,000 for internal apps).
	PageSize int
	// MaxWaits bounds how many Retry-After waits one call may take; default 10.
	MaxWaits int
	// Sleep waits d or until ctx ends; default a timer.
	Sleep func(ctx context.Context, d time.Duration) error

	names map[string]string
}

// ChannelError is a channel Journey cannot read, with what to do about it.
type ChannelError struct {
	Channel string
	Name    string
	Code    string // not_in_channel, no_access, not_found
	Message string
}

func (e *ChannelError) Error() string { return e.Message }

// Unwrap makes it an invalid-input error for the person who chose the channel.
func (e *ChannelError) Unwrap() error {
	return &journey.Error{Code: journey.EINVALID, Message: e.Message}
}

// Progress is called after each stored page with the channel's total so far.
type Progress func(channel string, read int)

// Result is what reading one channel did.
type Result struct {
	Name  string
	Read  int // messages stored for the channel in all, this run and earlier ones
	Added int // of which this run
	Pages int
}

// ReadChannel reads a channel's messages and thread replies between oldest
// and latest (zero: unbounded) into sink, page by page, resuming from the
// sink's cursor. A channel the bot cannot read gives a *ChannelError that
// says how to fix it.
func (r *Reader) ReadChannel(ctx context.Context, channel string, oldest, latest time.Time, sink Sink, progress Progress) (Result, error) {
	r.defaults()
	var res Result
	var info *slack.Channel
	err := r.call(ctx, func() error {
		var err error
		info, err = r.API.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
		return err
	})
	if err != nil {
		return res, r.channelError(channel, "", err)
	}
	res.Name = info.Name
	if !info.IsMember && !info.IsIM {
		return res, notInChannel(channel, info.Name)
	}
	cur, err := sink.Cursor(ctx, channel)
	if err != nil {
		return res, err
	}
	res.Read = cur.Read
	for !cur.Done {
		p := &slack.GetConversationHistoryParameters{ChannelID: channel, Cursor: cur.Cursor, Limit: r.PageSize, Inclusive: false}
		if !oldest.IsZero() {
			p.Oldest = slackTS(oldest)
		}
		if !latest.IsZero() {
			p.Latest = slackTS(latest)
		}
		var page *slack.GetConversationHistoryResponse
		err := r.call(ctx, func() error {
			var err error
			page, err = r.API.GetConversationHistoryContext(ctx, p)
			return err
		})
		if err != nil {
			return res, r.channelError(channel, info.Name, err)
		}
		var msgs []bootstrap.Message
		for _, m := range page.Messages {
			msgs = append(msgs, r.message(ctx, channel, info.Name, m))
			if m.ReplyCount > 0 && (m.ThreadTimestamp == "" || m.ThreadTimestamp == m.Timestamp) {
				replies, err := r.replies(ctx, channel, info.Name, m.Timestamp, oldest, latest)
				if err != nil {
					return res, r.channelError(channel, info.Name, err)
				}
				msgs = append(msgs, replies...)
			}
		}
		next := Cursor{Cursor: page.ResponseMetaData.NextCursor}
		next.Done = !page.HasMore || next.Cursor == ""
		added, err := sink.SavePage(ctx, channel, info.Name, msgs, next)
		if err != nil {
			return res, err
		}
		res.Pages++
		res.Added += added
		res.Read += added
		next.Read = res.Read
		cur = next
		if progress != nil {
			progress(channel, res.Read)
		}
	}
	return res, nil
}

// replies reads a thread's replies (the parent, which comes first, is
// stored from the history page).
func (r *Reader) replies(ctx context.Context, channel, name, ts string, oldest, latest time.Time) ([]bootstrap.Message, error) {
	var out []bootstrap.Message
	cursor := ""
	for {
		p := &slack.GetConversationRepliesParameters{ChannelID: channel, Timestamp: ts, Cursor: cursor, Limit: 1000}
		var msgs []slack.Message
		var more bool
		var next string
		err := r.call(ctx, func() error {
			var err error
			msgs, more, next, err = r.API.GetConversationRepliesContext(ctx, p)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Timestamp == ts {
				continue
			}
			at := tsTime(m.Timestamp)
			if !oldest.IsZero() && at.Before(oldest) || !latest.IsZero() && !at.Before(latest) {
				continue
			}
			out = append(out, r.message(ctx, channel, name, m))
		}
		if !more || next == "" {
			return out, nil
		}
		cursor = next
	}
}

func (r *Reader) message(ctx context.Context, channel, name string, m slack.Message) bootstrap.Message {
	sub := m.SubType
	if sub == "" && m.BotID != "" {
		sub = "bot_message" // an app's post (Journey's own digests among them), not a person's
	}
	return bootstrap.Message{Channel: channel, ChannelName: name, TS: m.Timestamp, ThreadTS: m.ThreadTimestamp, User: m.User,
		UserName: r.userName(ctx, m.User), Text: m.Text, Subtype: sub, At: tsTime(m.Timestamp),
		Permalink: bootstrap.Permalink(r.BaseURL, channel, m.Timestamp, m.ThreadTimestamp)}
}

// userName looks a user's name up once per reader; a failed look-up leaves
// the id.
func (r *Reader) userName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	if n, ok := r.names[id]; ok {
		return n
	}
	name := id
	var u *slack.User
	if err := r.call(ctx, func() error {
		var err error
		u, err = r.API.GetUserInfoContext(ctx, id)
		return err
	}); err == nil && u != nil {
		name = firstNonEmpty(u.Profile.DisplayName, u.RealName, u.Name, id)
	}
	if len(r.names) < 100000 {
		r.names[id] = name
	}
	return name
}

// call runs f, waiting out Slack's Retry-After when it is rate limited.
func (r *Reader) call(ctx context.Context, f func() error) error {
	for waits := 0; ; waits++ {
		err := f()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || waits >= r.MaxWaits {
			return err
		}
		if err := r.Sleep(ctx, max(rl.RetryAfter, time.Second)); err != nil {
			return err
		}
	}
}

func (r *Reader) defaults() {
	if r.PageSize <= 0 {
		r.PageSize = 200
	}
	if r.MaxWaits <= 0 {
		r.MaxWaits = 10
	}
	if r.Sleep == nil {
		r.Sleep = wait.Sleep
	}
	if r.names == nil {
		r.names = map[string]string{}
	}
}

func notInChannel(id, name string) *ChannelError {
	return &ChannelError{Channel: id, Name: name, Code: "not_in_channel",
		Message: fmt.Sprintf("Journey is not in <#%s>, so it cannot read it. Invite it: type `/invite @Journey` in <#%s>, then run `/journey setup` again.", id, id)}
}

// channelError turns Slack's answer into a message for the admin.
func (r *Reader) channelError(id, name string, err error) error {
	var se slack.SlackErrorResponse
	code := err.Error()
	if errors.As(err, &se) {
		code = se.Err
	}
	switch code {
	case "not_in_channel":
		return notInChannel(id, name)
	case "channel_not_found":
		return &ChannelError{Channel: id, Name: name, Code: "no_access",
			Message: fmt.Sprintf("Journey cannot see channel %s: it is private (or was deleted) and Journey is not a member. Someone in it can add Journey with `/invite @Journey`.", id)}
	case "missing_scope":
		return &ChannelError{Channel: id, Name: name, Code: "no_access",
			Message: fmt.Sprintf("Journey lacks the Slack scope to read %s (channels:history, groups:history): reinstall the app with the scopes in manifest.yaml.", id)}
	}
	return fmt.Errorf("read channel %s: %w", id, err)
}

func slackTS(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + ".000000"
}
