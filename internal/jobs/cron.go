package jobs

import (
	"fmt"
	"strings"

	"github.com/robfig/cron/v3"

	"github.com/journeyhq/journey/internal/journey"
)

// DefaultNudgeSchedule is when reps get their morning DM, in each one's
// own time zone: 08:30 on workdays.
const DefaultNudgeSchedule = "30 8 * * 1-5"

// DefaultDigestSchedule is when a digest is posted unless set otherwise,
// in its manager's time zone: 08:00 on workdays.
const DefaultDigestSchedule = "0 8 * * 1-5"

// ParseSchedule reads a standard five-field cron expression ("30 8 * * 1-5":
// minute, hour, day of month, month, day of week) or a descriptor such as
// "@daily". The time zone is the person's, so a CRON_TZ prefix is refused.
func ParseSchedule(spec string) (journey.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		return nil, journey.Errorf(journey.EINVALID, "schedule %q: leave out the time zone; schedules run in each person's own Slack time zone", spec)
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, journey.Errorf(journey.EINVALID, "schedule %q is not a cron expression like \"30 8 * * 1-5\" (minute hour day-of-month month day-of-week): %v", spec, err)
	}
	return s, nil
}

// ScheduleAt turns a local time "08:00" into the workday cron expression
// "0 8 * * 1-5".
func ScheduleAt(hhmm string) (string, error) {
	var hh, mm int
	if n, err := fmt.Sscanf(hhmm, "%d:%d", &hh, &mm); err != nil || n != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(hhmm) != 5 {
		return "", journey.Errorf(journey.EINVALID, "time %q is not HH:MM, like 08:00", hhmm)
	}
	return fmt.Sprintf("%d %d * * 1-5", mm, hh), nil
}
