// Package askeval scores Ask Journey on a labelled set of questions over the
// sample book of business at a fixed clock: each question with who asks it,
// the questions asked before it in the same thread, and what a correct
// answer must (and must not) say. `bot eval` prints the figures.
package askeval
