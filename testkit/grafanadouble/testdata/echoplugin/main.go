// Command echoplugin is a tiny Grafana app plugin backend used only by the
// grafanadouble tests, so the double's own tests do not depend on the
// product plugin. It reports what it received - the PluginContext, the
// request - and never its secret values, only their SHA-256.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/app"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// instances counts instance constructions: the SDK builds a new one each
// time AppInstanceSettings.Updated changes.
var instances atomic.Int64

type instance struct {
	number  int64
	release chan struct{} // closed by the "release" route to end a "stream"
	// built is what the SDK built this instance from: Updated and the
	// SHA-256 of each secret, so tests can see which key an instance holds.
	builtUpdatedMs int64
	builtSecrets   map[string]string

	mu      sync.Mutex
	methods []string // every method that reached the "seen" route
}

func newInstance(_ context.Context, s backend.AppInstanceSettings) (instancemgmt.Instance, error) {
	return &instance{
		number: instances.Add(1), release: make(chan struct{}),
		builtUpdatedMs: s.Updated.UnixMilli(), builtSecrets: hashes(s.DecryptedSecureJSONData),
	}, nil
}

func hashes(secrets map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range secrets {
		sum := sha256.Sum256([]byte(v))
		out[k] = hex.EncodeToString(sum[:])
	}
	return out
}

func (i *instance) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	switch {
	case req.Path == "context":
		return sendJSON(sender, http.StatusOK, describeContext(req.PluginContext, i.number))
	case req.Path == "instance":
		return sendJSON(sender, http.StatusOK, map[string]any{"instance": i.number, "updatedMs": i.builtUpdatedMs, "secureSha256": i.builtSecrets})
	case req.Path == "seen":
		i.mu.Lock()
		i.methods = append(i.methods, req.Method)
		seen := append([]string(nil), i.methods...)
		i.mu.Unlock()
		return sendJSON(sender, http.StatusOK, map[string]any{"methods": seen})
	case req.Path == "size":
		return sendJSON(sender, http.StatusOK, map[string]int{"bytes": len(req.Body)})
	case req.Path == "fail-midstream":
		if err := sender.Send(&backend.CallResourceResponse{
			Status: http.StatusOK, Headers: map[string][]string{"Content-Type": {"text/plain"}}, Body: []byte("partial-"),
		}); err != nil {
			return err
		}
		return errors.New("echo: upstream cut mid-body")
	case req.Path == "fail-before":
		return errors.New("echo: failed before answering")
	case req.Path == "silent":
		return nil
	case req.Path == "cache":
		q, _ := url.ParseQuery(req.URL[strings.Index(req.URL, "?")+1:])
		hdr := map[string][]string{"Content-Type": {"application/json"}, "Pragma": {"no-cache"}}
		if v := q.Get("cc"); v != "" {
			hdr["Cache-Control"] = []string{v}
		}
		if q.Get("xgc") != "" {
			hdr["X-Grafana-Cache"] = []string{"yes"}
		}
		if q.Get("embed") != "" {
			hdr["X-Allow-Embedding"] = []string{"allow"}
		}
		return sender.Send(&backend.CallResourceResponse{Status: http.StatusOK, Headers: hdr, Body: []byte(`{}`)})
	case req.Path == "request" || strings.HasPrefix(req.Path, "request/"):
		return sendJSON(sender, http.StatusOK, map[string]any{
			"method": req.Method, "path": req.Path, "url": req.URL,
			"headers": req.Headers, "body": string(req.Body),
		})
	case req.Path == "stream":
		return i.stream(ctx, sender)
	case req.Path == "release":
		select {
		case <-i.release:
		default:
			close(i.release)
		}
		return sendJSON(sender, http.StatusOK, map[string]bool{"released": true})
	case strings.HasPrefix(req.Path, "status/"):
		code, err := strconv.Atoi(strings.TrimPrefix(req.Path, "status/"))
		if err != nil {
			return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": "status code must be a number"})
		}
		return sender.Send(&backend.CallResourceResponse{
			Status:  code,
			Headers: map[string][]string{"Content-Type": {"text/plain"}, "X-Echo": {"yes"}},
			Body:    []byte("status " + strconv.Itoa(code)),
		})
	case req.Path == "headers":
		// No Content-Type on purpose, plus headers Grafana must not pass on.
		return sender.Send(&backend.CallResourceResponse{
			Status: http.StatusOK,
			Headers: map[string][]string{
				"Set-Cookie": {"plugin_cookie=1"}, "Connection": {"X-Drop"}, "X-Drop": {"1"},
				"Keep-Alive": {"timeout=5"}, "X-Keep": {"1"},
			},
			Body: []byte(`{"headers":true}`),
		})
	case req.Path == "log":
		q, _ := url.ParseQuery(req.URL[strings.Index(req.URL, "?")+1:])
		msg := q.Get("msg")
		if q.Get("level") == "debug" {
			log.DefaultLogger.Debug("echo debug log", "msg", msg)
		} else {
			log.DefaultLogger.Info("echo log", "msg", msg)
		}
		fmt.Fprintln(os.Stderr, "stderr:", msg)
		fmt.Fprintln(os.Stdout, "stdout:", msg)
		return sendJSON(sender, http.StatusOK, map[string]bool{"logged": true})
	case req.Path == "env":
		return sendJSON(sender, http.StatusOK, os.Environ())
	case req.Path == "exit":
		go os.Exit(3) // after the reply is on its way
		return sendJSON(sender, http.StatusOK, map[string]bool{"exiting": true})
	}
	return sendJSON(sender, http.StatusNotFound, map[string]string{"error": "no such echo route: " + req.Path})
}

