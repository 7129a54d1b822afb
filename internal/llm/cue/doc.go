// Package cue reads the cues in a message's text that both models rely on:
// due dates written in English ("by Friday", "EOD tomorrow", "Q3"),
// resolved to calendar dates in the author's time zone (ResolveDue,
// FindDue), and MayMatter, the pre-filter that keeps messages which cannot
// hold a commitment, a wait, a milestone or a stakeholder away from a paid
// model.
package cue
