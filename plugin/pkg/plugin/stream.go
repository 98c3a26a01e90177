package plugin

// Proxy mechanics, in the order a call goes through them, named after the
// extension points of net/http/httputil.ReverseProxy:
//
//	outboundRequest  (Rewrite)        the http.Request for one hop
//	send             (Transport)      the first request and every redirect hop
//	checkResponse    (ModifyResponse) what is refused, and how the rest is served
//	copyResponse                      the body: whole, or (JSON) streamed past its head
//	errorHandler     (ErrorHandler)   every failure as a JSON error
//
// Policy (which call may be made at all) is decided before this code runs;
// the redirect rules (redirect.go) and the header rules (headers.go) are
// policy too, applied here to what the upstream answers.
//
// Why answers are held before they are sent: once the status has gone
// out, a failure can no longer become a clean error. Grafana answers a
// plugin that fails mid-stream by writing its own JSON error after the
// bytes already sent, and ends the response normally (grafana/grafana
// pkg/api/plugin_resource.go, makePluginResourceRequest and
// handleCallResourceError: the error response is written to the
// already-started http.ResponseWriter). So a small answer is read whole
// before its first byte is sent, and a cut, a timeout or an oversize
// inside it is a clean 502/504. Only a JSON answer may be streamed past
// its first message: a cut JSON document followed by Grafana's error
// object is never valid JSON, so the caller can always tell. Any other
// answer is held whole up to wholeBodyLimit, and refused past it. What is
// held, and the budget it is held in: body.go, budget.go.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

// wholeBodyLimit bounds an answer that is not JSON (CSV, text, an image),
// held whole before anything is sent because a cut one could not be told
// from a whole one: 16 MiB is above the default maxResponseBytes (10 MiB),
// and four such answers fill an instance's budget (budget.go) - more would
// be whole-body reads of a size a dashboard panel should not ask for. A
// variable only so that unit tests can reach "past the bound" with small
// bodies.
var wholeBodyLimit int64 = 16 << 20

const (
	// messageSize is the body size of each message sent to Grafana.
	messageSize = 256 << 10
	// drainLimit bounds how much of a discarded body is read to keep the
	// connection reusable; beyond it closing the connection is cheaper.
	drainLimit = 64 << 10
)

// upstreamCall is one request the policy has approved, with the rule every
// redirect hop of it must pass too.
type upstreamCall struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
	rule   hopRule
}

// responsePlan is how an approved answer goes to the browser.
type responsePlan struct {
	status     int
	headers    map[string][]string
	body       io.Reader // decoded; nil when the answer has none
	sizeHint   int64     // the announced length of an unencoded body, else -1
	streamable bool
}

// forward runs one approved call through the connection's rate limits and
// cache (connops.go), and roundTrip for what goes to the API.
func (c *connection) forward(ctx context.Context, call upstreamCall, sender backend.CallResourceResponseSender) error {
	return c.ops.serve(ctx, call, sender, c.roundTrip)
}

// roundTrip runs one call to the API through the seams above.
func (c *connection) roundTrip(ctx context.Context, call upstreamCall, sender backend.CallResourceResponseSender) error {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	began := time.Now()
	resp, err := c.send(ctx, call)
	c.ops.observeUpstream(call.rule.route, began, resp)
	if err != nil {
		return c.errorHandler(sender, err)
	}
	defer func() { _ = resp.Body.Close() }()
	plan, err := c.checkResponse(call.method, resp)
	if err != nil {
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
		return c.errorHandler(sender, err)
	}
	return c.copyResponse(ctx, plan, sender)
}

// callContext bounds one call - every hop and the whole body - by
// timeoutSeconds (or Grafana's request, when that ends first). A body whose
// end is seen once that context is done is treated as cut: when the
// deadline closes the connection of an API that stalls, a Go server ends
// its chunked answer as its handler returns, and Go's HTTP/1 transport can
// hand that end back as a plain io.EOF - so "ended" is not proof of
// "whole" then. deadline_test.go reproduces it, on the real transport too. Our maxResponseBytes wins over Grafana's data-proxy
// limit, which the SDK would otherwise pick up from the request context.
func (c *connection) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx = httpclient.WithResponseLimit(ctx, c.settings.MaxResponseBytes)
	return context.WithTimeout(ctx, c.settings.Timeout)
}

