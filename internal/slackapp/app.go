package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/journey"
)

// Store is what the Slack app reads and writes. *store.Store implements it.
type Store interface {
	Workspace(ctx context.Context, teamID string) (journey.Workspace, error)
	Definitions(ctx context.Context, ws string) ([]journey.Definition, error)
	AccountRefs(ctx context.Context, ws string) ([]journey.NamedRef, error)
	LoadAccount(ctx context.Context, ws, accountID string) (journey.AccountData, error)
	LoadBookOf(ctx context.Context, ws, personID string, now time.Time) ([]journey.AccountData, error)
	LoadBookOfTeam(ctx context.Context, ws string, personIDs []string, now time.Time) ([]journey.AccountData, error)
	PersonBySlackID(ctx context.Context, ws, slackUserID string) (journey.Person, bool, error)
	LinkedAccount(ctx context.Context, ws, channelID string) (string, error)
	RecordSlackEvent(ctx context.Context, teamID, eventID, eventType, envelopeID string, retry int, payload []byte, at time.Time) (bool, error)
	ClaimSlackEvent(ctx context.Context, teamID, eventID string, at time.Time) (bool, error)
	MarkSlackEventProcessed(ctx context.Context, teamID, eventID string, handleErr error, at time.Time) error
	ProposeActions(ctx context.Context, ws string, actions []journey.Action) ([]string, error)
	ActionsFor(ctx context.Context, ws, ownerID string, now time.Time) ([]journey.Action, error)
	Action(ctx context.Context, ws, id string) (journey.Action, error)
	TransitionAction(ctx context.Context, ws, id string, verb journey.ActionVerb, actorID string, snoozeUntil time.Time, note string) (journey.Action, bool, error)
	UpdateDraft(ctx context.Context, ws, id, subject, body, actorID string) (journey.Action, error)
	LinkChannel(ctx context.Context, ws, channelID, accountID, byPersonID string) error
	ContactByEmail(ctx context.Context, ws, accountID, email string) (journey.Contact, bool, error)
	People(ctx context.Context, ws string) ([]journey.Person, error)
	RecordSent(ctx context.Context, ws string, a journey.Action, actorID string, at time.Time) error
	OutboxEmail(ctx context.Context, ws, actionID string) (journey.OutboxEmail, error)
	ClaimDelivery(ctx context.Context, ws, kind, key string) (bool, error)
	MarkNudged(ctx context.Context, ws string, actionIDs []string) error
	FollowUpsSent(ctx context.Context, ws string, ownerIDs []string, since, until time.Time) ([]journey.SentFollowUp, error)
	SetupStore
}

