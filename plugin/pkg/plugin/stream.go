package plugin

// Proxy mechanics, in the order a call goes through them, named after the
// extension points of net/http/httputil.ReverseProxy:
//
//	outboundRequest  (Rewrite)        the http.Request for one hop
//	send             (Transport)      the first request and every redirect hop
//	checkResponse    (ModifyResponse) what is refused, and how the rest is served
//	copyResponse                      the body: whole, or streamed past a bound
//	errorHandler     (ErrorHandler)   every failure as a JSON error
//
// Policy (which call may be made at all) is decided before this code runs;
// the redirect rules (redirect.go) and the header rules (headers.go) are
// policy too, applied here to what the upstream answers.
//
// Why bodies are answered whole up to a bound: once the status has gone out,
// a failure can no longer become a clean error. Grafana answers a plugin
// that fails mid-stream by writing its own JSON error after the bytes already
// sent, and ends the response normally (grafana/grafana pkg/api/plugin_resource.go,
// makePluginResourceRequest and handleCallResourceError: the error response
// is written to the already-started http.ResponseWriter). So a body is read
// whole - up to min(maxResponseBytes, wholeBodyLimit) - before its first byte
// is sent; a cut, a timeout or an oversize inside that bound is a clean
// 502/504. Only a JSON body may be streamed past the bound: a cut JSON
// document followed by Grafana's error object is never valid JSON, so the
// caller can always tell. Any other body over the bound is refused.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

const (
	// wholeBodyLimit bounds the body held in memory per call before
	// anything is sent (and with it what can be answered with a clean error).
	wholeBodyLimit = 16 << 20
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
	streamable bool
}

// forward runs one call through the seams above.
func (a *App) forward(ctx context.Context, call upstreamCall, sender backend.CallResourceResponseSender) error {
	// Our maxResponseBytes wins over Grafana's data-proxy limit, which the
	// SDK would otherwise pick up from the request context.
	ctx = httpclient.WithResponseLimit(ctx, a.settings.MaxResponseBytes)
	resp, err := a.send(ctx, call)
	if err != nil {
		return a.errorHandler(ctx, sender, err)
	}
	defer func() { _ = resp.Body.Close() }()
	plan, err := a.checkResponse(call.method, resp)
	if err != nil {
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
		return a.errorHandler(ctx, sender, err)
	}
	return a.copyResponse(ctx, plan, sender)
}

