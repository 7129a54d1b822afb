// Package bootstrap proposes a journey definition from what leadership
// already wrote in Slack: the stage lists, arrows ("Discovery → Demo →
// Proposal"), "stage"/"phase"/"step" words, exit criteria and milestones in
// their threads. It maps what it finds onto the nearest built-in template so
// the proposal keeps the CRM mappings that place deals, cites the messages
// behind every stage and milestone, and reports where people disagree
// ("handoff at signature" against "handoff at kickoff") instead of picking a
// side.
//
// It is pure: messages go in one at a time (Suggester.Add keeps only
// aggregates and a few citations, so a 200,000-message channel needs little
// memory) and a Proposal comes out. Reading Slack or an export is the
// history package's job; publishing is the store's.
package bootstrap
