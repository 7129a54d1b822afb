// Package cli is the `bot` command line: migrate, import, and the journey
// commands that print cards and move definitions in and out as YAML. Each
// command wires the store, the engine and the templates together; none of
// them holds domain logic of its own.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/sample"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

// DefaultDatabaseURL is the local server `make setup` prepares.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/journey?sslmode=disable"

// Env is what a command reads and writes besides its arguments.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	Getenv func(string) string
	Now    func() time.Time
	Log    *slog.Logger
}

// OSEnv is the environment of the running process.
func OSEnv() Env {
	return Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv, Now: time.Now,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
}

const usage = `bot — Journey: where every customer is in their journey, why, and what to do next.

Usage:
  bot sandbox [--addr A]               run the bot against a local Slack simulator with the sample data
  bot run                              run the bot in a Slack workspace (SLACK_BOT_TOKEN, SLACK_APP_TOKEN)
  bot migrate                          apply database migrations (also done by every command)
  bot import [--kind K] FILE...        import a JSON document or CSV files (accounts, contacts, deals)
  bot import --sample                  load the sample book of business (about 25 accounts)
  bot journey show ACCOUNT [--at T]    print the account card ("acme" finds "Acme Corp")
  bot journey list                     list built-in templates and this workspace's journeys
  bot journey export [KEY]             print a journey definition as YAML (--template KEY, --version N)
  bot journey apply -f FILE            publish a YAML definition as a new version
  bot journey suggest --export PATH [--channels a,b]
                                       propose a journey from leadership threads in a Slack export
  bot accounts [--owner EMAIL]         rank the accounts by priority
  bot analyze [--now T] [--tz Z] [--users F] < messages.json
                                       find promises, waiting-on, milestones and people in Slack messages
  bot eval                             score the conversation model on the labelled set
  bot digest --channel C --manager M [--at 08:00]
                                       post a manager's team digest in a channel each workday
  bot sync hubspot                     sync companies, contacts, deals and their change history from HubSpot once
  bot version

Environment:
  SLACK_BOT_TOKEN     bot token (xoxb-…) for bot run
  SLACK_APP_TOKEN     app-level token (xapp-…, connections:write) for Socket Mode
  SLACK_API_URL       Web API base URL (default Slack's)
  LOG_LEVEL           debug, info, warn or error (default info)
  LLM_BASE_URL        an OpenAI-compatible endpoint (default: the offline model)
  LLM_API_KEY, LLM_MODEL
  DATABASE_URL        Postgres URL (default ` + DefaultDatabaseURL + `)
  JOURNEY_WORKSPACE   Slack team id of the workspace to use when there are several
  HUBSPOT_TOKEN       HubSpot private-app token: bot run then syncs HubSpot every 5 minutes
  HUBSPOT_BASE_URL    HubSpot API base URL (default https://api.hubapi.com)
  HUBSPOT_CSM_PROPERTY company property holding the CSM (default customer_success_manager)
`

// Version is set at build time.
var Version = "dev"

// Main runs the command in args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Log == nil {
		env.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	err := run(ctx, args, env)
	if err == nil {
		return 0
	}
	var ie *importer.Error
	var pe *template.ParseError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ie), errors.As(err, &pe):
		fmt.Fprintln(env.Stderr, err)
	case journey.ErrorCode(err) != journey.EINTERNAL:
		fmt.Fprintln(env.Stderr, "bot:", journey.ErrorMessage(err))
	default:
		fmt.Fprintln(env.Stderr, "bot:", err)
	}
	return 1
}

