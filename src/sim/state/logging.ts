/** Appending to a node's daemon logs, creating the file on first write. */
import { LogFile } from './vfs.js';
import { deployedLogPath, logPathOf } from './topology.js';
import type { SimNode } from './types.js';

/** Appends lines to the file at `path` on `node` (created empty if missing) and touches its mtime. */
export function appendLog(node: SimNode, path: string, lines: readonly string[], at: number): void {
  const e = node.fs.get(path);
  if (e && e.kind === 'log') {
    e.log.append(lines);
    e.mtime = at;
    return;
  }
  const log = new LogFile(() => []);
  log.append(lines);
  node.fs.put(path, { kind: 'log', log, mtime: at, gzip: false });
}

/** Appends lines to the log of daemon `service` on `node`. */
export function logService(node: SimNode, service: string, lines: readonly string[], at: number): void {
  const path = logPathOf(service, node.name);
  if (path) appendLog(node, deployedLogPath(node.deployment, path), lines, at);
}
