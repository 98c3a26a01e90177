package plugin

// Which addresses the plugin may connect to. An org admin sets apiUrl, but
// an org admin is not necessarily the server's operator, and the plugin
// answers with whatever the upstream returns: an apiUrl pointing at the
// cloud metadata service (169.254.169.254), a private network or Grafana's
// own loopback services would turn the proxy into a server-side request
// forgery tool. So the address actually dialed - after DNS, so a name that
// rebinds to a private address is caught too - must not be in a
// special-purpose range, unless the operator allows it (operator.go) or it
// is loopback and the app's allowInsecureLoopback is on.

import (
	"errors"
	"fmt"
	"net/netip"
)

// specialRange is one range the plugin does not call by default, with the
// words that explain it in an error message.
type specialRange struct {
	prefix netip.Prefix
	what   string
}

// The IANA special-purpose address registries (RFC 6890 and successors),
// plus multicast and the reserved space. IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d) are checked as the IPv4 address they carry; NAT64
// addresses (64:ff9b::/96) as the IPv4 address they translate to.
var specialRanges = []specialRange{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network" (0.0.0.0 reaches the local host on many systems)`},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private network (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT space (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (where cloud metadata services such as 169.254.169.254 answer)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private network (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments (RFC 6890)"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation space (TEST-NET-1)"},
	{netip.MustParsePrefix("192.88.99.0/24"), "the deprecated 6to4 relay range"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private network (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking space (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation space (TEST-NET-2)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation space (TEST-NET-3)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved space (with the broadcast address)"},
	{netip.MustParsePrefix("::/128"), "the unspecified address"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible IPv6 (deprecated)"},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), "IPv4-translated IPv6 (RFC 2765)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64 (RFC 8215)"},
	{netip.MustParsePrefix("100::/64"), "discard-only space (RFC 6666)"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation space"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments (Teredo, ORCHID, benchmarking)"},
	{netip.MustParsePrefix("2002::/16"), "6to4 (deprecated; carries an IPv4 address)"},
	{netip.MustParsePrefix("3fff::/20"), "documentation space"},
	{netip.MustParsePrefix("5f00::/16"), "segment routing (SRv6) space"},
	{netip.MustParsePrefix("fc00::/7"), "a private network (unique local addresses)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local (deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// nat64 is the well-known NAT64 prefix: its addresses reach the IPv4
// address in their last 32 bits, so that address is what gets checked.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// addressPolicy decides whether one address may be dialed.
type addressPolicy struct {
	allowLoopback bool           // the app's allowInsecureLoopback
	allowed       []netip.Prefix // the operator's allowed_networks
}

// errAddressRefused is what the dialer returns for a refused address.
type errAddressRefused struct {
	host  string // the name that was dialed, when it was a name
	addr  netip.Addr
	rng   specialRange
	hint  string // the smallest allowlist entry that would admit it
	viaIP string // for NAT64: the IPv4 address it translates to
}

func (e *errAddressRefused) Error() string { return e.addr.String() + " is " + e.describe() }

// describe says what kind of address it is: "loopback (127.0.0.0/8)".
func (e *errAddressRefused) describe() string {
	via := ""
	if e.viaIP != "" {
		via = ", through NAT64 it reaches " + e.viaIP
	}
	return fmt.Sprintf("%s (%s%s)", e.rng.what, e.rng.prefix, via)
}

// check returns nil when addr may be dialed, else an *errAddressRefused.
func (p addressPolicy) check(addr netip.Addr) error {
	addr = addr.WithZone("").Unmap()
	if !addr.IsValid() {
		return errors.New("not an IP address")
	}
	if p.operatorAllows(addr) {
		return nil
	}
	if nat64.Contains(addr) {
		b := addr.As16()
		v4 := netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		if err := p.check(v4); err != nil {
			var refused *errAddressRefused
			if errors.As(err, &refused) {
				refused.viaIP, refused.addr = v4.String(), addr
				refused.hint = addr.String() + "/128"
			}
			return err
		}
		return nil
	}
	r, special := specialRangeOf(addr)
	if !special {
		return nil
	}
	if p.allowLoopback && addr.IsLoopback() {
		return nil
	}
	return &errAddressRefused{addr: addr, rng: r, hint: netip.PrefixFrom(addr, addr.BitLen()).String()}
}

func (p addressPolicy) operatorAllows(addr netip.Addr) bool {
	for _, pfx := range p.allowed {
		if pfx.Contains(addr) {
			return true
		}
	}
	return false
}

// specialRangeOf returns the first special range that holds addr.
func specialRangeOf(addr netip.Addr) (specialRange, bool) {
	for _, r := range specialRanges {
		if r.prefix.Contains(addr) {
			return r, true
		}
	}
	return specialRange{}, false
}
