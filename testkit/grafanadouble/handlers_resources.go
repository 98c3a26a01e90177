package grafanadouble

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// maxResourceBody bounds what the double buffers from a caller before the
// gRPC call (Grafana reads the whole body too).
const maxResourceBody = 32 << 20

// grafanaResourceMethods are the methods current Grafana forwards to a
// plugin's resources (pkg/api/plugin_resource.go); others get 405.
var grafanaResourceMethods = map[string]bool{
	http.MethodGet: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true,
}

// handleResource mirrors Grafana's CallResource: the request goes to the
// plugin over the streaming gRPC call and the plugin's messages come back
// as they arrive - status and headers from the first, body from each.
func (h *Host) handleResource(w http.ResponseWriter, r *http.Request, who identity, id, resourcePath string) {
	if id != h.meta.ID {
		writeMessage(w, http.StatusNotFound, "Plugin not found")
		return
	}
	if !h.opts.AllowAllResourceMethods && !grafanaResourceMethods[r.Method] {
		w.Header().Set("Allow", "DELETE, GET, PATCH, POST, PUT")
		writeMessage(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxResourceBody))
	if err != nil {
		writeMessage(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return
	}
	pCtx, err := h.pluginContext(who)
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Failed to get plugin settings")
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
		writeMessage(w, http.StatusServiceUnavailable, "Plugin unavailable")
		return
	}
	stream, err := proc.resource.CallResource(r.Context(), backend.ToProto().CallResourceRequest(req))
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Failed to call resource")
		return
	}
	flusher, _ := w.(http.Flusher)
	wroteHeader := false
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !wroteHeader {
				writeMessage(w, http.StatusInternalServerError, "Failed to call resource")
			}
			// Mid-stream failure: the status is already sent, so the
			// only honest signal left is a truncated body.
			return
		}
		resp := backend.FromProto().CallResourceResponse(msg)
		if !wroteHeader {
			for k, vs := range responseHeaders(resp, h.opts.KeepPluginSetCookie) {
				for _, v := range vs {
					w.Header().Add(k, v)
				}
			}
			status := resp.Status
			if status == 0 {
				status = http.StatusOK
			}
			w.WriteHeader(status)
			wroteHeader = true
		}
		if len(resp.Body) > 0 {
			if _, err := w.Write(resp.Body); err != nil {
				return // the caller went away; the request context cancels the stream
			}
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	if !wroteHeader {
		writeMessage(w, http.StatusInternalServerError, "Failed to call resource")
	}
}
