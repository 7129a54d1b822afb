package history

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/journey"
)

// Export is an opened Slack workspace export: users.json, channels.json
// (and groups.json for private channels, if exported) and one folder per
// channel of CHANNEL/YYYY-MM-DD.json day files.
type Export struct {
	// Name is the path it was opened from.
	Name string
	// Channels lists the export's channels in channels.json order.
	Channels []ExportChannel
	// BaseURL, when set ("https://acme.slack.com/"), makes permalinks.
	BaseURL string

	fsys   fs.FS
	users  map[string]string // id -> display name
	closer io.Closer
}

// ExportChannel is one channel of an export.
type ExportChannel struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Private bool   `json:"-"`
}

// FileError is a day file (or a list file) that could not be read whole:
// corrupt or truncated JSON. Messages before the damage were read.
type FileError struct {
	File string // path inside the export, e.g. general/2015-07-17.json
	Read int    // messages of the file read before the damage
	Err  error
}

func (e *FileError) Error() string {
	if e.Read > 0 {
		return fmt.Sprintf("%s: %v (the %d messages before it were read)", e.File, e.Err, e.Read)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Open opens an export at path: a .zip file or a folder.
func Open(p string) (*Export, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, journey.Errorf(journey.EINVALID, "cannot open the export %s: %v", p, err)
	}
	e := &Export{Name: p}
	if st.IsDir() {
		e.fsys = os.DirFS(p)
	} else {
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, journey.Errorf(journey.EINVALID, "%s is not a readable Slack export zip (%v); is it truncated? Download it again, or unzip it and pass the folder", p, err)
		}
		e.closer = zr
		e.fsys = zr
		// some exports wrap everything in one top folder
		if _, err := fs.Stat(zr, "channels.json"); err != nil {
			if entries, err := fs.ReadDir(zr, "."); err == nil && len(entries) == 1 && entries[0].IsDir() {
				if sub, err := fs.Sub(zr, entries[0].Name()); err == nil {
					e.fsys = sub
				}
			}
		}
	}
	if err := e.readLists(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Close releases the zip file, if any.
func (e *Export) Close() error {
	if e.closer != nil {
		return e.closer.Close()
	}
	return nil
}

func (e *Export) readLists() error {
	e.users = map[string]string{}
	var users []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		RealName string `json:"real_name"`
		Profile  struct {
			DisplayName string `json:"display_name"`
			RealName    string `json:"real_name"`
		} `json:"profile"`
	}
	if err := e.readJSON("users.json", &users, false); err != nil {
		return err
	}
	for _, u := range users {
		e.users[u.ID] = firstNonEmpty(u.RealName, u.Profile.RealName, u.Profile.DisplayName, u.Name)
	}
	var chans []ExportChannel
	if err := e.readJSON("channels.json", &chans, true); err != nil {
		return err
	}
	var groups []ExportChannel
	if err := e.readJSON("groups.json", &groups, false); err != nil {
		return err
	}
	for i := range groups {
		groups[i].Private = true
	}
	e.Channels = append(chans, groups...)
	return nil
}

// readJSON decodes a list file; a missing optional file is no error.
func (e *Export) readJSON(name string, v any, required bool) error {
	f, err := e.fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		if required {
			return journey.Errorf(journey.EINVALID, "%s has no %s: is it a Slack workspace export?", e.Name, name)
		}
		return nil
	} else if err != nil {
		return &FileError{File: name, Err: err}
	}
	defer f.Close()
	if err := json.NewDecoder(f).Decode(v); err != nil {
		return journey.Errorf(journey.EINVALID, "%s: %s is not valid JSON (%v): the export is corrupt or truncated", e.Name, name, err)
	}
	return nil
}

// Channel finds a channel by name (with or without '#') or id.
func (e *Export) Channel(q string) (ExportChannel, bool) {
	q = strings.TrimPrefix(strings.TrimSpace(q), "#")
	for _, c := range e.Channels {
		if c.ID == q || strings.EqualFold(c.Name, q) {
			return c, true
		}
	}
	return ExportChannel{}, false
}

// ReadStats counts what Read read.
type ReadStats struct {
	Channels int
	Files    int
	Messages int
	// Problems are the files that were damaged; reading went on past them.
	Problems []*FileError
}

