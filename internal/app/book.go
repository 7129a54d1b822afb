package app

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// Ranked is the book of a workspace ranked by priority, with the names of
// the people it mentions.
type Ranked struct {
	Accounts []journey.Derived
	Names    map[string]string // person id → name
}

// RankBook derives every account of workspace ws at now (only those owned or
// looked after by ownerRef, an email or a Slack user id, when given) and
// ranks them: deals closing this month first, then by priority.
func RankBook(ctx context.Context, s *store.Store, ws, ownerRef string, now time.Time) (Ranked, error) {
	book, err := s.LoadBook(ctx, ws, now)
	if err != nil {
		return Ranked{}, err
	}
	defs, err := s.Definitions(ctx, ws)
	if err != nil {
		return Ranked{}, err
	}
	people, err := s.People(ctx, ws)
	if err != nil {
		return Ranked{}, err
	}
	var only string
	names := map[string]string{}
	for _, p := range people {
		names[p.ID] = p.Name
		if ownerRef != "" && (strings.EqualFold(p.Email, ownerRef) || p.SlackUserID == ownerRef) {
			only = p.ID
		}
	}
	if ownerRef != "" && only == "" {
		return Ranked{}, journey.Errorf(journey.ENOTFOUND, "no person with email or Slack user id %q", ownerRef)
	}
	mine := book[:0:0]
	for _, data := range book {
		if only == "" || data.Account.OwnerID == only || data.Account.CSMID == only {
			mine = append(mine, data)
		}
	}
	ranked := journey.DeriveBook(defs, mine, now)
	journey.RankBook(ranked)
	return Ranked{Accounts: ranked, Names: names}, nil
}

// DefinitionToExport is the stored journey named key at version (0: the
// newest); with no key, the workspace's only journey.
func DefinitionToExport(ctx context.Context, s *store.Store, ws, key string, version int) (journey.Definition, error) {
	if key == "" {
		defs, err := s.Definitions(ctx, ws)
		if err != nil {
			return journey.Definition{}, err
		}
		if len(defs) != 1 {
			var keys []string
			for _, d := range defs {
				keys = append(keys, d.Key)
			}
			sort.Strings(keys)
			return journey.Definition{}, journey.Errorf(journey.EINVALID, "say which journey to export: %s", strings.Join(keys, ", "))
		}
		key = defs[0].Key
	}
	return s.Definition(ctx, ws, key, version)
}

// Publish stores def as the newest version of its journey; the earlier
// versions stay for history.
func Publish(ctx context.Context, s *store.Store, ws string, def journey.Definition) (journey.Definition, error) {
	var saved journey.Definition
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		saved, err = tx.SaveDefinition(ctx, ws, def)
		return err
	})
	return saved, err
}