func run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	case "version":
		fmt.Fprintln(env.Stdout, "bot", Version)
		return nil
	case "migrate":
		return cmdMigrate(ctx, args[1:], env)
	case "import":
		return cmdImport(ctx, args[1:], env)
	case "accounts":
		return cmdAccounts(ctx, args[1:], env)
	case "run":
		return cmdRun(ctx, args[1:], env)
	case "analyze":
		return cmdAnalyze(ctx, args[1:], env)
	case "digest":
		return cmdDigest(ctx, args[1:], env)
	case "eval":
		return cmdEval(ctx, args[1:], env)
	case "sandbox":
		return cmdSandbox(ctx, args[1:], env)
	case "sync":
		return cmdSync(ctx, args[1:], env)
	case "journey":
		if len(args) < 2 {
			return journey.Errorf(journey.EINVALID, "journey needs a subcommand: show, list, export, apply or suggest (see `bot help`)")
		}
		switch args[1] {
		case "show":
			return cmdShow(ctx, args[2:], env)
		case "list":
			return cmdList(ctx, args[2:], env)
		case "export":
			return cmdExport(ctx, args[2:], env)
		case "apply":
			return cmdApply(ctx, args[2:], env)
		case "suggest":
			return cmdSuggest(ctx, args[2:], env)
		}
		return journey.Errorf(journey.EINVALID, "unknown journey subcommand %q: use show, list, export, apply or suggest", args[1])
	}
	return journey.Errorf(journey.EINVALID, "unknown command %q (see `bot help`)", args[0])
}

// parse reads flags that may come before, between or after positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string, env Env) ([]string, error) {
	fs.SetOutput(env.Stderr)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func databaseURL(env Env) string {
	if u := env.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return DefaultDatabaseURL
}

// open connects to the database and applies pending migrations, so every
// command works on a fresh database.
func open(ctx context.Context, env Env) (*store.Store, error) {
	s, err := store.Open(ctx, databaseURL(env))
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

// workspace picks the workspace a command works on: --workspace, else
// JOURNEY_WORKSPACE, else the only one there is.
// openWorkspace opens the store and picks the workspace a command acts on
// (see workspace); the caller closes the store.
func openWorkspace(ctx context.Context, env Env, flagTeam string) (*store.Store, journey.Workspace, error) {
	s, err := open(ctx, env)
	if err != nil {
		return nil, journey.Workspace{}, err
	}
	ws, err := workspace(ctx, s, flagTeam, env)
	if err != nil {
		s.Close()
		return nil, journey.Workspace{}, err
	}
	return s, ws, nil
}

func workspace(ctx context.Context, s *store.Store, flagTeam string, env Env) (journey.Workspace, error) {
	team := flagTeam
	if team == "" {
		team = env.Getenv("JOURNEY_WORKSPACE")
	}
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

func cmdMigrate(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	s, err := store.Open(ctx, databaseURL(env))
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	if err := jobs.Migrate(ctx, s.Pool()); err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.Stdout, "database is up to date")
	}
	for _, a := range applied {
		fmt.Fprintln(env.Stdout, "applied", a)
	}
	return nil
}

