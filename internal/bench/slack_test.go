package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/slackapp"
	"github.com/journeyhq/journey/internal/slacksim"
	"github.com/journeyhq/journey/internal/store"
)

// The project's goals for the Slack surface; reported against, never failed on.
const (
	goalSlackAckP99    = 50 * time.Millisecond
	goalSlackAnswerP95 = 300 * time.Millisecond
)

const (
	// slackConcurrency is how many slash commands, then how many clicks, run at once.
	slackConcurrency = 200
	// slackWarmup is how many accounts (outside the sample) get a command and
	// a click one at a time before the burst: it opens the bot's connections
	// and prepares its statements, as a running bot would have, and gives
	// the uncontended latency to compare the burst with.
	slackWarmup = 10
	// answerTimeout is how long one command or click may take to show its
	// answer before the benchmark fails.
	answerTimeout = 30 * time.Second
	// slackAckLimit is Slack's limit for an ack.
	slackAckLimit = 3 * time.Second
	benchChannel  = "C0BENCH"
)

// BenchmarkSlack loads the ScaleConfig data set (10,000 accounts, 50,000
// deals, 1,000,000 events) once, connects the real bot to the Slack
// simulator over Socket Mode, and then, per iteration:
//
//   - 200 slash commands `/journey NAME` at once, each by the account's
//     owner, for 200 distinct accounts whose names resolve to exactly one
//     account and on which the owner has an action to act on;
//   - then Done clicked at once on the first action of each of those cards
//     that shows a Done button.
//
// It reports ack latency (the simulator's Ack.Latency: envelope sent → ack)
// and answer latency (just before the driver call → the card visible to the
// user: in the ack payload, or when the response_url ephemeral arrives; for
// a click, when the card has been replaced without that Done button), acks
// over Slack's 3 s, rejections, and how many clicks acted in the database.
// It fails only when an answer does not arrive within 30 s.
//
// The simulator's ack timeout is raised to 30 s so that late acks are
// measured and counted rather than failed at Slack's 3 s. Choosing the
// accounts loads each candidate once (to see whether its owner gets an
// action), before the bot starts on them. Run it with
//
//	go test -run '^$' -bench BenchmarkSlack -benchtime 1x -timeout 60m ./internal/bench/
func BenchmarkSlack(b *testing.B) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	sb := loadScale(ctx, b, now)
	st, ws, sum, loaded, analyzed := sb.st, sb.ws, sb.sum, sb.loaded, sb.analyzed
	serverVersion, sharedBuffers := sb.serverVersion, sb.sharedBuffers

	// The bot's store: a pool configured as store.Open configures it (the
	// same URL), with BenchmarkScale's tracer counting what the bot sends.
	var counter queryCounter
	pcfg := st.Pool().Config()
	pcfg.ConnConfig.Tracer = &counter
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		b.Fatalf("bot pool: %v", err)
	}
	b.Cleanup(pool.Close)

	machine := fmt.Sprintf("%d CPUs, %s/%s, %s, PostgreSQL %s (shared_buffers %s); bot: slackapp.Config defaults, %d Postgres connections (pgxpool default)",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), serverVersion, sharedBuffers, pcfg.MaxConns)
	data := fmt.Sprintf("%d accounts, %d deals, %d events; generated and loaded in %s, VACUUM ANALYZE %s",
		sum.Rows["accounts"], sum.Rows["deals"], sum.Rows["timeline_events"], loaded.Round(time.Millisecond), analyzed.Round(time.Millisecond))

	h, err := startSlack(ctx, b, st, store.New(pool), ws, now)
	if err != nil {
		b.Fatal(err)
	}

	// Accounts in a fixed order (the seed of the data set); each iteration
	// takes the next ones that qualify.
	sel, err := newAccountPicker(ctx, st, ws.ID, sum.AccountIDs, now)
	if err != nil {
		b.Fatal(err)
	}
	warm, err := sel.next(slackWarmup)
	if err != nil {
		b.Fatal(err)
	}
	var warmCmds []cmdResult
	var warmClicks []clickResult
	for _, a := range warm {
		c := h.command(ctx, a)
		if c.err != nil {
			b.Fatalf("warm-up: %v", c.err)
		}
		warmCmds = append(warmCmds, c)
		if id := c.firstAction(); id != "" {
			k := h.click(ctx, c, id)
			if k.err != nil {
				b.Fatalf("warm-up: %v", k.err)
			}
			warmClicks = append(warmClicks, k)
		}
	}
	// What the name lookup alone costs, one at a time: every /journey loads
	// all the workspace's account names and matches the query against them.
	var refsTimes, matchTimes []time.Duration
	for range 2 {
		for _, a := range warm {
			t0 := time.Now()
			refs, err := st.AccountRefs(ctx, ws.ID)
			if err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			sink += len(journey.Match(refs, a.name))
			refsTimes, matchTimes = append(refsTimes, t1.Sub(t0)), append(matchTimes, time.Since(t1))
		}
	}
	self := func(d time.Duration) time.Duration { return d }
	runtime.GC()

	var cmds []cmdResult
	var clicks []clickResult
	var rounds []roundStats
	clickable := 0
	for b.Loop() {
		b.StopTimer()
		sample, err := sel.next(slackConcurrency)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		r := h.round(ctx, sample, &counter, pool)
		cmds = append(cmds, r.cmds...)
		clicks = append(clicks, r.clicks...)
		clickable += r.clickable
		rounds = append(rounds, r.stats)
		for _, c := range r.cmds {
			if c.err != nil {
				b.Errorf("command: %v", c.err)
			}
		}
		for _, k := range r.clicks {
			if k.err != nil {
				b.Errorf("click: %v", k.err)
			}
		}
		if b.Failed() {
			b.FailNow()
		}
	}
	b.StopTimer()

	// Clicks that acted: the action is done in the database.
	acted := 0
	for _, k := range clicks {
		a, err := st.Action(ctx, ws.ID, k.actionID)
		if err != nil {
			b.Fatalf("action %s: %v", k.actionID, err)
		}
		if a.State == journey.ActionDone {
			acted++
		}
	}

	cAck := func(c cmdResult) time.Duration { return c.ack }
	cAns := func(c cmdResult) time.Duration { return c.answer }
	cRec := func(c cmdResult) time.Duration { return c.recorded }
	kAck := func(k clickResult) time.Duration { return k.ack }
	kAns := func(k clickResult) time.Duration { return k.answer }
	cmdAckP50, cmdAckP99, cmdAckMax := pct(cmds, cAck, 50), pct(cmds, cAck, 99), pct(cmds, cAck, 100)
	cmdAnsP50, cmdAnsP95, cmdAnsMax := pct(cmds, cAns, 50), pct(cmds, cAns, 95), pct(cmds, cAns, 100)
	clickAckP50, clickAckP99, clickAckMax := pct(clicks, kAck, 50), pct(clicks, kAck, 99), pct(clicks, kAck, 100)
	clickAnsP50, clickAnsP95, clickAnsMax := pct(clicks, kAns, 50), pct(clicks, kAns, 95), pct(clicks, kAns, 100)

	over3s, lost := 0, 0
	inAck := 0
	var viaURL, bigViaURL int
	for _, c := range cmds {
		if c.ack > slackAckLimit {
			over3s++
			if c.inAck {
				lost++ // Slack would have shown an error and dropped the card
			}
		}
		if c.inAck {
			inAck++
		} else {
			viaURL++
			if c.size > 19*1024 {
				bigViaURL++
			}
		}
	}
	clickOver3s := 0
	for _, k := range clicks {
		if k.ack > slackAckLimit {
			clickOver3s++
		}
	}
	// A refused ack payload fails the driver call (and the benchmark, above).
	// A refused response_url post or Web API call fails the bot's handler
	// (slack-go reports a refused response_url only by its HTTP status); the
	// simulator warns about frames over 20 KB and unacked envelopes.
	botLines, simLines := h.botLog.lines(), h.simLog.lines()
	stats := h.app.Stats()
	rejections := stats.Failed + len(simLines)

	b.ReportMetric(ms(cmdAckP50), "cmd-ack-p50-ms")
	b.ReportMetric(ms(cmdAckP99), "cmd-ack-p99-ms")
	b.ReportMetric(ms(cmdAnsP50), "cmd-answer-p50-ms")
	b.ReportMetric(ms(cmdAnsP95), "cmd-answer-p95-ms")
	b.ReportMetric(ms(clickAckP50), "click-ack-p50-ms")
	b.ReportMetric(ms(clickAckP99), "click-ack-p99-ms")
	b.ReportMetric(ms(clickAnsP50), "click-answer-p50-ms")
	b.ReportMetric(ms(clickAnsP95), "click-answer-p95-ms")
	b.ReportMetric(float64(over3s+clickOver3s), "acks-over-3s")
	b.ReportMetric(float64(rejections), "rejections")
	b.ReportMetric(float64(acted), "clicks-done")

	// At most 10 lines: the testing package cuts a benchmark's log there.
	b.Logf("machine: %s; data: %s", machine, data)
	b.Logf("sample: %s", sel.describe())
	b.Logf("one at a time (warm-up, %d commands, %d clicks): command ack p50 %.1f ms, answer p50 %.1f ms, max %.1f ms; "+
		"click ack p50 %.1f ms, answer p50 %.1f ms, max %.1f ms; the name lookup alone: store.AccountRefs (%d names) p50 %.1f ms, journey.Match p50 %.1f ms",
		len(warmCmds), len(warmClicks), ms(pct(warmCmds, cAck, 50)), ms(pct(warmCmds, cAns, 50)), ms(pct(warmCmds, cAns, 100)),
		ms(pct(warmClicks, kAck, 50)), ms(pct(warmClicks, kAns, 50)), ms(pct(warmClicks, kAns, 100)),
		sum.Rows["accounts"], ms(pct(refsTimes, self, 50)), ms(pct(matchTimes, self, 50)))
	for i, r := range rounds {
		b.Logf("round %d: %s", i+1, r)
	}
	var deciles []string
	for _, q := range []float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100} {
		deciles = append(deciles, fmt.Sprintf("%.0f", ms(pct(cmds, cAck, q))))
	}
	b.Logf("command ack latency at p10, p20 … p100 (ms): %s", strings.Join(deciles, ", "))
	cmdLine := fmt.Sprintf("slash commands (%d at once): ack p50 %.1f ms, p99 %.1f ms, max %.1f ms; answer p50 %.1f ms, p95 %.1f ms, max %.1f ms "+
		"(as recorded by the simulator: p50 %.1f ms, p95 %.1f ms); %d answered in the ack, %d through response_url (%d of them over 19 KB); "+
		"goals ack p99 < %s: %s, answer p95 < %s: %s",
		slackConcurrency, ms(cmdAckP50), ms(cmdAckP99), ms(cmdAckMax), ms(cmdAnsP50), ms(cmdAnsP95), ms(cmdAnsMax),
		ms(pct(cmds, cRec, 50)), ms(pct(cmds, cRec, 95)), inAck, viaURL, bigViaURL,
		goalSlackAckP99, verdict(cmdAckP99 < goalSlackAckP99), goalSlackAnswerP95, verdict(cmdAnsP95 < goalSlackAnswerP95))
	clickLine := fmt.Sprintf("Done clicks (%d at once, on the %d cards with a Done button): ack p50 %.1f ms, p99 %.1f ms, max %.1f ms; "+
		"answer (card replaced) p50 %.1f ms, p95 %.1f ms, max %.1f ms; %d of %d actions done in the database; goal ack p99 < %s: %s",
		len(clicks), clickable, ms(clickAckP50), ms(clickAckP99), ms(clickAckMax), ms(clickAnsP50), ms(clickAnsP95), ms(clickAnsMax),
		acted, len(clicks), goalSlackAckP99, verdict(clickAckP99 < goalSlackAckP99))
	b.Logf("%s", cmdLine)
	b.Logf("%s", clickLine)
	b.Logf("acks over Slack's 3 s: %d of %d commands (%d of them carried the card, which Slack would have dropped), %d of %d clicks; "+
		"rejections: %d (failed bot handlers + simulator warnings); bot: %d envelopes, %d handled, %d failed; warnings and errors logged: bot %d, simulator %d",
		over3s, len(cmds), lost, clickOver3s, len(clicks), rejections, stats.Envelopes, stats.Handled, stats.Failed, len(botLines), len(simLines))
	if logged := slices.Concat(botLines, simLines); len(logged) > 0 {
		b.Logf("first of %d warnings and errors logged: %s", len(logged), strings.Join(firstN(logged, 3), " | "))
	}
}

