package bootstrap

import (
	"fmt"
	"strings"
	"time"
)

// Run states.
const (
	RunReading   = "reading"
	RunProposed  = "proposed"
	RunPublished = "published"
	RunFailed    = "failed"
)

// Run is one journey set-up from Slack history, as an admin asked for it.
type Run struct {
	ID          string
	WorkspaceID string
	RequestedBy string   // Slack user id of the admin
	Channels    []string // Slack channel ids, in the order chosen
	// Oldest and Latest bound the messages read; zero: unbounded.
	Oldest, Latest time.Time
	Status         string
	// ProgressChannel and ProgressTS locate the message that shows progress,
	// updated in place.
	ProgressChannel string
	ProgressTS      string
	Problems        []Problem
	Proposal        *Proposal
	PublishedID     string
	CreatedAt       time.Time
}

// Problem is a channel that could not be read, and what to do about it.
type Problem struct {
	Channel string `json:"channel"`
	Code    string `json:"code"` // not_in_channel, no_access, not_found
	Message string `json:"message"`
}

// ChannelProgress is how far one channel of a run has been read.
type ChannelProgress struct {
	ID   string
	Name string
	Read int
	Done bool
}

// ProgressLine says how far reading got: "read 1,240 messages in 3 channels…".
func ProgressLine(chs []ChannelProgress, total int, done bool) string {
	read, started := 0, 0
	for _, c := range chs {
		read += c.Read
		started++
	}
	verb := "reading"
	if done {
		verb = "read"
	}
	line := fmt.Sprintf("%s %s messages in %d of %d channels", verb, thousands(read), started, total)
	if !done {
		line += "…"
	}
	return strings.ToUpper(line[:1]) + line[1:]
}

// thousands writes n with comma separators: 1,240.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
