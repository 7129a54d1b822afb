package history_test

import (
	"archive/zip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/history"
	"github.com/journeyhq/journey/internal/journey"
)

// realExport is part of a public workspace export (houstondatavis, 2016;
// see its SOURCE.md): channels.json lists 16 channels, and the day files
// of three of them are kept (general, meetup-, meetup): 176 day files,
// 625 messages. The 13 channels without a folder read as channels with no
// messages.
const realExport = "testdata/slack-export-houstondatavis"

func TestReadsTheRealExport(t *testing.T) {
	t.Parallel()
	e, err := history.Open(realExport)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if len(e.Channels) != 16 {
		t.Errorf("channels = %d, want 16", len(e.Channels))
	}
	var n int
	users := map[string]bool{}
	var last bootstrap.Message
	st, err := e.Read(nil, time.Time{}, time.Time{}, func(m bootstrap.Message) error {
		n++
		if m.UserName != "" {
			users[m.UserName] = true
		}
		if m.ChannelName == last.ChannelName && m.At.Before(last.At.Add(-24*time.Hour)) {
			t.Errorf("%s: %s comes after %s", m.ChannelName, m.TS, last.TS)
		}
		last = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 625 || st.Messages != 625 || st.Files != 176 || st.Channels != 16 || len(st.Problems) != 0 {
		t.Errorf("read %d messages (stats %+v), want 625 in 176 files of 16 channels without problems", n, st)
	}
	if len(users) < 20 {
		t.Errorf("only %d authors have names from users.json", len(users))
	}
	// one channel, by name with '#', and the trailing-dash folder
	var general, dash int
	if _, err := e.Read([]string{"#general", "meetup-"}, time.Time{}, time.Time{}, func(m bootstrap.Message) error {
		if m.ChannelName == "general" {
			general++
		} else {
			dash++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if general == 0 || dash == 0 {
		t.Errorf("general %d, meetup- %d messages", general, dash)
	}
	_, err = e.Read([]string{"sales-leadership"}, time.Time{}, time.Time{}, func(bootstrap.Message) error { return nil })
	if journey.ErrorCode(err) != journey.ENOTFOUND || !strings.Contains(err.Error(), "general") {
		t.Errorf("unknown channel: %v, want a not-found error listing the channels", err)
	}
}

func TestTimeWindow(t *testing.T) {
	t.Parallel()
	e, err := history.Open(realExport)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	from, to := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2016, 4, 1, 0, 0, 0, 0, time.UTC)
	var n int
	if _, err := e.Read(nil, from, to, func(m bootstrap.Message) error {
		n++
		if m.At.Before(from) || !m.At.Before(to) {
			t.Errorf("%s at %s is outside the window", m.TS, m.At)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n == 0 || n >= 625 {
		t.Errorf("read %d messages in Q1 2016", n)
	}
}

// copyExport copies the real export to a temp folder.
func copyExport(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(realExport, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(realExport, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestTruncatedDayFileKeepsTheRest(t *testing.T) {
	t.Parallel()
	dir := copyExport(t)
	day := filepath.Join(dir, "general", "2015-06-05.json")
	b, err := os.ReadFile(day)
	if err != nil {
		t.Fatal(err)
	}
	// cut the file in the middle of its third message
	idx := strings.Index(string(b), `"ts"`)
	idx = strings.Index(string(b)[idx+1:], `"ts"`) + idx + 1
	idx = strings.Index(string(b)[idx+1:], `"ts"`) + idx + 1
	if err := os.WriteFile(day, b[:idx], 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := history.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	st, err := e.Read([]string{"general"}, time.Time{}, time.Time{}, func(bootstrap.Message) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Problems) != 1 {
		t.Fatalf("problems = %v, want the one truncated file", st.Problems)
	}
	p := st.Problems[0]
	msg := p.Error()
	if p.File != "general/2015-06-05.json" || p.Read != 2 || !strings.Contains(msg, "truncated") || !strings.Contains(msg, "2 messages before it were read") {
		t.Errorf("problem = %q (file %s, read %d)", msg, p.File, p.Read)
	}
	var whole int
	e2, _ := history.Open(realExport)
	defer e2.Close()
	if _, err := e2.Read([]string{"general"}, time.Time{}, time.Time{}, func(bootstrap.Message) error { whole++; return nil }); err != nil {
		t.Fatal(err)
	}
	if cut := whole - n; cut < 1 {
		t.Errorf("read %d of %d messages: the truncated file lost nothing?", n, whole)
	}
	if n < whole-10 {
		t.Errorf("read %d of %d: more than the damaged file was lost", n, whole)
	}
}

func TestCorruptExport(t *testing.T) {
	t.Parallel()
	dir := copyExport(t)
	if err := os.WriteFile(filepath.Join(dir, "channels.json"), []byte(`[{"id": "C1", "name": `), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := history.Open(dir)
	if journey.ErrorCode(err) != journey.EINVALID || !strings.Contains(err.Error(), "channels.json") || !strings.Contains(err.Error(), "corrupt or truncated") {
		t.Errorf("corrupt channels.json: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "channels.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := history.Open(dir); err == nil || !strings.Contains(err.Error(), "is it a Slack workspace export") {
		t.Errorf("no channels.json: %v", err)
	}
	if _, err := history.Open(filepath.Join(dir, "nope.zip")); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("missing file: %v", err)
	}
}

// zipExport zips the real export, optionally in a top folder.
func zipExport(t *testing.T, top string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export.zip")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(realExport, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(realExport, p)
		w, err := zw.Create(filepath.ToSlash(filepath.Join(top, rel)))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return out
}

func TestZipExport(t *testing.T) {
	t.Parallel()
	for _, top := range []string{"", "houstondatavis Slack export"} {
		path := zipExport(t, top)
		e, err := history.Open(path)
		if err != nil {
			t.Fatalf("top %q: %v", top, err)
		}
		var n int
		if _, err := e.Read(nil, time.Time{}, time.Time{}, func(bootstrap.Message) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		e.Close()
		if n != 625 {
			t.Errorf("top %q: read %d messages from the zip, want 625", top, n)
		}
	}
	// a zip cut in half has no central directory
	path := zipExport(t, "")
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := history.Open(path)
	if journey.ErrorCode(err) != journey.EINVALID || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated zip: %v", err)
	}
}

func TestCallbackErrorStops(t *testing.T) {
	t.Parallel()
	e, err := history.Open(realExport)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	stop := errors.New("stop")
	n := 0
	_, err = e.Read(nil, time.Time{}, time.Time{}, func(bootstrap.Message) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("err %v after %d messages", err, n)
	}
}
