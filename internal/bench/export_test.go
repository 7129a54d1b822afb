package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/history"
	"github.com/journeyhq/journey/internal/template"
)

// exportMessages is the size of the generated leadership channel.
const exportMessages = 200_000

var exportTexts = []string{
	"Pipeline review moved to Thursday, same link.",
	"Can someone check the renewal date for Globex? CS says June, CRM says July.",
	"Our stages, as agreed:\n1. Discovery — pain + champion\n2. Demo\n3. Proposal\n4. Closed won\n5. Onboarding\n6. Renewal",
	"Handoff happens at signature; the AE sends the handoff doc the same day.",
	"Handoff should be at kickoff, not signature. CS owns onboarding.",
	"Discovery → Demo → Security review → Proposal → Handoff",
	"Onboarding is done when:\n- kickoff held\n- admin configured\n- first value within 14 days",
	"Great quarter everyone :tada: thanks for the push on the last two weeks.",
	"Who has the deck from the board meeting? <https://example.com/deck|deck>",
	"Reminder: forecast call at 9 tomorrow, bring your commits and best cases.",
}

// writeExport writes a Slack export with one channel of n messages by 40
// people, spread over days files of perDay messages each (one file when
// perDay >= n), with every tenth message a thread reply.
func writeExport(b *testing.B, dir string, n, perDay int) int64 {
	b.Helper()
	users := make([]map[string]any, 40)
	for i := range users {
		users[i] = map[string]any{"id": fmt.Sprintf("U%04d", i), "name": fmt.Sprintf("leader%d", i), "real_name": fmt.Sprintf("Leader %d", i)}
	}
	write := func(name string, v any) {
		data, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("users.json", users)
	write("channels.json", []map[string]any{{"id": "CLEAD", "name": "leadership"}})
	if err := os.MkdirAll(filepath.Join(dir, "leadership"), 0o755); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(6, 200_000))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var total int64
	var f *os.File
	var w *bufio.Writer
	closeDay := func() {
		if f == nil {
			return
		}
		w.WriteString("\n]\n")
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		st, _ := f.Stat()
		total += st.Size()
		f.Close()
		f = nil
	}
	parent := ""
	for i := 0; i < n; i++ {
		if i%perDay == 0 {
			closeDay()
			day := start.AddDate(0, 0, i/perDay)
			var err error
			f, err = os.Create(filepath.Join(dir, "leadership", day.Format("2006-01-02")+".json"))
			if err != nil {
				b.Fatal(err)
			}
			w = bufio.NewWriterSize(f, 1<<16)
			w.WriteString("[\n")
		} else {
			w.WriteString(",\n")
		}
		at := start.AddDate(0, 0, i/perDay).Add(time.Duration(i%perDay) * time.Second)
		ts := fmt.Sprintf("%d.%06d", at.Unix(), i%1_000_000)
		m := map[string]any{"type": "message", "user": fmt.Sprintf("U%04d", rng.IntN(40)), "text": exportTexts[rng.IntN(len(exportTexts))], "ts": ts}
		if i%10 == 5 && parent != "" {
			m["thread_ts"] = parent
		} else if i%10 == 0 {
			parent = ts
		}
		data, _ := json.Marshal(m)
		w.Write(data)
	}
	closeDay()
	return total
}

// BenchmarkExport reads a generated 200,000-message channel from a Slack
// export and proposes a journey from it: messages read per second, and the
// peak heap, for the channel spread over 400 day files and crammed into one
// 200,000-message day file (the worst case for a reader that loads a file
// whole).
func BenchmarkExport(b *testing.B) {
	for _, c := range []struct {
		name   string
		perDay int
	}{{"days", 500}, {"one-file", exportMessages}} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			size := writeExport(b, dir, exportMessages, c.perDay)
			templates := template.Builtin()
			b.ResetTimer()
			for range b.N {
				// reading alone
				runtime.GC()
				peakRead := sampleHeap()
				t0 := time.Now()
				e, err := history.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				if _, err := e.Read(nil, time.Time{}, time.Time{}, func(bootstrap.Message) error { n++; return nil }); err != nil {
					b.Fatal(err)
				}
				e.Close()
				readOnly := time.Since(t0)
				readPeak := peakRead()
				b.ReportMetric(float64(n)/readOnly.Seconds(), "read-msgs/s")
				b.Logf("%s: read alone: %d messages in %s: %.0f messages/s; heap peak %.1f MiB",
					c.name, n, readOnly.Round(time.Millisecond), float64(n)/readOnly.Seconds(), mib(readPeak))

				// reading and proposing
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				peak := sampleHeap()
				t0 = time.Now()
				e, err = history.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				s := bootstrap.NewSuggester(templates)
				st, err := e.Read(nil, time.Time{}, time.Time{}, func(m bootstrap.Message) error { s.Add(m); return nil })
				if err != nil {
					b.Fatal(err)
				}
				p := s.Proposal()
				e.Close()
				elapsed := time.Since(t0)
				peakHeap := peak()
				if st.Messages != exportMessages || len(p.Definition.Stages) == 0 {
					b.Fatalf("read %d messages, %d stages", st.Messages, len(p.Definition.Stages))
				}
				rate := float64(st.Messages) / elapsed.Seconds()
				b.ReportMetric(rate, "msgs/s")
				b.ReportMetric(mib(peakHeap), "peak-heap-MiB")
				b.Logf("%s: %d messages in %d files (%.0f MiB of JSON) read and proposed in %s: %.0f messages/s; heap peak %.1f MiB (%.1f MiB before); %d stages, %d disagreements",
					c.name, st.Messages, st.Files, mib(uint64(size)), elapsed.Round(time.Millisecond), rate, mib(peakHeap), mib(before.HeapAlloc),
					len(p.Definition.Stages), len(p.Disagreements))
			}
		})
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
