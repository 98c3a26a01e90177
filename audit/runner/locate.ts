// Where a policy violation is, as a line a reader (or a code-scanning UI)
// can open: a JSON pointer into a synthesized cdk.tf.json becomes that
// node's line (jsonc-parser finds it); a route of the plugin's table becomes
// the line of routes.go that names it.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { Violation } from './opa';
import { ROUTES_SOURCE, type RouteTable } from './route-table';
import { REPO_ROOT } from './tools';

export interface Region {
  startLine: number;
  startColumn: number;
}

export function locate(v: Violation, routes: RouteTable | undefined): Region | undefined {
  const file = isAbsolute(v.location.file) ? v.location.file : join(REPO_ROOT, v.location.file);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  if (v.location.file === ROUTES_SOURCE) return routeLine(text, v.location.pointer, routes);
  if (file.endsWith('.json')) return jsonLine(text, v.location.pointer);
  return undefined;
}

/** The line of the deepest node of `pointer` that exists (a missing attribute points at its block). */
function jsonLine(text: string, pointer: Array<string | number>): Region | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  for (let n = pointer.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, pointer.slice(0, n));
    if (!node) continue;
    // A property's value: point at its key, where the reader looks.
    const at = node.parent?.type === 'property' ? node.parent.offset : node.offset;
    return position(text, at);
  }
  return undefined;
}

function routeLine(text: string, pointer: Array<string | number>, routes: RouteTable | undefined): Region | undefined {
  const index = pointer[2];
  const name = typeof index === 'number' ? routes?.routes[index]?.name : undefined;
  const named = name ? text.indexOf(`name: ${JSON.stringify(name)}`) : -1;
  const at = named >= 0 ? named : text.indexOf('func newRouteTable()');
  return at >= 0 ? position(text, at) : undefined;
}

function position(text: string, offset: number): Region {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { startLine: line, startColumn: offset - before.lastIndexOf('\n') };
}
