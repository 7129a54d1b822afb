package slackapp

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/journeyhq/journey/internal/journey"
)

// rankedAccount is one of a person's accounts with what the engine derived.
type rankedAccount struct {
	Data     journey.AccountData
	Position journey.Position
	Health   journey.Health
	Priority journey.Priority
}

// homeActions is how many actions "My day" shows: the brief's 3–5.
const homeActions = 5

// myBook derives every account the caller owns or manages, ranked, and
// proposes the actions the derivations suggest for them.
func (a *App) myBook(ctx context.Context, c caller) ([]rankedAccount, error) {
	now := a.cfg.Now()
	book, err := a.use.BookOf(ctx, c.WS.ID, c.Person.ID, now)
	if err != nil {
		return nil, err
	}
	var out []rankedAccount
	var ps []journey.Priority
	var suggested []journey.Action
	byID := map[string]rankedAccount{}
	for _, d := range book {
		data, def, card := d.Data, d.Def, d.Card
		ra := rankedAccount{Data: data, Position: card.Position, Health: card.Health, Priority: card.Priority}
		byID[data.Account.ID] = ra
		ps = append(ps, card.Priority)
		suggested = append(suggested, journey.SuggestActions(def, data, card, now)...)
	}
	if err := a.propose(ctx, c.WS.ID, suggested); err != nil {
		return nil, err
	}
	journey.RankAccounts(ps)
	for _, p := range ps {
		out = append(out, byID[p.AccountID])
	}
	return out, nil
}

// accountRows renders ranked accounts, one section each with a Card button.
func accountRows(ranked []rankedAccount, maxBlocks int) []slack.Block {
	var bs []slack.Block
	for i, ra := range ranked {
		if len(bs) == maxBlocks-1 {
			bs = append(bs, contextText(fmt.Sprintf("_… and %d more accounts: `/journey mine` lists them all_", len(ranked)-i)))
			break
		}
		stage := escape(ra.Position.StageName)
		if ra.Position.AtRisk() {
			stage += " :warning:"
		}
		line := fmt.Sprintf("*%d. %s* · %s · health %d · priority %d", i+1, escape(ra.Data.Account.Name), stage, ra.Health.Score, ra.Priority.Score)
		if ra.Priority.Class != "" {
			line += " · " + string(ra.Priority.Class)
		}
		why := ra.Priority.Sentence
		if ra.Position.AtRisk() {
			why = ra.Position.Risks[0].Sentence
		}
		line += "\n" + escape(truncate(why, 280))
		bs = append(bs, slack.NewSectionBlock(md(line), nil, slack.NewAccessory(button(ActionPickAccount, "Card", ra.Data.Account.ID))))
	}
	return bs
}

// homeView is App Home's "My day": the person's top actions, then their
// accounts ranked.
func (a *App) homeView(ctx context.Context, c caller) (slack.HomeTabViewRequest, error) {
	now := a.cfg.Now()
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, CallbackID: "home"}
	var bs []slack.Block
	if !c.Known {
		bs = append(bs, header("My day"), section(usageText),
			contextText("Journey does not know you as a rep, manager or CSM of this workspace yet; ask an admin to add you in the next import."))
		view.Blocks = slack.Blocks{BlockSet: bs}
		return view, nil
	}
	ranked, err := a.myBook(ctx, c)
	if err != nil {
		return view, err
	}
	prio := map[string]journey.Priority{}
	for _, ra := range ranked {
		prio[ra.Data.Account.ID] = ra.Priority
	}
	actions, err := a.store.ActionsFor(ctx, c.WS.ID, c.Person.ID, now)
	if err != nil {
		return view, err
	}
	top := journey.RankActions(actions, prio, now)
	bs = append(bs, header("My day"),
		section(fmt.Sprintf("Good %s, %s. %s", partOfDay(now, c.Person.TimeZone), escape(firstWord(c.Person.Name)), dayLine(len(top), len(ranked)))),
		slack.NewActionBlock("home_buttons", button(ActionRefreshHome, "Refresh", "refresh")))
	for i, ra := range top {
		if i == homeActions {
			bs = append(bs, contextText(fmt.Sprintf("_%d more actions wait after these._", len(top)-i)))
			break
		}
		bs = append(bs, slack.NewDividerBlock())
		bs = append(bs, actionBlocks(ra.Action, now, sendState{Mailing: a.mailing()})...)
	}
	bs = append(bs, slack.NewDividerBlock(), header("My accounts"))
	bs = append(bs, accountRows(ranked, maxViewBlocks-len(bs)-1)...)
	if len(ranked) == 0 {
		bs = append(bs, section("You own no accounts (as rep or CSM) yet."))
	}
	view.Blocks = slack.Blocks{BlockSet: bs}
	return view, nil
}

func dayLine(actions, accounts int) string {
	switch {
	case actions == 0:
		return fmt.Sprintf("Nothing waits on you right now across your %d accounts.", accounts)
	case actions > homeActions:
		return fmt.Sprintf("Here are the %d things that matter most today (of %d).", homeActions, actions)
	}
	return fmt.Sprintf("Here are the %d things that matter most today.", actions)
}

func partOfDay(now time.Time, tz string) string {
	if loc, err := time.LoadLocation(tz); err == nil {
		now = now.In(loc)
	}
	switch h := now.Hour(); {
	case h < 12:
		return "morning"
	case h < 18:
		return "afternoon"
	}
	return "evening"
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	return s
}

// publishHome derives and publishes the caller's Home tab.
func (a *App) publishHome(ctx context.Context, c caller) error {
	view, err := a.homeView(ctx, c)
	if err != nil {
		return err
	}
	if _, err := a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: c.UserID, View: view}); err != nil {
		return fmt.Errorf("publish home for %s: %w", c.UserID, err)
	}
	return nil
}

// handleHomeOpened refreshes "My day" whenever someone opens the Home tab.
func (a *App) handleHomeOpened(ctx context.Context, c caller, ev slackevents.EventsAPIInnerEvent) error {
	e, ok := ev.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok || e.Tab != "home" {
		return nil
	}
	return a.publishHome(ctx, c)
}

func (a *App) handleRefreshHome(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	return a.publishHome(ctx, c)
}

func (a *App) handleNothing(context.Context, caller, slack.InteractionCallback, slack.BlockAction, *responder) error {
	return nil
}

// propose stores suggested actions and asks for model drafts of the new ones.
func (a *App) propose(ctx context.Context, ws string, actions []journey.Action) error {
	ids, err := a.store.ProposeActions(ctx, ws, actions)
	if err != nil || len(ids) == 0 || a.cfg.Drafter == nil {
		return err
	}
	if err := a.cfg.Drafter.RequestDrafts(ctx, ws, ids); err != nil {
		a.log.Warn("could not queue drafts; the template drafts stay", "err", err)
	}
	return nil
}
