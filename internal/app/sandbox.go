package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/hubspotsim"
	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/mail"
	"github.com/journeyhq/journey/internal/mailsim"
	"github.com/journeyhq/journey/internal/sample"
	"github.com/journeyhq/journey/internal/slacksim"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

// SandboxChannels are the sample workspace's channels: a linked deal
// channel, the managers' channel, a general one, and one the bot is not in.
var SandboxChannels = []slacksim.Channel{
	{ID: "C0GENERAL", Name: "general", Members: []string{"U0BOT", "U0REP1", "U0REP2", "U0REP3", "U0MGR1", "U0CSM1", "U0CSM2", "U0ADMIN1", "U0GUEST"}},
	{ID: "C0ACME", Name: "deals-acme", Members: []string{"U0BOT", "U0REP1", "U0MGR1", "U0CSM1"}},
	{ID: "C0MANAGERS", Name: "sales-managers", Members: []string{"U0BOT", "U0MGR1", "U0ADMIN1"}},
	{ID: "C0RANDOM", Name: "random", Members: []string{"U0REP1", "U0REP2", "U0GUEST"}},
}

// SandboxUsers turns the sample's people into Slack users, plus a guest who
// is not one of Journey's people and Acme's champion (Slack Connect).
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
			users = append(users, slacksim.User{ID: "U0ACMETOM", Name: "tom", RealName: c.Name, Email: c.Email, TZ: "America/New_York", TeamID: "T0ACME"})
		}
	}
	return users
}

