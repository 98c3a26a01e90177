// The address policy for an apiUrl whose host is an IP address, as the
// backend applies it when it builds the instance (checkLiteralHost in
// pkg/plugin/app.go, over addressPolicy in pkg/plugin/netpolicy.go): the
// plugin calls no special-purpose address (private, loopback, link-local,
// ...) unless allowInsecureLoopback allows it (loopback only) or the Grafana
// server's operator does ([plugin.<id>] allowed_networks in grafana.ini).
// Neither the page nor infra can read grafana.ini, so this is advice: what
// the plugin refuses when the operator allows nothing. A host name is
// checked by the plugin each time it is dialed, after DNS; never here.

import { PLUGIN_ID } from '../constants';
import { goTrimSpace, toByteString } from './bytes';
import { goParseUrl, hostnameOf } from './goUrl';
import { isLoopback, isMapped, parseIpAddress } from './ipAddress';
import type { Finding } from './problems';

interface SpecialRange {
  text: string;
  what: string;
  is4: boolean;
  bytes: Uint8Array;
  /** Prefix length in the 16-byte form (an IPv4 /8 is /104). */
  bits: number;
}

function range(text: string, what: string): SpecialRange {
  const [address, length] = text.split('/');
  const ip = parseIpAddress(address)!;
  return { text, what, is4: ip.is4, bytes: ip.bytes, bits: Number(length) + (ip.is4 ? 96 : 0) };
}

const PRIVATE = 'a private network (RFC 1918)';
const DOCUMENTATION = 'documentation space';

// netpolicy.go's specialRanges, in its order (the first that holds an address names it).
const SPECIAL_RANGES: SpecialRange[] = [
  range('0.0.0.0/8', '"this network" (0.0.0.0 reaches the local host on many systems)'),
  range('10.0.0.0/8', PRIVATE),
  range('100.64.0.0/10', 'carrier-grade NAT space (RFC 6598)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local (where cloud metadata services such as 169.254.169.254 answer)'),
  range('172.16.0.0/12', PRIVATE),
  range('192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'),
  range('192.0.2.0/24', `${DOCUMENTATION} (TEST-NET-1)`),
  range('192.88.99.0/24', 'the deprecated 6to4 relay range'),
  range('192.168.0.0/16', PRIVATE),
  range('198.18.0.0/15', 'benchmarking space (RFC 2544)'),
  range('198.51.100.0/24', `${DOCUMENTATION} (TEST-NET-2)`),
  range('203.0.113.0/24', `${DOCUMENTATION} (TEST-NET-3)`),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved space (with the broadcast address)'),
  range('::/128', 'the unspecified address'),
  range('::1/128', 'loopback'),
  range('::/96', 'IPv4-compatible IPv6 (deprecated)'),
  range('::ffff:0:0:0/96', 'IPv4-translated IPv6 (RFC 2765)'),
  range('64:ff9b:1::/48', 'local-use NAT64 (RFC 8215)'),
  range('100::/64', 'discard-only space (RFC 6666)'),
  range('2001:db8::/32', DOCUMENTATION),
  range('2001::/23', 'IETF protocol assignments (Teredo, ORCHID, benchmarking)'),
  range('2002::/16', '6to4 (deprecated; carries an IPv4 address)'),
  range('3fff::/20', DOCUMENTATION),
  range('5f00::/16', 'segment routing (SRv6) space'),
  range('fc00::/7', 'a private network (unique local addresses)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local (deprecated)'),
  range('ff00::/8', 'multicast'),
];

// The well-known NAT64 prefix: its addresses reach the IPv4 address in their last 32 bits.
const NAT64 = range('64:ff9b::/96', 'NAT64');

interface Refusal {
  addr: string;
  range: SpecialRange;
  hint: string;
  via?: string;
}

/**
 * What the plugin says about apiUrl's address when the operator allows no
 * network: undefined for a host name or an address it calls, else why not
 * and the fixes. Only for an apiUrl the settings rule accepts.
 */
export function apiUrlAddressFinding(apiUrl: string, allowInsecureLoopback: boolean): Finding | undefined {
  const u = goParseUrl(toByteString(goTrimSpace(apiUrl)));
  const ip = u && parseIpAddress(hostnameOf(u.host).toLowerCase());
  const refusal = ip && check(ip.bytes, allowInsecureLoopback);
  if (!refusal) {
    return undefined;
  }
  const via = refusal.via ? `, through NAT64 it reaches ${refusal.via}` : '';
  const loopbackFix =
    isLoopback(ip.bytes) && !allowInsecureLoopback
      ? ', or turn on allowInsecureLoopback for an API on this machine'
      : '';
  return {
    problem: `the plugin does not call ${refusal.addr} unless the Grafana server's operator allows it: it is ${refusal.range.what} (${refusal.range.text}${via})`,
    fix: `point apiUrl at the API's public address${loopbackFix}; or the operator adds ${refusal.hint} to allowed_networks under [plugin.${PLUGIN_ID}] in grafana.ini`,
  };
}

// addressPolicy.check with no operator networks; bytes in the 16-byte form.
function check(bytes: Uint8Array, allowLoopback: boolean): Refusal | undefined {
  const is4 = isMapped(bytes); // netip's Unmap: an IPv4-mapped address is checked as IPv4
  if (!is4 && contains(NAT64, bytes, false)) {
    const v4 = new Uint8Array(16);
    v4.set([0xff, 0xff], 10);
    v4.set(bytes.subarray(12), 12);
    const refused = check(v4, allowLoopback);
    return (
      refused && { ...refused, addr: format(bytes, false), hint: format(bytes, false) + '/128', via: refused.addr }
    );
  }
  const special = SPECIAL_RANGES.find((r) => contains(r, bytes, is4));
  if (!special || (allowLoopback && isLoopback(bytes))) {
    return undefined;
  }
  const addr = format(bytes, is4);
  return { addr, range: special, hint: `${addr}/${is4 ? 32 : 128}` };
}

function contains(r: SpecialRange, bytes: Uint8Array, is4: boolean): boolean {
  if (r.is4 !== is4) {
    return false;
  }
  for (let bit = 0; bit < r.bits; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((r.bytes[bit >> 3] & mask) !== (bytes[bit >> 3] & mask)) {
      return false;
    }
  }
  return true;
}

/** netip's Addr.String: dotted IPv4, or RFC 5952 IPv6 (longest zero run as "::"). */
function format(bytes: Uint8Array, is4: boolean): string {
  if (is4) {
    return Array.from(bytes.subarray(12)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) {
      j++;
    }
    if (j - i > best.length) {
      best = { at: i, length: j - i };
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) {
    return hex.join(':');
  }
  return hex.slice(0, best.at).join(':') + '::' + hex.slice(best.at + best.length).join(':');
}
