package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/journey"
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
	appCfg, err := config(env)
	if err != nil {
		return err
	}
	cfg := appCfg.HubSpot
	if cfg.Token == "" {
		_, err := hubspot.NewClient(cfg)
		return err
	}
	s, ws, err := openWorkspace(ctx, env, *team)
	if err != nil {
		return err
	}
	defer s.Close()
	// not started: it only queues the questions for the running bot to send
	runner, err := app.NewRunner(appCfg, s, app.Options{Now: env.Now, Log: env.Log})
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
