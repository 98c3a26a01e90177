package provider

// Grafana API faults as the provider meets them, through the real terraform
// CLI and the provider binary from the mirror: each gives a clear
// diagnostic, none puts a secret into anything Terraform produced, and the
// state stays such that the next apply converges.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// stateVersion reads secure_json_data_wo_version from `terraform show -json`.
func stateVersion(t *testing.T, c *cliRun) float64 {
	t.Helper()
	var st struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out := c.mustTF("show", "-json")
	if err := json.Unmarshal([]byte(out), &st); err != nil || len(st.Values.RootModule.Resources) != 1 {
		t.Fatalf("state JSON: %v\n%s", err, out)
	}
	v, _ := st.Values.RootModule.Resources[0].Values["secure_json_data_wo_version"].(float64)
	return v
}

// mustFail runs terraform apply and expects it to fail with every one of
// wants in its output.
func (c *cliRun) mustFail(wants ...string) {
	c.t.Helper()
	c.mustFailWith([]string{"apply", "-auto-approve", "-input=false"}, wants...)
}

// mustFailWith runs terraform with args, expects it to fail with every one
// of wants in its output, and returns the output.
func (c *cliRun) mustFailWith(args []string, wants ...string) string {
	c.t.Helper()
	out, code := c.tf(args...)
	if code == 0 {
		c.t.Fatalf("terraform %v succeeded; want a failure with %q:\n%s", args, wants, out)
	}
	for _, w := range wants {
		if !strings.Contains(flat(out), w) {
			c.t.Fatalf("terraform %v output lacks %q:\n%s", args, w, out)
		}
	}
	return out
}

// flat joins Terraform's wrapped lines, so that a phrase matches wherever
// the terminal width broke it.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// wafEcho is a WAF's block page that quotes the request: its headers
// (Authorization included), its body as HTML, and its body base64-encoded.
func wafEcho(r *http.Request, body []byte) fault {
	var headers strings.Builder
	_ = r.Header.Write(&headers) // a bytes.Buffer or strings.Builder takes every write
	page := "<html><body><h1>Request blocked by policy</h1><pre>" + html.EscapeString(headers.String()) + "\n" +
		html.EscapeString(string(body)) + "</pre><p>ref " + base64.StdEncoding.EncodeToString(body) + "</p></body></html>"
	return fault{kind: answerInstead, status: http.StatusForbidden, body: page}
}