// slackHarness is the simulator with the bot connected to it.
type slackHarness struct {
	sim    *slacksim.Server
	app    *slackapp.App
	botLog *logRecorder
	simLog *logRecorder
}

// startSlack starts the simulator with the workspace's people as users, all
// in one channel with the bot, and runs the bot on bot until b ends.
func startSlack(ctx context.Context, b *testing.B, st, bot *store.Store, ws journey.Workspace, now time.Time) (*slackHarness, error) {
	people, err := st.People(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	const botUser = "U0BOT"
	members := []string{botUser}
	var users []slacksim.User
	for _, p := range people {
		users = append(users, slacksim.User{ID: p.SlackUserID, Name: strings.ToLower(strings.ReplaceAll(p.Name, " ", ".")) + "." + strings.ToLower(p.SlackUserID),
			RealName: p.Name, Email: p.Email, TZ: p.TimeZone})
		members = append(members, p.SlackUserID)
	}
	h := &slackHarness{botLog: &logRecorder{}, simLog: &logRecorder{}}
	h.sim = slacksim.New(slacksim.Config{
		TeamID: ws.SlackTeamID, TeamName: ws.Name, Domain: "bench", BotUserID: botUser,
		Users: users, Channels: []slacksim.Channel{{ID: benchChannel, Name: "bench", Members: members}},
		// Acks are measured past Slack's 3 s (and counted) rather than failed there.
		AckTimeout: answerTimeout,
		Log:        slog.New(h.simLog),
	})
	if err := h.sim.Start(); err != nil {
		return nil, err
	}
	b.Cleanup(func() { _ = h.sim.Close() })
	scfg := h.sim.Config()
	h.app, err = slackapp.New(slackapp.Config{BotToken: scfg.BotToken, AppToken: scfg.AppToken, APIURL: h.sim.APIURL(),
		Log: slog.New(h.botLog), Now: func() time.Time { return now }}, bot)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- h.app.Run(runCtx) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			b.Logf("bot: %v", err)
		}
	})
	wait, stop := context.WithTimeout(ctx, 15*time.Second)
	defer stop()
	if err := h.sim.WaitFor(wait, func() bool { return h.sim.Connections() >= 2 }); err != nil {
		return nil, fmt.Errorf("the bot did not connect to the simulator: %w", err)
	}
	return h, nil
}