// Config holds the Slack app's settings. Zero values take the documented defaults.
type Config struct {
	BotToken string // xoxb-…, from SLACK_BOT_TOKEN
	AppToken string // xapp-…, from SLACK_APP_TOKEN (Socket Mode)
	// APIURL is the Web API base; empty means Slack's ("https://slack.com/api/").
	// The sandbox points it at the local simulator.
	APIURL string
	// Connections is how many Socket Mode connections to keep open, so a
	// refresh of one drops nothing. Default 2.
	Connections int
	// AckBudget is how long a slash command may take to answer in its ack
	// before the router acks empty and the answer follows through
	// response_url. Default 40ms: an idle bot answers a card in the ack
	// (about 10ms), a busy one acks at once and answers a moment later, so
	// acks stay far inside Slack's 3s however busy the bot is.
	AckBudget time.Duration
	// SubmissionBudget is how long a modal submission's handler may take:
	// its answer (errors, the next view) can only travel in the ack, as a
	// submission has no response_url. Default 2.5s, inside Slack's 3s.
	SubmissionBudget time.Duration
	// Workers bounds the handlers running at once. Default 32.
	Workers int
	// Now is the clock; default time.Now.
	Now func() time.Time
	Log *slog.Logger
	// Ingester stores messages of linked channels and logged notes, and has
	// them analysed. Nil: the app reads nothing into timelines.
	Ingester Ingester
	// Drafter has a model redraft new actions' follow-ups in the
	// background. Nil: actions keep their template drafts.
	Drafter Drafter
	// Outbox sends approved follow-ups by email. Nil (no SMTP_URL): Send
	// offers Copy draft and Mark sent.
	Outbox Outbox
	// MailFrom, when set, is the address emails are sent from (the rep's
	// name shown, a copy to the rep); otherwise the rep's own address.
	MailFrom string
	// Setup reads Slack history for /journey setup in the background. Nil:
	// set-up from history is not offered.
	Setup SetupStarter
	// Ask answers questions in plain language (DMs, mentions, the assistant
	// pane). Nil: a DM or a mention is read as an account name only.
	Ask *ask.Service
	// AskThreads keeps conversations' context for follow-ups. Nil: every
	// question stands alone.
	AskThreads AskThreads
	// Readers is who may see internal data (cards, answers, books, actions,
	// drafts): ReadPeople (the people Journey knows), ReadPeopleAndAdmins
	// (those and Slack workspace admins and owners; the default) or
	// ReadMembers (any full member of the workspace). People from another
	// organization in a Slack Connect channel and Slack guests never may;
	// they and anyone else get a short refusal. In a channel shared outside
	// the organization nothing internal is posted, whoever asks.
	Readers string
}

// Drafter redrafts new actions' follow-ups. *jobs.Runner implements it.
type Drafter interface {
	RequestDrafts(ctx context.Context, ws string, actionIDs []string) error
}

