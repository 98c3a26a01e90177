// Command grafana-double runs the Grafana TEST DOUBLE (package
// grafanadouble) by hand, for a person, a browser test or a shell-driven
// Terraform test. It prints one JSON line when ready:
//
//	{"url":"http://127.0.0.1:NNNN","urls":[...],"adminUser":"admin","adminPassword":"...","pluginId":"...","pluginPid":N,"pluginPids":[...]}
//
// ("urls" and "pluginPids" list every replica; "url" and "pluginPid" are
// the first) and runs until SIGINT or SIGTERM, then kills the plugin
// processes.
//
//	go run ./cmd/grafana-double --plugin-dir ../plugin/dist \
//	  --admin admin:secret --user viewer:pw:Viewer --token glsa_x=Editor --static /harness/=./web \
//	  --org 2=Second --plugin-setting allowed_hosts=api.example --replicas 2
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
)

// repeated collects a flag given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// config is the command line, parsed.
type config struct {
	opts      grafanadouble.Options
	pluginLog string
	replicas  int
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "grafana-double:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	opts := cfg.opts
	if cfg.pluginLog != "" {
		f, err := os.OpenFile(cfg.pluginLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--plugin-log: %w", err)
		}
		defer f.Close()
		opts.PluginLog = f
	} else {
		opts.PluginLog = stderr
	}
	hosts, err := grafanadouble.StartReplicas(opts, cfg.replicas)
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	urls, pids := []string{}, []int{}
	for _, h := range hosts {
		urls = append(urls, h.URL())
		pids = append(pids, h.PluginPID())
	}
	ready, _ := json.Marshal(map[string]any{
		"url": urls[0], "urls": urls, "adminUser": hosts[0].AdminUser(), "adminPassword": hosts[0].AdminPassword(),
		"pluginId": hosts[0].PluginID(), "pluginPid": pids[0], "pluginPids": pids,
	})
	fmt.Fprintln(stdout, string(ready))
	<-sig
	var closeErr error
	for _, h := range hosts {
		closeErr = errors.Join(closeErr, h.Close())
	}
	return closeErr
}

// parseFlags turns the command line into a config; every bad value is
// reported with the flag's name and the expected form.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("grafana-double", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg                                      config
		admin                                    string
		users, tokens, static, orgs, pluginSetts repeated
	)
	opts := &cfg.opts
	fs.StringVar(&opts.Addr, "addr", "127.0.0.1:0", "listen address (with --replicas > 1 leave the port 0)")
	fs.StringVar(&opts.PluginDir, "plugin-dir", "", "plugin dist dir (plugin.json + backend binary); required")
	fs.StringVar(&admin, "admin", "", "admin credentials user:pass (default admin with a random password)")
	fs.Var(&users, "user", "extra org 1 user login:pass:Role (None|Viewer|Editor|Admin); repeatable")
	fs.Var(&tokens, "token", "service-account token TOKEN=Role; repeatable")
	fs.Var(&static, "static", "static files /prefix/=dir; repeatable")
	fs.Var(&orgs, "org", "extra org ID=NAME (ID >= 2; the admin is Admin there); repeatable")
	fs.Var(&pluginSetts, "plugin-setting", "operator [plugin.<id>] setting KEY=VALUE, passed as GF_PLUGIN_<KEY>; repeatable")
	fs.BoolVar(&opts.SkipHostEnvVars, "skip-host-env-vars", false, "model Grafana's pluginsSkipHostEnvVars: no host environment for the plugin")
	fs.StringVar(&opts.GrafanaLogLevel, "grafana-log-level", "info", "Grafana's [log] level filtering the plugin's lines")
	fs.StringVar(&opts.SecretKey, "secret-key", "", "key that encrypts secureJsonData at rest (default random)")
	fs.StringVar(&cfg.pluginLog, "plugin-log", "", "append the plugin's output to this file (default: stderr)")
	fs.IntVar(&cfg.replicas, "replicas", 1, "number of replicas sharing one settings store (HA Grafana)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; all settings are flags", fs.Arg(0))
	}
	if opts.PluginDir == "" {
		return cfg, fmt.Errorf("--plugin-dir is required: the plugin's dist dir with plugin.json and the backend binary")
	}
	if cfg.replicas < 1 || cfg.replicas > 8 {
		return cfg, fmt.Errorf("--replicas %d: want 1 to 8", cfg.replicas)
	}
	if admin != "" {
		u, p, ok := strings.Cut(admin, ":")
		if !ok || u == "" || p == "" {
			return cfg, fmt.Errorf("--admin: want user:pass (the value is not shown here)")
		}
		opts.AdminUser, opts.AdminPassword = u, p
	}
	var err error
	if opts.Users, err = parseUsers(users); err != nil {
		return cfg, err
	}
	if opts.Tokens, err = parseTokens(tokens); err != nil {
		return cfg, err
	}
	if opts.StaticDirs, err = parseStatic(static); err != nil {
		return cfg, err
	}
	if opts.Orgs, err = parseOrgs(orgs); err != nil {
		return cfg, err
	}
	opts.PluginSettings = map[string]string{}
	for _, v := range pluginSetts {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return cfg, fmt.Errorf("--plugin-setting: want KEY=VALUE (the value is not shown here)")
		}
		opts.PluginSettings[k] = val
	}
	return cfg, nil
}

func parseUsers(values []string) (map[string]grafanadouble.User, error) {
	out := map[string]grafanadouble.User{}
	for _, v := range values {
		parts := strings.Split(v, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("--user: want login:pass:Role (the value is not shown here)")
		}
		role, err := grafanadouble.ParseRole(parts[2])
		if err != nil {
			return nil, fmt.Errorf("--user %s: %w", parts[0], err)
		}
		out[parts[0]] = grafanadouble.User{Password: parts[1], Role: role}
	}
	return out, nil
}

func parseTokens(values []string) (map[string]grafanadouble.Role, error) {
	out := map[string]grafanadouble.Role{}
	for _, v := range values {
		i := strings.LastIndex(v, "=")
		if i <= 0 {
			return nil, fmt.Errorf("--token: want TOKEN=Role (the token value is not shown here)")
		}
		role, err := grafanadouble.ParseRole(v[i+1:])
		if err != nil {
			return nil, fmt.Errorf("--token: %w", err)
		}
		out[v[:i]] = role
	}
	return out, nil
}

func parseStatic(values []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range values {
		prefix, dir, ok := strings.Cut(v, "=")
		if !ok || prefix == "" || dir == "" {
			return nil, fmt.Errorf("--static %q: want /prefix/=dir", v)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--static %q: %s is not a directory", v, dir)
		}
		out[prefix] = dir
	}
	return out, nil
}

func parseOrgs(values []string) (map[int64]string, error) {
	out := map[int64]string{}
	for _, v := range values {
		idText, name, ok := strings.Cut(v, "=")
		id, err := strconv.ParseInt(idText, 10, 64)
		if !ok || err != nil || id < 2 || name == "" {
			return nil, fmt.Errorf("--org %q: want ID=NAME with ID >= 2 (org 1 always exists)", v)
		}
		out[id] = name
	}
	return out, nil
}
