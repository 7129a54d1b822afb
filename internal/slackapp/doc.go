// Package slackapp is Journey's Slack surface: one router over Socket Mode
// that acks every slash command, interaction and event at once, stores
// events before acking them, and hands slow work on. Each surface (the
// /journey command, mentions in threads, App Home, the action buttons) lives
// in a file of its own and renders the journey.Card and actions of the
// engine as Block Kit.
//
// routes.go lists every command, action id, callback id and event the app
// answers. Messages of channels linked to an account go to an Ingester (the
// job runner) to become the account's timeline. The app's manifest is
// manifest.yaml at the root of the repository.
package slackapp
