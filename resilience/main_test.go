package resilience

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/platformkit/apibridge/resilience/hostile"
	"github.com/platformkit/apibridge/resilience/procwatch"
	"github.com/platformkit/apibridge/testkit/grafanadouble"
	"github.com/platformkit/apibridge/testkit/plugintest"
	"github.com/platformkit/apibridge/testkit/upstreamdouble"
)

// env is what every test of the suite shares: one Grafana double with one
// plugin process for the whole run, so that a crash anywhere shows as a
// changed pid.
var env *suite

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "resilience:", err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	work, err := os.MkdirTemp("", "resilience-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(work)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dist := filepath.Join(work, "dist")
	if err := plugintest.BuildDist(ctx, dist, "../plugin/pkg", "../plugin/src/plugin.json"); err != nil {
		return 1, err
	}
	port, err := procwatch.FreePort()
	if err != nil {
		return 1, err
	}
	profiled := filepath.Join(work, "dist-profiled")
	if err := procwatch.ProfilingDist(dist, profiled, port); err != nil {
		return 1, err
	}

	key := "resilience-canary-" + randomHex(12)
	api, err := upstreamdouble.Start(upstreamdouble.Options{APIKey: key})
	if err != nil {
		return 1, err
	}
	defer api.Close()
	bad, err := hostile.Start()
	if err != nil {
		return 1, err
	}
	defer bad.Close()
	g, err := grafanadouble.Start(grafanadouble.Options{
		PluginDir:     profiled,
		AdminPassword: "admin-" + randomHex(8),
		Tokens:        map[string]grafanadouble.Role{viewerToken: grafanadouble.RoleViewer, editorToken: grafanadouble.RoleEditor},
	})
	if err != nil {
		return 1, err
	}
	defer g.Close()

	env = newSuite(g, api, bad, key, fmt.Sprintf("http://127.0.0.1:%d", port))
	if err := env.waitForProfiler(ctx); err != nil {
		return 1, err
	}
	code := m.Run()

	env.scanPluginLogs()
	fmt.Println()
	fmt.Println("resilience: real plugin behind the Grafana double; tried, clear error, crashes, leaks")
	crashes, leaks := report.print(os.Stdout)
	if crashes+leaks > 0 {
		fmt.Printf("FAIL: %d crashes, %d leaks\n", crashes, leaks)
		code = 1
	}
	return code, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
