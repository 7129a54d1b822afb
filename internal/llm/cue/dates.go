package cue

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Due dates in English, resolved against the time a message was written in
// its author's time zone. The result is a calendar date at midnight UTC: the
// date the author meant, wherever they are.
//
// How each expression resolves (the "reference day" is the date the message
// was written, in the author's zone; weeks run Monday to Sunday):
//
//	today, tonight, this afternoon (arvo), later today  the reference day
//	EOD, end of day, COB, close of business, EOB     the reference day (yields to
//	                                                 any other date next to it:
//	                                                 "EOD Friday" is Friday)
//	by 3pm, before 10:30am                           the reference day (yields too)
//	tomorrow, tmrw; day after tomorrow               +1; +2
//	next business day                                the next Monday–Friday
//	Friday, by Friday, on Fri, coming Friday         the next Friday strictly after
//	                                                 the reference day (said on a
//	                                                 Friday: a week later; use
//	                                                 "today" for today)
//	this Friday                                      the Friday of this week; the
//	                                                 next one when it has passed
//	next Friday, Friday next week                    the Friday of next week
//	end of week, EOW, this week, later this week     Friday of this week (next
//	                                                 week's when said on a weekend)
//	mid-week                                         Wednesday of this week (or next)
//	next week, end of next week, late next week      Friday of next week
//	early next week                                  Tuesday of next week
//	beginning / start of next week                   Monday of next week
//	mid next week                                    Wednesday of next week
//	the week after next                              Friday of the week after next
//	in 3 days, in two weeks, within 48 hours         the reference time plus the
//	                                                 duration, as a date; business
//	                                                 or working days skip weekends
//	a week from today, this time next week           +7
//	by the 15th, on the 3rd                          the next 15th on or after the
//	                                                 reference day
//	on March 3, 3 March, Mar 3rd, 2026               that date; without a year the
//	                                                 next one on or after the
//	                                                 reference day
//	3/14, 3/14/2026                                  US order: month/day
//	2026-12-01                                       that date
//	mid-December, mid-month                          the 15th
//	early December; beginning / start of December    the 7th; the 1st
//	end of / late December; in / by December         the last day of December
//	end of month, EOM, this month                    last day of this month
//	next month, end of next month                    last day of next month
//	early next month                                 the 7th of next month
//	end of quarter, EOQ, this quarter                last day of this quarter
//	next quarter                                     last day of next quarter
//	Q3, by Q3, end of Q3, Q3 2027                    last day of that quarter; next
//	                                                 year's when it has passed
//	end of year, EOY                                 31 December
//
// "ASAP", "soon" and "shortly" carry no date. A weekday preceded by "last" or
// "since", or followed by "'s" ("Friday's call"), is not a due date, unless
// a deadline word comes first ("before Thursday's call" is Thursday).

// ResolveDue resolves one due-date phrase, such as "by Friday", "next
// Tuesday", "EOD tomorrow" or "Q3", written at written by someone in loc
// (UTC when nil). It returns the calendar date at midnight UTC and whether
// the whole phrase was understood.
func ResolveDue(phrase string, written time.Time, loc *time.Location) (time.Time, bool) {
	low := strings.TrimRight(strings.TrimSpace(dueLower(phrase)), ".!,;:")
	for _, prep := range []string{"no later than ", "by ", "on ", "before ", "until ", "till ", "due "} {
		if strings.HasPrefix(low, prep) {
			low = low[len(prep):]
			break
		}
	}
	text := "by " + low
	ms := dueMatches(text, written, loc)
	if len(ms) == 0 {
		return time.Time{}, false
	}
	// Everything but the expressions must be filler: "tomorrow at the latest".
	rest := []byte(text)
	for _, m := range ms {
		for i := m.start; i < m.end; i++ {
			rest[i] = ' '
		}
	}
	for _, w := range strings.FieldsFunc(string(rest), func(r rune) bool { return r == ' ' || r == ',' || r == '-' }) {
		switch w {
		case "by", "on", "at", "the", "latest", "morning", "afternoon", "evening", "night", "noon", "my", "your", "time", "or", "so",
			"pt", "pst", "pdt", "et", "est", "edt", "ct", "cst", "cdt", "gmt", "bst", "cet", "utc":
		default:
			return time.Time{}, false
		}
	}
	return dueBest(ms).date, true
}

