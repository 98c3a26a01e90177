package grafanadouble

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// maxResourceBody bounds what the double reads from a caller before the
// gRPC call. Grafana reads the whole body without a bound
// (pluginclient.CallResourceRequestFromHTTPRequest / io.ReadAll); the
// double stops at 64 MiB so a runaway test cannot exhaust memory. Bodies
// between the plugin's gRPC receive limit (16 MiB by default in the SDK)
// and this bound reach the gRPC layer and fail there, as in Grafana.
const maxResourceBody = 64 << 20

// handleResource mirrors CallResource (pkg/api/plugin_resource.go) and the
// plugin client under it (pkg/plugins/manager/client/client.go): the
// request goes to the plugin over the streaming gRPC call and the
// plugin's messages come back as they arrive - status and headers from the
// first, body from each, flushed. Every plugin-side failure becomes
// plugin.requestFailureError; after the response has started, that error
// JSON is appended to the body already sent and the status stays.
func (h *Host) handleResource(w *grafanaWriter, r *http.Request, c caller, resourcePath string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxResourceBody))
	if err != nil {
		writeMessage(w, http.StatusRequestEntityTooLarge, "grafanadouble: request body over the double's 64 MiB read bound")
		return
	}
	pCtx, err := h.pluginContext(c)
	if err != nil {
		writeAPIErr(w, http.StatusInternalServerError, "Failed to get plugin settings")
		return
	}
	// Path is the decoded part after resources/; URL adds the raw query,
	// exactly how Grafana's pluginResourceRequest builds them.
	u := &url.URL{Path: resourcePath, RawQuery: r.URL.RawQuery}
	req := &backend.CallResourceRequest{
		PluginContext: pCtx,
		Path:          u.Path,
		Method:        r.Method,
		URL:           u.String(),
		Headers:       forwardedHeaders(r, h.opts.ForwardCallerAuthHeaders),
		Body:          body,
	}
	proc, err := h.livePlugin()
	if err != nil {
		errPluginRequestFailure.write(w)
		return
	}
	sent, err := h.streamResource(r.Context(), proc, req, w)
	switch {
	case errors.Is(err, context.Canceled) || r.Context().Err() != nil:
		// The caller went away; Grafana's answer (499) reaches no one.
	case err != nil:
		errPluginRequestFailure.write(w)
	case !sent:
		errMissingWrite.write(w)
	}
}

// streamResource relays the plugin's response messages to w and reports
// whether any message arrived.
func (h *Host) streamResource(ctx context.Context, proc *pluginProcess, req *backend.CallResourceRequest, w *grafanaWriter) (bool, error) {
	stream, err := proc.resource.CallResource(ctx, backend.ToProto().CallResourceRequest(req))
	if err != nil {
		return false, err
	}
	sent := false
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return sent, nil
		}
		if err != nil {
			return sent, err
		}
		resp := backend.FromProto().CallResourceResponse(msg)
		if !sent {
			for k, vs := range responseHeaders(resp, h.opts.KeepPluginSetCookie) {
				for _, v := range vs {
					w.Header().Add(k, v)
				}
			}
			w.WriteHeader(resp.Status)
			sent = true
		}
		if _, err := w.Write(resp.Body); err != nil {
			return sent, err
		}
		w.Flush()
	}
}
