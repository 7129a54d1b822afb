package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/hubspotsim"
	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/sample"
	"github.com/journeyhq/journey/internal/store"
)

// cmdSync runs one CRM sync: `bot sync hubspot`.
func cmdSync(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "hubspot" {
		return journey.Errorf(journey.EINVALID, "sync needs a source: `bot sync hubspot` (HUBSPOT_TOKEN, HUBSPOT_BASE_URL, HUBSPOT_CSM_PROPERTY)")
	}
	fs := flag.NewFlagSet("sync hubspot", flag.ContinueOnError)
	team := fs.String("workspace", "", "Slack team id of the workspace to sync into")
	if _, err := parse(fs, args[1:], env); err != nil {
		return err
	}
	cfg := hubspot.ConfigFromEnv(env.Getenv)
	if cfg.Token == "" {
		_, err := hubspot.NewClient(cfg)
		return err
	}
	s, ws, err := openWorkspace(ctx, env, *team)
	if err != nil {
		return err
	}
	defer s.Close()
	model, err := llm.New(llm.ConfigFromEnv(env.Getenv), env.Log)
	if err != nil {
		return err
	}
	// not started: it only queues the questions for the running bot to send
	runner, err := jobs.New(s, model, jobs.Config{Now: env.Now, Log: env.Log, NoSchedule: true})
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := runner.SyncHubSpot(ctx, cfg, ws.ID)
	fmt.Fprintf(env.Stdout, "HubSpot → %s in %s\n%s\n", ws.Name, time.Since(start).Round(time.Millisecond), rep)
	if err != nil {
		return fmt.Errorf("the sync stopped (what it read is kept; the next run resumes from there): %w", err)
	}
	if rep.Prompts > 0 {
		fmt.Fprintf(env.Stdout, "%d questions queued; the running bot (bot run) sends them by DM\n", rep.Prompts)
	}
	return nil
}

// enableHubSpot schedules the HubSpot sync when HUBSPOT_TOKEN is set.
func enableHubSpot(ctx context.Context, s *store.Store, runner *jobs.Runner, env Env, log *slog.Logger) error {
	cfg := hubspot.ConfigFromEnv(env.Getenv)
	if cfg.Token == "" {
		return nil
	}
	ws, err := workspace(ctx, s, "", env)
	if err != nil {
		return fmt.Errorf("HubSpot sync: %w", err)
	}
	cfg.Log = log
	runner.EnableHubSpot(cfg, ws.ID)
	log.Info("HubSpot sync scheduled", "every", jobs.HubSpotInterval, "workspace", ws.Name)
	return nil
}

// sandboxHubSpot starts a local HubSpot holding the sample book at addr and
// has the sandbox's bot sync it every few minutes (and once now).
func sandboxHubSpot(ctx context.Context, s *store.Store, sb *Sandbox, addr string, env Env, log *slog.Logger) (*hubspotsim.Server, error) {
	data, err := sample.JSON(env.Now())
	if err != nil {
		return nil, err
	}
	in, err := importer.Read("sample.json", data, "")
	if err != nil {
		return nil, err
	}
	sim := hubspotsim.New("pat-sandbox")
	sim.Now = env.Now
	if _, err := sim.LoadDocument(in.Doc); err != nil {
		return nil, err
	}
	if err := sim.Start(addr); err != nil {
		return nil, fmt.Errorf("start the local HubSpot on %s (is the port free? use --hubspot-addr): %w", addr, err)
	}
	ws, err := s.Workspace(ctx, in.Doc.Workspace.SlackTeamID)
	if err != nil {
		_ = sim.Close()
		return nil, err
	}
	sb.Jobs.EnableHubSpot(hubspot.Config{Token: sim.Token, BaseURL: sim.URL(), CSMProperty: hubspotsim.CSMProperty, Log: log}, ws.ID)
	return sim, nil
}

func sandboxHubSpotHelp(base, slackBase string) string {
	return fmt.Sprintf(`A local HubSpot with the same book runs at %[1]s and is synced every %[2]s (and at start).
Change a deal there as Maya, then run the sync (or wait) and read her DMs:

  curl -s %[1]s/_sim/objects/deals/1001 -d '{"properties":{"dealstage":"closedlost"},"by":"maya.patel@sample.example"}'
  curl -s %[1]s/_sim/objects/deals/1001 -d '{"properties":{"dealstage":"closedwon"},"by":"maya.patel@sample.example"}'
  HUBSPOT_TOKEN=pat-sandbox HUBSPOT_BASE_URL=%[1]s bin/bot sync hubspot
  curl -s '%[3]s/driver/dms?user=maya'

`, base, jobs.HubSpotInterval, strings.TrimSuffix(slackBase, "/"))
}