// sandboxChannels returns SandboxChannels, with Acme's champion in the shared deal channel.
func sandboxChannels() []slacksim.Channel {
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

// SandboxOptions choose what the sandbox runs beside the bot.
type SandboxOptions struct {
	Options
	// Addr is where the Slack simulator and its driver listen
	// ("127.0.0.1:0": any free port).
	Addr string
	// HubSpotAddr, when set, runs a local HubSpot holding the sample book
	// there, synced by the bot every few minutes (and at start).
	HubSpotAddr string
}

// Sandbox is the bot running against a local Slack simulator with the
// sample workspace, a local mail server and, optionally, a local HubSpot.
type Sandbox struct {
	*Bot
	Sim *slacksim.Server
	// Mail is the local mail server approved follow-ups go to (nil when
	// SMTP_URL points at another, or is off).
	Mail *mailsim.Server
	// HubSpot is the local HubSpot (nil when not asked for, or when it
	// could not start: HubSpotErr says why).
	HubSpot    *hubspotsim.Server
	HubSpotErr error

	closers []func() // in the order they were opened
}

// Close stops the bot, then the local servers, in reverse order of start.
func (sb *Sandbox) Close() {
	if sb.Bot != nil {
		sb.Bot.Close()
	}
	for i := len(sb.closers) - 1; i >= 0; i-- {
		sb.closers[i]()
	}
	sb.closers = nil
}

// StartSandbox loads the sample (fresh for today's clock) into s, starts the
// simulator, the mail server and (with HubSpotAddr) the local HubSpot, and
// connects the bot to them; it returns once the bot is connected. On any
// error everything it started is stopped again.
func StartSandbox(ctx context.Context, s *store.Store, cfg Config, opts SandboxOptions) (_ *Sandbox, err error) {
	opts.Options = opts.withDefaults()
	now, log := opts.Now, opts.Log
	in, err := SampleInput(now())
	if err != nil {
		return nil, err
	}
	if err := LoadSample(ctx, s, in, now(), LoadSampleOptions{ResetIfStale: true}); err != nil {
		return nil, err
	}
	ws, err := s.Workspace(ctx, in.Doc.Workspace.SlackTeamID)
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
	sb := &Sandbox{}
	defer func() {
		if err != nil {
			sb.Close()
		}
	}()
	// a local mail server on loopback, unless SMTP_URL points at a real one
	// (or is "off": Send then offers Copy draft and Mark sent)
	if cfg.Mail == nil && !cfg.MailOff {
		if sb.Mail, err = mailsim.StartConfig(mailsim.Config{Log: log, Now: now}); err != nil {
			return nil, err
		}
		sb.closers = append(sb.closers, func() { _ = sb.Mail.Close() })
		mc, err := mail.ParseURL(sb.Mail.URL())
		if err != nil {
			return nil, err
		}
		cfg.Mail = &mc
	}
	var handlers map[string]http.Handler
	if sb.Mail != nil {
		handlers = map[string]http.Handler{"/mail": sb.Mail.Handler()}
	}
	sim := slacksim.New(slacksim.Config{
		Addr: opts.Addr, TeamID: in.Doc.Workspace.SlackTeamID, TeamName: in.Doc.Workspace.Name, Domain: "sample",
		Users: SandboxUsers(in.Doc), Channels: sandboxChannels(), Log: log, Handlers: handlers, Now: now,
		Limits: map[string]slacksim.Limit{
			"chat.postMessage": {PerChannelPerSecond: 5}, "chat.update": {PerMinute: 300}, "views.publish": {PerMinute: 600},
			"views.open": {PerMinute: 600}, "users.info": {PerMinute: 600},
		},
	})
	if err := sim.Start(); err != nil {
		return nil, fmt.Errorf("start the Slack simulator on %s (is the port free? use --addr): %w", opts.Addr, err)
	}
	sb.Sim = sim
	sb.closers = append(sb.closers, func() { _ = sim.Close() })
	scfg := sim.Config()
	cfg.Slack = SlackConfig{BotToken: scfg.BotToken, AppToken: scfg.AppToken, APIURL: sim.APIURL()}
	cfg.Workspace = ws.SlackTeamID
	if opts.HubSpotAddr != "" {
		if hs, herr := startSandboxHubSpot(in.Doc, opts.HubSpotAddr, now); herr != nil {
			sb.HubSpotErr = herr
			log.Warn("the sandbox runs without its local HubSpot", "err", herr)
		} else {
			sb.HubSpot = hs
			sb.closers = append(sb.closers, func() { _ = hs.Close() })
			cfg.HubSpot = hubspot.Config{Token: hs.Token, BaseURL: hs.URL(), CSMProperty: hubspotsim.CSMProperty}
		}
	}
	bot, err := New(ctx, cfg, s, opts.Options)
	if err != nil {
		return nil, err
	}
	sb.Bot = bot
	// the sales manager's digest goes to #sales-managers at 08:00 her time
	for _, p := range in.Doc.People {
		if p.Role != string(journey.RoleManager) {
			continue
		}
		mgr, ok, err := s.PersonBySlackID(ctx, ws.ID, p.SlackUserID)
		if err != nil {
			return nil, err
		}
		if ok {
			if err := s.SetDigestChannel(ctx, ws.ID, "C0MANAGERS", mgr.ID, jobs.DefaultDigestSchedule); err != nil {
				return nil, err
			}
		}
	}
	if err := bot.Start(ctx); err != nil {
		return nil, err
	}
	wait, stop := context.WithTimeout(ctx, 15*time.Second)
	defer stop()
	if err := sim.WaitFor(wait, func() bool { return sim.Connections() >= 2 }); err != nil {
		return nil, fmt.Errorf("the bot did not connect to the simulator: %w", err)
	}
	return sb, nil
}

// startSandboxHubSpot starts a local HubSpot holding the sample book at addr.
func startSandboxHubSpot(doc importer.Document, addr string, now func() time.Time) (*hubspotsim.Server, error) {
	sim := hubspotsim.New("pat-sandbox")
	sim.Now = now
	if _, err := sim.LoadDocument(doc); err != nil {
		return nil, err
	}
	if err := sim.Start(addr); err != nil {
		return nil, fmt.Errorf("start the local HubSpot on %s (is the port free? use --hubspot-addr): %w", addr, err)
	}
	return sim, nil
}

// SampleInput is the sample book generated for the day of now, read as an
// import.
func SampleInput(now time.Time) (*importer.Input, error) {
	data, err := sample.JSON(now)
	if err != nil {
		return nil, err
	}
	return importer.Read("sample.json", data, "")
}

// LoadSampleOptions say what to do with a sample stored before.
type LoadSampleOptions struct {
	// Reset removes the stored sample workspace (and only it) first.
	Reset bool
	// ResetIfStale removes it when it was generated on another day.
	ResetIfStale bool
	// Out is told what was removed; nil: nothing is said.
	Out io.Writer
}

// LoadSample imports the sample book in into s, in one transaction. The
// sample's dates are relative to the day it was generated, so a sample
// stored on another day is refused (ECONFLICT, saying how to reset it)
// unless opts allow replacing it.
func LoadSample(ctx context.Context, s *store.Store, in *importer.Input, now time.Time, opts LoadSampleOptions) error {
	err := PrepareSample(ctx, s, in.Doc, opts.Reset, opts.Out)
	if journey.ErrorCode(err) == journey.ECONFLICT && opts.ResetIfStale {
		err = PrepareSample(ctx, s, in.Doc, true, opts.Out)
	}
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *store.Tx) error {
		_, err := importer.Import(ctx, tx, in, importer.Options{Builtin: template.Builtin(), Now: now})
		return err
	})
}

// PrepareSample checks that the sample already stored (if any) was made on
// the same day as the one about to be imported: the sample's dates are
// relative to the day it is generated, so mixing two days would record every
// shifted date as a change. With reset, the old sample workspace is removed.
func PrepareSample(ctx context.Context, s *store.Store, doc importer.Document, reset bool, out io.Writer) error {
	ws, err := s.Workspace(ctx, doc.Workspace.SlackTeamID)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if reset {
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteWorkspace(ctx, ws.ID) }); err != nil {
			return err
		}
		if out != nil {
			fmt.Fprintf(out, "removed the old sample workspace %s (%s)\n", ws.Name, ws.SlackTeamID)
		}
		return nil
	}
	if len(doc.Accounts) == 0 {
		return nil
	}
	first := doc.Accounts[0]
	stored, err := s.AccountCreatedAt(ctx, ws.ID, importer.Source, first.ExternalID)
	if err != nil || stored.IsZero() {
		return err
	}
	want, err := time.Parse(time.RFC3339, first.CreatedAt)
	if err != nil || want.Equal(stored) {
		return nil
	}
	return journey.Errorf(journey.ECONFLICT, "the sample in this database was generated on another day (its dates are relative to the day it was made); "+
		"run `bot import --sample --reset` to replace it with today's sample (this removes workspace %s only)", ws.SlackTeamID)
}