// FindDue finds the due date a text gives, written at written by someone in
// loc (UTC when nil): the first date expression in the text, except that
// "EOD"-like expressions yield to any other one ("EOD Friday" is Friday). It
// returns the date at midnight UTC, the phrase as written and whether there
// was one.
func FindDue(text string, written time.Time, loc *time.Location) (due time.Time, phrase string, ok bool) {
	ms := dueMatches(dueLower(text), written, loc)
	if len(ms) == 0 {
		return time.Time{}, "", false
	}
	m := dueBest(ms)
	return m.date, text[m.start:m.end], true
}

// dueBest picks the expression that gives the due date: the first one that
// is not "EOD"-like, else the first one.
func dueBest(ms []dueMatch) dueMatch {
	best := 0
	for i, m := range ms {
		if ms[best].weak && !m.weak {
			best = i
			break
		}
	}
	return ms[best]
}

// dueMatch is one date expression found in a text.
type dueMatch struct {
	start, end int
	date       time.Time
	weak       bool // EOD and friends: a time of day more than a date
}

// dueCtx is what a rule resolves against.
type dueCtx struct {
	today   time.Time // the reference day, midnight UTC
	written time.Time
	loc     *time.Location
	text    string // the lowered text
	start   int    // of the match
	end     int
}

// dueRule is one family of expressions.
type dueRule struct {
	re      *regexp.Regexp
	weak    bool
	resolve func(m []string, c dueCtx) (time.Time, bool)
}

