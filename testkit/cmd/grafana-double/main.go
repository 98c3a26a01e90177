// Command grafana-double runs the Grafana TEST DOUBLE (package
// grafanadouble) by hand, for a person, a browser test or a shell-driven
// Terraform test. It prints one JSON line when ready:
//
//	{"url":"http://127.0.0.1:NNNN","adminUser":"admin","adminPassword":"...","pluginId":"...","pluginPid":N}
//
// and runs until SIGINT or SIGTERM, then kills the plugin process.
//
//	go run ./cmd/grafana-double --plugin-dir ../plugin/dist \
//	  --admin admin:secret --user viewer:pw:Viewer --token glsa_x=Editor --static /harness/=./web
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
)

// repeated collects a flag given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "grafana-double:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	opts, pluginLogPath, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if pluginLogPath != "" {
		f, err := os.OpenFile(pluginLogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--plugin-log: %w", err)
		}
		defer f.Close()
		opts.PluginLog = f
	} else {
		opts.PluginLog = stderr
	}
	h, err := grafanadouble.Start(opts)
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	ready, _ := json.Marshal(map[string]any{
		"url": h.URL(), "adminUser": h.AdminUser(), "adminPassword": h.AdminPassword(),
		"pluginId": h.PluginID(), "pluginPid": h.PluginPID(),
	})
	fmt.Fprintln(stdout, string(ready))
	<-sig
	return h.Close()
}

// parseFlags turns the command line into Options; every bad value is
// reported with the flag's name and the expected form.
func parseFlags(args []string, stderr io.Writer) (grafanadouble.Options, string, error) {
	fs := flag.NewFlagSet("grafana-double", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		opts                  grafanadouble.Options
		admin, pluginLog      string
		users, tokens, static repeated
	)
	fs.StringVar(&opts.Addr, "addr", "127.0.0.1:0", "listen address")
	fs.StringVar(&opts.PluginDir, "plugin-dir", "", "plugin dist dir (plugin.json + backend binary); required")
	fs.StringVar(&admin, "admin", "", "admin credentials user:pass (default admin with a random password)")
	fs.Var(&users, "user", "extra user login:pass:Role (Viewer|Editor|Admin); repeatable")
	fs.Var(&tokens, "token", "service-account token TOKEN=Role; repeatable")
	fs.Var(&static, "static", "static files /prefix/=dir; repeatable")
	fs.StringVar(&opts.SecretKey, "secret-key", "", "key that encrypts secureJsonData at rest (default random)")
	fs.StringVar(&pluginLog, "plugin-log", "", "append the plugin's log output to this file (default: stderr)")
	if err := fs.Parse(args); err != nil {
		return opts, "", err
	}
	if fs.NArg() > 0 {
		return opts, "", fmt.Errorf("unexpected argument %q; all settings are flags", fs.Arg(0))
	}
	if opts.PluginDir == "" {
		return opts, "", fmt.Errorf("--plugin-dir is required: the plugin's dist dir with plugin.json and the backend binary")
	}
	if admin != "" {
		u, p, ok := strings.Cut(admin, ":")
		if !ok || u == "" || p == "" {
			return opts, "", fmt.Errorf("--admin %q: want user:pass", admin)
		}
		opts.AdminUser, opts.AdminPassword = u, p
	}
	opts.Users = map[string]grafanadouble.User{}
	for _, v := range users {
		parts := strings.Split(v, ":")
		if len(parts) != 3 {
			return opts, "", fmt.Errorf("--user %q: want login:pass:Role", v)
		}
		role, err := grafanadouble.ParseRole(parts[2])
		if err != nil {
			return opts, "", fmt.Errorf("--user %q: %w", v, err)
		}
		opts.Users[parts[0]] = grafanadouble.User{Password: parts[1], Role: role}
	}
	opts.Tokens = map[string]grafanadouble.Role{}
	for _, v := range tokens {
		i := strings.LastIndex(v, "=")
		if i <= 0 {
			return opts, "", fmt.Errorf("--token: want TOKEN=Role (the token value is not shown here)")
		}
		role, err := grafanadouble.ParseRole(v[i+1:])
		if err != nil {
			return opts, "", fmt.Errorf("--token: %w", err)
		}
		opts.Tokens[v[:i]] = role
	}
	opts.StaticDirs = map[string]string{}
	for _, v := range static {
		prefix, dir, ok := strings.Cut(v, "=")
		if !ok || prefix == "" || dir == "" {
			return opts, "", fmt.Errorf("--static %q: want /prefix/=dir", v)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return opts, "", fmt.Errorf("--static %q: %s is not a directory", v, dir)
		}
		opts.StaticDirs[prefix] = dir
	}
	return opts, pluginLog, nil
}
