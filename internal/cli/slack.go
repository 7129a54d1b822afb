package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// logger is the process log: env.Log when the environment sets no
// LOG_LEVEL (tests), else a text log at LOG_LEVEL on stderr.
func logger(env Env) *slog.Logger {
	if env.Log != nil && env.Getenv("LOG_LEVEL") == "" {
		return env.Log
	}
	cfg, _ := config(env) // a bad LOG_LEVEL is reported where the settings are checked
	return app.Logger(cfg, env.Stderr)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// openFor opens the store of cfg and gives the clock and log a running bot
// takes from env.
func openFor(ctx context.Context, cfg app.Config, env Env) (*store.Store, app.Options, error) {
	s, err := app.OpenStore(ctx, cfg)
	return s, app.Options{Now: env.Now, Log: logger(env)}, err
}

// cmdRun connects Journey to a real Slack workspace over Socket Mode.
func cmdRun(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	cfg, err := config(env)
	if err != nil {
		return err
	}
	if err := cfg.CheckSlack(); err != nil {
		return err
	}
	s, opts, err := openFor(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer s.Close()
	log := opts.Log
	bot, err := app.New(ctx, cfg, s, opts)
	if err != nil {
		return err
	}
	defer bot.Close()
	if err := bot.Start(ctx); err != nil {
		return err
	}
	log.Info("journey running; press Ctrl-C to stop")
	return bot.Wait(ctx)
}

// cmdSandbox runs Journey end to end without a Slack workspace: the local
// Slack simulator with a sample workspace, the sample data, a local mail
// server and a local HubSpot, and the bot connected to them.
func cmdSandbox(ctx context.Context, args []string, env Env) error {
	cfg, err := config(env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	addr := fs.String("addr", cfg.SandboxAddr, "where the simulator and its driver API listen")
	hsAddr := fs.String("hubspot-addr", cfg.SandboxHubSpotAddr, "where the local HubSpot listens")
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	s, opts, err := openFor(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer s.Close()
	sb, err := app.StartSandbox(ctx, s, cfg, app.SandboxOptions{Options: opts, Addr: *addr, HubSpotAddr: *hsAddr})
	if err != nil {
		return err
	}
	defer sb.Close()
	fmt.Fprint(env.Stdout, sb.Help())
	if sb.HubSpotErr != nil {
		fmt.Fprintf(env.Stderr, "the sandbox runs without its local HubSpot: %v\n", sb.HubSpotErr)
	}
	err = sb.Wait(ctx)
	fmt.Fprintln(env.Stdout, "stopping the sandbox")
	return err
}

// cmdConfig prints every setting with its effective value and where it
// comes from; secrets show only whether they are set.
func cmdConfig(_ context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	cfg, err := app.FromEnv(env.Getenv)
	for _, l := range cfg.Describe() {
		from := "default"
		if l.Set {
			from = "set"
		}
		fmt.Fprintf(env.Stdout, "%-22s %-7s %s\n", l.Name, from, l.Value)
	}
	if err != nil {
		return err
	}
	if cerr := cfg.CheckSlack(); cerr != nil {
		fmt.Fprintln(env.Stdout, "\nbot run: "+journey.ErrorMessage(cerr))
	}
	return nil
}

// cmdDigest configures where and when a manager's morning digest is posted:
// bot digest --channel C0123 --manager dana@example.com [--at 08:00 | --cron "0 8 * * 1-5"]
func cmdDigest(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	team := fs.String("workspace", "", "Slack team id of the workspace")
	channel := fs.String("channel", "", "Slack channel id to post the digest in (the bot must be a member)")
	manager := fs.String("manager", "", "the manager whose team it covers: email or Slack user id")
	at := fs.String("at", "08:00", "local time (HH:MM) in the manager's time zone, on workdays")
	spec := fs.String("cron", "", `a cron expression instead of --at, e.g. "30 7 * * 1,3,5" (minute hour day month weekday), in the manager's time zone`)
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	if *channel == "" || *manager == "" {
		return journey.Errorf(journey.EINVALID, "digest needs --channel CHANNEL_ID and --manager EMAIL")
	}
	schedule, err := app.DigestSchedule(*at, *spec)
	if err != nil {
		return err
	}
	s, ws, err := openWorkspace(ctx, env, *team)
	if err != nil {
		return err
	}
	defer s.Close()
	mgr, err := app.ScheduleDigest(ctx, s, ws.ID, *channel, *manager, schedule)
	if err != nil {
		return err
	}
	when := fmt.Sprintf("at %s on workdays", *at)
	if *spec != "" {
		when = fmt.Sprintf("on the schedule %q", schedule)
	}
	fmt.Fprintf(env.Stdout, "%s's team digest will be posted in %s %s (%s time)\n", mgr.Name, *channel, when, firstNonEmpty(mgr.TimeZone, "UTC"))
	return nil
}
