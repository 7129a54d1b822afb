package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/journeyhq/journey/internal/wait"
)

// DefaultBaseURL is HubSpot's API.
const DefaultBaseURL = "https://api.hubapi.com"

// Config holds the connector's settings. Zero values take the documented defaults.
type Config struct {
	// Token is the private app's access token (HUBSPOT_TOKEN).
	Token string
	// BaseURL is the API's base (HUBSPOT_BASE_URL); default DefaultBaseURL.
	BaseURL string
	// CSMProperty is the company property holding the CSM's owner id
	// (HUBSPOT_CSM_PROPERTY); default "customer_success_manager". When the
	// portal has no such property, CSMs are not synced and the run says so.
	CSMProperty string
	// MaxRetries bounds retries of one call after a 5xx or a network error. Default 6.
	MaxRetries int
	// MaxRateLimitWaits bounds how often one call waits out a 429. Default 20.
	MaxRateLimitWaits int
	// Backoff is the first wait after a 5xx (doubled each time, up to 30s)
	// and the wait after a 429 without Retry-After. Default 500ms.
	Backoff time.Duration
	// SearchMaxResults is how far one search can page; past it the sync
	// starts a new search from the newest modification time it has seen.
	// Default SearchMaxResults (HubSpot's 10,000).
	SearchMaxResults int
	// HTTP is the client used; default one with a 30s timeout.
	HTTP *http.Client
	Log  *slog.Logger
}

func (c *Config) defaults() {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if c.CSMProperty == "" {
		c.CSMProperty = "customer_success_manager"
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = 6
	}
	if c.MaxRateLimitWaits <= 0 {
		c.MaxRateLimitWaits = 20
	}
	if c.Backoff <= 0 {
		c.Backoff = 500 * time.Millisecond
	}
	if c.SearchMaxResults <= 0 {
		c.SearchMaxResults = SearchMaxResults
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
}

// ConfigFromEnv reads HUBSPOT_TOKEN, HUBSPOT_BASE_URL and HUBSPOT_CSM_PROPERTY.
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{Token: getenv("HUBSPOT_TOKEN"), BaseURL: getenv("HUBSPOT_BASE_URL"), CSMProperty: getenv("HUBSPOT_CSM_PROPERTY")}
}

// Client calls HubSpot's API: it retries 429s after Retry-After and 5xx with
// backoff, stops at the daily limit, and counts its calls.
type Client struct {
	cfg            Config
	calls, retries atomic.Int64
	dailyLeft      atomic.Int64 // -1 until HubSpot reports it
}

// NewClient returns a client; it fails without a token.
func NewClient(cfg Config) (*Client, error) {
	cfg.defaults()
	if cfg.Token == "" {
		return nil, &Error{Status: 0, Message: "no HubSpot token: create a private app in HubSpot (Settings → Integrations → Private apps) with the crm.objects.companies.read, crm.objects.contacts.read, crm.objects.deals.read, crm.objects.owners.read and crm.schemas.companies.read scopes, and set HUBSPOT_TOKEN to its access token"}
	}
	c := &Client{cfg: cfg}
	c.dailyLeft.Store(-1)
	return c, nil
}

// Calls returns how many HTTP requests the client made, retries included.
func (c *Client) Calls() int { return int(c.calls.Load()) }

// Retries returns how many of those requests were retries.
func (c *Client) Retries() int { return int(c.retries.Load()) }

// Error is a failure HubSpot reported, written for the person who can fix it.
type Error struct {
	Status   int
	Category string
	Message  string
	Scopes   []string // the scopes HubSpot says are missing (403)
}

func (e *Error) Error() string { return e.Message }

// ErrDailyLimit means the portal's daily API limit is used up; the sync
// resumes from its cursors on the next run.
var ErrDailyLimit = errors.New("HubSpot's daily API limit for this portal is used up; the sync kept what it read and resumes from there after midnight (HubSpot's time)")

// IsNotFound reports whether err is HubSpot's 404.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// hubspotError is the body HubSpot sends with an error.
type hubspotError struct {
	Status     string `json:"status"`
	Message    string `json:"message"`
	Category   string `json:"category"`
	PolicyName string `json:"policyName"`
	Errors     []struct {
		Message string `json:"message"`
		Context struct {
			RequiredScopes         []string `json:"requiredScopes"`
			RequiredGranularScopes []string `json:"requiredGranularScopes"`
		} `json:"context"`
	} `json:"errors"`
}