// benchAccount is an account the benchmark asks about, and who asks.
type benchAccount struct {
	id, name string
	user     string // the owner's Slack user id
}

// accountPicker walks the accounts in a fixed pseudo-random order and keeps
// those whose name finds exactly that account and on which the owner has an
// action to act on (journey.SuggestActions gives one to the owner), so that
// the owner's card offers a Done button.
//
// A name finds exactly its own account when no other account has the same
// journey.NameKey: journey.Match, which the bot uses, returns the exact
// matches of the key when there are any, and an account always matches its
// own name exactly ("Blue Labs Inc" and "Blue Labs GmbH" both match "blue labs").
type accountPicker struct {
	ctx     context.Context
	st      *store.Store
	ws      string
	ids     []string
	order   []int
	pos     int
	now     time.Time
	names   map[string]string
	keys    map[string]int // accounts per NameKey
	defs    []journey.Definition
	taken   int
	ambig   int
	noOwner int
}

func newAccountPicker(ctx context.Context, st *store.Store, ws string, ids []string, now time.Time) (*accountPicker, error) {
	refs, err := st.AccountRefs(ctx, ws)
	if err != nil {
		return nil, err
	}
	defs, err := st.Definitions(ctx, ws)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(refs))
	keys := make(map[string]int, len(refs))
	for _, r := range refs {
		names[r.ID] = r.Name
		keys[journey.NameKey(r.Name)]++
	}
	return &accountPicker{ctx: ctx, st: st, ws: ws, ids: ids, now: now, names: names, keys: keys, defs: defs,
		order: rand.New(rand.NewPCG(DefaultSeed, 2)).Perm(len(ids))}, nil
}

