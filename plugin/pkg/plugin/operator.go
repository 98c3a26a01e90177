package plugin

// Settings only the Grafana server's operator can set. Grafana turns each
// key of the [plugin.<plugin id>] section of grafana.ini into an environment
// variable GF_PLUGIN_<KEY in upper case> of the plugin's process
// (pkg/services/pluginsintegration/pluginconfig/envvars.go,
// EnvVarsProvider.pluginSettingsEnvVars; a GF_PLUGIN_<KEY> already in
// Grafana's own environment wins). An org admin edits jsonData through the
// settings API, never these, so they can hold what an org admin must not
// decide: which internal networks the plugin may reach.

import (
	"errors"
	"net/netip"
	"strings"
)

const (
	// OperatorAllowedNetworksKey is the grafana.ini key, under
	// [plugin.platformkit-apibridge-app].
	OperatorAllowedNetworksKey = "allowed_networks"
	// OperatorAllowedNetworksEnv is the variable Grafana derives from it.
	OperatorAllowedNetworksEnv = "GF_PLUGIN_ALLOWED_NETWORKS"
)

// OperatorSettings is what the server's operator allows.
type OperatorSettings struct {
	// AllowedNetworks are address ranges the plugin may call although they
	// are private, loopback, link-local or otherwise special.
	AllowedNetworks []netip.Prefix
}

// LoadOperatorSettings reads the operator's settings through getenv
// (os.Getenv in the plugin). A bad value is an error naming the grafana.ini
// key and the fix: the app then refuses to work rather than guess.
func LoadOperatorSettings(getenv func(string) string) (OperatorSettings, error) {
	var out OperatorSettings
	raw := getenv(OperatorAllowedNetworksEnv)
	for _, entry := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		pfx, err := parseNetwork(entry)
		if err != nil {
			return OperatorSettings{}, configErr(operatorSettingName,
				"%q is not an IP address or CIDR range such as 10.20.0.0/16 or fd00::/8. Fix: the Grafana server's operator corrects %s under [plugin.%s] in grafana.ini (environment %s)",
				entry, OperatorAllowedNetworksKey, PluginID, OperatorAllowedNetworksEnv)
		}
		out.AllowedNetworks = append(out.AllowedNetworks, pfx)
	}
	return out, nil
}

// operatorSettingName is how errors name the setting.
const operatorSettingName = "allowed_networks (Grafana server setting)"

// parseNetwork accepts "10.0.0.0/8", "fd00::/8" or a single address.
func parseNetwork(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if pfx.Addr().Is4In6() {
			if pfx.Bits() < 96 {
				return netip.Prefix{}, errMappedRange
			}
			pfx = netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-96)
		}
		return pfx.Masked(), nil
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	addr = addr.Unmap()
	if addr.Zone() != "" {
		return netip.Prefix{}, errZone
	}
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}

var (
	errZone        = errors.New("an address with a %zone cannot be allowed")
	errMappedRange = errors.New("an IPv4-mapped range needs at least 96 bits")
)
