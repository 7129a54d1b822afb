// Package history reads Slack conversations for the journey set-up: a
// standard workspace export (a zip or its unpacked folder) streamed file by
// file and message by message, and live channels through the Web API
// (conversations.history and conversations.replies, paginated, waiting out
// Retry-After), resuming from a stored cursor.
//
// Both hand messages to a callback one at a time and keep nothing
// themselves, so a 200,000-message channel is read in bounded memory.
package history
