// IP address text as the Go backend reads it. The backend decides loopback
// with Go's net.ParseIP (which is netip.ParseAddr without a zone), so "127.1",
// "0x7f.0.0.1", "2130706433" and "127.000.0.1" are names, not addresses, for
// it: a WHATWG URL parser would turn each into 127.0.0.1 and accept what the
// backend refuses. This module reads only the forms netip.ParseAddr reads.

import { equalFold } from './bytes';

/** 16 bytes, IPv4 as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), plus the zone. */
interface IpAddress {
  bytes: Uint8Array;
  /** True when written as dotted IPv4 (netip's Is4). */
  is4: boolean;
  zone: string;
}

/** netip.ParseAddr: dotted IPv4 or IPv6 (with an optional %zone); undefined otherwise. */
export function parseIpAddress(text: string): IpAddress | undefined {
  for (const c of text) {
    if (c === '.') {
      const v4 = parseIPv4Fields(text);
      return v4 && { bytes: mapped(v4), is4: true, zone: '' };
    }
    if (c === ':') {
      return parseIPv6(text);
    }
    if (c === '%') {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Go's isLoopbackHost (pkg/plugin/settings_fields.go): the name localhost
 * under strings.EqualFold (so "localhoſt" too), or an address net.ParseIP reads (no zone) in 127.0.0.0/8
 * (also as ::ffff:127.x.y.z) or ::1. Names are never resolved.
 */
export function isLoopbackHost(host: string): boolean {
  if (equalFold(host, 'localhost')) {
    return true;
  }
  const ip = parseIpAddress(host);
  return ip !== undefined && ip.zone === '' && isLoopback(ip.bytes);
}

export function isLoopback(bytes: Uint8Array): boolean {
  if (isMapped(bytes)) {
    return bytes[12] === 127;
  }
  return bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

export function isMapped(bytes: Uint8Array): boolean {
  return bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

function mapped(v4: number[]): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

/** netip's parseIPv4Fields: four decimal fields 0-255, no leading zeros. */
function parseIPv4Fields(s: string): number[] | undefined {
  const fields = s.split('.');
  if (fields.length !== 4) {
    return undefined;
  }
  const out: number[] = [];
  for (const f of fields) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(f) || Number(f) > 255) {
      return undefined;
    }
    out.push(Number(f));
  }
  return out;
}

/**
 * netip's parseIPv6: groups of 1-4 hex digits, at most one "::" standing for
 * at least one zero group, an optional dotted IPv4 in the last two groups,
 * an optional non-empty %zone.
 */
function parseIPv6(text: string): IpAddress | undefined {
  let s = text;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') {
      return undefined;
    }
  }
  const halves = s.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const head = groupsOf(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1], true) : [];
  if (head === undefined || tail === undefined) {
    return undefined;
  }
  // An embedded IPv4 may only end the address (groupsOf refuses it in the head).
  const bytes = [...head, ...tail].flat();
  if (halves.length === 1 ? bytes.length !== 16 : bytes.length > 14) {
    return undefined;
  }
  const out = new Uint8Array(16);
  const tailBytes = tail.flat();
  out.set(head.flat(), 0);
  out.set(tailBytes, 16 - tailBytes.length);
  return { bytes: out, is4: false, zone };
}

/** Byte pairs of "a:b:c" (a trailing dotted IPv4 gives four bytes); "" is no groups. */
function groupsOf(part: string, mayEndInIPv4: boolean): number[][] | undefined {
  if (part === '') {
    return [];
  }
  const groups = part.split(':');
  const out: number[][] = [];
  for (const [i, g] of groups.entries()) {
    if (i === groups.length - 1 && mayEndInIPv4 && g.includes('.')) {
      const v4 = parseIPv4Fields(g);
      if (!v4) {
        return undefined;
      }
      out.push(v4);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) {
      return undefined;
    }
    const n = parseInt(g, 16);
    out.push([n >> 8, n & 0xff]);
  }
  return out;
}