// do sends one request (retrying as HubSpot asks) and decodes the answer into out.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
	}
	backoff := c.cfg.Backoff
	limited := 0
	for attempt := 0; ; attempt++ {
		if c.dailyLeft.Load() == 0 {
			return ErrDailyLimit
		}
		if attempt > 0 {
			c.retries.Add(1)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, bytes.NewReader(payload))
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		c.calls.Add(1)
		resp, err := c.cfg.HTTP.Do(req)
		if err != nil {
			if ctx.Err() != nil || attempt-limited >= c.cfg.MaxRetries {
				return fmt.Errorf("cannot reach HubSpot at %s (check HUBSPOT_BASE_URL and the network) after %d tries of %s %s: %w",
					c.cfg.BaseURL, attempt+1, method, path, err)
			}
			if err := wait.Sleep(ctx, backoff); err != nil {
				return err
			}
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("HubSpot %s %s: read the answer: %w", method, path, err)
		}
		if v := resp.Header.Get("X-HubSpot-RateLimit-Daily-Remaining"); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				c.dailyLeft.Store(n)
			}
		}
		switch {
		case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusMultiStatus || resp.StatusCode == http.StatusCreated:
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("HubSpot %s %s: unexpected answer: %w", method, path, err)
			}
			return nil
		case resp.StatusCode == http.StatusTooManyRequests:
			var he hubspotError
			_ = json.Unmarshal(data, &he)
			if he.PolicyName == "DAILY" {
				c.dailyLeft.Store(0)
				return ErrDailyLimit
			}
			if limited >= c.cfg.MaxRateLimitWaits {
				return &Error{Status: 429, Category: "RATE_LIMIT", Message: fmt.Sprintf("HubSpot kept answering 429 (rate limited, %s) after %d waits; the sync kept what it read and resumes on the next run", orPolicy(he.PolicyName), limited)}
			}
			limited++
			pause := retryAfter(resp.Header, c.cfg.Backoff)
			c.cfg.Log.Debug("hubspot rate limited", "path", path, "wait", pause, "policy", he.PolicyName)
			if err := wait.Sleep(ctx, pause); err != nil {
				return err
			}
		case resp.StatusCode >= 500:
			if attempt-limited >= c.cfg.MaxRetries {
				return &Error{Status: resp.StatusCode, Message: fmt.Sprintf("HubSpot answered %d to %s %s after %d retries; the sync kept what it read and resumes on the next run", resp.StatusCode, method, path, attempt)}
			}
			if err := wait.Sleep(ctx, backoff); err != nil {
				return err
			}
			backoff = min(backoff*2, 30*time.Second)
		default:
			return apiError(resp.StatusCode, data, method, path)
		}
	}
}

func orPolicy(p string) string {
	if p == "" {
		return "burst limit"
	}
	return strings.ToLower(p) + " limit"
}

// retryAfter reads how long HubSpot asks to wait: Retry-After in seconds,
// else the rate-limit interval, else def.
func retryAfter(h http.Header, def time.Duration) time.Duration {
	if s, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	return def
}

// apiError turns HubSpot's error answer into a message saying what to do.
func apiError(status int, data []byte, method, path string) error {
	var he hubspotError
	_ = json.Unmarshal(data, &he)
	e := &Error{Status: status, Category: he.Category}
	switch {
	case status == http.StatusUnauthorized:
		what := "was rejected"
		if he.Category == "EXPIRED_AUTHENTICATION" || strings.Contains(strings.ToLower(he.Message), "expired") {
			what = "has expired"
		}
		e.Message = fmt.Sprintf("the HubSpot token (HUBSPOT_TOKEN) %s (%s): open the private app in HubSpot (Settings → Integrations → Private apps), copy a fresh access token and set HUBSPOT_TOKEN to it; nothing was lost, the sync resumes where it stopped",
			what, strings.TrimSpace(he.Message))
	case status == http.StatusForbidden:
		for _, x := range he.Errors {
			e.Scopes = append(e.Scopes, x.Context.RequiredGranularScopes...)
			e.Scopes = append(e.Scopes, x.Context.RequiredScopes...)
		}
		if len(e.Scopes) > 0 {
			e.Message = fmt.Sprintf("the HubSpot private app lacks the scope %s needed for %s %s: add it to the app in HubSpot (Settings → Integrations → Private apps → Scopes), then set HUBSPOT_TOKEN to the new token",
				strings.Join(e.Scopes, " or "), method, path)
		} else {
			e.Message = fmt.Sprintf("HubSpot refused %s %s (403 %s): %s", method, path, he.Category, he.Message)
		}
	default:
		msg := he.Message
		if msg == "" {
			msg = strings.TrimSpace(string(data))
			if len(msg) > 200 {
				msg = msg[:200]
			}
		}
		e.Message = fmt.Sprintf("HubSpot answered %d to %s %s: %s", status, method, path, msg)
	}
	return e
}
