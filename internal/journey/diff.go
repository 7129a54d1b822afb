package journey

import (
	"fmt"
	"time"
)

// FieldValue is one tracked field of a record, as text.
type FieldValue struct {
	Field string
	Value string
}

// PersonName turns a person id into what a change shows (an email or a name).
type PersonName func(id string) string

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func centsText(c int64) string { return fmt.Sprintf("%.2f", float64(c)/100) }

// AccountFields lists the account fields whose changes Journey tracks.
func AccountFields(a Account, name PersonName) []FieldValue {
	return []FieldValue{
		{"name", a.Name}, {"domain", a.Domain}, {"segment", a.Segment},
		{"owner", name(a.OwnerID)}, {"csm", name(a.CSMID)},
		{"arr", centsText(a.ARRCents)}, {"currency", a.Currency}, {"renewal_date", dateText(a.RenewalDate)},
	}
}

// ContactFields lists the contact fields whose changes Journey tracks.
func ContactFields(c Contact) []FieldValue {
	return []FieldValue{
		{"name", c.Name}, {"email", c.Email}, {"title", c.Title},
		{"persona", c.Persona}, {"buying_role", string(c.BuyingRole)},
	}
}

// DealFields lists the deal fields whose changes Journey tracks.
func DealFields(d Deal, name PersonName) []FieldValue {
	return []FieldValue{
		{"name", d.Name}, {"kind", string(d.Kind)}, {"amount", centsText(d.AmountCents)}, {"currency", d.Currency},
		{"stage", d.Stage}, {"close_date", dateText(d.CloseDate)}, {"owner", name(d.OwnerID)},
	}
}

// Diff returns the fields whose values differ between old and new, as
// changes without ids, times or actors (the caller fills those in).
func Diff(old, new []FieldValue) []Change {
	var out []Change
	for i := range old {
		if i < len(new) && old[i].Field == new[i].Field && old[i].Value != new[i].Value {
			out = append(out, Change{Field: old[i].Field, Old: old[i].Value, New: new[i].Value})
		}
	}
	return out
}
