package slackapp

import (
	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// DigestMessages renders a manager's digest exactly as PostDigest posts it:
// the blocks of the first message and, for a big team, the blocks of each
// thread reply. day labels the header ("Mon Nov 23"); empty means d.At's
// day. It does no I/O, so benchmarks and tools can render digests without
// Slack.
func DigestMessages(d journey.Digest, day string) (summary []slack.Block, thread [][]slack.Block) {
	return digestBlocks(d, day)
}
