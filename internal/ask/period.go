package ask

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "tues": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "thurs": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

var (
	rePeriodDays  = regexp.MustCompile(`\b(?:in the |over the )?(last|past|next|coming) (\d{1,3}) days?\b`)
	rePeriodSince = regexp.MustCompile(`\bsince (yesterday|today|last week|this week|last month|this month|(?:last )?(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tues?|wed|thurs?|fri|sat))\b`)
	rePeriodWord  = regexp.MustCompile(`\b(today|yesterday|this week|last week|next week|this month|last month|next month|this quarter|last quarter|next quarter|this year|next year|recently|lately|soon)\b`)
)

// ParsePeriod finds time words in a question ("last week", "since Monday",
// "this quarter", "in the next 30 days") and returns the period they mean at
// now in loc, with the words it read. ok is false when there are none.
//
// Weeks start on Monday. "since Monday" asked on a Monday means the Monday a
// week ago (today alone would be "today").
func ParsePeriod(q string, now time.Time, loc *time.Location) (Period, bool) {
	if loc == nil {
		loc = time.UTC
	}
	s := strings.ToLower(q)
	now = now.In(loc)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	quarter := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, loc)
	year := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, loc)
	if m := rePeriodDays.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "next" || m[1] == "coming" {
			return Period{From: now, To: day.AddDate(0, 0, n+1), Label: fmt.Sprintf("in the next %d days", n)}, true
		}
		return Period{From: day.AddDate(0, 0, -n), Label: fmt.Sprintf("in the last %d days", n)}, true
	}
	if m := rePeriodSince.FindStringSubmatch(s); m != nil {
		w := m[1]
		label := "since " + w
		switch w {
		case "yesterday":
			return Period{From: day.AddDate(0, 0, -1), Label: label}, true
		case "today":
			return Period{From: day, Label: label}, true
		case "last week":
			return Period{From: monday.AddDate(0, 0, -7), Label: label}, true
		case "this week":
			return Period{From: monday, Label: label}, true
		case "last month":
			return Period{From: month.AddDate(0, -1, 0), Label: label}, true
		case "this month":
			return Period{From: month, Label: label}, true
		}
		wd := weekdays[strings.TrimPrefix(w, "last ")]
		back := (int(day.Weekday()) - int(wd) + 7) % 7
		if back == 0 {
			back = 7
		}
		from := day.AddDate(0, 0, -back)
		return Period{From: from, Label: "since " + from.Format("Monday, Jan 2")}, true
	}
	if m := rePeriodWord.FindStringSubmatch(s); m != nil {
		w := m[1]
		switch w {
		case "today":
			return Period{From: day, To: day.AddDate(0, 0, 1), Label: "today"}, true
		case "yesterday":
			return Period{From: day.AddDate(0, 0, -1), To: day, Label: "yesterday"}, true
		case "this week":
			return Period{From: monday, To: monday.AddDate(0, 0, 7), Label: "this week"}, true
		case "last week":
			return Period{From: monday.AddDate(0, 0, -7), To: monday, Label: "last week (" + monday.AddDate(0, 0, -7).Format("Jan 2") + "–" + monday.AddDate(0, 0, -1).Format("Jan 2") + ")"}, true
		case "next week":
			return Period{From: monday.AddDate(0, 0, 7), To: monday.AddDate(0, 0, 14), Label: "next week"}, true
		case "this month":
			return Period{From: month, To: month.AddDate(0, 1, 0), Label: "this month (" + month.Format("January") + ")"}, true
		case "last month":
			return Period{From: month.AddDate(0, -1, 0), To: month, Label: "last month (" + month.AddDate(0, -1, 0).Format("January") + ")"}, true
		case "next month":
			return Period{From: month.AddDate(0, 1, 0), To: month.AddDate(0, 2, 0), Label: "next month (" + month.AddDate(0, 1, 0).Format("January") + ")"}, true
		case "this quarter":
			return Period{From: quarter, To: quarter.AddDate(0, 3, 0), Label: fmt.Sprintf("this quarter (%s–%s)", quarter.Format("Jan 2"), quarter.AddDate(0, 3, -1).Format("Jan 2, 2006"))}, true
		case "last quarter":
			return Period{From: quarter.AddDate(0, -3, 0), To: quarter, Label: "last quarter"}, true
		case "next quarter":
			q := quarter.AddDate(0, 3, 0)
			return Period{From: q, To: q.AddDate(0, 3, 0), Label: fmt.Sprintf("next quarter (%s–%s)", q.Format("Jan 2"), q.AddDate(0, 3, -1).Format("Jan 2, 2006"))}, true
		case "this year":
			return Period{From: year, To: year.AddDate(1, 0, 0), Label: "this year"}, true
		case "next year":
			return Period{From: year.AddDate(1, 0, 0), To: year.AddDate(2, 0, 0), Label: "next year"}, true
		case "recently", "lately":
			return Period{From: day.AddDate(0, 0, -14), Label: "in the last 14 days"}, true
		case "soon":
			return Period{From: now, To: day.AddDate(0, 0, 31), Label: "in the next 30 days"}, true
		}
	}
	return Period{}, false
}

// periodWords returns the time words of q, for a follow-up to re-read.
func periodWords(q string) string {
	s := strings.ToLower(q)
	for _, re := range []*regexp.Regexp{rePeriodDays, rePeriodSince, rePeriodWord} {
		if m := re.FindString(s); m != "" {
			return m
		}
	}
	return ""
}
