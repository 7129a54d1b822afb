// Package offline is the language model Journey uses when none is
// configured: deterministic heuristics over English text that find
// commitments, waiting-on items, milestone evidence, stakeholders and
// fulfilments in a batch of messages, and templates that draft follow-up
// emails. It makes no network calls and costs nothing. Model documents what
// it reads.
package offline