func TestAccCLIGrafanaFaults(t *testing.T) {
	accPreCheck(t)
	keys := map[int]string{}
	for v := 1; v <= 6; v++ {
		keys[v] = newCanary(fmt.Sprintf("fault-v%d", v))
	}
	wrongPassword := newCanary("wrong-password")
	s := startStack(t, keys[1])
	front := startFaultFront(t, s.grafana.URL())
	canaries := []string{wrongPassword, s.grafana.AdminPassword()}
	for _, k := range keys {
		canaries = append(canaries, k)
	}
	c, logFile := newCLIRun(t, cliConfig,
		"TF_VAR_grafana_url="+front.URL(), "TF_VAR_grafana_auth="+s.adminAuth(), "TF_VAR_api_key="+keys[1], "TF_VAR_retry_timeout=4s")
	c.mustTF("init", "-input=false")
	// One row per scenario for the fault table (go test -v prints it): what
	// was tried, the diagnostic Terraform showed, whether the next apply
	// converged; every row passed the canary scan or the test stopped.
	var table []string
	row := func(scenario, diagnostic, next string) {
		table = append(table, fmt.Sprintf("| %s | %s | %s | 0 |", scenario, diagnostic, next))
	}
	rotateTo := func(v int) {
		c.setEnv("TF_VAR_api_key", keys[v])
		c.setEnv("TF_VAR_wo_version", fmt.Sprint(v))
	}
	holds := func(scenario string, v int) {
		t.Helper()
		if got, _ := s.grafana.StoredSecret(testPluginID, "apiKey"); got != keys[v] {
			t.Fatalf("%s: Grafana does not hold key version %d", scenario, v)
		}
	}
	converges := func(scenario string, v int) {
		t.Helper()
		front.set(nil)
		c.mustTF("apply", "-auto-approve", "-input=false")
		holds(scenario+", then healthy", v)
		if out, code := c.tf("plan", "-input=false", "-detailed-exitcode"); code != 0 {
			t.Fatalf("%s: after the healthy apply the plan is not empty (exit %d):\n%s", scenario, code, out)
		}
		if got := stateVersion(t, c); got != float64(v) {
			t.Fatalf("%s: state version %v after convergence, want %d", scenario, got, v)
		}
		c.scan(scenario, logFile, canaries)
	}

	// 503 three times (Grafana or its proxy starting), then up: retried, applied.
	var unavailable atomic.Int32
	front.set(func(*http.Request, []byte) fault {
		if unavailable.Add(1) <= 3 {
			return fault{kind: answerInstead, status: http.StatusServiceUnavailable, body: "<html><h1>503 Service Temporarily Unavailable</h1></html>"}
		}
		return fault{kind: passOn}
	})
	c.mustTF("apply", "-auto-approve", "-input=false")
	holds("503 then up", 1)
	if log := c.readLog(logFile); !strings.Contains(log, "grafana not ready, retrying") {
		t.Fatal("503 then up: the provider never retried; the scenario proves nothing")
	}
	c.scan("503 then up", logFile, canaries)
	row("503 x3, then up", "none: retried, applied", "n/a")

	// 401: a wrong password (a canary) is rejected and never printed.
	c.setEnv("TF_VAR_grafana_auth", "admin:"+wrongPassword)
	out, code := c.tf("plan", "-input=false")
	if code == 0 || !strings.Contains(flat(out), "Grafana rejected the credentials (401)") || !strings.Contains(flat(out), "Check auth") {
		t.Fatalf("401: plan exit %d:\n%s", code, out)
	}
	c.setEnv("TF_VAR_grafana_auth", s.adminAuth())
	c.scan("401", logFile, canaries)
	row("401 (wrong password, a canary)", "Grafana rejected the credentials (401)", "n/a")

	// 403 as Grafana's access control answers it, with its accessErrorId.
	rotateTo(2)
	front.set(onSettingsPost(fault{kind: answerInstead, status: http.StatusForbidden,
		body: `{"title":"Access denied","message":"You'll need additional permissions to perform this action. Permissions needed: plugins:write","accessErrorId":"ACE0123456789"}`}))
	c.mustFail("Not an Admin of the Grafana organization (403)", "accessErrorId ACE0123456789", "plugins:write")
	holds("403", 1)
	if got := stateVersion(t, c); got != 1 {
		t.Fatalf("403: state version %v; a refused rotation must leave the prior version so the next apply retries it", got)
	}
	c.scan("403", logFile, canaries)
	row("403 with accessErrorId", "Not an Admin ... (403), accessErrorId quoted", "state kept v1")

	// 500 mid-apply, before Grafana stored anything.
	front.set(onSettingsPost(fault{kind: answerInstead, status: http.StatusInternalServerError, body: `{"message":"Failed to update plugin setting"}`}))
	c.mustFail("Grafana failed (500)", "may or may not have stored the write", "Failed to update plugin setting")
	holds("500 before storing", 1)
	if got := stateVersion(t, c); got != 1 {
		t.Fatalf("500 before storing: state version %v, want 1", got)
	}
	converges("500 before storing", 2)
	row("500 to a write, not stored", "Grafana failed (500), may or may not have stored", "converged")

	// 500 after Grafana stored the write (a proxy timing out on the way back).
	rotateTo(3)
	front.set(onSettingsPost(fault{kind: forwardThenAnswer, status: http.StatusInternalServerError, body: "<html>upstream error</html>"}))
	c.mustFail("Grafana failed (500)", "may or may not have stored the write")
	holds("500 after storing", 3)
	if got := stateVersion(t, c); got != 2 {
		t.Fatalf("500 after storing: state version %v, want 2 (the provider cannot know the write landed)", got)
	}
	converges("500 after storing", 3)
	row("500 to a write, stored", "Grafana failed (500), may or may not have stored", "converged")

	// The connection cut on every write until the retries run out.
	rotateTo(4)
	front.set(onSettingsPost(fault{kind: cutConnection}))
	c.mustFail("Grafana unreachable", "Gave up after", "may or may not have stored the write")
	converges("connection cut", 4)
	row("connection cut on every write", "Grafana unreachable ... Gave up after N attempt(s)", "converged")

	// A refresh that fails: a read, so nothing about stored writes.
	front.set(func(r *http.Request, _ []byte) fault {
		if r.Method == http.MethodGet {
			return fault{kind: answerInstead, status: http.StatusInternalServerError, body: `{"message":"database is locked"}`}
		}
		return fault{kind: passOn}
	})
	out, code = c.tf("plan", "-input=false")
	if code == 0 || !strings.Contains(flat(out), "Grafana failed (500)") || !strings.Contains(flat(out), "database is locked") || strings.Contains(flat(out), "may or may not") {
		t.Fatalf("500 on refresh: plan exit %d:\n%s", code, out)
	}
	c.scan("500 on refresh", logFile, canaries)
	row("500 on refresh", "Grafana failed (500)", "n/a")

	// A WAF that echoes the whole request (headers, body, base64 body) in its
	// block page: the diagnostic quotes it, redacted.
	rotateTo(5)
	front.set(func(r *http.Request, body []byte) fault {
		if r.Method == http.MethodPost {
			return wafEcho(r, body)
		}
		return fault{kind: passOn}
	})
	// As a pipeline runs it: a saved plan, its JSON, then applying that plan.
	c.mustTF("plan", "-input=false", "-out=waf.tfplan")
	c.mustTF("show", "-json", "waf.tfplan")
	out = c.mustFailWith([]string{"apply", "-input=false", "waf.tfplan"}, "(403)", "Request blocked by policy", "[redacted]")
	c.mustTF("show", "-json")
	t.Logf("echoing WAF, as Terraform shows it:\n%s", out[strings.Index(out, "Error:"):])
	holds("echoing WAF", 4)
	c.scan("echoing WAF", logFile, canaries)
	converges("echoing WAF", 5)
	row("WAF echoing headers and body (plain, base64)", "(403), the echo quoted as [redacted]", "converged")

	// Destroy through the front, healthy: the key this resource wrote is cleared.
	rotateTo(6)
	c.mustTF("apply", "-auto-approve", "-input=false")
	c.mustTF("destroy", "-auto-approve", "-input=false")
	if got, _ := s.grafana.StoredSecret(testPluginID, "apiKey"); got != "" {
		t.Fatal("destroy left the key in Grafana")
	}
	c.scan("destroy", logFile, canaries)
	row("destroy through the front", "none", "key cleared")
	if log := c.readLog(logFile); !strings.Contains(log, "wrote plugin settings") {
		t.Fatal("TRACE log lacks the provider's lines; the scans would prove nothing")
	}
	// Every write of every scenario (retries and destroy included) said it is JSON.
	types := front.contentTypes()
	for _, ct := range types {
		if ct != "application/json" {
			t.Fatalf("a settings POST had Content-Type %q; Grafana answers 400 bad request data", ct)
		}
	}
	if len(types) < 10 {
		t.Fatalf("only %d POSTs passed the front; the Content-Type check proves little", len(types))
	}
	t.Logf("Grafana API faults seen by the provider (real terraform CLI, provider binary):\n"+
		"| fault | diagnostic | next apply | canary hits |\n| --- | --- | --- | --- |\n%s", strings.Join(table, "\n"))
}

func (c *cliRun) readLog(logFile string) string {
	c.t.Helper()
	b, err := os.ReadFile(logFile)
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}