const (
	dueMonthRe   = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`
	dueFullMonth = `(january|february|march|april|may|june|july|august|september|october|november|december|sept)`
	dueWeekdayRe = `(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|weds|wed|thurs|thur|thu|fri)`
	dueNumRe     = `(\d+|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|a couple of|a couple|couple of|a few|few)`
)

var dueRules = []dueRule{
	// 2026-12-01
	{re: regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueYMD(dueAtoi(m[1]), dueAtoi(m[2]), dueAtoi(m[3]))
	}},
	// 3/14, 3/14/2026, 3/14/26 (US order)
	{re: regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		if c.start > 0 && strings.ContainsAny(c.text[c.start-1:c.start], "/.-") {
			return time.Time{}, false
		}
		rest := c.text[c.end:]
		if strings.HasPrefix(rest, "/") || strings.HasPrefix(rest, "%") || strings.HasPrefix(strings.TrimLeft(rest, " "), "of ") {
			return time.Time{}, false
		}
		mo, d := dueAtoi(m[1]), dueAtoi(m[2])
		if m[3] != "" {
			y := dueAtoi(m[3])
			if y < 100 {
				y += 2000
			}
			return dueYMD(y, mo, d)
		}
		return dueNextMonthDay(c.today, mo, d)
	}},
	// March 3, Mar 3rd, March 3, 2026
	{re: regexp.MustCompile(`\b` + dueMonthRe + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4})\b)?`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		mo, d := dueMonthNum(m[1]), dueAtoi(m[2])
		if m[3] != "" {
			return dueYMD(dueAtoi(m[3]), mo, d)
		}
		return dueNextMonthDay(c.today, mo, d)
	}},
	// 3 March, 3rd of March, 3 March 2026
	{re: regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + dueMonthRe + `\b(?:,?\s*(\d{4})\b)?`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		mo, d := dueMonthNum(m[2]), dueAtoi(m[1])
		if m[3] != "" {
			return dueYMD(dueAtoi(m[3]), mo, d)
		}
		return dueNextMonthDay(c.today, mo, d)
	}},
	// mid-December, early December, end of December, late Dec
	{re: regexp.MustCompile(`\b(mid|middle of|early|beginning of|start of|late|end of|the end of)[\s-]+` + dueMonthRe + `\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		mo := dueMonthNum(m[2])
		switch m[1] {
		case "mid", "middle of":
			return dueNextMonthDay(c.today, mo, 15)
		case "early":
			return dueNextMonthDay(c.today, mo, 7)
		case "beginning of", "start of":
			return dueNextMonthDay(c.today, mo, 1)
		}
		return dueMonthEnd(c.today, mo), true
	}},
	// in December, by December 2026
	{re: regexp.MustCompile(`\b(?:in|during|by|before|until|till|for)\s+` + dueFullMonth + `\b(?:\s+(\d{4})\b)?`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		mo := dueMonthNum(m[1])
		if r := strings.TrimLeft(c.text[c.end:], " "); r != "" && r[0] >= '0' && r[0] <= '9' {
			return time.Time{}, false // "by March 3" is a date
		}
		if m[2] != "" {
			return dueYMD(dueAtoi(m[2]), mo+1, 0)
		}
		return dueMonthEnd(c.today, mo), true
	}},
	// by Q3, end of Q3, in Q4 2026, Q3-end
	{re: regexp.MustCompile(`\b(?:(?:by|in|before|until|till|through|during|for|end of|the end of)\s+(?:the\s+)?(?:end\s+of\s+)?)q([1-4])\b(?:\s*(?:fy)?'?(\d{4}|\d{2})\b)?`), resolve: dueQuarter},
	{re: regexp.MustCompile(`\bq([1-4])[\s-]end\b()`), resolve: dueQuarter},
	// end of quarter, EOQ, this quarter; next quarter
	{re: regexp.MustCompile(`\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?quarter|eoq|quarter[\s-]end|this\s+quarter)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueQuarterEnd(c.today.Year(), (int(c.today.Month())-1)/3+1), true
	}},
	{re: regexp.MustCompile(`\b(?:(?:the\s+)?end\s+of\s+)?next\s+quarter\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueQuarterEnd(c.today.Year(), (int(c.today.Month())-1)/3+2), true
	}},
	// end of year, EOY
	{re: regexp.MustCompile(`\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year|eoy|year[\s-]end|this\s+year)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueYMD(c.today.Year(), 12, 31)
	}},
	// end of month, EOM, this month; next month; mid-month; early next month
	{re: regexp.MustCompile(`\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|eom|month[\s-]end|this\s+month)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueYMD(c.today.Year(), int(c.today.Month())+1, 0)
	}},
	{re: regexp.MustCompile(`\b(?:(?:the\s+)?end\s+of\s+|late\s+)?next\s+month\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueYMD(c.today.Year(), int(c.today.Month())+2, 0)
	}},
	{re: regexp.MustCompile(`\b(early|beginning\s+of|start\s+of|mid|middle\s+of)[\s-]+next\s+month\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		d := 1
		switch {
		case m[1] == "early":
			d = 7
		case strings.HasPrefix(m[1], "mid"):
			d = 15
		}
		return dueYMD(c.today.Year(), int(c.today.Month())+1, d)
	}},
	{re: regexp.MustCompile(`\bmid[\s-]?month\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueNextDay(c.today, 15)
	}},
	// weeks
	{re: regexp.MustCompile(`\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|eow|later\s+this\s+week|this\s+week|by\s+the\s+weekend|before\s+the\s+weekend)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueThisWeekday(c.today, time.Friday), true
	}},
	{re: regexp.MustCompile(`\b(?:(?:the\s+)?end\s+of\s+next\s+week|late\s+next\s+week|later\s+next\s+week|next\s+week)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueWeekdayOfWeek(c.today, 1, time.Friday), true
	}},
	{re: regexp.MustCompile(`\b(?:early\s+next\s+week|early\s+in\s+the\s+next\s+week)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueWeekdayOfWeek(c.today, 1, time.Tuesday), true
	}},
	{re: regexp.MustCompile(`\b(?:beginning\s+of|start\s+of|first\s+thing)\s+next\s+week\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueWeekdayOfWeek(c.today, 1, time.Monday), true
	}},
	{re: regexp.MustCompile(`\b(?:mid|middle\s+of)[\s-]+next\s+week\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueWeekdayOfWeek(c.today, 1, time.Wednesday), true
	}},
	{re: regexp.MustCompile(`\bmid[\s-]?week\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueThisWeekday(c.today, time.Wednesday), true
	}},
	{re: regexp.MustCompile(`\b(?:the\s+)?week\s+after\s+next\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueWeekdayOfWeek(c.today, 2, time.Friday), true
	}},
	{re: regexp.MustCompile(`\b(?:this\s+time\s+next\s+week|a\s+week\s+from\s+(?:today|now))\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return c.today.AddDate(0, 0, 7), true
	}},
	// weekdays
	{re: regexp.MustCompile(`\b(this\s+coming|this|next|coming)\s+` + dueWeekdayRe + `\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		wd := dueWeekday(m[2])
		if dueRejectWeekday(c) {
			return time.Time{}, false
		}
		switch m[1] {
		case "this":
			return dueThisWeekday(c.today, wd), true
		case "next":
			return dueWeekdayOfWeek(c.today, 1, wd), true
		}
		return dueNextWeekday(c.today, wd), true
	}},
	{re: regexp.MustCompile(`\b` + dueWeekdayRe + `\s+(?:of\s+)?next\s+week\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueWeekdayOfWeek(c.today, 1, dueWeekday(m[1])), true
	}},
	{re: regexp.MustCompile(`\b` + dueWeekdayRe + `\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		if dueRejectWeekday(c) {
			return time.Time{}, false
		}
		if len(m[1]) <= 4 && m[1] != "thur" && m[1] != "tues" && m[1] != "weds" {
			// "mon", "wed", "fri": accept only as a standalone abbreviation
			// ("by Fri", "Fri."), not inside a phrase that means something
			// else.
			before := strings.TrimSpace(c.text[:c.start])
			if !dueEndsWithAny(before, "by", "on", "before", "until", "till", "due", "eod", "cob", "than") {
				return time.Time{}, false
			}
		}
		return dueNextWeekday(c.today, dueWeekday(m[1])), true
	}},
	// days
	{re: regexp.MustCompile(`\b(?:today|tonight|this\s+(?:morning|afternoon|evening|arvo)|later\s+today|end\s+of\s+today|by\s+noon|within\s+the\s+hour)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return c.today, true
	}},
	{re: regexp.MustCompile(`\b(?:the\s+)?day\s+after\s+tomorrow\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return c.today.AddDate(0, 0, 2), true
	}},
	{re: regexp.MustCompile(`\b(?:tomorrow|tmrw|tmr|tomorow|2morrow|first\s+thing\s+in\s+the\s+morning)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return c.today.AddDate(0, 0, 1), true
	}},
	{re: regexp.MustCompile(`\bnext\s+(?:business|working)\s+day\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueAddBusinessDays(c.today, 1), true
	}},
	{re: regexp.MustCompile(`\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?:business\s+)?day|eod|cob|close\s+of\s+business|end\s+of\s+business|eob|end\s+of\s+play|eop)\b`), weak: true, resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return c.today, true
	}},
	// by 3pm, before 10:30am: today (a time, so it yields to any date)
	{re: regexp.MustCompile(`\b(?:by|before|until|till|no\s+later\s+than)\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b`), weak: true, resolve: func(m []string, c dueCtx) (time.Time, bool) {
		if h := dueAtoi(m[1]); h < 1 || h > 12 {
			return time.Time{}, false
		}
		return c.today, true
	}},
	// durations
	{re: regexp.MustCompile(`\b(?:in|within|inside|inside\s+of|over\s+the\s+next|in\s+the\s+next|during\s+the\s+next|the\s+next|next)\s+(?:the\s+)?(?:next\s+)?` + dueNumRe + `\s+(business\s+days?|working\s+days?|days?|weeks?|hours?|hrs?|months?|minutes?|mins?)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueAfter(c, dueNumber(m[1]), m[2])
	}},
	{re: regexp.MustCompile(`\b(?:in|within)\s+(\d+)\s*(h|hr|hrs|d)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		unit := "hours"
		if m[2] == "d" {
			unit = "days"
		}
		return dueAfter(c, dueAtoi(m[1]), unit)
	}},
	{re: regexp.MustCompile(`\b` + dueNumRe + `\s+(business\s+days?|working\s+days?|days?|weeks?)\s+from\s+(?:now|today)\b`), resolve: func(m []string, c dueCtx) (time.Time, bool) {
		return dueAfter(c, dueNumber(m[1]), m[2])
	}},
	// by the 15th, on the 3rd
	{re: regexp.MustCompile(`\b(?:by|on|before|until|till|due|for|than)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b`), resolve: dueDayOfMonth},
	{re: regexp.MustCompile(`\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b`), resolve: dueDayOfMonth},
}

