// Command profiled-grafana-double is the Grafana test double
// (testkit/grafanadouble, the same code as testkit/cmd/grafana-double) with
// Go's CPU profiler reachable on a loopback port, so that the bench can
// show how much of a request's time the double itself takes and prove it
// is not the bottleneck of a measurement. It serves one Viewer token and an
// admin, prints one JSON line when ready,
//
//	{"url":"http://127.0.0.1:N","pprofUrl":"http://127.0.0.1:M","pluginPid":P}
//
// and runs until SIGINT or SIGTERM.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "profiled-grafana-double:", err)
		os.Exit(2)
	}
}

func run() error {
	dir := flag.String("plugin-dir", "", "plugin dist dir (required)")
	token := flag.String("token", "", "Viewer service-account token (required)")
	admin := flag.String("admin-password", "", "admin password (required)")
	logPath := flag.String("plugin-log", "", "file for the plugin's log (required)")
	flag.Parse()
	if *dir == "" || *token == "" || *admin == "" || *logPath == "" {
		return errors.New("--plugin-dir, --token, --admin-password and --plugin-log are required")
	}
	logFile, err := os.OpenFile(*logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	h, err := grafanadouble.Start(grafanadouble.Options{
		PluginDir: *dir, AdminPassword: *admin, PluginLog: logFile,
		Tokens: map[string]grafanadouble.Role{*token: grafanadouble.RoleViewer},
	})
	if err != nil {
		return err
	}
	defer h.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	ready, _ := json.Marshal(map[string]any{"url": h.URL(), "pprofUrl": "http://" + ln.Addr().String(), "pluginPid": h.PluginPID()})
	fmt.Println(string(ready))
	<-sig
	return nil
}
