package journey

import (
	"fmt"
	"time"
)

// Morning schedules, in each person's own time zone.
const (
	NudgeHour, NudgeMinute = 8, 30 // the rep's morning DM
	QuietFrom              = 20    // nothing is sent from 20:00 …
	QuietUntilHour         = 8     // … until 08:00 local time
)

// Workday reports whether t is a working day (Monday to Friday).
func Workday(t time.Time) bool {
	return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
}

// dueAt reports whether, at now in the zone tz, a daily send at hh:mm is due
// (past it, on a workday, outside quiet hours), and for which local day.
func dueAt(tz string, hh, mm int, now time.Time) (day string, due bool) {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	local := now.In(loc)
	day = local.Format("2006-01-02")
	at := time.Date(local.Year(), local.Month(), local.Day(), hh, mm, 0, 0, loc)
	quiet := local.Hour() >= QuietFrom || local.Hour() < QuietUntilHour
	return day, Workday(local) && !local.Before(at) && !quiet
}

// NudgeDue says whether a person's morning DM is due at now — 08:30 in
// their own time zone on a workday, never in quiet hours — and for which
// local day (a DM is sent once per person and day).
func NudgeDue(p Person, now time.Time) (day string, due bool) {
	return dueAt(p.TimeZone, NudgeHour, NudgeMinute, now)
}

// DigestDue says whether a digest set for localTime ("08:00") in the zone
// tz is due at now, and for which local day.
func DigestDue(localTime, tz string, now time.Time) (day string, due bool, err error) {
	var hh, mm int
	if _, err := fmt.Sscanf(localTime, "%d:%d", &hh, &mm); err != nil || hh > 23 || mm > 59 {
		return "", false, Errorf(EINVALID, "digest time %q is not HH:MM", localTime)
	}
	day, due = dueAt(tz, hh, mm, now)
	return day, due, nil
}
