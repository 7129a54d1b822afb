package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/mail"
	"github.com/journeyhq/journey/internal/slackapp"
	"github.com/journeyhq/journey/internal/store"
)

// The store is what the Slack app, Ask Journey and its threads need.
var (
	_ slackapp.Store      = (*store.Store)(nil)
	_ slackapp.AskThreads = (*store.Store)(nil)
	_ ask.Store           = (*store.Store)(nil)
)

// Options are what New takes besides the settings: the clock and the log.
type Options struct {
	// Now is the clock every part runs on; default time.Now.
	Now func() time.Time
	// Log receives every part's logs; default slog.Default() (Logger makes
	// one at Config.LogLevel).
	Log *slog.Logger
}

// Bot is Journey built from its parts, wired to each other: the job runner
// (analysis, drafts, nudges, digests, the outbox, set-ups, the HubSpot
// sync), Ask Journey and the Slack app. New builds it and starts nothing;
// Start starts it; Close takes it apart in reverse order.
type Bot struct {
	Store *store.Store
	Jobs  *jobs.Runner
	Slack *slackapp.App
	Ask   *ask.Service
	Model journey.ConversationModel

	cfg     Config
	log     *slog.Logger
	cancel  context.CancelFunc
	done    chan struct{} // closed when the Slack app has stopped
	runErr  error
	started bool
	jobsOn  bool
}

// OpenStore connects to cfg's database and applies the migrations (Journey's
// and River's), so every command works on a fresh database.
func OpenStore(ctx context.Context, cfg Config) (*store.Store, error) {
	s, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := jobs.Migrate(ctx, s.Pool()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// NewModel builds the conversation model cfg selects: the OpenAI-compatible
// one when LLM_BASE_URL or LLM_API_KEY is set, else the offline one.
func NewModel(cfg Config, log *slog.Logger) (journey.ConversationModel, error) {
	return llm.New(cfg.LLM, log)
}

// NewRunner builds a job runner that is not started: for commands that only
// queue work for the running bot (imports, one HubSpot sync).
func NewRunner(cfg Config, s *store.Store, opts Options) (*jobs.Runner, error) {
	opts = opts.withDefaults()
	model, err := NewModel(cfg, opts.Log)
	if err != nil {
		return nil, err
	}
	return jobs.New(s, model, jobs.Config{Now: opts.Now, Log: opts.Log, NoSchedule: true})
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return o
}

// New builds the bot on s from cfg: the model, the mail sender, the job
// runner, Ask Journey and the Slack app, each given the others it needs
// before anything starts, and the HubSpot sync when HUBSPOT_TOKEN is set.
// The store stays the caller's to close.
func New(ctx context.Context, cfg Config, s *store.Store, opts Options) (*Bot, error) {
	opts = opts.withDefaults()
	log := opts.Log
	if err := cfg.CheckSlack(); err != nil {
		return nil, err
	}
	model, err := NewModel(cfg, log)
	if err != nil {
		return nil, err
	}
	jcfg := jobs.Config{Now: opts.Now, Log: log}
	mailFrom := ""
	if cfg.Mail != nil && !cfg.MailOff {
		sender, err := mail.NewSender(*cfg.Mail)
		if err != nil {
			return nil, err
		}
		jcfg.Mailer, mailFrom = sender, cfg.Mail.From
		log.Info("email: approved follow-ups are sent through the mail server", "server", cfg.Mail.Addr())
	} else {
		log.Info("email: no SMTP_URL, so Send offers Copy draft and Mark sent")
	}
	runner, err := jobs.New(s, model, jcfg)
	if err != nil {
		return nil, err
	}
	asker, err := newAsk(cfg, s, opts)
	if err != nil {
		return nil, err
	}
	scfg := slackapp.Config{
		BotToken: cfg.Slack.BotToken, AppToken: cfg.Slack.AppToken, APIURL: cfg.Slack.APIURL,
		Log: log, Now: opts.Now, Ingester: runner, Drafter: runner, MailFrom: mailFrom, Setup: runner,
		Ask: asker, AskThreads: s,
	}
	if runner.Mailing() {
		scfg.Outbox = runner
	}
	app, err := slackapp.New(scfg, s)
	if err != nil {
		return nil, err
	}
	// the runner's workers post through the app; wired before it starts
	runner.SetNotifier(app)
	runner.SetSetup(app)
	runner.SetInbox(app)
	if cfg.HubSpot.Token != "" {
		ws, err := Workspace(ctx, s, cfg.Workspace)
		if err != nil {
			return nil, fmt.Errorf("HubSpot sync (HUBSPOT_TOKEN is set): %w", err)
		}
		h := cfg.HubSpot
		h.Log = log
		runner.EnableHubSpot(h, ws.ID)
		log.Info("HubSpot sync scheduled", "every", jobs.HubSpotInterval, "workspace", ws.Name)
	}
	return &Bot{Store: s, Jobs: runner, Slack: app, Ask: asker, Model: model, cfg: cfg, log: log}, nil
}

// newAsk builds Ask Journey: a live model when LLM_BASE_URL/LLM_API_KEY is
// set, else the offline intent parser.
func newAsk(cfg Config, s *store.Store, opts Options) (*ask.Service, error) {
	svc := &ask.Service{Store: s, Now: opts.Now, Log: opts.Log}
	if cfg.LLM.Enabled() {
		live, err := ask.NewLive(cfg.LLM, opts.Log)
		if err != nil {
			return nil, err
		}
		svc.Model = live
	}
	return svc, nil
}

// Start starts the job runner and connects the Slack app; it returns once
// both are running (the app connects in the background: see Connected in
// the sandbox). A Slack app that stops with an error is reported by Wait.
func (b *Bot) Start(ctx context.Context) error {
	if b.started {
		return errors.New("app: the bot is started already")
	}
	b.started = true
	if err := b.Jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start background jobs: %w", err)
	}
	b.jobsOn = true
	b.log.Info("background jobs running", "model", b.Model.Name())
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b.cancel, b.done = cancel, make(chan struct{})
	go func() {
		defer close(b.done)
		if err := b.Slack.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			b.runErr = err
			b.log.Error("the Slack app stopped", "err", err)
		}
	}()
	return nil
}