// next returns the next n accounts that qualify.
func (p *accountPicker) next(n int) ([]benchAccount, error) {
	var out []benchAccount
	for len(out) < n {
		if p.pos == len(p.order) {
			return nil, fmt.Errorf("only %d accounts qualify", p.taken)
		}
		id := p.ids[p.order[p.pos]]
		p.pos++
		name := p.names[id]
		if k := journey.NameKey(name); k == "" || p.keys[k] != 1 {
			p.ambig++
			continue
		}
		data, err := p.st.LoadAccount(p.ctx, p.ws, id)
		if err != nil {
			return nil, err
		}
		def, ok := journey.ForSegment(p.defs, data.Account.Segment)
		if !ok {
			return nil, fmt.Errorf("no definition for segment %q", data.Account.Segment)
		}
		owned := slices.ContainsFunc(journey.SuggestActions(def, data, journey.BuildCard(def, data, p.now), p.now),
			func(a journey.Action) bool { return a.OwnerID == data.Account.OwnerID })
		if !owned || data.Owner.SlackUserID == "" {
			p.noOwner++
			continue
		}
		p.taken++
		out = append(out, benchAccount{id: id, name: name, user: data.Owner.SlackUserID})
	}
	refs, err := p.st.AccountRefs(p.ctx, p.ws)
	if err != nil {
		return nil, err
	}
	for _, a := range out {
		if m := journey.Match(refs, a.name); len(m) != 1 || m[0].ID != a.id {
			return nil, fmt.Errorf("bench: %q finds %d accounts", a.name, len(m))
		}
	}
	return out, nil
}