// stream sends its first chunk, then waits for the "release" route before
// sending the rest: a host that buffered whole responses would never let
// the caller see the first chunk in time to release it.
func (i *instance) stream(ctx context.Context, sender backend.CallResourceResponseSender) error {
	if err := sender.Send(&backend.CallResourceResponse{
		Status:  http.StatusOK,
		Headers: map[string][]string{"Content-Type": {"text/plain"}},
		Body:    []byte("first\n"),
	}); err != nil {
		return err
	}
	select {
	case <-i.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return sender.Send(&backend.CallResourceResponse{Body: []byte("second\n")})
}

func (i *instance) CheckHealth(_ context.Context, req *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	var cfg struct {
		HealthStatus  string `json:"healthStatus"`
		HealthMessage string `json:"healthMessage"`
	}
	s := req.PluginContext.AppInstanceSettings
	if s != nil && len(s.JSONData) > 0 {
		_ = json.Unmarshal(s.JSONData, &cfg)
	}
	res := &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: "echo ok"}
	if cfg.HealthStatus == "ERROR" {
		res.Status = backend.HealthStatusError
		res.Message = cfg.HealthMessage
		res.JSONDetails = []byte(`{"hint":"set healthStatus to OK"}`)
	}
	return res, nil
}

func describeContext(pc backend.PluginContext, number int64) map[string]any {
	out := map[string]any{"orgId": pc.OrgID, "pluginId": pc.PluginID, "namespace": pc.Namespace, "instance": number,
		"appUrl": pc.GrafanaConfig.Get(backend.AppURL), "userAgent": pc.UserAgent.String()}
	if pc.User != nil {
		out["user"] = map[string]string{"login": pc.User.Login, "name": pc.User.Name, "email": pc.User.Email, "role": pc.User.Role}
	}
	if s := pc.AppInstanceSettings; s != nil {
		out["jsonData"] = string(s.JSONData)
		out["updatedMs"] = s.Updated.UnixMilli()
		out["secureKeys"] = slices.Sorted(maps.Keys(s.DecryptedSecureJSONData))
		sums := map[string]string{}
		for k, v := range s.DecryptedSecureJSONData {
			sum := sha256.Sum256([]byte(v))
			sums[k] = hex.EncodeToString(sum[:])
		}
		out["secureSha256"] = sums
	}
	return out
}

func sendJSON(sender backend.CallResourceResponseSender, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return sender.Send(&backend.CallResourceResponse{
		Status:  status,
		Headers: map[string][]string{"Content-Type": {"application/json"}},
		Body:    body,
	})
}

func main() {
	if err := app.Manage("platformkit-echo-app", newInstance, app.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("echo plugin stopped", "error", err)
		os.Exit(1)
	}
}
