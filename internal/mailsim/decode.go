package mailsim

import (
	"bytes"
	"encoding/base64"
	"io"
	stdmime "mime"
	"mime/quotedprintable"
	"strings"
)

type mime struct{ d stdmime.WordDecoder }

// decode reads an RFC 2047 header ("=?UTF-8?q?…?=") as text.
func (m *mime) decode(s string) string {
	out, err := m.d.DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}

// decodeBody undoes a single part's transfer encoding.
func decodeBody(enc string, body []byte) string {
	var r io.Reader = bytes.NewReader(body)
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return string(body)
	}
	return strings.ReplaceAll(string(out), "\r\n", "\n")
}
