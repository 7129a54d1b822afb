package cue

import (
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestResolveDue(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	berlin := mustLoc(t, "Europe/Berlin")
	wed := time.Date(2026, 3, 4, 10, 0, 0, 0, ny)       // Wednesday morning
	friMorning := time.Date(2026, 3, 6, 9, 0, 0, 0, ny) // Friday morning
	friNight := time.Date(2026, 3, 6, 23, 30, 0, 0, ny) // 04:30 Saturday UTC
	sunday := time.Date(2026, 3, 8, 12, 0, 0, 0, ny)
	jan31 := time.Date(2026, 1, 31, 12, 0, 0, 0, ny)
	nye := time.Date(2026, 12, 31, 12, 0, 0, 0, ny) // a Thursday
	tests := []struct {
		phrase  string
		written time.Time
		loc     *time.Location
		want    string // "" when the phrase has no date
	}{
		{"today", wed, ny, "2026-03-04"},
		{"tonight", wed, ny, "2026-03-04"},
		{"EOD", wed, ny, "2026-03-04"},
		{"end of day", wed, ny, "2026-03-04"},
		{"by COB", wed, ny, "2026-03-04"},
		{"close of business", wed, ny, "2026-03-04"},
		{"later today", wed, ny, "2026-03-04"},
		{"this arvo", wed, ny, "2026-03-04"},
		{"tomorrow", wed, ny, "2026-03-05"},
		{"tomorrow EOD", wed, ny, "2026-03-05"},
		{"by 3pm PT", wed, ny, "2026-03-04"},
		{"Friday by 10:30am", wed, ny, "2026-03-06"},
		{"EOD Friday", wed, ny, "2026-03-06"},
		{"Friday at the latest", wed, ny, "2026-03-06"},
		{"by Friday", wed, ny, "2026-03-06"},
		{"Monday", wed, ny, "2026-03-09"},
		{"Wednesday", wed, ny, "2026-03-11"}, // strictly after today
		{"on Thurs", wed, ny, "2026-03-05"},
		{"by Fri", wed, ny, "2026-03-06"},
		{"this Friday", wed, ny, "2026-03-06"},
		{"this Monday", wed, ny, "2026-03-09"}, // passed: the next one
		{"next Tuesday", wed, ny, "2026-03-10"},
		{"next Friday", wed, ny, "2026-03-13"},
		{"Friday next week", wed, ny, "2026-03-13"},
		{"coming Monday", wed, ny, "2026-03-09"},
		{"by the 15th", wed, ny, "2026-03-15"},
		{"by the 3rd", wed, ny, "2026-04-03"},
		{"on the 4th", wed, ny, "2026-03-04"},
		{"on March 3", wed, ny, "2027-03-03"},
		{"March 4th", wed, ny, "2026-03-04"},
		{"April 2nd", wed, ny, "2026-04-02"},
		{"15 April", wed, ny, "2026-04-15"},
		{"the 15th of April", wed, ny, "2026-04-15"},
		{"Apr 30, 2027", wed, ny, "2027-04-30"},
		{"3/14", wed, ny, "2026-03-14"},
		{"3/14/2027", wed, ny, "2027-03-14"},
		{"2/1", wed, ny, "2027-02-01"},
		{"2026-12-01", wed, ny, "2026-12-01"},
		{"end of week", wed, ny, "2026-03-06"},
		{"EOW", wed, ny, "2026-03-06"},
		{"this week", wed, ny, "2026-03-06"},
		{"end of month", wed, ny, "2026-03-31"},
		{"EOM", wed, ny, "2026-03-31"},
		{"end of the quarter", wed, ny, "2026-03-31"},
		{"EOQ", wed, ny, "2026-03-31"},
		{"next quarter", wed, ny, "2026-06-30"},
		{"Q3", wed, ny, "2026-09-30"},
		{"Q1", wed, ny, "2026-03-31"},
		{"end of Q2", wed, ny, "2026-06-30"},
		{"Q4 2027", wed, ny, "2027-12-31"},
		{"next week", wed, ny, "2026-03-13"},
		{"end of next week", wed, ny, "2026-03-13"},
		{"early next week", wed, ny, "2026-03-10"},
		{"beginning of next week", wed, ny, "2026-03-09"},
		{"mid next week", wed, ny, "2026-03-11"},
		{"mid-week", wed, ny, "2026-03-04"},
		{"the week after next", wed, ny, "2026-03-20"},
		{"in two weeks", wed, ny, "2026-03-18"},
		{"in 3 days", wed, ny, "2026-03-07"},
		{"in a couple of days", wed, ny, "2026-03-06"},
		{"within 48 hours", wed, ny, "2026-03-06"},
		{"within 24h", wed, ny, "2026-03-05"},
		{"in 3 business days", wed, ny, "2026-03-09"},
		{"next business day", wed, ny, "2026-03-05"},
		{"a week from today", wed, ny, "2026-03-11"},
		{"mid-December", wed, ny, "2026-12-15"},
		{"mid December", wed, ny, "2026-12-15"},
		{"early December", wed, ny, "2026-12-07"},
		{"end of December", wed, ny, "2026-12-31"},
		{"in April", wed, ny, "2026-04-30"},
		{"by February", wed, ny, "2027-02-28"},
		{"next month", wed, ny, "2026-04-30"},
		{"early next month", wed, ny, "2026-04-07"},
		{"mid-month", wed, ny, "2026-03-15"},
		{"end of year", wed, ny, "2026-12-31"},
		{"EOY", wed, ny, "2026-12-31"},
		// Said on a Friday morning: "Friday" is next week's, "today" is today.
		{"Friday", friMorning, ny, "2026-03-13"},
		{"today", friMorning, ny, "2026-03-06"},
		{"this Friday", friMorning, ny, "2026-03-06"},
		// The author's zone decides the date.
		{"today", friNight, ny, "2026-03-06"},
		{"today", friNight, berlin, "2026-03-07"},
		{"tomorrow", friNight, ny, "2026-03-07"},
		{"EOD", friNight, nil, "2026-03-07"},
		// Weekends.
		{"next week", sunday, ny, "2026-03-13"},
		{"this Friday", sunday, ny, "2026-03-13"},
		{"end of week", sunday, ny, "2026-03-13"},
		{"next Monday", sunday, ny, "2026-03-09"},
		// Month and year ends.
		{"next month", jan31, ny, "2026-02-28"},
		{"in a month", jan31, ny, "2026-02-28"},
		{"Q1", nye, ny, "2027-03-31"},
		{"next week", nye, ny, "2027-01-08"},
		{"end of week", nye, ny, "2027-01-01"},
		{"tomorrow", nye, ny, "2027-01-01"},
		{"by the 15th", nye, ny, "2027-01-15"},
		{"in December", nye, ny, "2026-12-31"},
		// No date.
		{"ASAP", wed, ny, ""},
		{"soon", wed, ny, ""},
		{"", wed, ny, ""},
		{"Friday's call", wed, ny, ""},
		{"last Friday", wed, ny, ""},
		{"the 2nd round", wed, ny, ""},
		{"24/7", wed, ny, ""},
		{"13/45", wed, ny, ""},
		{"February 30", wed, ny, ""},
		{"Friday or so, depending on legal", wed, ny, ""},
	}
	for _, tt := range tests {
		got, ok := ResolveDue(tt.phrase, tt.written, tt.loc)
		if tt.want == "" {
			if ok {
				t.Errorf("ResolveDue(%q, %s) = %s, want no date", tt.phrase, tt.written.Format(time.RFC3339), got.Format("2006-01-02"))
			}
			continue
		}
		if !ok || !got.Equal(day(tt.want)) {
			t.Errorf("ResolveDue(%q, %s) = %s, %v; want %s", tt.phrase, tt.written.Format(time.RFC3339), got.Format("2006-01-02"), ok, tt.want)
		}
		if ok && (got.Location() != time.UTC || got.Hour() != 0) {
			t.Errorf("ResolveDue(%q) = %v, want midnight UTC", tt.phrase, got)
		}
	}
}

func TestFindDue(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	wed := time.Date(2026, 3, 4, 10, 0, 0, 0, ny)
	tests := []struct {
		text       string
		want       string
		wantPhrase string
	}{
		{"I'll send the SOC 2 report by Friday.", "2026-03-06", "Friday"},
		{"Thanks for Friday's call! I'll get you pricing by next Tuesday", "2026-03-10", "next Tuesday"},
		{"Can do EOD Thursday", "2026-03-05", "Thursday"},
		{"Will have it over by EOD", "2026-03-04", "EOD"},
		{"I'll send the Q3 roadmap tomorrow", "2026-03-05", "tomorrow"},
		{"Our legal team will return the redlines within 48 hours", "2026-03-06", "within 48 hours"},
		{"we're targeting signature by end of Q2", "2026-06-30", "by end of Q2"},
		{"Let's aim for March 15th for the kickoff", "2026-03-15", "March 15th"},
		{"Expect the DPA back early next week.", "2026-03-10", "early next week"},
		{"PO should be cut by the 20th at the latest", "2026-03-20", "by the 20th"},
		{"I'll share the deck on 3/12.", "2026-03-12", "3/12"},
		{"No date here at all", "", ""},
		{"We need 2/3 of the seats live", "", ""},
		{"24/7 support is included", "", ""},
		{"Second pass on the 2nd round of redlines", "", ""},
		{"We met last Friday and it went well", "", ""},
		{"I'll send the deck before Thursday's call", "2026-03-05", "Thursday"},
		{"Fri works for me", "", ""},
		{"SOC 2 Type II report", "", ""},
		{"We may 10x usage", "", ""},
	}
	for _, tt := range tests {
		got, phrase, ok := FindDue(tt.text, wed, ny)
		if tt.want == "" {
			if ok {
				t.Errorf("FindDue(%q) = %s (%q), want none", tt.text, got.Format("2006-01-02"), phrase)
			}
			continue
		}
		if !ok || !got.Equal(day(tt.want)) || phrase != tt.wantPhrase {
			t.Errorf("FindDue(%q) = %s, %q, %v; want %s, %q", tt.text, got.Format("2006-01-02"), phrase, ok, tt.want, tt.wantPhrase)
		}
	}
}