// Wait blocks until ctx ends or the Slack app stops by itself, and returns
// the app's error, if any.
func (b *Bot) Wait(ctx context.Context) error {
	if b.done == nil {
		return errors.New("app: the bot was not started")
	}
	select {
	case <-ctx.Done():
		return nil
	case <-b.done:
		return b.runErr
	}
}

// Close stops the Slack app, then lets running jobs finish (up to 10 s) and
// stops the runner. It is safe to call on a bot that never started.
func (b *Bot) Close() {
	if b.cancel != nil {
		b.cancel()
		<-b.done
	}
	if b.jobsOn {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = b.Jobs.Stop(ctx)
		b.jobsOn = false
	}
}

// Workspace picks the workspace a command acts on: team (a Slack team id),
// else the only one there is.
func Workspace(ctx context.Context, s *store.Store, team string) (journey.Workspace, error) {
	if team != "" {
		w, err := s.Workspace(ctx, team)
		if journey.ErrorCode(err) == journey.ENOTFOUND {
			return w, journey.Errorf(journey.ENOTFOUND, "no workspace with Slack team id %q", team)
		}
		return w, err
	}
	all, err := s.Workspaces(ctx)
	if err != nil {
		return journey.Workspace{}, err
	}
	switch len(all) {
	case 0:
		return journey.Workspace{}, journey.Errorf(journey.ENOTFOUND, "no data yet: run `bot import --sample` (or `bot import FILE`) first")
	case 1:
		return all[0], nil
	}
	var names []string
	for _, w := range all {
		names = append(names, fmt.Sprintf("%s (%s)", w.SlackTeamID, w.Name))
	}
	return journey.Workspace{}, journey.Errorf(journey.EINVALID, "there are several workspaces: %s; choose one with --workspace or JOURNEY_WORKSPACE", strings.Join(names, ", "))
}

// Logger is the process log at cfg's level, on w.
func Logger(cfg Config, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

// DigestSchedule is the cron schedule of a digest: spec when given, else
// every workday at at ("08:00"); both are checked.
func DigestSchedule(at, spec string) (string, error) {
	schedule := spec
	if schedule == "" {
		var err error
		if schedule, err = jobs.ScheduleAt(at); err != nil {
			return "", err
		}
	}
	if _, err := jobs.ParseSchedule(schedule); err != nil {
		return "", err
	}
	return schedule, nil
}

// ScheduleDigest has the manager named by managerRef (an email or a Slack
// user id) get their team digest in channel on schedule, in their own zone.
func ScheduleDigest(ctx context.Context, s *store.Store, ws, channel, managerRef, schedule string) (journey.Person, error) {
	var mgr journey.Person
	err := s.InTx(ctx, func(tx *store.Tx) error {
		p, ok, err := tx.PersonByRef(ctx, ws, managerRef)
		if err == nil && !ok {
			return journey.Errorf(journey.ENOTFOUND, "no person with email or Slack user id %q", managerRef)
		}
		mgr = p
		return err
	})
	if err != nil {
		return mgr, err
	}
	return mgr, s.SetDigestChannel(ctx, ws, channel, mgr.ID, schedule)
}
