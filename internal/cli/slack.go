package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/mail"
	"github.com/journeyhq/journey/internal/mailsim"
	"github.com/journeyhq/journey/internal/sample"
	"github.com/journeyhq/journey/internal/slackapp"
	"github.com/journeyhq/journey/internal/slacksim"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

// The store is what the Slack app needs.
var _ slackapp.Store = (*store.Store)(nil)

// logger builds the process logger from LOG_LEVEL (debug, info, warn, error).
func logger(env Env) *slog.Logger {
	if env.Log != nil && env.Getenv("LOG_LEVEL") == "" {
		return env.Log
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(firstNonEmpty(env.Getenv("LOG_LEVEL"), "info"))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// cmdRun connects Journey to a real Slack workspace over Socket Mode.
func cmdRun(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	log := logger(env)
	s, err := open(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	runner, err := startJobs(ctx, s, env, log)
	if err != nil {
		return err
	}
	defer stopJobs(runner)
	asker, err := askService(s, env, log)
	if err != nil {
		return err
	}
	app, err := slackapp.New(slackapp.Config{
		BotToken: env.Getenv("SLACK_BOT_TOKEN"), AppToken: env.Getenv("SLACK_APP_TOKEN"), APIURL: env.Getenv("SLACK_API_URL"),
		Log: log, Now: env.Now, Ingester: runner, Drafter: runner, Outbox: outbox(runner), MailFrom: mailFrom(env), Setup: runner,
		Ask: asker, AskThreads: s,
	}, s)
	if err != nil {
		return err
	}
	runner.SetNotifier(app)
	runner.SetSetup(app)
	if err := enableHubSpot(ctx, s, runner, env, log); err != nil {
		return err
	}
	log.Info("journey running; press Ctrl-C to stop")
	if err := app.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// startJobs builds the model from the environment (offline when no
// LLM_BASE_URL/LLM_API_KEY is set) and starts the job runner.
func startJobs(ctx context.Context, s *store.Store, env Env, log *slog.Logger) (*jobs.Runner, error) {
	model, err := llm.New(llm.ConfigFromEnv(env.Getenv), log)
	if err != nil {
		return nil, err
	}
	cfg := jobs.Config{Now: env.Now, Log: log}
	if raw := smtpURL(env); raw != "" {
		mc, err := mail.ParseURL(raw)
		if err != nil {
			return nil, journey.Errorf(journey.EINVALID, "%v", err)
		}
		sender, err := mail.NewSender(mc)
		if err != nil {
			return nil, err
		}
		cfg.Mailer = sender
		log.Info("email: approved follow-ups are sent through the mail server", "server", mc.Addr())
	} else {
		log.Info("email: no SMTP_URL, so Send offers Copy draft and Mark sent")
	}
	runner, err := jobs.New(s, model, cfg)
	if err != nil {
		return nil, err
	}
	if err := runner.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("start background jobs: %w", err)
	}
	log.Info("background jobs running", "model", model.Name())
	return runner, nil
}

// outbox is the runner when it can send email, else nil (Copy draft and
// Mark sent).
func outbox(r *jobs.Runner) slackapp.Outbox {
	if r.Mailing() {
		return r
	}
	return nil
}

// smtpURL is SMTP_URL, or "" when it is unset or "off".
func smtpURL(env Env) string {
	if v := strings.TrimSpace(env.Getenv("SMTP_URL")); v != "off" {
		return v
	}
	return ""
}

// mailFrom is the from= of SMTP_URL, if any.
func mailFrom(env Env) string {
	if c, err := mail.ParseURL(smtpURL(env)); err == nil {
		return c.From
	}
	return ""
}

func stopJobs(r *jobs.Runner) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = r.Stop(ctx)
}

// SandboxChannels are the sample workspace's channels: a linked deal
// channel, the managers' channel, a general one, and one the bot is not in.
var SandboxChannels = []slacksim.Channel{
	{ID: "C0GENERAL", Name: "general", Members: []string{"U0BOT", "U0REP1", "U0REP2", "U0REP3", "U0MGR1", "U0CSM1", "U0CSM2", "U0ADMIN1", "U0GUEST"}},
	{ID: "C0ACME", Name: "deals-acme", Members: []string{"U0BOT", "U0REP1", "U0MGR1", "U0CSM1"}},
	{ID: "C0MANAGERS", Name: "sales-managers", Members: []string{"U0BOT", "U0MGR1", "U0ADMIN1"}},
	{ID: "C0RANDOM", Name: "random", Members: []string{"U0REP1", "U0REP2", "U0GUEST"}},
}

// SandboxUsers turns the sample's people into Slack users, plus a guest who
// is not one of Journey's people.
func SandboxUsers(doc importer.Document) []slacksim.User {
	var users []slacksim.User
	for _, p := range doc.People {
		handle := strings.ToLower(strings.Fields(p.Name)[0])
		users = append(users, slacksim.User{ID: p.SlackUserID, Name: handle, RealName: p.Name, Email: p.Email, TZ: p.TimeZone,
			IsAdmin: p.Role == string(journey.RoleAdmin)})
	}
	users = append(users, slacksim.User{ID: "U0GUEST", Name: "guest", RealName: "Gus Guest", Email: "gus@sample.example", TZ: "UTC"})
	// Acme's champion, in the shared deal channel (Slack Connect)
	for _, c := range doc.Contacts {
		if c.Name == "Tom Becker" {
			users = append(users, slacksim.User{ID: "U0ACMETOM", Name: "tom", RealName: c.Name, Email: c.Email, TZ: "America/New_York"})
		}
	}
	return users
}

// sandboxChannels returns SandboxChannels, with Acme's champion in the shared deal channel.
func sandboxChannels(doc importer.Document) []slacksim.Channel {
	out := make([]slacksim.Channel, len(SandboxChannels))
	copy(out, SandboxChannels)
	for i := range out {
		out[i].Members = append([]string(nil), out[i].Members...)
		if out[i].ID == "C0ACME" {
			out[i].IsExtShared = true
			out[i].Members = append(out[i].Members, "U0ACMETOM")
		}
	}
	return out
}

// cmdSandbox runs Journey end to end without a Slack workspace: the local
// Slack simulator with a sample workspace, the sample data, and the bot
// connected to it over Socket Mode.
func cmdSandbox(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	addr := fs.String("addr", firstNonEmpty(env.Getenv("SANDBOX_ADDR"), "127.0.0.1:3100"), "where the simulator and its driver API listen")
	hsAddr := fs.String("hubspot-addr", firstNonEmpty(env.Getenv("SANDBOX_HUBSPOT_ADDR"), "127.0.0.1:3101"), "where the local HubSpot listens")
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	log := logger(env)
	s, err := open(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	sb, err := StartSandbox(ctx, s, *addr, env, log)
	if err != nil {
		return err
	}
	defer sb.Close()
	fmt.Fprint(env.Stdout, sandboxHelp(sb.Sim.URL()))
	if hs, err := sandboxHubSpot(ctx, s, sb, *hsAddr, env, log); err != nil {
		fmt.Fprintf(env.Stderr, "the sandbox runs without its local HubSpot: %v\n", err)
	} else {
		defer hs.Close()
		fmt.Fprint(env.Stdout, sandboxHubSpotHelp(hs.URL(), sb.Sim.URL()))
	}
	<-ctx.Done()
	fmt.Fprintln(env.Stdout, "stopping the sandbox")
	return nil
}

// Sandbox is a running simulator with the bot connected to it.
type Sandbox struct {
	Sim  *slacksim.Server
	App  *slackapp.App
	Jobs *jobs.Runner
	// Mail is the local mail server approved follow-ups go to (nil when
	// SMTP_URL points at another).
	Mail   *mailsim.Server
	cancel context.CancelFunc
	done   chan struct{} // closed when the bot has stopped
}

// Close stops the bot and the simulator.
func (sb *Sandbox) Close() {
	sb.cancel()
	<-sb.done
	stopJobs(sb.Jobs)
	_ = sb.Sim.Close()
	if sb.Mail != nil {
		_ = sb.Mail.Close()
	}
}

// StartSandbox loads the sample (fresh for today), starts the simulator at
// addr and connects the bot to it; it returns once the bot is connected.
func StartSandbox(ctx context.Context, s *store.Store, addr string, env Env, log *slog.Logger) (*Sandbox, error) {
	now := env.Now
	if now == nil {
		now = time.Now
		env.Now = now
	}
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	data, err := sample.JSON(now())
	if err != nil {
		return nil, err
	}
	in, err := importer.Read("sample.json", data, "")
	if err != nil {
		return nil, err
	}
	if err := prepareSample(ctx, s, in.Doc, false, Env{Stdout: discard{}}); journey.ErrorCode(err) == journey.ECONFLICT {
		if err := prepareSample(ctx, s, in.Doc, true, Env{Stdout: discard{}}); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	var ws journey.Workspace
	err = s.InTx(ctx, func(tx *store.Tx) error {
		rep, err := importer.Import(ctx, tx, in, importer.Options{Builtin: template.Builtin(), Now: now()})
		ws = rep.Workspace
		return err
	})
	if err != nil {
		return nil, err
	}
	refs, err := s.AccountRefs(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	if m := journey.Match(refs, "Acme Corp"); len(m) == 1 {
		if err := s.LinkChannel(ctx, ws.ID, "C0ACME", m[0].ID, ""); err != nil {
			return nil, err
		}
	}
	// a local mail server on loopback, unless SMTP_URL points at a real one
	// (or is "off": Send then offers Copy draft and Mark sent)
	var mailbox *mailsim.Server
	if env.Getenv("SMTP_URL") == "" {
		if mailbox, err = mailsim.StartConfig(mailsim.Config{Log: log, Now: now}); err != nil {
			return nil, err
		}
		getenv, url := env.Getenv, mailbox.URL()
		env.Getenv = func(k string) string {
			if k == "SMTP_URL" {
				return url
			}
			return getenv(k)
		}
	}
	sim := slacksim.New(slacksim.Config{
		Addr: addr, TeamID: in.Doc.Workspace.SlackTeamID, TeamName: in.Doc.Workspace.Name, Domain: "sample",
		Users: SandboxUsers(in.Doc), Channels: sandboxChannels(in.Doc), Log: log, Handlers: mailHandlers(mailbox), Now: now,
		Limits: map[string]slacksim.Limit{
			"chat.postMessage": {PerChannelPerSecond: 5}, "chat.update": {PerMinute: 300}, "views.publish": {PerMinute: 600},
			"views.open": {PerMinute: 600}, "users.info": {PerMinute: 600},
		},
	})
	if err := sim.Start(); err != nil {
		if mailbox != nil {
			_ = mailbox.Close()
		}
		return nil, fmt.Errorf("start the Slack simulator on %s (is the port free? use --addr): %w", addr, err)
	}
	cfg := sim.Config()
	closeMail := func() {
		if mailbox != nil {
			_ = mailbox.Close()
		}
	}
	runner, err := startJobs(ctx, s, env, log)
	if err != nil {
		_ = sim.Close()
		closeMail()
		return nil, err
	}
	asker, err := askService(s, env, log)
	if err != nil {
		stopJobs(runner)
		_ = sim.Close()
		return nil, err
	}
	app, err := slackapp.New(slackapp.Config{BotToken: cfg.BotToken, AppToken: cfg.AppToken, APIURL: sim.APIURL(), Log: log, Now: now,
		Ingester: runner, Drafter: runner, Outbox: outbox(runner), MailFrom: mailFrom(env), Setup: runner,
		Ask: asker, AskThreads: s}, s)
	if err != nil {
		stopJobs(runner)
		_ = sim.Close()
		closeMail()
		return nil, err
	}
	runner.SetNotifier(app)
	runner.SetSetup(app)
	if ws, err := s.Workspace(ctx, in.Doc.Workspace.SlackTeamID); err == nil {
		// the sales manager's digest goes to #sales-managers at 08:00 her time
		for _, p := range in.Doc.People {
			if p.Role == string(journey.RoleManager) {
				if mgr, ok, err := s.PersonBySlackID(ctx, ws.ID, p.SlackUserID); err == nil && ok {
					if err := s.SetDigestChannel(ctx, ws.ID, "C0MANAGERS", mgr.ID, jobs.DefaultDigestSchedule); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	sb := &Sandbox{Sim: sim, App: app, Jobs: runner, Mail: mailbox, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(sb.done)
		if err := app.Run(runCtx); err != nil && log != nil {
			log.Error("the sandbox bot stopped", "err", err)
		}
	}()
	wait, stop := context.WithTimeout(ctx, 15*time.Second)
	defer stop()
	if err := sim.WaitFor(wait, func() bool { return sim.Connections() >= 2 }); err != nil {
		sb.Close()
		return nil, fmt.Errorf("the bot did not connect to the simulator: %w", err)
	}
	return sb, nil
}

// mailHandlers serves the sandbox's mailbox at /mail.
func mailHandlers(m *mailsim.Server) map[string]http.Handler {
	if m == nil {
		return nil
	}
	return map[string]http.Handler{"/mail": m.Handler()}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func sandboxHelp(base string) string {
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
	schedule := *spec
	if schedule == "" {
		var err error
		if schedule, err = jobs.ScheduleAt(*at); err != nil {
			return err
		}
	}
	if _, err := jobs.ParseSchedule(schedule); err != nil {
		return err
	}
	s, ws, err := openWorkspace(ctx, env, *team)
	if err != nil {
		return err
	}
	defer s.Close()
	var mgr journey.Person
	err = s.InTx(ctx, func(tx *store.Tx) error {
		p, ok, err := tx.PersonByRef(ctx, ws.ID, *manager)
		if err == nil && !ok {
			return journey.Errorf(journey.ENOTFOUND, "no person with email or Slack user id %q", *manager)
		}
		mgr = p
		return err
	})
	if err != nil {
		return err
	}
	if err := s.SetDigestChannel(ctx, ws.ID, *channel, mgr.ID, schedule); err != nil {
		return err
	}
	when := fmt.Sprintf("at %s on workdays", *at)
	if *spec != "" {
		when = fmt.Sprintf("on the schedule %q", schedule)
	}
	fmt.Fprintf(env.Stdout, "%s's team digest will be posted in %s %s (%s time)\n", mgr.Name, *channel, when, firstNonEmpty(mgr.TimeZone, "UTC"))
	return nil
}