// outboundRequest builds the http.Request for one hop. Accept-Encoding is
// the proxy's own: it must be able to decode and inspect every answer.
func (c *connection) outboundRequest(ctx context.Context, call upstreamCall) (*http.Request, error) {
	var body io.Reader
	if len(call.body) > 0 && call.method != http.MethodGet && call.method != http.MethodHead {
		body = bytes.NewReader(call.body)
	}
	req, err := http.NewRequestWithContext(ctx, call.method, call.url.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header = call.header.Clone()
	req.Header.Set("Accept-Encoding", acceptEncoding)
	return req, nil
}

// send makes the call with the connection's credential. With auth oauth2,
// an API that answers 401 to the cached token gets the call once more with
// a freshly fetched one - once: a second 401 is the API's answer.
func (c *connection) send(ctx context.Context, call upstreamCall) (*http.Response, error) {
	if c.tokens == nil {
		return c.sendHops(ctx, call)
	}
	for attempt := 0; ; attempt++ {
		token, err := c.tokens.get(ctx)
		if err != nil {
			return nil, err
		}
		withToken := call
		withToken.header = call.header.Clone()
		withToken.header.Set("Authorization", "Bearer "+token)
		resp, err := c.sendHops(ctx, withToken)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || attempt > 0 {
			return resp, err
		}
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
		_ = resp.Body.Close()
		c.tokens.invalidate(token)
	}
}

// sendHops makes the call and follows redirects itself, each hop through
// nextHop's rules, at most maxRedirects times. It uses the transport, not
// http.Client.Do: the client would parse Location before any check of
// ours, and its parse error quotes the Location, credentials and all.
func (c *connection) sendHops(ctx context.Context, call upstreamCall) (*http.Response, error) {
	for hop := 0; ; hop++ {
		req, err := c.outboundRequest(ctx, call)
		if err != nil {
			return nil, err
		}
		resp, err := c.transport.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		if !isFollowedRedirect(resp.StatusCode) {
			return resp, nil
		}
		next, err := nextHop(call, resp, c.settings.APIURL)
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if hop+1 > maxRedirects {
			return nil, errTooManyRedirects
		}
		call = next
	}
}

// checkResponse refuses what must not be passed on - a refused key (the
// API's own body may echo what it received), a body announced too large, a
// coding the proxy cannot read - and plans how the rest is served.
func (c *connection) checkResponse(method string, resp *http.Response) (*responsePlan, error) {
	s := c.settings
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return nil, c.keyRefused(resp.StatusCode)
	}
	plan := &responsePlan{status: resp.StatusCode, headers: downstreamResponseHeaders(resp.Header, resp.StatusCode)}
	if method == http.MethodHead || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified {
		return plan, nil // a HEAD answer announces a body it does not send
	}
	if resp.ContentLength > s.MaxResponseBytes {
		return nil, &errResponseTooLarge{limit: s.MaxResponseBytes}
	}
	codings, err := contentCodings(resp.Header)
	if err != nil {
		return nil, err
	}
	body, err := decodedBody(resp.Body, codings)
	if err != nil {
		return nil, bodyError(err, s.APIURL.Host, s)
	}
	plan.body, plan.sizeHint = body, -1
	if len(codings) == 0 {
		plan.sizeHint = resp.ContentLength
	}
	plan.streamable = bodyContentType(resp.Header.Get("Content-Type")).streamable
	return plan, nil
}

// errorHandler sends err as the whole response: a JSON error with its
// status, with any upstream-chosen text in it redacted.
func (c *connection) errorHandler(sender backend.CallResourceResponseSender, err error) error {
	return sendError(sender, c.redacted(upstreamError(err, c.settings.APIURL.Host, c.settings)))
}

// redacted returns a copy of e whose message holds no form of the key.
func (c *connection) redacted(e *apiError) *apiError {
	out := *e
	out.Message, _ = redactString(e.Message, c.forms())
	return &out
}
