// Package mailsim is a local mail server on loopback (go-smtp) for the
// sandbox and the tests: it keeps what it accepts, and can refuse, fail for
// a while, go silent, or hold a message before answering.
package mailsim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one accepted email.
type Message struct {
	From      string
	To        []string // envelope recipients (To and Bcc)
	MessageID string
	Subject   string
	Body      string
	Raw       []byte
	At        time.Time
}

// Fault makes the server misbehave for the next messages.
type Fault struct {
	// Code and Text refuse the message after its data (e.g. 550 "mailbox
	// unavailable", 451 "try again later"); Times limits how many (0: all).
	Code  int
	Text  string
	Times int
	// Hold, when set, is called with each message after it was received and
	// before the server answers; the server answers (and keeps the message)
	// when Hold returns.
	Hold func(Message)
}

// Server is the local mail server.
type Server struct {
	srv *smtp.Server
	ln  net.Listener
	log *slog.Logger

	mu       sync.Mutex
	messages []Message
	fault    Fault
	aborted  int
	ended    int
	changed  chan struct{} // closed and replaced when a message is kept or a session ends
	now      func() time.Time
}

// Config sets up the server. Zero values take the documented defaults.
type Config struct {
	// Addr is where it listens; default "127.0.0.1:0" (any free port).
	Addr string
	// Log receives its logs; default slog.Default().
	Log *slog.Logger
	// Now stamps each accepted message (Message.At); default time.Now.
	Now func() time.Time
}

// Start listens on addr ("127.0.0.1:0" for any free port) with the
// default clock.
func Start(addr string, log *slog.Logger) (*Server, error) {
	return StartConfig(Config{Addr: addr, Log: log})
}

// StartConfig starts a server as cfg says.
func StartConfig(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	addr, log := cfg.Addr, cfg.Log
	s := &Server{log: log, now: cfg.Now, changed: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "mail.sandbox.local"
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mail server on %s: %w", addr, err)
	}
	s.srv, s.ln = srv, ln
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			log.Warn("mail server stopped", "err", err)
		}
	}()
	return s, nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the SMTP_URL that reaches the server.
func (s *Server) URL() string { return "smtp://" + s.Addr() + "?tls=none&timeout=5s" }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// SetFault makes the next messages fail or wait (the zero Fault clears it).
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// Messages returns the accepted emails, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Handler serves the accepted emails as JSON, newest last.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		type out struct {
			From      string    `json:"from"`
			To        []string  `json:"to"`
			MessageID string    `json:"message_id"`
			Subject   string    `json:"subject"`
			Body      string    `json:"body"`
			At        time.Time `json:"at"`
		}
		list := []out{}
		for _, m := range s.Messages() {
			list = append(list, out{m.From, m.To, m.MessageID, m.Subject, m.Body, m.At})
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"ok": true, "emails": list})
	})
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor waits until cond holds or ctx ends; cond is checked again each
// time a message is kept or a session ends, and runs without the server's
// lock (it may call Messages).
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("mailsim: condition not met: %w", ctx.Err())
		}
	}
}

// Sessions counts the client sessions that have ended (the client quit or
// hung up): once a session has ended, whatever it delivered is in Messages.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}

// Aborted counts messages whose sender hung up before finishing them.
func (s *Server) Aborted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aborted
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset() { x.from, x.to = "", nil }
func (x *session) Logout() error {
	x.s.mu.Lock()
	x.s.ended++
	x.s.notifyLocked()
	x.s.mu.Unlock()
	return nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !strings.Contains(to, "@") {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "bad recipient address"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		// the client hung up (or the line dropped) before the final "."
		x.s.mu.Lock()
		x.s.aborted++
		x.s.mu.Unlock()
		return err
	}
	m := Message{From: x.from, To: append([]string(nil), x.to...), Raw: raw, At: x.s.now()}
	if parsed, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.MessageID = strings.Trim(parsed.Header.Get("Message-Id"), "<>")
		dec := new(mime).decode
		m.Subject = dec(parsed.Header.Get("Subject"))
		body, _ := io.ReadAll(parsed.Body)
		m.Body = decodeBody(parsed.Header.Get("Content-Transfer-Encoding"), body)
	}
	x.s.mu.Lock()
	f := x.s.fault
	if f.Code != 0 && f.Times > 0 {
		x.s.fault.Times--
		if x.s.fault.Times == 0 {
			x.s.fault = Fault{}
		}
	}
	x.s.mu.Unlock()
	if f.Hold != nil {
		f.Hold(m)
	}
	if f.Code != 0 {
		x.s.log.Info("mail refused", "to", m.To, "code", f.Code)
		return &smtp.SMTPError{Code: f.Code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: f.Text}
	}
	x.s.mu.Lock()
	x.s.messages = append(x.s.messages, m)
	x.s.notifyLocked()
	x.s.mu.Unlock()
	x.s.log.Info("mail accepted", "from", m.From, "to", m.To, "subject", m.Subject, "message_id", m.MessageID)
	return nil
}