func (p *accountPicker) describe() string {
	return fmt.Sprintf("%d accounts looked at in a fixed order, %d taken (%d warm-up); %d skipped because their name finds another account too, "+
		"%d because the owner has no action on them", p.pos, p.taken, slackWarmup, p.ambig, p.noOwner)
}

// cmdResult is one slash command and its answer.
type cmdResult struct {
	acct     benchAccount
	ack      time.Duration // Ack.Latency
	answer   time.Duration // until the card was seen
	recorded time.Duration // until the simulator stored the card (from its ts)
	inAck    bool
	ts       string
	blocks   json.RawMessage
	size     int
	err      error
}

// firstAction is the action id of the card's first Done button, or "".
func (c cmdResult) firstAction() string {
	if ids := doneButtons(c.blocks); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// clickResult is one click on Done and its answer.
type clickResult struct {
	actionID string
	ack      time.Duration
	answer   time.Duration // until the card was replaced without the button
	err      error
}

// command runs `/journey NAME` as the account's owner and waits for the card.
func (h *slackHarness) command(ctx context.Context, a benchAccount) cmdResult {
	r := cmdResult{acct: a}
	marker := []byte(`"value":"` + a.id + `"`)
	isCard := func(blocks []byte) bool {
		return bytes.Contains(blocks, marker) && bytes.Contains(blocks, []byte(`"`+slackapp.ActionShare+`"`))
	}
	var card slacksim.Message
	find := func(via string) bool {
		ms := h.sim.Ephemerals(a.user)
		for i := len(ms) - 1; i >= 0; i-- {
			if ms[i].Via == via && ms[i].Channel == benchChannel && isCard(ms[i].Blocks) {
				card = ms[i]
				return true
			}
		}
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	t0 := time.Now()
	ack, err := h.sim.SlashCommand(ctx, a.user, benchChannel, slackapp.CommandJourney, a.name)
	t1 := time.Now()
	r.ack = ack.Latency
	if err != nil {
		r.err = fmt.Errorf("/journey %s as %s: %w", a.name, a.user, err)
		return r
	}
	if ack.Payload != nil && isCard(ack.Payload) {
		r.inAck, r.answer = true, t1.Sub(t0)
		if !find("ack") {
			r.err = fmt.Errorf("/journey %s as %s: the card in the ack is not among the user's ephemerals", a.name, a.user)
			return r
		}
	} else {
		var seen time.Time
		if err := h.sim.WaitFor(ctx, func() bool {
			if find("response_url") {
				seen = time.Now()
				return true
			}
			return false
		}); err != nil {
			r.err = fmt.Errorf("/journey %s as %s: no card within %s (ack payload %.300s): %w", a.name, a.user, answerTimeout, ack.Payload, err)
			return r
		}
		r.answer = seen.Sub(t0)
	}
	r.recorded = tsTime(card.TS).Sub(t0)
	r.ts, r.blocks, r.size = card.TS, card.Blocks, len(card.Blocks)
	return r
}

// click presses Done on actionID in the card c and waits until the card has
// been replaced without that button.
func (h *slackHarness) click(ctx context.Context, c cmdResult, actionID string) clickResult {
	r := clickResult{actionID: actionID}
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	t0 := time.Now()
	ack, err := h.sim.Click(ctx, c.acct.user, slacksim.Target{ChannelID: benchChannel, MessageTS: c.ts, Ephemeral: true}, slackapp.ActionDone, actionID)
	r.ack = ack.Latency
	if err != nil {
		r.err = fmt.Errorf("Done on %s in the card of %s: %w", actionID, c.acct.name, err)
		return r
	}
	var seen time.Time
	if err := h.sim.WaitFor(ctx, func() bool {
		for _, m := range h.sim.Ephemerals(c.acct.user) {
			if m.TS != c.ts || m.Channel != benchChannel {
				continue
			}
			if m.Edited && !slices.Contains(doneButtons(m.Blocks), actionID) {
				seen = time.Now()
				return true
			}
			return false
		}
		return false
	}); err != nil {
		var other []string
		for _, m := range h.sim.Ephemerals(c.acct.user) {
			if m.TS != c.ts && !bytes.Contains(m.Blocks, []byte(slackapp.ActionShare)) {
				other = append(other, fmt.Sprintf("%q", m.Text))
			}
		}
		r.err = fmt.Errorf("Done on %s in the card of %s: the card was not replaced within %s (the user's other messages: %s): %w",
			actionID, c.acct.name, answerTimeout, strings.Join(other, ", "), err)
		return r
	}
	r.answer = seen.Sub(t0)
	return r
}

// roundResult is one iteration: the commands, then the clicks.
type roundResult struct {
	cmds      []cmdResult
	clicks    []clickResult
	clickable int
	stats     roundStats
}

// roundStats describe what the bot and its database did during a round.
type roundStats struct {
	accounts, owners                 int
	cmdSpan, clickSpan               time.Duration
	cmdQueries, clickQueries         float64 // per command, per click
	cmdPeakConns, clickPeakConns     int32
	cmdWaits, clickWaits             int64 // pool acquires that had to wait
	cmdAcquireWait, clickAcquireWait time.Duration
	cardBytesP50, cardBytesMax       int
}

func (s roundStats) String() string {
	return fmt.Sprintf("%d accounts of %d owners; commands took %s in all (%.1f queries each; Postgres connections in use at most %d, "+
		"%d acquires waited %s in all), clicks %s (%.1f queries each; at most %d connections in use, %d acquires waited %s); "+
		"card blocks p50 %d bytes, max %d",
		s.accounts, s.owners, s.cmdSpan.Round(time.Millisecond), s.cmdQueries, s.cmdPeakConns, s.cmdWaits, s.cmdAcquireWait.Round(time.Millisecond),
		s.clickSpan.Round(time.Millisecond), s.clickQueries, s.clickPeakConns, s.clickWaits, s.clickAcquireWait.Round(time.Millisecond),
		s.cardBytesP50, s.cardBytesMax)
}

// round sends the commands for sample all at once, then clicks Done on
// every resulting card that has a Done button, all at once.
func (h *slackHarness) round(ctx context.Context, sample []benchAccount, counter *queryCounter, pool *pgxpool.Pool) roundResult {
	var res roundResult
	owners := map[string]bool{}
	for _, a := range sample {
		owners[a.user] = true
	}
	res.stats.accounts, res.stats.owners = len(sample), len(owners)

	before, stat0 := counter.snapshot(), pool.Stat()
	stopPeak := peakConns(pool)
	t0 := time.Now()
	res.cmds = together(len(sample), func(i int) cmdResult { return h.command(ctx, sample[i]) })
	res.stats.cmdSpan = time.Since(t0)
	res.stats.cmdPeakConns = stopPeak()
	used, stat1 := counter.snapshot().minus(before), pool.Stat()
	res.stats.cmdQueries = float64(used.queries+used.batchQueries) / float64(len(sample))
	res.stats.cmdWaits = stat1.EmptyAcquireCount() - stat0.EmptyAcquireCount()
	res.stats.cmdAcquireWait = stat1.AcquireDuration() - stat0.AcquireDuration()
	var sizes []int
	for _, c := range res.cmds {
		if c.err == nil {
			sizes = append(sizes, c.size)
		}
	}
	if len(sizes) > 0 {
		slices.Sort(sizes)
		res.stats.cardBytesP50, res.stats.cardBytesMax = sizes[(len(sizes)-1)/2], sizes[len(sizes)-1]
	}

	type target struct {
		cmd    cmdResult
		action string
	}
	var targets []target
	for _, c := range res.cmds {
		if c.err != nil {
			continue
		}
		if id := c.firstAction(); id != "" && len(targets) < slackConcurrency {
			targets = append(targets, target{c, id})
		}
	}
	res.clickable = len(targets)
	if len(targets) == 0 {
		return res
	}
	before, stat0 = counter.snapshot(), pool.Stat()
	stopPeak = peakConns(pool)
	t0 = time.Now()
	res.clicks = together(len(targets), func(i int) clickResult { return h.click(ctx, targets[i].cmd, targets[i].action) })
	res.stats.clickSpan = time.Since(t0)
	res.stats.clickPeakConns = stopPeak()
	used, stat1 = counter.snapshot().minus(before), pool.Stat()
	res.stats.clickQueries = float64(used.queries+used.batchQueries) / float64(len(targets))
	res.stats.clickWaits = stat1.EmptyAcquireCount() - stat0.EmptyAcquireCount()
	res.stats.clickAcquireWait = stat1.AcquireDuration() - stat0.AcquireDuration()
	return res
}

// together runs f(0) … f(n-1) in n goroutines released at the same moment,
// and returns their results in order.
func together[T any](n int, f func(i int) T) []T {
	out := make([]T, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			out[i] = f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return out
}

// peakConns samples the pool's connections in use every millisecond until
// the returned function is called, which returns the most seen.
func peakConns(pool *pgxpool.Pool) func() int32 {
	var peak atomic.Int32
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if n := pool.Stat().AcquiredConns(); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int32 {
		close(stop)
		<-done
		return peak.Load()
	}
}

// doneButtons lists the values (action ids) of the Done buttons in blocks, in order.
func doneButtons(blocks json.RawMessage) []string {
	if !bytes.Contains(blocks, []byte(slackapp.ActionDone)) {
		return nil
	}
	var bs []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if json.Unmarshal(blocks, &bs) != nil {
		return nil
	}
	var out []string
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.ActionID == slackapp.ActionDone {
				out = append(out, e.Value)
			}
		}
	}
	return out
}

// tsTime turns a message ts ("1700000000.000100") into a time.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }

// logRecorder is a slog handler that keeps warnings and errors.
type logRecorder struct {
	mu  sync.Mutex
	buf []string
}

func (r *logRecorder) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	var sb strings.Builder
	sb.WriteString(rec.Level.String() + " " + rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&sb, " %s=%v", a.Key, a.Value)
		return true
	})
	r.mu.Lock()
	r.buf = append(r.buf, sb.String())
	r.mu.Unlock()
	return nil
}

func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

func (r *logRecorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.buf)
}
