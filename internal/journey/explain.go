package journey

import (
	"fmt"
	"strings"
	"time"
)

// Evidence points at a stored record that supports a figure.
type Evidence struct {
	Kind string // event, change, completion, deal, commitment, wait, contact, account
	ID   string
	Note string
}

// Explanation is why a figure is what it is: one sentence for people and the
// records behind it for machines (and for links on the card).
type Explanation struct {
	Sentence string
	Evidence []Evidence
}

// Factor is one named part of a score: it earned Points of its Weight.
type Factor struct {
	Key      string
	Label    string
	Weight   int
	Points   int
	Sentence string
	Evidence []Evidence
}

// Delta is how many points the factor cost: Points - Weight (zero or less).
func (f Factor) Delta() int { return f.Points - f.Weight }

func ev(kind, id, note string) Evidence { return Evidence{Kind: kind, ID: id, Note: note} }

// days returns whole days between a and b (b after a), never negative.
func days(a, b time.Time) int {
	if b.Before(a) {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// FormatMoney writes cents as "48,000 USD" (cents shown only when present).
func FormatMoney(cents int64, currency string) string {
	if currency == "" {
		currency = "USD"
	}
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	s := b.String()
	if c := cents % 100; c != 0 {
		s += fmt.Sprintf(".%02d", c)
	}
	if neg {
		s = "-" + s
	}
	return s + " " + currency
}

// FormatDate writes a date as people read it on a card: "Nov 28, 2026".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return "no date"
	}
	return t.Format("Jan 2, 2006")
}
