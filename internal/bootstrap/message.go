package bootstrap

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one Slack message read from history or an export.
type Message struct {
	Channel     string    `json:"channel"`      // channel id
	ChannelName string    `json:"channel_name"` // without '#'
	TS          string    `json:"ts"`
	ThreadTS    string    `json:"thread_ts,omitempty"`
	User        string    `json:"user,omitempty"` // Slack user id
	UserName    string    `json:"user_name,omitempty"`
	Text        string    `json:"text"`
	Subtype     string    `json:"subtype,omitempty"`
	At          time.Time `json:"at"`
	Permalink   string    `json:"permalink,omitempty"`
}

// Ref cites the message a finding came from.
type Ref struct {
	Channel     string `json:"channel"`
	ChannelName string `json:"channel_name,omitempty"`
	TS          string `json:"ts"`
	User        string `json:"user,omitempty"`
	UserName    string `json:"user_name,omitempty"`
	Permalink   string `json:"permalink,omitempty"`
	Excerpt     string `json:"excerpt"`
}

// Who names the author for people: their name, else their id.
func (r Ref) Who() string {
	if r.UserName != "" {
		return r.UserName
	}
	if r.User != "" {
		return r.User
	}
	return "someone"
}

// Where names the channel: "#name", else the id.
func (r Ref) Where() string {
	if r.ChannelName != "" {
		return "#" + r.ChannelName
	}
	return r.Channel
}

// maxExcerpt is how much of a message a citation quotes.
const maxExcerpt = 160

func refOf(m Message) Ref {
	return Ref{Channel: m.Channel, ChannelName: m.ChannelName, TS: m.TS, User: m.User, UserName: m.UserName,
		Permalink: m.Permalink, Excerpt: excerpt(plain(m.Text), maxExcerpt)}
}

// excerpt shortens s to at most n runes on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Permalink builds a message link from a workspace URL such as
// "https://acme.slack.com/" the way Slack does: /archives/CHANNEL/pTS with
// the dot of the ts removed, and the thread for a reply.
func Permalink(base, channel, ts, threadTS string) string {
	if base == "" || channel == "" || ts == "" {
		return ""
	}
	link := strings.TrimSuffix(base, "/") + "/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")
	if threadTS != "" && threadTS != ts {
		link += "?thread_ts=" + threadTS + "&cid=" + channel
	}
	return link
}