// outboundRequest builds the http.Request for one hop. Accept-Encoding is
// the proxy's own: it must be able to decode and inspect every answer.
func (a *App) outboundRequest(ctx context.Context, call upstreamCall) (*http.Request, error) {
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

// send makes the call and follows redirects itself, each hop through
// nextHop's rules, at most maxRedirects times.
func (a *App) send(ctx context.Context, call upstreamCall) (*http.Response, error) {
	for hop := 0; ; hop++ {
		req, err := a.outboundRequest(ctx, call)
		if err != nil {
			return nil, err
		}
		resp, err := a.client.Do(req)
		if err != nil {
			return nil, err
		}
		if !isFollowedRedirect(resp.StatusCode) {
			return resp, nil
		}
		next, err := nextHop(call, resp, a.settings.APIURL)
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
func (a *App) checkResponse(method string, resp *http.Response) (*responsePlan, error) {
	s := a.settings
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return nil, keyRefused(resp.StatusCode, s.APIURL.Host)
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
	plan.body = body
	plan.streamable = bodyContentType(resp.Header.Get("Content-Type")).streamable
	return plan, nil
}

// copyResponse sends the answer: whole when it fits the bound, else (JSON
// only) streamed, with a failure after the first message ending the gRPC
// stream with an error so Grafana cannot end the response as if whole.
func (a *App) copyResponse(ctx context.Context, plan *responsePlan, sender backend.CallResourceResponseSender) error {
	s := a.settings
	redactor := newKeyRedactor(a.keyForms)
	headerHits := redactHeaders(plan.headers, a.keyForms)
	defer func() {
		if headerHits+redactor.hits > 0 {
			log.DefaultLogger.FromContext(ctx).Warn("the API echoed the API key in its response; replaced it with "+redactedMarker,
				"apiHost", s.APIURL.Host, "inHeaders", headerHits, "inBody", redactor.hits)
		}
	}()
	if plan.body == nil {
		return sender.Send(&backend.CallResourceResponse{Status: plan.status, Headers: plan.headers})
	}

	limit := s.MaxResponseBytes
	bound := min(limit, wholeBodyLimit)
	head, err := io.ReadAll(io.LimitReader(plan.body, bound+1))
	if err != nil {
		return a.errorHandler(ctx, sender, bodyError(err, s.APIURL.Host, s))
	}
	if int64(len(head)) <= bound {
		whole := append(redactor.next(head), redactor.finish()...)
		return sendWhole(sender, plan, whole)
	}
	if bound == limit {
		return a.errorHandler(ctx, sender, &errResponseTooLarge{limit: limit})
	}
	if !plan.streamable {
		return a.errorHandler(ctx, sender, newAPIError(http.StatusBadGateway, codeTooLarge,
			"the API's answer is over %d bytes and not JSON; only a JSON answer is passed on in pieces, because a broken one can always be told from a whole one. Ask for less data, or lower maxResponseBytes to %d so that such answers are refused plainly", bound, bound))
	}
	return a.stream(ctx, plan, head, redactor, sender)
}

// sendWhole sends a body (or, when streaming, its head) in messages of
// messageSize, the status and headers with the first.
func sendWhole(sender backend.CallResourceResponseSender, plan *responsePlan, body []byte) error {
	first := &backend.CallResourceResponse{Status: plan.status, Headers: plan.headers}
	first.Body, body = cut(body, messageSize)
	if err := sender.Send(first); err != nil {
		return err
	}
	for len(body) > 0 {
		var part []byte
		part, body = cut(body, messageSize)
		if err := sender.Send(&backend.CallResourceResponse{Body: part}); err != nil {
			return err
		}
	}
	return nil
}

func cut(b []byte, n int) ([]byte, []byte) {
	if len(b) <= n {
		return b, nil
	}
	return b[:n:n], b[n:]
}

// stream sends a JSON body larger than the bound: head first (with the
// status), then the rest as it arrives. Every message gets its own bytes
// (the redactor returns new slices), because gRPC's SendMsg contract
// forbids changing a message after it was sent.
func (a *App) stream(ctx context.Context, plan *responsePlan, head []byte, redactor *keyRedactor, sender backend.CallResourceResponseSender) error {
	s := a.settings
	total := int64(len(head))
	if err := sendWhole(sender, plan, redactor.next(head)); err != nil {
		return err
	}
	buf := make([]byte, messageSize)
	for {
		n, err := plan.body.Read(buf)
		total += int64(n)
		if total > s.MaxResponseBytes {
			err = &errResponseTooLarge{limit: s.MaxResponseBytes}
		} else if n > 0 {
			if chunk := redactor.next(buf[:n]); len(chunk) > 0 {
				if sendErr := sender.Send(&backend.CallResourceResponse{Body: chunk}); sendErr != nil {
					return sendErr
				}
			}
		}
		if errors.Is(err, io.EOF) {
			if tail := redactor.finish(); len(tail) > 0 {
				return sender.Send(&backend.CallResourceResponse{Body: tail})
			}
			return nil
		}
		if err != nil {
			// The status is already on its way: end the gRPC stream with
			// an error, so the response is visibly broken, never short.
			e := a.redacted(bodyError(err, s.APIURL.Host, s))
			log.DefaultLogger.FromContext(ctx).Warn("upstream body failed after the response started; the stream to Grafana is cut",
				"code", e.Code, "reason", e.Message)
			return e
		}
	}
}

// errorHandler sends err as the whole response: a JSON error with its
// status, with any upstream-chosen text in it redacted.
func (a *App) errorHandler(ctx context.Context, sender backend.CallResourceResponseSender, err error) error {
	e := a.redacted(upstreamError(err, a.settings.APIURL.Host, a.settings))
	log.DefaultLogger.FromContext(ctx).Info("upstream call failed", "code", e.Code)
	return sendError(sender, e)
}

// redacted returns a copy of e whose message holds no form of the key.
func (a *App) redacted(e *apiError) *apiError {
	out := *e
	out.Message, _ = redactString(e.Message, a.keyForms)
	return &out
}
