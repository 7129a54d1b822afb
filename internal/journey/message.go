package journey

import "strings"

// SummaryLen is how much of a message the timeline shows.
const SummaryLen = 280

// Summarize shortens a message for the timeline: one line, at most
// SummaryLen characters.
func Summarize(text string) string {
	s := strings.Join(strings.Fields(text), " ")
	if r := []rune(s); len(r) > SummaryLen {
		return string(r[:SummaryLen-1]) + "…"
	}
	return s
}

// MessageRef is the timeline's external id of a Slack message: CHANNEL:TS,
// or CHANNEL:TS:THREAD_TS for a reply in a thread.
func MessageRef(channel, ts, threadTS string) string {
	if threadTS != "" && threadTS != ts {
		return channel + ":" + ts + ":" + threadTS
	}
	return channel + ":" + ts
}

// SplitMessageRef reads a MessageRef back.
func SplitMessageRef(ref string) (channel, ts, threadTS string) {
	parts := strings.SplitN(ref, ":", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return parts[0], parts[1], parts[2]
}