func cmdImport(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	useSample := fs.Bool("sample", false, "load the sample data shipped with the binary")
	kind := fs.String("kind", "", "kind of a CSV file: accounts, contacts or deals (default: from its header)")
	team := fs.String("workspace", "", "Slack team id of the workspace to import into, when the file names none")
	reset := fs.Bool("reset", false, "with --sample: replace the sample workspace's data with today's sample")
	files, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	if !*useSample && len(files) == 0 {
		return journey.Errorf(journey.EINVALID, "import needs a FILE (JSON or CSV) or --sample")
	}
	now := env.Now()
	var inputs []*importer.Input
	if *reset && !*useSample {
		return journey.Errorf(journey.EINVALID, "--reset only goes with --sample")
	}
	if *useSample {
		data, err := sample.JSON(now)
		if err != nil {
			return fmt.Errorf("build sample data: %w", err)
		}
		in, err := importer.Read("sample.json", data, "")
		if err != nil {
			return err
		}
		inputs = append(inputs, in)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return journey.Errorf(journey.EINVALID, "cannot read %s: %v", f, err)
		}
		in, err := importer.Read(f, data, *kind)
		if err != nil {
			return err
		}
		inputs = append(inputs, in)
	}
	s, err := open(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	if *useSample {
		if err := prepareSample(ctx, s, inputs[0].Doc, *reset, env); err != nil {
			return err
		}
	}
	opts := importer.Options{Builtin: template.Builtin(), Now: now, Workspace: importer.WorkspaceRecord{SlackTeamID: *team}}
	if opts.Workspace.SlackTeamID == "" {
		opts.Workspace.SlackTeamID = env.Getenv("JOURNEY_WORKSPACE")
	}
	if opts.Workspace.SlackTeamID == "" {
		if all, err := s.Workspaces(ctx); err == nil && len(all) == 1 {
			opts.Workspace = importer.WorkspaceRecord{Name: all[0].Name, SlackTeamID: all[0].SlackTeamID}
		}
	}
	since, err := s.Now(ctx)
	if err != nil {
		return err
	}
	before, err := s.Workspaces(ctx)
	if err != nil {
		return err
	}
	var reports []importer.Report
	err = s.InTx(ctx, func(tx *store.Tx) error {
		for _, in := range inputs {
			rep, err := importer.Import(ctx, tx, in, opts)
			if err != nil {
				return err
			}
			reports = append(reports, rep)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, rep := range reports {
		created, updated := rep.Total()
		fmt.Fprintf(env.Stdout, "%s → workspace %s (%s)\n", inputs[i].File, rep.Workspace.Name, rep.Workspace.SlackTeamID)
		if created+updated == 0 {
			fmt.Fprintln(env.Stdout, "nothing changed: everything in the file is already stored")
		}
		if s := rep.String(); s != "" {
			fmt.Fprintln(env.Stdout, indent(s))
		}
	}
	if n, err := questionsAfterImport(ctx, s, reports, before, since, env); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(env.Stdout, "%d questions about changes queued (why they happened, handoffs); the running bot sends them by DM\n", n)
	}
	return nil
}

// prepareSample checks that the sample already stored (if any) was made on
// the same day as the one about to be imported: the sample's dates are
// relative to the day it is generated, so mixing two days would record every
// shifted date as a change. With reset, the old sample workspace is removed.
func prepareSample(ctx context.Context, s *store.Store, doc importer.Document, reset bool, env Env) error {
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
		fmt.Fprintf(env.Stdout, "removed the old sample workspace %s (%s)\n", ws.Name, ws.SlackTeamID)
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

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

func cmdShow(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("journey show", flag.ContinueOnError)
	team := fs.String("workspace", "", "Slack team id of the workspace")
	at := fs.String("at", "", "derive the card as of this time (RFC 3339); default now")
	words, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(words, " "))
	if query == "" {
		return journey.Errorf(journey.EINVALID, "journey show needs an account name, e.g. `bot journey show acme`")
	}
	now := env.Now()
	if *at != "" {
		if now, err = time.Parse(time.RFC3339, *at); err != nil {
			return journey.Errorf(journey.EINVALID, "--at %q is not an RFC 3339 time such as 2026-11-23T09:00:00Z", *at)
		}
	}
	s, ws, err := openWorkspace(ctx, env, *team)
	if err != nil {
		return err
	}
	defer s.Close()
	ref, err := findAccount(ctx, s, ws.ID, query)
	if err != nil {
		return err
	}
	card, err := LoadCard(ctx, s, ws.ID, ref.ID, now)
	if err != nil {
		return err
	}
	writeCard(env.Stdout, card)
	return nil
}

// findAccount resolves a forgiving account name to one account, or explains
// why it cannot: several matches are listed, none suggests the nearest names.
func findAccount(ctx context.Context, s *store.Store, ws, query string) (journey.NamedRef, error) {
	refs, err := s.AccountRefs(ctx, ws)
	if err != nil {
		return journey.NamedRef{}, err
	}
	matches := journey.Match(refs, query)
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		near := journey.Nearest(refs, query, 3)
		if len(near) == 0 {
			return journey.NamedRef{}, journey.Errorf(journey.ENOTFOUND, "no account matches %q (there are %d accounts; `bot accounts` lists them)", query, len(refs))
		}
		var names []string
		for _, n := range near {
			names = append(names, fmt.Sprintf("%q", n.Name))
		}
		return journey.NamedRef{}, journey.Errorf(journey.ENOTFOUND, "no account matches %q; did you mean %s?", query, strings.Join(names, " or "))
	}
	var names []string
	for _, m := range matches {
		names = append(names, "  "+m.Name)
	}
	return journey.NamedRef{}, journey.Errorf(journey.ECONFLICT, "%q matches %d accounts; say which:\n%s", query, len(matches), strings.Join(names, "\n"))
}

// LoadCard loads one account and derives its card under the journey of its segment.
func LoadCard(ctx context.Context, s *store.Store, ws, accountID string, now time.Time) (journey.Card, error) {
	defs, err := s.Definitions(ctx, ws)
	if err != nil {
		return journey.Card{}, err
	}
	data, err := s.LoadAccount(ctx, ws, accountID)
	if err != nil {
		return journey.Card{}, err
	}
	def, ok := journey.ForSegment(defs, data.Account.Segment)
	if !ok {
		return journey.Card{}, journey.Errorf(journey.ENOTFOUND, "this workspace has no journey definition yet: `bot journey apply -f FILE` or re-run an import")
	}
	return journey.BuildCard(def, data, now), nil
}

func cmdList(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("journey list", flag.ContinueOnError)
	team := fs.String("workspace", "", "Slack team id of the workspace")
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "Built-in templates (bot journey export --template KEY):")
	for _, d := range template.Builtin() {
		fmt.Fprintf(env.Stdout, "  %-16s %-20s %d stages  segments: %s\n", d.Key, d.Name, len(d.Stages), segmentsText(d.Segments))
	}
	s, err := open(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	ws, err := workspace(ctx, s, *team, env)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		fmt.Fprintln(env.Stdout, "No workspace yet: its journeys are installed from the templates at the first import.")
		return nil
	} else if err != nil {
		return err
	}
	defs, err := s.Definitions(ctx, ws.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Journeys of workspace %s (newest versions):\n", ws.Name)
	for _, d := range defs {
		fmt.Fprintf(env.Stdout, "  %-16s v%-3d %-20s %d stages  segments: %s  (%s, %s)\n", d.Key, d.Version, d.Name, len(d.Stages),
			segmentsText(d.Segments), d.Source, d.CreatedAt.Format("2006-01-02"))
	}
	return nil
}

func segmentsText(s []string) string {
	if len(s) == 0 {
		return "default"
	}
	return strings.Join(s, ", ")
}

func cmdExport(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("journey export", flag.ContinueOnError)
	team := fs.String("workspace", "", "Slack team id of the workspace")
	tmpl := fs.String("template", "", "export a built-in template instead of a stored journey")
	version := fs.Int("version", 0, "version to export (default: the newest)")
	keys, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	var def journey.Definition
	if *tmpl != "" {
		d, ok := template.BuiltinByKey(*tmpl)
		if !ok {
			return journey.Errorf(journey.ENOTFOUND, "no built-in template %q (bot journey list shows them)", *tmpl)
		}
		def = d
	} else {
		s, ws, err := openWorkspace(ctx, env, *team)
		if err != nil {
			return err
		}
		defer s.Close()
		key := ""
		if len(keys) > 0 {
			key = keys[0]
		} else {
			defs, err := s.Definitions(ctx, ws.ID)
			if err != nil {
				return err
			}
			if len(defs) != 1 {
				var names []string
				for _, d := range defs {
					names = append(names, d.Key)
				}
				sort.Strings(names)
				return journey.Errorf(journey.EINVALID, "say which journey to export: %s", strings.Join(names, ", "))
			}
			key = defs[0].Key
		}
		if def, err = s.Definition(ctx, ws.ID, key, *version); err != nil {
			return err
		}
	}
	out, err := template.Marshal(def)
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(out)
	return err
}

func cmdApply(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("journey apply", flag.ContinueOnError)
	team := fs.String("workspace", "", "Slack team id of the workspace")
	file := fs.String("f", "", "YAML file with the journey definition (- for stdin)")
	rest, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	if *file == "" && len(rest) == 1 {
		*file = rest[0]
	}
	if *file == "" {
		return journey.Errorf(journey.EINVALID, "journey apply needs -f FILE")
	}
	var data []byte
	if *file == "-" {
		data, err = io.ReadAll(env.Stdin)
	} else {
		data, err = os.ReadFile(*file)
	}
	if err != nil {
		return journey.Errorf(journey.EINVALID, "cannot read %s: %v", *file, err)
	}
	def, err := template.Parse(*file, data)
	if err != nil {
		return err
	}
	def.Source = "yaml"
	s, ws, err := openWorkspace(ctx, env, *team)
	if err != nil {
		return err
	}
	defer s.Close()
	var saved journey.Definition
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		saved, err = tx.SaveDefinition(ctx, ws.ID, def)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "published %s v%d (%s): %d stages; earlier versions are kept for history\n",
		saved.Key, saved.Version, saved.Name, len(saved.Stages))
	return nil
}

