package hubspot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// entityOf is the Journey record each object type becomes, and the name its
// changes' external ids use.
var entityOf = map[string]struct{ entity, key string }{
	"companies": {"account", "company"},
	"contacts":  {"contact", "contact"},
	"deals":     {"deal", "deal"},
}

// syncArchived pages through objectType's archived (deleted) records — the
// search never returns them — and marks the Journey records they became
// archived, each with one change saying so. Records archived already are
// left alone, so a re-run writes nothing.
func (s *Syncer) syncArchived(ctx context.Context, objectType string) error {
	after := ""
	for {
		objs, next, err := s.Client.ListArchived(ctx, objectType, after)
		if err != nil {
			return err
		}
		items := make([]store.ArchiveItem, 0, len(objs))
		for _, o := range objs {
			at := o.ArchivedAt
			if at.IsZero() {
				at = firstTime(o.UpdatedAt, s.Now())
			}
			items = append(items, store.ArchiveItem{ExternalID: o.ID, At: at})
		}
		if len(items) > 0 {
			if err := s.Store.InTx(ctx, func(tx *store.Tx) error {
				return s.archive(ctx, tx, objectType, items, func(string) string { return "deleted in HubSpot" })
			}); err != nil {
				return err
			}
		}
		if next == "" || len(objs) == 0 {
			return nil
		}
		after = next
	}
}

// archive marks the records of objectType with these HubSpot ids archived
// and records a change for each one that was alive; what names the change's
// new value.
func (s *Syncer) archive(ctx context.Context, tx *store.Tx, objectType string, items []store.ArchiveItem, what func(id string) string) error {
	e := entityOf[objectType]
	done, err := tx.ArchiveByExternal(ctx, s.WS, Source, e.entity, items)
	if err != nil {
		return err
	}
	err = s.addArchivedChanges(ctx, tx, objectType, done, "archived", func(a store.Archived) journey.Change {
		return journey.Change{New: what(a.ExternalID), At: a.At}
	})
	if err != nil {
		return err
	}
	if len(done) > 0 {
		s.rep.Archived[objectType] += len(done)
	}
	return nil
}

// restore brings back the archived Journey records of objs, which HubSpot
// lists alive again (restored from its recycling bin), each with one change
// saying so at the record's modification time.
func (s *Syncer) restore(ctx context.Context, tx *store.Tx, objectType string, objs []Object) error {
	e := entityOf[objectType]
	ids := make([]string, len(objs))
	at := make(map[string]time.Time, len(objs))
	for i, o := range objs {
		ids[i], at[o.ID] = o.ID, modified(o)
	}
	back, err := tx.Unarchive(ctx, s.WS, Source, e.entity, ids)
	if err != nil || len(back) == 0 {
		return err
	}
	err = s.addArchivedChanges(ctx, tx, objectType, back, "restored", func(a store.Archived) journey.Change {
		return journey.Change{Old: "archived", New: "restored in HubSpot", At: at[a.ExternalID]}
	})
	if err != nil {
		return err
	}
	s.rep.Restored[objectType] += len(back)
	return nil
}

// addArchivedChanges records for each of recs the change of its "archived"
// field that event ("archived" or "restored") made; change gives the
// values and time, and the record fills in the rest. The change's external
// id holds the event and its time, so a re-run adds none twice.
func (s *Syncer) addArchivedChanges(ctx context.Context, tx *store.Tx, objectType string, recs []store.Archived, event string,
	change func(store.Archived) journey.Change) error {
	e := entityOf[objectType]
	rows := make([]store.ChangeRow, 0, len(recs))
	for _, a := range recs {
		c := change(a)
		c.AccountID, c.Entity, c.EntityID, c.Field, c.ActorName, c.Source = a.AccountID, e.entity, a.ID, "archived", "HubSpot", Source
		if e.entity == "deal" {
			c.DealID = a.ID
		}
		rows = append(rows, store.ChangeRow{ExternalID: fmt.Sprintf("%s:%s:%s:%d", e.key, a.ExternalID, event, c.At.UnixMilli()), Change: c})
	}
	added, err := tx.AddChanges(ctx, s.WS, rows)
	s.rep.Changes += len(added)
	return err
}

// archiveMerged marks archived the Journey records of HubSpot records merged
// into one of objs (listed in its hs_merged_object_ids) that live on apart
// from it — those the surviving record did not take over. HubSpot lists
// them neither in searches nor among the archived records.
func (s *Syncer) archiveMerged(ctx context.Context, tx *store.Tx, objectType string, objs []Object, keptBy func(mergedID string) bool) error {
	var items []store.ArchiveItem
	into := map[string]string{}
	for _, o := range objs {
		for _, m := range splitIDs(o.Prop("hs_merged_object_ids")) {
			if m == o.ID || keptBy(m) {
				continue
			}
			if _, seen := into[m]; !seen {
				into[m] = o.ID
				items = append(items, store.ArchiveItem{ExternalID: m, At: modified(o)})
			}
		}
	}
	if len(items) == 0 {
		return nil
	}
	return s.archive(ctx, tx, objectType, items, func(id string) string { return "merged into HubSpot record " + into[id] })
}

// archivedLine says how many records the run found archived in HubSpot.
func (r Report) archivedLine() string {
	var parts []string
	for _, k := range []string{"companies", "contacts", "deals"} {
		if n := r.Archived[k]; n > 0 {
			parts = append(parts, k+" "+strconv.Itoa(n))
		}
	}
	line := ""
	if len(parts) > 0 {
		line = "\ndeleted or merged in HubSpot, now archived: " + strings.Join(parts, ", ")
	}
	parts = nil
	for _, k := range []string{"companies", "contacts", "deals"} {
		if n := r.Restored[k]; n > 0 {
			parts = append(parts, k+" "+strconv.Itoa(n))
		}
	}
	if len(parts) > 0 {
		line += "\nrestored in HubSpot, no longer archived: " + strings.Join(parts, ", ")
	}
	return line
}
