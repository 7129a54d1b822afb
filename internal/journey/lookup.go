package journey

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// legalSuffixes are dropped when names are compared: "Acme Corp." and
// "acme" are the same account.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "ltd": true, "limited": true, "llc": true, "llp": true,
	"corp": true, "corporation": true, "co": true, "company": true, "gmbh": true, "ag": true,
	"plc": true, "sa": true, "sas": true, "bv": true, "nv": true, "pty": true, "srl": true, "oy": true, "ab": true,
}

// NameKey normalises a company name for forgiving lookup: lower case, no
// punctuation, no legal suffixes such as Inc, Ltd or Corp, and no leading
// "the". A name made only of such words keeps them.
func NameKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '&':
			b.WriteString(" and ")
		case r == '\'' || r == '’' || r == '.':
			// "Macy's" → "macys", "A.C.M.E." → "acme"
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	kept := make([]string, 0, len(words))
	for i, w := range words {
		if legalSuffixes[w] && i > 0 {
			continue
		}
		if w == "the" && i == 0 && len(words) > 1 {
			continue
		}
		kept = append(kept, w)
	}
	if len(kept) == 0 {
		kept = words
	}
	return strings.Join(kept, " ")
}

// NamedRef is an account's id and name, for lookups.
type NamedRef struct {
	ID   string
	Name string
}

// Match finds the accounts a person meant by query. Exact matches of the
// normalised name win; otherwise names that start with the query, then
// names whose words contain it. It returns nil when nothing matches; use
// Nearest for suggestions then.
func Match(refs []NamedRef, query string) []NamedRef {
	return NewNameIndex(refs).Match(query)
}

// NameIndex is a list of accounts with their normalised names computed
// once, for repeated lookups.
type NameIndex struct {
	refs []NamedRef
	keys []string
}

// NewNameIndex indexes refs for Match and Nearest.
func NewNameIndex(refs []NamedRef) *NameIndex {
	ix := &NameIndex{refs: refs, keys: make([]string, len(refs))}
	for i, r := range refs {
		ix.keys[i] = NameKey(r.Name)
	}
	return ix
}

// Refs returns the indexed accounts.
func (ix *NameIndex) Refs() []NamedRef { return ix.refs }

// Match is the package's Match over the index.
func (ix *NameIndex) Match(query string) []NamedRef {
	q := NameKey(query)
	if q == "" {
		return nil
	}
	var exact, prefix, word, contains []NamedRef
	for i, r := range ix.refs {
		k := ix.keys[i]
		switch {
		case k == q:
			exact = append(exact, r)
		case strings.HasPrefix(k, q):
			prefix = append(prefix, r)
		case strings.HasPrefix(" "+k, " "+q) || strings.Contains(" "+k+" ", " "+q+" "):
			word = append(word, r)
		case len(q) >= 3 && strings.Contains(k, q):
			contains = append(contains, r)
		}
	}
	if len(exact) > 1 {
		// "Blue Labs Inc" and "Blue Labs GmbH" share a key: the full name
		// as typed picks one
		var same []NamedRef
		for _, r := range exact {
			if strings.EqualFold(strings.Join(strings.Fields(r.Name), " "), strings.Join(strings.Fields(query), " ")) {
				same = append(same, r)
			}
		}
		if len(same) == 1 {
			return same
		}
	}
	for _, set := range [][]NamedRef{exact, prefix, word, contains} {
		if len(set) > 0 {
			sort.SliceStable(set, func(i, j int) bool { return set[i].Name < set[j].Name })
			return set
		}
	}
	return nil
}

// Nearest returns up to n names closest to query by edit distance of their
// normalised forms, for "did you mean" suggestions. Names too far away to be
// a plausible typo are left out.
func Nearest(refs []NamedRef, query string, n int) []NamedRef {
	return NewNameIndex(refs).Nearest(query, n)
}

// Nearest is the package's Nearest over the index.
func (ix *NameIndex) Nearest(query string, n int) []NamedRef {
	q := NameKey(query)
	type scored struct {
		ref  NamedRef
		dist int
	}
	var all []scored
	for i, r := range ix.refs {
		k := ix.keys[i]
		d := editDistance(q, k)
		// compare with the first word too: "acne" is close to "acme widgets"
		if f := strings.Fields(k); len(f) > 1 {
			d = min(d, editDistance(q, f[0])+1)
		}
		limit := max(2, len([]rune(q))/2)
		if d <= limit {
			all = append(all, scored{r, d})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].dist != all[j].dist {
			return all[i].dist < all[j].dist
		}
		return all[i].ref.Name < all[j].ref.Name
	})
	out := make([]NamedRef, 0, n)
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].ref)
	}
	return out
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Resolve turns a forgiving account name into one account, or explains why
// it cannot: several matches are listed (ECONFLICT), none suggests the
// nearest names (ENOTFOUND).
func Resolve(refs []NamedRef, query string) (NamedRef, error) {
	matches := Match(refs, query)
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		near := Nearest(refs, query, 3)
		if len(near) == 0 {
			return NamedRef{}, Errorf(ENOTFOUND, "no account matches %q (there are %d accounts; `bot accounts` lists them)", query, len(refs))
		}
		var names []string
		for _, n := range near {
			names = append(names, fmt.Sprintf("%q", n.Name))
		}
		return NamedRef{}, Errorf(ENOTFOUND, "no account matches %q; did you mean %s?", query, strings.Join(names, " or "))
	}
	var names []string
	for _, m := range matches {
		names = append(names, "  "+m.Name)
	}
	return NamedRef{}, Errorf(ECONFLICT, "%q matches %d accounts; say which:\n%s", query, len(matches), strings.Join(names, "\n"))
}
