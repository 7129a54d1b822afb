package app

import (
	"fmt"
	"strings"

	"github.com/journeyhq/journey/internal/jobs"
)

// Help says what runs in the sandbox and how to act in it with curl: as any
// of the sample's people in the local Slack, in the local HubSpot, and how
// to read the local mailbox.
func (sb *Sandbox) Help() string {
	h := slackHelp(sb.Sim.URL())
	if sb.HubSpot != nil {
		h += hubSpotHelp(sb.HubSpot.URL(), sb.Sim.URL())
	}
	return h
}

func slackHelp(base string) string {
	u := strings.TrimSuffix(base, "/")
	return fmt.Sprintf(`Journey sandbox is running: a local Slack workspace ("Sample Co") with the sample data,
and the bot connected to it over Socket Mode. Act as any of its people with the driver API:

  users: maya, jordan, sofia (reps), dana (manager), priya, marcus (CSMs), alex (admin), guest,
         tom (Tom Becker, Acme's champion, in #deals-acme over Slack Connect)
  channels: #general, #deals-acme (linked to Acme Corp), #sales-managers, #random (the bot is not in it)

  # the account card, as Maya (only she sees it)
  curl -s %[1]s/driver/command -d '{"user":"maya","channel":"deals-acme","command":"/journey","text":"acme"}'

  # mention the bot in a thread: the card is posted in that thread
  curl -s %[1]s/driver/mention -d '{"user":"maya","channel":"general","text":"globex"}'

  # ask in plain language, in a DM (follow up with "and Globex?" or "why?")
  curl -s %[1]s/driver/dm -d '{"user":"maya","text":"which of my deals are at risk?"}'

  # App Home, "My day": Maya's top actions with drafts, and her accounts
  curl -s %[1]s/driver/home -d '{"user":"maya"}'

  # snooze an action for 3 days (take its id from the Home view's buttons)
  curl -s %[1]s/driver/click -d '{"user":"maya","view_id":"HOME_VIEW_ID","action_id":"action_snooze","value":"ACTION_ID|3d"}'

  # send the drafted follow-up of an action (an action_send value from the Home view), then
  # read the sandbox's local mailbox
  curl -s %[1]s/driver/click -d '{"user":"maya","view_id":"HOME_VIEW_ID","action_id":"action_send","value":"ACTION_ID"}'
  curl -s %[1]s/mail

  # read what the bot produced
  curl -s '%[1]s/driver/ephemerals?user=maya'
  curl -s '%[1]s/driver/messages?channel=general'

Press Ctrl-C to stop.
`, u)
}

func hubSpotHelp(base, slackBase string) string {
	return fmt.Sprintf(`A local HubSpot with the same book runs at %[1]s and is synced every %[2]s (and at start).
Change a deal there as Maya, then run the sync (or wait) and read her DMs:

  curl -s %[1]s/_sim/objects/deals/1001 -d '{"properties":{"dealstage":"closedlost"},"by":"maya.patel@sample.example"}'
  curl -s %[1]s/_sim/objects/deals/1001 -d '{"properties":{"dealstage":"closedwon"},"by":"maya.patel@sample.example"}'
  HUBSPOT_TOKEN=pat-sandbox HUBSPOT_BASE_URL=%[1]s bin/bot sync hubspot
  curl -s '%[3]s/driver/dms?user=maya'

`, base, jobs.HubSpotInterval, strings.TrimSuffix(slackBase, "/"))
}