func cmdAccounts(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("accounts", flag.ContinueOnError)
	team := fs.String("workspace", "", "Slack team id of the workspace")
	owner := fs.String("owner", "", "only accounts owned by (or CS-managed by) this person: email or Slack user id")
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	s, ws, err := openWorkspace(ctx, env, *team)
	if err != nil {
		return err
	}
	defer s.Close()
	now := env.Now()
	book, err := s.LoadBook(ctx, ws.ID, now)
	if err != nil {
		return err
	}
	defs, err := s.Definitions(ctx, ws.ID)
	if err != nil {
		return err
	}
	people, err := s.People(ctx, ws.ID)
	if err != nil {
		return err
	}
	var only string
	names := map[string]string{}
	for _, p := range people {
		names[p.ID] = p.Name
		if *owner != "" && (strings.EqualFold(p.Email, *owner) || p.SlackUserID == *owner) {
			only = p.ID
		}
	}
	if *owner != "" && only == "" {
		return journey.Errorf(journey.ENOTFOUND, "no person with email or Slack user id %q", *owner)
	}
	type row struct {
		p    journey.Priority
		pos  journey.Position
		h    journey.Health
		data journey.AccountData
	}
	var rows []row
	var ps []journey.Priority
	byID := map[string]row{}
	for _, data := range book {
		if only != "" && data.Account.OwnerID != only && data.Account.CSMID != only {
			continue
		}
		def, ok := journey.ForSegment(defs, data.Account.Segment)
		if !ok {
			continue
		}
		pos := journey.Derive(def, data, now)
		h := journey.ScoreHealth(data, pos, now)
		p := journey.Prioritize(def, data, pos, h, now)
		r := row{p, pos, h, data}
		rows = append(rows, r)
		ps = append(ps, p)
		byID[data.Account.ID] = r
	}
	journey.RankAccounts(ps)
	fmt.Fprintf(env.Stdout, "%-3s %-24s %-20s %-7s %-8s %-9s %-14s %s\n", "#", "ACCOUNT", "STAGE", "HEALTH", "PRIORITY", "CLASS", "OWNER", "WHY")
	for i, p := range ps {
		r := byID[p.AccountID]
		stage := r.pos.StageName
		if r.pos.AtRisk() {
			stage += " ⚠"
		}
		fmt.Fprintf(env.Stdout, "%-3d %-24s %-20s %-7d %-8d %-9s %-14s %s\n", i+1, quoteTrim(p.AccountName, 24), stage, r.h.Score,
			p.Score, string(p.Class), quoteTrim(names[r.data.Account.OwnerID], 14), quoteTrim(whyShort(p), 70))
	}
	_ = rows
	return nil
}

func whyShort(p journey.Priority) string {
	var parts []string
	if p.ClosingThisMonth {
		parts = append(parts, "closes this month")
	}
	for _, f := range p.Factors {
		if f.Key == journey.FactorLikelihood || f.Key == journey.FactorValue {
			parts = append(parts, f.Sentence)
		}
	}
	return strings.Join(parts, "; ")
}
