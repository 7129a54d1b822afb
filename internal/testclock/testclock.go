// Package testclock gives every test the same "today", and lets CI move it.
//
// Tests never read the wall clock for the world they describe: they take
// their moment from Now (or a day derived from it with Monday) and hand it,
// as a clock, to whatever they start (the store's imports, the job runner,
// the Slack simulator, the local mail server and HubSpot, the sample book).
//
// The moment is JOURNEY_TEST_NOW when it is set, as a date ("2028-02-29",
// taken at 14:00 UTC) or an RFC 3339 time ("2027-03-14T06:30:00Z"), and
// DefaultNow otherwise. `make test-dates` runs the whole suite at dates that
// stress the calendar (a Sunday, 29 February, the days New York springs
// forward and falls back, New Year's Eve and the real today), so a test that
// only passes on the day it was written fails the day it is written.
package testclock

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// EnvVar names the variable that moves every test's today.
const EnvVar = "JOURNEY_TEST_NOW"

// DefaultNow is the moment tests run at when EnvVar is unset: Monday 23
// November 2026, 14:00 UTC (09:00 in New York).
var DefaultNow = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// dateHour is the time of day a date-only EnvVar is taken at.
const dateHour = 14

var (
	once   sync.Once
	now    time.Time
	nowErr error
)

// Parse reads a value of EnvVar: a date (taken at 14:00 UTC) or an RFC 3339
// time.
func Parse(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.Add(dateHour * time.Hour), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q is neither a date (2028-02-29) nor an RFC 3339 time (2027-03-14T06:30:00Z)", EnvVar, v)
	}
	return t.UTC(), nil
}

// Now is the moment every test runs at: EnvVar, or DefaultNow. A value of
// EnvVar that cannot be read panics with what to write instead, so a typo
// never runs the suite on the default date by mistake.
func Now() time.Time {
	once.Do(func() {
		v := os.Getenv(EnvVar)
		if v == "" {
			now = DefaultNow
			return
		}
		now, nowErr = Parse(v)
	})
	if nowErr != nil {
		panic(nowErr)
	}
	return now
}

// Monday is the Monday on or before Now's date in loc, at hh:mm there: the
// start of the week that holds today. A test that plays out a week from it
// (Monday's promise, Wednesday's DM, the weekend, next Monday) runs through
// today, whichever weekday today is.
func Monday(loc *time.Location, hh, mm int) time.Time {
	return MondayOf(Now(), loc, hh, mm)
}

// MondayOf is the Monday on or before t's date in loc, at hh:mm there.
func MondayOf(t time.Time, loc *time.Location, hh, mm int) time.Time {
	d := t.In(loc)
	back := (int(d.Weekday()) + 6) % 7 // days since Monday
	return time.Date(d.Year(), d.Month(), d.Day()-back, hh, mm, 0, 0, loc)
}

// Clock is a clock a test moves by hand. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock standing at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t (backwards too).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock on by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}
