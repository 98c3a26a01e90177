package plugin

// Proxy mechanics: send one request upstream and stream the answer back
// through the CallResource sender, chunk by chunk, never holding the whole
// body. Policy (what may be sent) is decided before this code runs.

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

// chunkSize is the size of each body message sent to Grafana. The first
// chunk is read before the status is sent, so a body over the limit within
// it, or a failure before any data, still becomes a clean JSON error.
const chunkSize = 32 << 10

// drainLimit bounds how much of a discarded body is read to keep the
// connection reusable; beyond it closing the connection is cheaper.
const drainLimit = 64 << 10

// upstreamCall is one request the policy has approved.
type upstreamCall struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
}

func (a *App) forward(ctx context.Context, call upstreamCall, sender backend.CallResourceResponseSender) error {
	s := a.settings
	host := s.APIURL.Host
	// Our maxResponseBytes wins over Grafana's data-proxy limit, which the
	// SDK would otherwise pick up from the request context.
	ctx = httpclient.WithResponseLimit(ctx, s.MaxResponseBytes)

	var body io.Reader
	if len(call.body) > 0 && call.method != http.MethodGet && call.method != http.MethodHead {
		body = bytes.NewReader(call.body)
	}
	req, err := http.NewRequestWithContext(ctx, call.method, call.url.String(), body)
	if err != nil {
		return sendError(sender, upstreamError(err, host, s))
	}
	req.Header = call.header

	resp, err := a.client.Do(req)
	if err != nil {
		return sendError(sender, upstreamError(err, host, s))
	}
	defer func() { _ = resp.Body.Close() }()

	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		// The API's own body is replaced (it may echo what it received);
		// read a little of it so the connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
		return sendError(sender, keyRefused(resp.StatusCode, host))
	}
	// A HEAD answer announces the size of a body it does not send.
	if call.method != http.MethodHead && resp.ContentLength > s.MaxResponseBytes {
		return sendError(sender, upstreamError(&errResponseTooLarge{limit: s.MaxResponseBytes}, host, s))
	}

	size := chunkSize
	if resp.ContentLength >= 0 && resp.ContentLength < chunkSize {
		size = int(resp.ContentLength) + 1 // +1 so ReadFull sees the end
	}
	buf := make([]byte, size)
	n, err := io.ReadFull(resp.Body, buf)
	done := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	if err != nil && !done {
		return sendError(sender, upstreamError(err, host, s))
	}

	headers := downstreamResponseHeaders(resp.Header)
	headerHits := redactHeaders(headers, s.apiKey)
	redactor := newKeyRedactor(s.apiKey)
	defer func() {
		if headerHits+redactor.hits > 0 {
			log.DefaultLogger.FromContext(ctx).Warn("the API echoed the API key in its response; replaced it with "+redactedMarker,
				"apiHost", host, "inHeaders", headerHits, "inBody", redactor.hits)
		}
	}()
	// Every message gets its own bytes (the redactor returns new slices),
	// because gRPC's SendMsg contract forbids changing a message after it
	// was sent (stats handlers may look at it later); buf is only read into.
	firstBody := redactor.next(buf[:n])
	if done {
		firstBody = append(firstBody, redactor.finish()...)
	}
	if err := sender.Send(&backend.CallResourceResponse{Status: resp.StatusCode, Headers: headers, Body: firstBody}); err != nil {
		return err
	}
	if done {
		return nil
	}
	if len(buf) < chunkSize {
		buf = make([]byte, chunkSize) // the announced length was wrong
	}
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
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
			// The status is already on its way; all that is left is to cut the
			// stream so the caller sees a broken response, not a short one.
			e := upstreamError(err, host, s)
			log.DefaultLogger.FromContext(ctx).Warn("upstream body failed after the response started",
				"code", e.Code, "reason", e.Message)
			return e
		}
	}
}
