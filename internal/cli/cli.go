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
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
	"github.com/journeyhq/journey/internal/textcard"
)

// DefaultDatabaseURL is the local server `make setup` prepares.
const DefaultDatabaseURL = app.DefaultDatabaseURL

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

// command is one `bot` command: its name (with its subcommand, if any), the
// arguments it takes, what it does, and the function that runs it.
type command struct {
	name, args, help string
	run              func(context.Context, []string, Env) error
}

// commands is every command, in the order `bot help` lists them.
var commands = []command{
	{"sandbox", "[--addr A]", "run the bot against a local Slack simulator with the sample data", cmdSandbox},
	{"run", "", "run the bot in a Slack workspace (SLACK_BOT_TOKEN, SLACK_APP_TOKEN)", cmdRun},
	{"config", "", "print every setting, its effective value and where it comes from (secrets redacted)", cmdConfig},
	{"migrate", "", "apply database migrations (also done by every command)", cmdMigrate},
	{"import", "[--kind K] FILE... | --sample [--reset]", "import a JSON document or CSV files, or the sample book (about 25 accounts)", cmdImport},
	{"journey show", "ACCOUNT [--at T]", `print the account card ("acme" finds "Acme Corp")`, cmdShow},
	{"journey list", "", "list built-in templates and this workspace's journeys", cmdList},
	{"journey export", "[KEY]", "print a journey definition as YAML (--template KEY, --version N)", cmdExport},
	{"journey apply", "-f FILE", "publish a YAML definition as a new version", cmdApply},
	{"journey suggest", "--export PATH [--channels a,b]", "propose a journey from leadership threads in a Slack export", cmdSuggest},
	{"accounts", "[--owner EMAIL]", "rank the accounts by priority", cmdAccounts},
	{"analyze", "[--now T] [--tz Z] [--users F] < messages.json", "find promises, waiting-on, milestones and people in Slack messages", cmdAnalyze},
	{"eval", "", "score the conversation model and Ask Journey on their labelled sets", cmdEval},
	{"digest", "--channel C --manager M [--at 08:00]", "post a manager's team digest in a channel each workday", cmdDigest},
	{"sync", "hubspot", "sync companies, contacts, deals and their change history from HubSpot once", cmdSync},
	{"version", "", "print the version", func(_ context.Context, _ []string, env Env) error {
		fmt.Fprintln(env.Stdout, "bot", Version)
		return nil
	}},
}

// usage lists the commands and the settings.
func usage() string {
	var b strings.Builder
	b.WriteString("bot — Journey: where every customer is in their journey, why, and what to do next.\n\nUsage:\n")
	for _, c := range commands {
		line := strings.TrimSpace("bot " + c.name + " " + c.args)
		if len(line) > 36 {
			fmt.Fprintf(&b, "  %s\n  %-36s %s\n", line, "", c.help)
		} else {
			fmt.Fprintf(&b, "  %-36s %s\n", line, c.help)
		}
	}
	b.WriteString("\nEnvironment (`bot config` shows their effective values):\n")
	for _, s := range app.Settings {
		fmt.Fprintf(&b, "  %-22s %s (default: %s)\n", s.Name, s.Meaning, s.Default)
	}
	return b.String()
}

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
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(env.Stdout, usage())
		return nil
	}
	var subs []string
	for _, c := range commands {
		name, sub, _ := strings.Cut(c.name, " ")
		switch {
		case name != args[0]:
		case sub == "":
			return c.run(ctx, args[1:], env)
		case len(args) > 1 && args[1] == sub:
			return c.run(ctx, args[2:], env)
		default:
			subs = append(subs, sub)
		}
	}
	if len(subs) > 0 {
		if len(args) < 2 {
			return journey.Errorf(journey.EINVALID, "%s needs a subcommand: %s (see `bot help`)", args[0], strings.Join(subs, ", "))
		}
		return journey.Errorf(journey.EINVALID, "unknown %s subcommand %q: use %s", args[0], args[1], strings.Join(subs, ", "))
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

// config reads and checks every setting (app.FromEnv).
func config(env Env) (app.Config, error) { return app.FromEnv(env.Getenv) }

// open reads the settings, connects to the database and applies pending
// migrations, so every command works on a fresh database.
func open(ctx context.Context, env Env) (*store.Store, error) {
	cfg, err := config(env)
	if err != nil {
		return nil, err
	}
	return app.OpenStore(ctx, cfg)
}

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

// workspace picks the workspace a command works on: --workspace, else
// JOURNEY_WORKSPACE, else the only one there is.
func workspace(ctx context.Context, s *store.Store, flagTeam string, env Env) (journey.Workspace, error) {
	cfg, err := config(env)
	if err != nil {
		return journey.Workspace{}, err
	}
	return app.Workspace(ctx, s, firstNonEmpty(flagTeam, cfg.Workspace))
}

func cmdMigrate(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	cfg, err := config(env)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, cfg.DatabaseURL)
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
		in, err := app.SampleInput(now)
		if err != nil {
			return fmt.Errorf("build sample data: %w", err)
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
	cfg, err := config(env)
	if err != nil {
		return err
	}
	s, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := app.Import(ctx, cfg, s, inputs, app.ImportOptions{Team: *team, Sample: *useSample, Reset: *reset, Out: env.Stdout},
		app.Options{Now: env.Now, Log: env.Log})
	if err != nil {
		return err
	}
	reports := res.Reports
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
	if res.Questions > 0 {
		fmt.Fprintf(env.Stdout, "%d questions about changes queued (why they happened, handoffs); the running bot sends them by DM\n", res.Questions)
	}
	return nil
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
	d, err := journey.Use{Store: s}.Account(ctx, ws.ID, ref.ID, now)
	card := d.Card
	if err != nil {
		return err
	}
	textcard.Write(env.Stdout, card)
	return nil
}

// findAccount resolves a forgiving account name to one account
// (journey.Resolve).
func findAccount(ctx context.Context, s *store.Store, ws, query string) (journey.NamedRef, error) {
	refs, err := s.AccountRefs(ctx, ws)
	if err != nil {
		return journey.NamedRef{}, err
	}
	return journey.Resolve(refs, query)
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
		}
		if def, err = app.DefinitionToExport(ctx, s, ws.ID, key, *version); err != nil {
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
	saved, err := app.Publish(ctx, s, ws.ID, def)
	if err != nil {
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
	book, err := app.RankBook(ctx, s, ws.ID, *owner, env.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%-3s %-24s %-20s %-7s %-8s %-9s %-14s %s\n", "#", "ACCOUNT", "STAGE", "HEALTH", "PRIORITY", "CLASS", "OWNER", "WHY")
	for i, d := range book.Accounts {
		p, pos := d.Card.Priority, d.Card.Position
		stage := pos.StageName
		if pos.AtRisk() {
			stage += " ⚠"
		}
		fmt.Fprintf(env.Stdout, "%-3d %-24s %-20s %-7d %-8d %-9s %-14s %s\n", i+1, textcard.Trim(p.AccountName, 24), stage, d.Card.Health.Score,
			p.Score, string(p.Class), textcard.Trim(book.Names[d.Data.Account.OwnerID], 14), textcard.Trim(whyShort(p), 70))
	}
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
