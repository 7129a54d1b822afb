package ask

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// Citation is a record or message an answer used.
type Citation struct {
	Kind      string // account, message, commitment, wait, change, contact, deal, action
	ID        string
	AccountID string
	Account   string // the account's name
	Label     string // what it is, in a few words
	Link      string // a permalink to the message, when there is one
}

// Answer is what Journey says to a question.
type Answer struct {
	// Text is plain text (not mrkdwn); [n] marks cite Citations[n-1].
	Text      string
	Citations []Citation
	// Accounts the answer is about, for "Open card" buttons.
	Accounts []journey.NamedRef
	// Actions of the asker's own that the answer offers to act on: the
	// Slack app renders their buttons (Send, Edit, Snooze, Dismiss, Done).
	Actions []journey.Action
	// Suggest are accounts the asker may have meant ("did you mean").
	Suggest []journey.NamedRef
	// Intent names what was understood ("at_risk", "where", …; "model" for a
	// live model's answer).
	Intent string
	// ModelCalls is how many Chat Completions calls the answer took.
	ModelCalls int
	// Thread is the context a follow-up in the same thread continues from.
	Thread Thread
}

// Thread is what a conversation remembers between questions, so that
// "and Globex?" or "why?" mean something.
type Thread struct {
	Intent    string `json:"intent,omitempty"`
	AccountID string `json:"account_id,omitempty"`
	Account   string `json:"account,omitempty"`
	Range     string `json:"range,omitempty"` // the time words of the last question, e.g. "last week"
	Role      string `json:"role,omitempty"`
	Side      string `json:"side,omitempty"`
	Term      string `json:"term,omitempty"`
	// Why is what "why?" answers: the reasons behind the last answer.
	Why []Fact `json:"why,omitempty"`
	// Turns are the last questions and answers, for a live model.
	Turns []Turn `json:"turns,omitempty"`
}

// Turn is one question and its answer.
type Turn struct {
	Q string `json:"q"`
	A string `json:"a"`
}

// maxTurns is how many earlier turns a thread keeps.
const maxTurns = 4

func (t *Thread) remember(q, a string) {
	t.Turns = append(t.Turns, Turn{Q: truncate(q, 500), A: truncate(a, 1500)})
	if len(t.Turns) > maxTurns {
		t.Turns = t.Turns[len(t.Turns)-maxTurns:]
	}
}

var refMark = regexp.MustCompile(`\[(\d{1,3})\]`)

// finalize keeps the citations the text refers to, numbered 1… in order of
// first mention, and rewrites the marks to match. Marks that point nowhere
// are dropped.
func finalize(text string, cites []Citation) (string, []Citation) {
	order := map[int]int{}
	var out []Citation
	text = refMark.ReplaceAllStringFunc(text, func(m string) string {
		n, _ := strconv.Atoi(m[1 : len(m)-1])
		if n < 1 || n > len(cites) {
			return ""
		}
		k, ok := order[n]
		if !ok {
			out = append(out, cites[n-1])
			k = len(out)
			order[n] = k
		}
		return fmt.Sprintf("[%d]", k)
	})
	// "[1][1]" after renumbering reads badly
	for i := 1; i <= len(out); i++ {
		m := fmt.Sprintf("[%d]", i)
		for strings.Contains(text, m+m) {
			text = strings.ReplaceAll(text, m+m, m)
		}
	}
	return strings.TrimSpace(text), out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