func (c *Config) defaults() {
	if c.Connections <= 0 {
		c.Connections = 2
	}
	if c.AckBudget <= 0 {
		c.AckBudget = 40 * time.Millisecond
	}
	if c.SubmissionBudget <= 0 {
		c.SubmissionBudget = 2500 * time.Millisecond
	}
	if c.Workers <= 0 {
		c.Workers = 32
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Readers != ReadPeople && c.Readers != ReadMembers {
		c.Readers = ReadPeopleAndAdmins
	}
}

// App is Journey's Slack surface: Socket Mode connections feeding one router.
type App struct {
	cfg   Config
	store Store
	use   journey.Use // the use cases: cards and books derived from the store
	api   *slack.Client
	log   *slog.Logger

	commands    map[string]commandHandler
	actions     map[string]actionHandler
	submissions map[string]submissionHandler
	events      map[string]eventHandler

	work      chan func()
	wg        sync.WaitGroup
	botUser   string
	teamID    string
	teamURL   string // https://WORKSPACE.slack.com/, for permalinks
	users     userCache
	shared    sharedCache // channels shared outside the organization
	pace      pacer
	nameCache nameCache

	mu    sync.Mutex
	stats Stats
	// busy counts envelopes being routed and handlers running (see Idle).
	busy atomic.Int64
	// msgLocks serialise the updates of one message (see rerenderLatest).
	msgLocks [64]sync.Mutex
}

// Stats counts what the router did, for tests and benchmarks.
type Stats struct {
	Envelopes  int
	Duplicates int // events already in the inbox (retries, double deliveries)
	Handled    int
	Failed     int
}

// New makes the app; Run connects it.
func New(cfg Config, store Store) (*App, error) {
	cfg.defaults()
	if cfg.BotToken == "" || cfg.AppToken == "" {
		return nil, journey.Errorf(journey.EINVALID, "Slack needs SLACK_BOT_TOKEN (xoxb-…) and SLACK_APP_TOKEN (xapp-…, with connections:write); or run `bot sandbox` to try Journey without a workspace")
	}
	opts := []slack.Option{slack.OptionAppLevelToken(cfg.AppToken)}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	a := &App{cfg: cfg, store: store, use: journey.Use{Store: store}, api: slack.New(cfg.BotToken, opts...), log: cfg.Log, work: make(chan func(), 1024)}
	a.routes()
	return a, nil
}

// API returns the Web API client the app uses.
func (a *App) API() *slack.Client { return a.api }

// Idle reports whether the app has nothing in progress: no envelope being
// routed, no handler running or waiting for a worker. Work the handlers
// queued as jobs is the job runner's to report.
func (a *App) Idle() bool { return a.busy.Load() == 0 }

// goBusy runs f in a goroutine, counted as work in progress from now.
func (a *App) goBusy(f func()) {
	a.busy.Add(1)
	go func() {
		defer a.busy.Add(-1)
		f()
	}()
}

// Stats returns a copy of the router's counters.
func (a *App) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

func (a *App) count(f func(*Stats)) {
	a.mu.Lock()
	f(&a.stats)
	a.mu.Unlock()
}

// Run checks the tokens, opens the Socket Mode connections and serves until
// ctx ends; then it drains running handlers. An invalid token or a disabled
// link is returned as an error at once.
func (a *App) Run(ctx context.Context) error {
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("slack auth.test with the bot token failed (is SLACK_BOT_TOKEN right?): %w", err)
	}
	a.botUser, a.teamID, a.teamURL = auth.UserID, auth.TeamID, auth.URL
	a.log.Info("slack connected", "team", auth.Team, "team_id", auth.TeamID, "bot_user", auth.UserID)

	for i := 0; i < a.cfg.Workers; i++ {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			for f := range a.work {
				f()
			}
		}()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, a.cfg.Connections)
	var conns sync.WaitGroup
	for i := 0; i < a.cfg.Connections; i++ {
		client := socketmode.New(a.api, socketmode.OptionPingInterval(30*time.Second))
		conns.Add(2)
		go func() {
			defer conns.Done()
			// RunContext returns only with an error
			if err := client.RunContext(ctx); !errors.Is(err, context.Canceled) {
				errs <- fmt.Errorf("socket mode connection: %w", err)
			}
		}()
		go func() {
			defer conns.Done()
			a.drain(ctx, client, errs)
		}()
	}
	select {
	case <-ctx.Done():
	case err = <-errs:
		a.log.Error("slack connection failed", "err", err)
	}
	cancel()
	conns.Wait()
	close(a.work)
	a.wg.Wait()
	return err
}

// drain reads one connection's events as fast as they come: slack-go buffers
// only a few, and a slow reader loses the connection. Each envelope is acked
// by the router; slow work goes to the worker pool.
func (a *App) drain(ctx context.Context, client *socketmode.Client, errs chan<- error) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt, ok := <-client.Events:
			if !ok {
				return
			}
			switch evt.Type {
			case socketmode.EventTypeInvalidAuth:
				errs <- journey.Errorf(journey.EINVALID, "Slack rejected the app token (SLACK_APP_TOKEN needs the connections:write scope)")
				return
			case socketmode.EventTypeDisconnect:
				reason := ""
				if evt.Request != nil {
					reason = evt.Request.Reason
				}
				if reason == "link_disabled" {
					errs <- journey.Errorf(journey.EINVALID, "Slack disabled this app's Socket Mode link (link_disabled): turn Socket Mode back on in the app's settings")
					return
				}
				a.log.Info("slack asked to disconnect; reconnecting", "reason", reason)
			case socketmode.EventTypeConnectionError:
				a.log.Warn("slack connection error; retrying", "data", evt.Data)
			case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
				a.count(func(s *Stats) { s.Envelopes++ })
				a.busy.Add(1)
				a.route(ctx, client, evt)
				a.busy.Add(-1)
			}
		}
	}
}

// submit runs f on the worker pool; it never blocks the caller for long.
func (a *App) submit(f func()) {
	select {
	case a.work <- f:
	default:
		go f() // the pool is saturated: better an extra goroutine than a lost ack
	}
}
