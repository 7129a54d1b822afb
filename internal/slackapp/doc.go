// Package slackapp is Journey's Slack surface: one router over Socket Mode
// that acks every slash command, interaction and event at once, stores
// events before acking them, and hands slow work on. Each surface (the
// /journey command, mentions in threads, App Home, the action buttons) lives
// in a file of its own and renders the journey.Card and actions of the
// engine as Block Kit.
//
// The app's manifest is manifest.yaml at the root of the repository. The
// package is being built: today Journey answers on the command line (bot
// journey show), from the same engine.
package slackapp
