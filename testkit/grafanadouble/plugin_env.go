package grafanadouble

import (
	"os"
	"sort"
	"strings"
)

// permittedHostEnvVarNames are the variables Grafana still hands a plugin
// when pluginsSkipHostEnvVars is on (pkg/plugins/envvars/envvars.go).
var permittedHostEnvVarNames = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"}

// pluginEnv is what Grafana's EnvVarsProvider.PluginEnvVars builds for an
// OSS Grafana without tracing, AWS, Azure or secure-socks settings
// (pkg/services/pluginsintegration/pluginconfig/envvars.go): GF_VERSION,
// the licensing variables (edition "Open Source"; an OSS build has no
// license path), one GF_PLUGIN_<KEY> per [plugin.<id>] setting, and - only
// in skip mode - the permitted proxy variables. Without skip mode
// go-plugin appends the double's whole environment after these (as
// Grafana's does), and os/exec keeps the last value of a duplicated key.
// GF_APP_URL and GF_PLUGIN_VERSION are not set: Grafana adds them only for
// plugins with an external service account or with tracing on.
func pluginEnv(o Options, appURL string) []string {
	env := []string{
		"GF_VERSION=" + o.GrafanaVersion,
		"GF_EDITION=Open Source",
		"GF_ENTERPRISE_LICENSE_PATH=",
		"GF_ENTERPRISE_APP_URL=" + appURL,
	}
	env = append(env, pluginSettingsEnv(o.PluginSettings)...)
	if o.SkipHostEnvVars {
		for _, name := range permittedHostEnvVarNames {
			if v, ok := os.LookupEnv(name); ok {
				env = append(env, name+"="+v)
			}
		}
	}
	return env
}

// pluginSettingsEnv is pluginSettingsEnvVars: key k becomes GF_PLUGIN_<K>
// (upper-cased, nothing else changed); "path" and "id" are skipped; a
// non-empty variable of that name in the environment wins over the ini
// value.
func pluginSettingsEnv(settings map[string]string) []string {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var env []string
	for _, k := range keys {
		if k == "path" || strings.ToLower(k) == "id" {
			continue
		}
		name := "GF_PLUGIN_" + strings.ToUpper(k)
		v := settings[k]
		if fromEnv := os.Getenv(name); fromEnv != "" {
			v = fromEnv
		}
		env = append(env, name+"="+v)
	}
	return env
}

// effectiveEnv is the environment the plugin process ends up with, minus
// go-plugin's own PLUGIN_* handshake variables: Grafana's list, then the
// host's unless skipped, the last value of each key winning.
func effectiveEnv(grafanaEnv []string, skipHost bool) []string {
	all := append([]string(nil), grafanaEnv...)
	if !skipHost {
		all = append(all, os.Environ()...)
	}
	index := map[string]int{}
	var out []string
	for _, kv := range all {
		name, _, _ := strings.Cut(kv, "=")
		if i, ok := index[name]; ok {
			out[i] = kv
			continue
		}
		index[name] = len(out)
		out = append(out, kv)
	}
	return out
}
