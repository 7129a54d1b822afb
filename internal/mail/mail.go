// Package mail sends approved follow-ups over SMTP. It composes and speaks
// SMTP with go-mail, and tells its caller the one moment that matters for
// sending exactly once: just before the final "." of DATA, after which the
// server may have the message even if no reply ever comes back.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config says how to reach the mail server.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS is "starttls" (required), "opportunistic" (STARTTLS when offered),
	// "tls" (implicit TLS, smtps) or "none".
	TLS string
	// From, when set, is the address every email is sent from, with the rep's
	// name shown and their address as Reply-To; otherwise emails are sent
	// from the rep's own address.
	From string
	// Timeout bounds connecting and each step of the conversation.
	Timeout time.Duration
}

// ParseURL reads SMTP_URL: smtp://USER:PASS@HOST:PORT (STARTTLS when the
// server offers it), smtp://…?tls=required|none, or smtps://HOST:465.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return Config{}, fmt.Errorf("SMTP_URL %q is not a URL like smtp://user:password@mail.example.com:587", redact(raw))
	}
	c := Config{Host: u.Hostname(), Timeout: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		c.Port, c.TLS = 587, "opportunistic"
	case "smtps":
		c.Port, c.TLS = 465, "tls"
	default:
		return Config{}, fmt.Errorf("SMTP_URL scheme %q: use smtp:// (STARTTLS) or smtps:// (implicit TLS)", u.Scheme)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return Config{}, fmt.Errorf("SMTP_URL port %q is not a port number", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	switch t := q.Get("tls"); t {
	case "":
	case "required", "starttls":
		c.TLS = "starttls"
	case "none", "opportunistic":
		c.TLS = t
	default:
		return Config{}, fmt.Errorf("SMTP_URL tls=%q: use tls=required, tls=opportunistic or tls=none", t)
	}
	if t := q.Get("timeout"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("SMTP_URL timeout=%q is not a duration like 30s", t)
		}
		c.Timeout = d
	}
	c.From = q.Get("from")
	return c, nil
}

// Addr is host:port, for messages.
func (c Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return raw
}

// Email is one follow-up as approved.
type Email struct {
	// MessageID is fixed when the send is approved, so every attempt sends
	// the same message ("<id@domain>" without the brackets).
	MessageID string
	FromName  string
	FromAddr  string
	ToName    string
	ToAddr    string
	// Bcc gets a copy (the rep, so the email is in their mailbox too).
	Bcc string
	// ReplyTo, when set, is where replies go (the rep, when the email is
	// sent from a shared address).
	ReplyTo string
	Subject string
	Body    string
	Date    time.Time
}

// Stage says how far a failed attempt got.
type Stage string

// The stages of an attempt.
const (
	// StageBefore: the server never had the message (connecting, greeting,
	// TLS, login, sender, recipient, or while the message was being
	// written): sending again sends it once.
	StageBefore Stage = "before"
	// StageRefused: the server answered the message with a refusal; it did
	// not take it.
	StageRefused Stage = "refused"
	// StageUnknown: the message was handed over but no answer came back; the
	// server may have taken it.
	StageUnknown Stage = "unknown"
)

// SendError is a failed attempt.
type SendError struct {
	Stage Stage
	// Permanent is true when trying again cannot help (a 5xx answer, bad
	// credentials); false for a 4xx answer, a timeout or a dropped line.
	Permanent bool
	Code      int // the SMTP reply code, 0 when there was none
	Err       error
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// Sender sends emails through one server.
type Sender struct {
	cfg Config
}

// NewSender checks cfg and returns a sender.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg}, nil
}

// Config returns the sender's settings.
func (s *Sender) Config() Config { return s.cfg }

// Compose builds the message e describes.
func Compose(e Email) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.FromFormat(e.FromName, e.FromAddr); err != nil {
		return nil, fmt.Errorf("sender address %q: %w", e.FromAddr, err)
	}
	if err := m.AddToFormat(e.ToName, e.ToAddr); err != nil {
		return nil, fmt.Errorf("recipient address %q: %w", e.ToAddr, err)
	}
	if e.Bcc != "" && !strings.EqualFold(e.Bcc, e.ToAddr) {
		if err := m.Bcc(e.Bcc); err != nil {
			return nil, fmt.Errorf("copy address %q: %w", e.Bcc, err)
		}
	}
	if e.ReplyTo != "" {
		if err := m.ReplyTo(e.ReplyTo); err != nil {
			return nil, fmt.Errorf("reply-to address %q: %w", e.ReplyTo, err)
		}
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(e.MessageID)
	if e.Date.IsZero() {
		m.SetDate()
	} else {
		m.SetDateWithValue(e.Date)
	}
	m.SetBodyString(gomail.TypeTextPlain, e.Body)
	return m, nil
}

// Send sends e once. handedOver runs after the whole message is written and
// just before the final "." that asks the server to take it; if it fails,
// the message is not handed over. The returned *SendError says how far a
// failed attempt got.
func (s *Sender) Send(ctx context.Context, e Email, handedOver func() error) error {
	msg, err := Compose(e)
	if err != nil {
		return &SendError{Stage: StageBefore, Permanent: true, Err: err}
	}
	from, err := msg.GetSender(false)
	if err != nil {
		return &SendError{Stage: StageBefore, Permanent: true, Err: err}
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return &SendError{Stage: StageBefore, Permanent: true, Err: err}
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	client, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return &SendError{Stage: StageBefore, Permanent: true, Err: fmt.Errorf("mail client for %s: %w", s.cfg.Addr(), err)}
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return before(fmt.Errorf("connect to the mail server %s: %w", s.cfg.Addr(), err))
	}
	abort := false
	defer func() {
		if abort {
			// hang up without QUIT: a QUIT now would be read as part of the
			// message, and the server must drop an unfinished message
			_ = conn.Close()
			return
		}
		_ = client.CloseWithSMTPClient(conn)
	}()
	// every step must finish within the timeout, or the context's end
	deadline := time.Now().Add(s.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.UpdateDeadline(time.Until(deadline))
	if err := conn.Mail(from); err != nil {
		return before(fmt.Errorf("mail server refused the sender %s: %w", from, err))
	}
	for _, r := range rcpts {
		if err := conn.Rcpt(r); err != nil {
			return before(fmt.Errorf("mail server refused the recipient %s: %w", r, err))
		}
	}
	w, err := conn.Data()
	if err != nil {
		return before(fmt.Errorf("mail server refused the message: %w", err))
	}
	if _, err := msg.WriteTo(w); err != nil {
		abort = true
		return before(fmt.Errorf("write the message to the mail server: %w", err))
	}
	if err := handedOver(); err != nil {
		abort = true
		return before(fmt.Errorf("record the hand-over: %w", err))
	}
	if err := w.Close(); err != nil {
		var tp *textproto.Error
		if errors.As(err, &tp) {
			return &SendError{Stage: StageRefused, Permanent: tp.Code >= 500, Code: tp.Code,
				Err: fmt.Errorf("mail server refused the message: %w", err)}
		}
		return &SendError{Stage: StageUnknown, Err: fmt.Errorf("no answer from the mail server after handing over the message: %w", err)}
	}
	return nil
}

// before classifies an error that happened before the server had the message.
func before(err error) error {
	se := &SendError{Stage: StageBefore, Err: err}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		se.Code, se.Permanent = tp.Code, tp.Code >= 500
	}
	if errors.Is(err, gomail.ErrSMTPAuthMethodIsNil) || strings.Contains(strings.ToLower(err.Error()), "authentication") {
		se.Permanent = true
	}
	return se
}