// dueMatches returns the date expressions of a lowered text, longest first
// where they overlap, in text order.
func dueMatches(low string, written time.Time, loc *time.Location) []dueMatch {
	if loc == nil {
		loc = time.UTC
	}
	c := dueCtx{today: dueDateIn(written, loc), written: written, loc: loc, text: low}
	type cand struct {
		dueMatch
		rule int
	}
	var cands []cand
	for ri, r := range dueRules {
		for _, idx := range r.re.FindAllStringSubmatchIndex(low, -1) {
			m := make([]string, len(idx)/2)
			for i := range m {
				if idx[2*i] >= 0 {
					m[i] = low[idx[2*i]:idx[2*i+1]]
				}
			}
			c.start, c.end = idx[0], idx[1]
			d, ok := r.resolve(m, c)
			if !ok {
				continue
			}
			cands = append(cands, cand{dueMatch{start: idx[0], end: idx[1], date: d, weak: r.weak}, ri})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		li, lj := cands[i].end-cands[i].start, cands[j].end-cands[j].start
		if li != lj {
			return li > lj
		}
		return cands[i].rule < cands[j].rule
	})
	var out []dueMatch
	for _, cd := range cands {
		overlap := false
		for _, o := range out {
			if cd.start < o.end && o.start < cd.end {
				overlap = true
				break
			}
		}
		if !overlap {
			out = append(out, cd.dueMatch)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// dueRejectWeekday reports whether a weekday names a past day or an event
// rather than a deadline: "last Friday", "since Monday", "Friday's call".
func dueRejectWeekday(c dueCtx) bool {
	rest := c.text[c.end:]
	before := strings.TrimSpace(c.text[:c.start])
	if strings.HasPrefix(rest, "'s") || strings.HasPrefix(rest, "’s") {
		// "before Thursday's call" is a deadline all the same.
		return !dueEndsWithAny(before, "before", "by", "ahead of", "until", "till")
	}
	return dueEndsWithAny(before, "last", "since", "past", "previous")
}

func dueEndsWithAny(s string, words ...string) bool {
	for _, w := range words {
		if s == w || strings.HasSuffix(s, " "+w) || strings.HasSuffix(s, "("+w) {
			return true
		}
	}
	return false
}

func dueQuarter(m []string, c dueCtx) (time.Time, bool) {
	q := dueAtoi(m[1])
	if len(m) > 2 && m[2] != "" {
		y := dueAtoi(m[2])
		if y < 100 {
			y += 2000
		}
		return dueQuarterEnd(y, q), true
	}
	d := dueQuarterEnd(c.today.Year(), q)
	if d.Before(c.today) {
		d = dueQuarterEnd(c.today.Year()+1, q)
	}
	return d, true
}

func dueDayOfMonth(m []string, c dueCtx) (time.Time, bool) {
	rest := strings.TrimLeft(c.text[c.end:], " ")
	if rest != "" && rest[0] >= 'a' && rest[0] <= 'z' {
		w := rest
		if i := strings.IndexFunc(rest, func(r rune) bool { return r < 'a' || r > 'z' }); i >= 0 {
			w = rest[:i]
		}
		switch w {
		case "of", "at", "and", "or", "so", "please", "to", "if", "but", "then", "when", "as", "with", "eod", "cob", "latest", "because", "since", "is", "works", "would", "should", "we", "i", "you", "they", "in", "which", "that", "by", "end":
		default:
			return time.Time{}, false // "the 2nd round", "the 3rd party"
		}
	}
	return dueNextDay(c.today, dueAtoi(m[1]))
}

func dueAfter(c dueCtx, n int, unit string) (time.Time, bool) {
	if n <= 0 {
		return time.Time{}, false
	}
	unit = strings.Join(strings.Fields(unit), " ")
	switch {
	case strings.HasPrefix(unit, "business") || strings.HasPrefix(unit, "working"):
		return dueAddBusinessDays(c.today, n), true
	case strings.HasPrefix(unit, "day"):
		return c.today.AddDate(0, 0, n), true
	case strings.HasPrefix(unit, "week"):
		return c.today.AddDate(0, 0, 7*n), true
	case strings.HasPrefix(unit, "month"):
		// 31 January + 1 month is 28 February, not 3 March.
		t := c.today.AddDate(0, n, 0)
		if last := time.Date(c.today.Year(), c.today.Month()+time.Month(n)+1, 0, 0, 0, 0, 0, time.UTC); t.After(last) {
			t = last
		}
		return t, true
	case strings.HasPrefix(unit, "h"):
		return dueDateIn(c.written.Add(time.Duration(n)*time.Hour), c.loc), true
	case strings.HasPrefix(unit, "min"):
		return dueDateIn(c.written.Add(time.Duration(n)*time.Minute), c.loc), true
	}
	return time.Time{}, false
}

// dueDateIn is the calendar date of t in loc, at midnight UTC.
func dueDateIn(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// dueYMD builds a date, normalising day 0 to the last day of the previous
// month; it refuses days that do not exist.
func dueYMD(y, m, d int) (time.Time, bool) {
	if d == 0 {
		return time.Date(y, time.Month(m), 0, 0, 0, 0, 0, time.UTC), true
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// dueNextMonthDay is the next month/day on or after today.
func dueNextMonthDay(today time.Time, m, d int) (time.Time, bool) {
	if _, ok := dueYMD(2024, m, d); !ok { // a leap year: 29 February exists
		return time.Time{}, false
	}
	for y := today.Year(); y <= today.Year()+8; y++ {
		if t, ok := dueYMD(y, m, d); ok && !t.Before(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

// dueNextDay is the next day-of-month d on or after today.
func dueNextDay(today time.Time, d int) (time.Time, bool) {
	if d < 1 || d > 31 {
		return time.Time{}, false
	}
	for i := 0; i < 13; i++ {
		first := time.Date(today.Year(), today.Month()+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		t, ok := dueYMD(first.Year(), int(first.Month()), d)
		if ok && !t.Before(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

// dueMonthEnd is the last day of month m, this year or, when it has passed,
// next year.
func dueMonthEnd(today time.Time, m int) time.Time {
	t := time.Date(today.Year(), time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC)
	if t.Before(today) {
		t = time.Date(today.Year()+1, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func dueQuarterEnd(y, q int) time.Time {
	return time.Date(y, time.Month(3*q+1), 0, 0, 0, 0, 0, time.UTC)
}

// dueWeekdayOfWeek is weekday wd of the week weeks after this one (weeks run
// Monday to Sunday).
func dueWeekdayOfWeek(today time.Time, weeks int, wd time.Weekday) time.Time {
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*weeks+(int(wd)+6)%7)
}

// dueThisWeekday is weekday wd of this week, or the next one when it has
// passed.
func dueThisWeekday(today time.Time, wd time.Weekday) time.Time {
	t := dueWeekdayOfWeek(today, 0, wd)
	if t.Before(today) {
		return dueWeekdayOfWeek(today, 1, wd)
	}
	return t
}

// dueNextWeekday is the next wd strictly after today.
func dueNextWeekday(today time.Time, wd time.Weekday) time.Time {
	n := (int(wd) - int(today.Weekday()) + 7) % 7
	if n == 0 {
		n = 7
	}
	return today.AddDate(0, 0, n)
}

func dueAddBusinessDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
			n--
		}
	}
	return t
}

func dueWeekday(s string) time.Weekday {
	if i := prefixIndex(s, "mon", "tu", "we", "th", "fr", "sa"); i >= 0 {
		return time.Monday + time.Weekday(i)
	}
	return time.Sunday
}

func dueMonthNum(s string) int {
	return prefixIndex(s, "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec") + 1
}

// prefixIndex is the index of the first of prefixes that s starts with, or
// -1 when it starts with none.
func prefixIndex(s string, prefixes ...string) int {
	for i, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return i
		}
	}
	return -1
}

func dueNumber(s string) int {
	s = strings.Join(strings.Fields(s), " ")
	switch s {
	case "a", "an", "one":
		return 1
	case "a couple of", "a couple", "couple of", "two":
		return 2
	case "a few", "few", "three":
		return 3
	case "four":
		return 4
	case "five":
		return 5
	case "six":
		return 6
	case "seven":
		return 7
	case "eight":
		return 8
	case "nine":
		return 9
	case "ten":
		return 10
	case "eleven":
		return 11
	case "twelve":
		return 12
	case "fourteen":
		return 14
	}
	return dueAtoi(s)
}

func dueAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// dueLower lowers ASCII letters only, so that byte offsets into the result
// are offsets into s.
func dueLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
