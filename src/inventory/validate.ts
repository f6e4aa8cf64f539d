import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Inventory } from './types.js';

/** Resolves `~/...` against the home directory and relative paths against `base`. */
export function expandPath(path: string, base: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

/** Checks what no single node can: unique names, and jump hosts that exist and are not the node. */
export function validateInventory(inv: Inventory): Inventory {
  const names = new Set<string>();
  for (const n of [...inv.nodes, ...inv.jumpHosts]) {
    if (names.has(n.name)) throw new ConfigError(inv.source, n.name, 'unique node names (this one appears twice)');
    names.add(n.name);
  }
  for (const n of [...inv.nodes, ...inv.jumpHosts]) {
    if (n.jump !== undefined && !names.has(n.jump))
      throw new ConfigError(inv.source, `${n.name}.jump`, `a node or jump host of this inventory (no "${n.jump}")`);
    if (n.jump === n.name) throw new ConfigError(inv.source, `${n.name}.jump`, 'another host than the node itself');
  }
  return inv;
}
