package mail_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/mail"
	"github.com/journeyhq/journey/internal/mailsim"
)

func server(t *testing.T) (*mailsim.Server, *mail.Sender) {
	t.Helper()
	srv, err := mailsim.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 2 * time.Second
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, s
}

func email() mail.Email {
	return mail.Email{MessageID: "a1b2c3@journey.sample", FromName: "Maya Lopez", FromAddr: "maya@sample.co",
		ToName: "Tom Becker", ToAddr: "tom@acme.example", Bcc: "maya@sample.co",
		Subject: "Security questionnaire — as promised", Body: "Hi Tom,\n\nHere it is — the questionnaire.\n\nBest,\nMaya",
		Date: time.Date(2026, 11, 27, 9, 14, 0, 0, time.UTC)}
}

func TestSendDelivers(t *testing.T) {
	t.Parallel()
	srv, s := server(t)
	handed := 0
	if err := s.Send(context.Background(), email(), func() error { handed++; return nil }); err != nil {
		t.Fatal(err)
	}
	ms := srv.Messages()
	if len(ms) != 1 || handed != 1 {
		t.Fatalf("%d messages, hand-over called %d times; want 1 and 1", len(ms), handed)
	}
	m := ms[0]
	if m.MessageID != "a1b2c3@journey.sample" || m.Subject != "Security questionnaire — as promised" || !strings.Contains(m.Body, "Here it is — the questionnaire.") {
		t.Errorf("message %+v", m)
	}
	if strings.Join(m.To, ",") != "tom@acme.example,maya@sample.co" || m.From != "maya@sample.co" {
		t.Errorf("envelope from %s to %v", m.From, m.To)
	}
	if strings.Contains(string(m.Raw), "Bcc:") {
		t.Error("the Bcc header leaked into the message")
	}
}

func TestSendRefusedAndTemporary(t *testing.T) {
	t.Parallel()
	srv, s := server(t)
	srv.SetFault(mailsim.Fault{Code: 550, Text: "mailbox unavailable"})
	err := s.Send(context.Background(), email(), func() error { return nil })
	var se *mail.SendError
	if !errors.As(err, &se) || se.Stage != mail.StageRefused || !se.Permanent || se.Code != 550 {
		t.Fatalf("550: got %#v", err)
	}
	srv.SetFault(mailsim.Fault{Code: 451, Text: "try again later", Times: 1})
	err = s.Send(context.Background(), email(), func() error { return nil })
	if !errors.As(err, &se) || se.Stage != mail.StageRefused || se.Permanent || se.Code != 451 {
		t.Fatalf("451: got %#v", err)
	}
	if err := s.Send(context.Background(), email(), func() error { return nil }); err != nil {
		t.Fatalf("after the temporary fault: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages kept, want 1 (refused ones are not)", n)
	}
}

func TestSendBadAddressAndNoServer(t *testing.T) {
	t.Parallel()
	_, s := server(t)
	e := email()
	e.ToAddr = "tom at acme"
	err := s.Send(context.Background(), e, func() error { t.Error("handed over a message with a bad address"); return nil })
	var se *mail.SendError
	if !errors.As(err, &se) || se.Stage != mail.StageBefore || !se.Permanent {
		t.Fatalf("bad address: %#v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	_ = ln.Close()
	cfg, _ := mail.ParseURL("smtp://" + addr + "?tls=none&timeout=1s")
	down, _ := mail.NewSender(cfg)
	err = down.Send(context.Background(), email(), func() error { return nil })
	if !errors.As(err, &se) || se.Stage != mail.StageBefore || se.Permanent {
		t.Fatalf("no server: %#v", err)
	}
}

// A server that takes the message but never answers leaves the outcome
// unknown: the caller must not send it again blindly.
func TestSendNoAnswerAfterHandOver(t *testing.T) {
	t.Parallel()
	srv, s := server(t)
	release := make(chan struct{})
	srv.SetFault(mailsim.Fault{Hold: func(mailsim.Message) { <-release }})
	err := s.Send(context.Background(), email(), func() error { return nil })
	close(release)
	var se *mail.SendError
	if !errors.As(err, &se) || se.Stage != mail.StageUnknown {
		t.Fatalf("got %#v, want an unknown outcome", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.WaitFor(ctx, func() bool { return len(srv.Messages()) > 0 }); err != nil {
		t.Fatal(err)
	}
	if len(srv.Messages()) != 1 {
		t.Error("the server kept nothing; it should have taken the handed-over message")
	}
}

// If recording the hand-over fails, nothing is handed over.
func TestHandOverFailureSendsNothing(t *testing.T) {
	t.Parallel()
	srv, s := server(t)
	err := s.Send(context.Background(), email(), func() error { return errors.New("database gone") })
	var se *mail.SendError
	if !errors.As(err, &se) || se.Stage != mail.StageBefore {
		t.Fatalf("got %#v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// once the client's session is over, nothing more can arrive from it
	if err := srv.WaitFor(ctx, func() bool { return srv.Sessions() > 0 }); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered; want none", n)
	}
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	c, err := mail.ParseURL("smtp://bot%40sample.co:s3cret@mail.sample.co?tls=required&from=journey@sample.co")
	if err != nil || c.Host != "mail.sample.co" || c.Port != 587 || c.Username != "bot@sample.co" || c.Password != "s3cret" || c.TLS != "starttls" || c.From != "journey@sample.co" {
		t.Errorf("%+v %v", c, err)
	}
	if c, err := mail.ParseURL("smtps://mail.sample.co"); err != nil || c.Port != 465 || c.TLS != "tls" {
		t.Errorf("%+v %v", c, err)
	}
	for _, bad := range []string{"mail.sample.co", "http://mail.sample.co", "smtp://mail.sample.co:99999", "smtp://h?tls=maybe", "smtp://h?timeout=soon"} {
		if _, err := mail.ParseURL(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	_, err = mail.ParseURL("ftp://u:topsecret@h")
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("error %v should not show the password", err)
	}
}
