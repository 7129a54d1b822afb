package journey

import (
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

// Schedule is a recurring time of day, read from a cron expression outside
// the domain (robfig/cron's schedules have this method): Next returns the
// first occurrence after t, in t's location.
type Schedule interface {
	Next(t time.Time) time.Time
}

// Quiet reports whether t is within quiet hours (20:00–08:00 local time),
// when nothing is sent.
func Quiet(t time.Time) bool { return t.Hour() >= QuietFrom || t.Hour() < QuietUntilHour }

// DueOn says whether sched, read in the zone tz, has an occurrence on now's
// local day that has come (at or before now), with now outside quiet hours;
// and for which local day ("2026-11-23"), since a scheduled send goes out
// once per day. A zone that cannot be loaded is read as UTC.
func DueOn(sched Schedule, tz string, now time.Time) (day string, due bool) {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	local := now.In(loc)
	day = local.Format("2006-01-02")
	start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	first := sched.Next(start.Add(-time.Nanosecond))
	return day, !first.IsZero() && !first.After(local) && first.Format("2006-01-02") == day && !Quiet(local)
}
