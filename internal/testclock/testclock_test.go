package testclock

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want time.Time
	}{
		{"2028-02-29", time.Date(2028, 2, 29, 14, 0, 0, 0, time.UTC)},
		{"2027-03-14T06:30:00Z", time.Date(2027, 3, 14, 6, 30, 0, 0, time.UTC)},
		{"2026-12-31T18:30:00-05:00", time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("Parse(%q) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "2028-02-30", "29/02/2028"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) took it", bad)
		}
	}
}

func TestMondayOf(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		at   time.Time
		loc  *time.Location
		want time.Time
	}{
		// a Monday is its own week's
		{time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC), time.UTC, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)},
		// a Sunday belongs to the week that began six days before
		{time.Date(2027, 1, 3, 14, 0, 0, 0, time.UTC), time.UTC, time.Date(2026, 12, 28, 9, 0, 0, 0, time.UTC)},
		// the spring-forward night, 01:30 EST: that Sunday's week, in New York time
		{time.Date(2027, 3, 14, 6, 30, 0, 0, time.UTC), ny, time.Date(2027, 3, 8, 9, 0, 0, 0, ny)},
		// 23:30 UTC on 31 Dec is still Thursday 31 Dec in New York
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), ny, time.Date(2026, 12, 28, 9, 0, 0, 0, ny)},
		// a leap day (a Tuesday)
		{time.Date(2028, 2, 29, 14, 0, 0, 0, time.UTC), time.UTC, time.Date(2028, 2, 28, 9, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got := MondayOf(c.at, c.loc, 9, 0)
		if !got.Equal(c.want) || got.Weekday() != time.Monday {
			t.Errorf("MondayOf(%s, %s) = %s, want %s", c.at, c.loc, got, c.want)
		}
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	c := New(DefaultNow)
	if !c.Now().Equal(DefaultNow) {
		t.Fatalf("Now = %s", c.Now())
	}
	if got := c.Advance(90 * time.Minute); !got.Equal(DefaultNow.Add(90*time.Minute)) || !c.Now().Equal(got) {
		t.Errorf("Advance: %s, Now %s", got, c.Now())
	}
	c.Set(DefaultNow.AddDate(0, 0, -1))
	if !c.Now().Equal(DefaultNow.AddDate(0, 0, -1)) {
		t.Errorf("Set backwards: %s", c.Now())
	}
}
