// Package ask answers questions about the journey in plain language: "which
// of my deals are at risk?", "where is Acme?", "what is Globex waiting on
// from us?".
//
// Answers are grounded. Whoever answers — the offline intent parser or a
// live model through a tool-calling loop — reaches the data only through
// Tools: read-only query functions over accounts, deals, position, health,
// commitments, changes and the timeline. Every fact a tool returns carries
// references to the records and messages behind it, and an answer lists the
// ones it used as citations (card links, message permalinks).
//
// Nothing here sends, changes or approves anything. An answer may offer the
// buttons that do (the asker's own actions), and the Slack app renders them.
//
// Permissions are enforced by the tools, not by the answerer: a person sees
// the actions and drafts of their own, a manager those of their team, an
// admin everyone's. Text in a question is data: a question that asks to see
// another rep's drafts, or to approve or send, gets a clear refusal however
// it is worded.
package ask
