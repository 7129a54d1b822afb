// Package slacksim is a local Slack: a Web API and Socket Mode server that the
// real github.com/slack-go/slack client (and its socketmode package) talks to
// over real sockets, plus a driver that acts as the people in the workspace.
// Tests use it in-process; `bot sandbox` runs it for people who drive it with
// curl.
//
// # Wire formats
//
// Everything on the wire follows Slack's shapes, checked against Slack's Web
// API spec and real payloads (shared/ext/slack-api-specs, slack-payloads):
//
//   - Web API at /api/{method}: POST form or JSON, GET with a query; the token
//     in the Authorization header or the "token" field. Answers are
//     {"ok":true,…} or {"ok":false,"error":"…"} (not_authed, invalid_auth,
//     not_allowed_token_type, channel_not_found, not_in_channel, …). Methods:
//     auth.test, apps.connections.open (app token), chat.postMessage,
//     chat.update, chat.delete, chat.postEphemeral, chat.getPermalink,
//     conversations.open/info/list/history/replies/members, users.info,
//     users.list, users.lookupByEmail, views.open/update/push/publish,
//     team.info.
//   - Socket Mode at /link/?ticket=…: a hello like Slack's, then envelopes
//     (events_api, slash_commands, interactive), each to one open connection
//     chosen at random. Acks are {"envelope_id":…,"payload":…}; frames of
//     20 KB or more are dropped as Slack does. The server pings every
//     PingInterval and answers pings. Disconnect sends Slack's disconnect
//     frame.
//   - response_url at /hooks/…: 5 posts within 30 minutes, then expired_url.
//
// # Slack's rules
//
// Blocks are validated on every call that carries them (chat.*, response_url,
// views.*, ack payloads) against the Block Kit JSON Schema by Tightknit (MIT,
// embedded with LICENSE-tightknit.txt) plus the cross-block rules the schema
// lacks: 50 blocks per message, 100 per view, a block_id once per message or
// view, an action_id once per block (Slack's documented rule).
// chat.* answers invalid_blocks with "errors" and
// response_metadata.messages ("[ERROR] … [json-pointer:/blocks/0/…]");
// views.* answer invalid_arguments. A trigger_id works once
// (exchanged_trigger_id) and for TriggerTTL (expired_trigger_id); views.update
// and views.publish check the hash (hash_conflict). The bot must be a member
// of a channel to post or read history (not_in_channel; channel_not_found for
// private channels and IMs it cannot see). Configured rate limits answer HTTP
// 429 with Retry-After and {"ok":false,"error":"ratelimited"} and do not
// apply the call.
//
// Events not acked within AckTimeout are redelivered in new envelopes with the
// same event_id, retry_attempt and retry_reason "timeout", after RetryDelays
// (Slack: at once, after 1 and after 5 minutes). Slash commands and
// interactions are not redelivered: the driver call fails.
//
// # Driver
//
// Go methods (SlashCommand, Mention, Post, SendDM, EditMessage,
// DeleteMessage, Click, SubmitView, CloseView, OpenHome, JoinChannel) act as a
// person and wait for the bot's ack; readers (Messages, Thread, Ephemerals,
// DMs, HomeView, Views, Deliveries, Calls) show what the bot produced. The
// same is served as JSON under /driver/ (GET /driver/ lists it): POST calls
// return the ack and the new messages and views that appeared while handling,
// each with its blocks and a plain-text "text_view". Users and channels may be
// named by id or by name ("maya", "#deals-acme"; "@maya" is the bot's DM).
//
// People's text is sent as Slack sends it: & < > escaped as &amp; &lt; &gt;,
// "@maya" as <@U…> and "#deals-acme" as <#C…|deals-acme> when they name a
// member or a channel (slash command text has & < > escaped only, as with
// should_escape off). Deleting a thread parent that has replies leaves a
// "tombstone" (a message_changed event), and Unfurl sends the
// message_changed of a link preview, whose text does not change.
//
// # Not simulated
//
// Files, reactions, pins, scheduled messages, mpims, workflows, shortcuts and
// the HTTP (non Socket Mode) delivery of events are not simulated. The bot's
// own posts produce message events only with Config.EchoBotMessages.
package slacksim