var dayFile = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}\.json$`)

// Read streams the messages of the named channels (all when none are
// named), channel by channel in the order given, day files in date order,
// to fn. A damaged day file is reported in ReadStats.Problems and reading
// goes on with the next; an unknown channel name, or an error from fn,
// stops it. Messages outside [oldest, latest) are skipped when those are set.
func (e *Export) Read(channels []string, oldest, latest time.Time, fn func(bootstrap.Message) error) (ReadStats, error) {
	var st ReadStats
	var chans []ExportChannel
	if len(channels) == 0 {
		chans = e.Channels
	}
	for _, q := range channels {
		c, ok := e.Channel(q)
		if !ok {
			var names []string
			for _, c := range e.Channels {
				names = append(names, c.Name)
			}
			return st, journey.Errorf(journey.ENOTFOUND, "the export has no channel %q; it has: %s", q, strings.Join(names, ", "))
		}
		chans = append(chans, c)
	}
	for _, c := range chans {
		entries, err := fs.ReadDir(e.fsys, c.Name)
		if errors.Is(err, fs.ErrNotExist) {
			st.Channels++
			continue // a channel with no messages has no folder
		} else if err != nil {
			return st, fmt.Errorf("list %s: %w", c.Name, err)
		}
		var days []string
		for _, d := range entries {
			if !d.IsDir() && dayFile.MatchString(d.Name()) {
				days = append(days, d.Name())
			}
		}
		slices.Sort(days)
		st.Channels++
		for _, day := range days {
			if !oldest.IsZero() || !latest.IsZero() {
				if t, err := time.Parse("2006-01-02", strings.TrimSuffix(day, ".json")); err == nil {
					if !oldest.IsZero() && t.Add(24*time.Hour).Before(oldest) || !latest.IsZero() && !t.Before(latest) {
						continue
					}
				}
			}
			name := path.Join(c.Name, day)
			n, err := e.readDay(name, c, oldest, latest, fn)
			st.Files++
			st.Messages += n
			var fe *FileError
			if errors.As(err, &fe) {
				st.Problems = append(st.Problems, fe)
				continue
			} else if err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// exportMessage is the part of a message Journey reads.
type exportMessage struct {
	Type     string `json:"type"`
	Subtype  string `json:"subtype"`
	User     string `json:"user"`
	Username string `json:"username"`
	BotID    string `json:"bot_id"`
	Text     string `json:"text"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"`
	Profile  *struct {
		RealName string `json:"real_name"`
	} `json:"user_profile"`
}

// readDay streams one day file: a JSON array read element by element, so
// memory stays flat however long the day. fn errors are returned as they are.
func (e *Export) readDay(name string, c ExportChannel, oldest, latest time.Time, fn func(bootstrap.Message) error) (int, error) {
	f, err := e.fsys.Open(name)
	if err != nil {
		return 0, &FileError{File: name, Err: err}
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	tok, err := dec.Token()
	if err != nil {
		return 0, &FileError{File: name, Err: fmt.Errorf("not JSON: %w", eofIsTruncated(err))}
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return 0, &FileError{File: name, Err: fmt.Errorf("expected a list of messages, found %v", tok)}
	}
	n := 0
	for dec.More() {
		var m exportMessage
		if err := dec.Decode(&m); err != nil {
			return n, &FileError{File: name, Read: n, Err: fmt.Errorf("message %d: %w", n+1, eofIsTruncated(err))}
		}
		if m.TS == "" {
			continue
		}
		at := tsTime(m.TS)
		if !oldest.IsZero() && at.Before(oldest) || !latest.IsZero() && !at.Before(latest) {
			continue
		}
		bm := bootstrap.Message{Channel: c.ID, ChannelName: c.Name, TS: m.TS, ThreadTS: m.ThreadTS, User: m.User,
			UserName: e.users[m.User], Text: m.Text, Subtype: m.Subtype, At: at}
		if bm.Subtype == "" && m.BotID != "" {
			bm.Subtype = "bot_message"
		}
		if bm.UserName == "" && m.Profile != nil {
			bm.UserName = m.Profile.RealName
		}
		if bm.UserName == "" {
			bm.UserName = m.Username
		}
		bm.Permalink = bootstrap.Permalink(e.BaseURL, c.ID, m.TS, m.ThreadTS)
		if err := fn(bm); err != nil {
			return n, err
		}
		n++
	}
	if _, err := dec.Token(); err != nil {
		return n, &FileError{File: name, Read: n, Err: fmt.Errorf("after message %d: %w", n, eofIsTruncated(err))}
	}
	return n, nil
}

func eofIsTruncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the file ends in the middle (truncated)")
	}
	return err
}

// tsTime turns a Slack ts ("1433558207.760577") into a time.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000).UTC()
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
