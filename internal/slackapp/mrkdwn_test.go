package slackapp

import "testing"

func TestFromSlack(t *testing.T) {
	for in, want := range map[string]string{
		"AT&amp;T":                                "AT&T",
		"a &lt;b&gt; &amp;lt;":                    "a <b> &lt;",
		"ask <@U0MAYA> in <#C0ACME|deals-acme>":   "ask @U0MAYA in #deals-acme",
		"<@U0MAYA|maya> and <#C0ACME>":            "@maya and #C0ACME",
		"see <https://example.com/a?b=1&amp;c=2>": "see https://example.com/a?b=1&c=2",
		"<https://example.com|the doc>":           "the doc (https://example.com)",
		"<https://acme.com|acme.com>":             "acme.com",
		"<mailto:tom@acme.com|tom@acme.com>":      "tom@acme.com",
		"<!here> and <!subteam^S1|@sales>":        "@here and @sales",
	} {
		if got := fromSlack(in); got != want {
			t.Errorf("fromSlack(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUserRefAndSafeLink(t *testing.T) {
	for _, bad := range []string{"", "U0X><!channel", "!channel", "U1|x", "u0abc"} {
		if r := userRef(bad); r != "" {
			t.Errorf("userRef(%q) = %q", bad, r)
		}
	}
	if r := userRef("U0MAYA"); r != "<@U0MAYA>" {
		t.Errorf("userRef = %q", r)
	}
	for _, bad := range []string{"https://x.example/|<!channel>", "javascript:alert(1)", "https://x.example/<y>"} {
		if l := safeLink(bad); l != "" {
			t.Errorf("safeLink(%q) = %q", bad, l)
		}
	}
}
