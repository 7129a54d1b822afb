package journey

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Recipient picks who an action's email goes to: the contact its draft
// greets ("Hi Tom,"), else the person the promise was made to, else the
// champion, else the only contact with an address. It returns an *Error
// (EINVALID) that says what to fix when there is nobody to send to or the
// person has no usable address.
func Recipient(a Action, d AccountData) (Contact, error) {
	var pick Contact
	found := false
	byFirst := func(name string) bool {
		name = strings.ToLower(strings.Trim(name, " ,.!"))
		if name == "" || name == "there" || name == "team" || name == "all" {
			return false
		}
		for _, c := range d.Contacts {
			if strings.EqualFold(firstName(c.Name), name) || strings.EqualFold(c.Name, name) {
				pick, found = c, true
				return true
			}
		}
		return false
	}
	if g := greeting(a.DraftBody); g != "" && byFirst(g) {
		// the draft says who it is for
	} else if cid := a.CommitmentID(); cid != "" && commitmentCounterpart(d, cid) != "" && byFirst(commitmentCounterpart(d, cid)) {
		// the person we promised it to
	} else {
		for _, c := range d.Contacts {
			if c.BuyingRole == BuyerChampion {
				pick, found = c, true
				break
			}
		}
		if !found {
			var with []Contact
			for _, c := range d.Contacts {
				if c.Email != "" {
					with = append(with, c)
				}
			}
			if len(with) == 1 {
				pick, found = with[0], true
			}
		}
	}
	switch {
	case !found && len(d.Contacts) == 0:
		return Contact{}, Errorf(EINVALID, "%s has no contacts in Journey, so there is nobody to email. Add the contact (CSV import or your CRM), or copy the draft and send it yourself", d.Account.Name)
	case !found:
		return Contact{}, Errorf(EINVALID, "I can't tell which contact at %s this is for: start the draft with \"Hi NAME,\" (Edit), or copy it and send it yourself", d.Account.Name)
	case pick.Email == "":
		return Contact{}, Errorf(EINVALID, "%s at %s has no email address in Journey. Add it (CSV import or your CRM), or copy the draft and send it yourself", pick.Name, d.Account.Name)
	}
	if _, err := mail.ParseAddress(pick.Email); err != nil {
		return Contact{}, Errorf(EINVALID, "the email address of %s at %s, %q, is not valid. Fix it (CSV import or your CRM), or copy the draft and send it yourself", pick.Name, d.Account.Name, pick.Email)
	}
	return pick, nil
}

// SenderCheck says whether a person can send email through Journey: they
// need a valid address of their own (the email is sent as them, and a copy
// comes to them).
func SenderCheck(p Person) error {
	if p.Email == "" {
		return Errorf(EINVALID, "you have no email address in Journey, so I can't send as you. Ask an admin to add it (people import), or copy the draft and send it yourself")
	}
	if _, err := mail.ParseAddress(p.Email); err != nil {
		return Errorf(EINVALID, "your email address in Journey, %q, is not valid. Ask an admin to fix it, or copy the draft and send it yourself", p.Email)
	}
	return nil
}

// greeting returns the name a draft greets: "Hi Tom," gives "Tom".
func greeting(body string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(body), "\n")
	line = strings.TrimSpace(line)
	for _, hi := range []string{"hi ", "hello ", "dear ", "hey "} {
		if len(line) > len(hi) && strings.EqualFold(line[:len(hi)], hi) {
			name, _, _ := strings.Cut(line[len(hi):], ",")
			return strings.TrimSpace(name)
		}
	}
	return ""
}

func commitmentCounterpart(d AccountData, id string) string {
	for _, c := range d.Commitments {
		if c.ID == id {
			return c.Counterpart
		}
	}
	return ""
}

// MessageID is the fixed Message-ID of an action's email: the same for every
// attempt, so a retried send is the same message.
func MessageID(actionID, domain string) string {
	if domain == "" {
		domain = "journey.local"
	}
	return fmt.Sprintf("journey-%s@%s", actionID, domain)
}

// Fresh reports whether an action has something its owner has not been
// DMed about: never DMed, or changed since (back from a snooze, a failed
// send, a new draft).
func (a Action) Fresh() bool {
	return a.NudgedAt.IsZero() || a.UpdatedAt.After(a.NudgedAt)
}

// WakeDue reports whether a snoozed action should come back to its owner at
// now: its snooze is over, and it is a working moment for them (a workday,
// outside quiet hours).
func WakeDue(owner Person, a Action, now time.Time) bool {
	if a.State != ActionSnoozed || now.Before(a.SnoozedUntil) {
		return false
	}
	loc, err := time.LoadLocation(owner.TimeZone)
	if err != nil || owner.TimeZone == "" {
		loc = time.UTC
	}
	local := now.In(loc)
	return Workday(local) && !Quiet(local)
}

// OutboxEmail is one approved follow-up waiting in (or sent from) the
// outbox: the email exactly as approved, and how far sending it got.
type OutboxEmail struct {
	ActionID   string
	MessageID  string
	FromName   string
	FromAddr   string
	ToName     string
	ToAddr     string
	Bcc        string
	Subject    string
	Body       string
	ApprovedBy string
	ApprovedAt time.Time
	// Phase is queued, sending, handed_over, sent or failed.
	Phase     string
	Attempts  int
	LastError string
	// SlackChannel and SlackTS are the message whose Send button approved
	// it, updated in place with the outcome; SlackThreadTS is its thread
	// when it is a thread reply.
	SlackChannel  string
	SlackTS       string
	SlackThreadTS string
	SentAt        time.Time
}

// SentFollowUp is a follow-up that went out through Journey, for the
// digest's "done" list.
type SentFollowUp struct {
	AccountID   string
	AccountName string
	ByID        string // who sent it (approved it, or marked it sent)
	Summary     string // "Follow-up sent to Tom Becker: Pricing, as promised"
	At          time.Time
}
