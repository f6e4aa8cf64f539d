import { stat } from 'node:fs/promises';
import { globToRegExp } from './globs.js';
import type { LogFinding } from './matcher.js';
import { isEmptyLogSignature, type EmptyLogSignature, type Signature } from './schema.js';

/**
 * Logs that should hold lines but are empty: a daemon that keeps writing to the file log rotation
 * deleted (ceph-mon before 17.2.5, tracker.ceph.com/issues/55383) leaves its log at 0 bytes
 * while it runs. Signatures with `empty` name the file and the logs that show the daemon runs;
 * offline the sizes come from the copied tree, remotely from `[ -s ]` in the fetch command.
 */

/** First word of the fetch's line for an empty log: `@@stackmedic-empty <signature> <file> <witness>`. */
export const EMPTY_LOG_MARKER = '@@stackmedic-empty';

/** One empty log on a node, and the non-empty log that shows its daemon runs. */
export interface EmptyLog {
  readonly signature: string;
  readonly file: string;
  readonly witness: string;
}

/** The empty-log signatures that apply to a node with these roles. */
export function emptyLogSignaturesForRoles(signatures: readonly Signature[], roles: readonly string[] | null): EmptyLogSignature[] {
  return signatures.filter(isEmptyLogSignature).filter((s) => roles === null || s.source.logs.roles.some((r) => roles.includes(r)));
}

/** The finding of an empty log: no line and no time (an empty file has neither). */
export function emptyLogFinding(node: string, empty: EmptyLog): LogFinding {
  return {
    signature: empty.signature,
    node,
    file: empty.file,
    line: 0,
    time: null,
    timeMs: null,
    fields: { path: empty.file, witness: empty.witness },
    text: `${empty.file} is empty (0 bytes) while ${empty.witness} has lines`,
  };
}

/** Reads a marker line of the fetch output, or `null` for any other line. */
export function parseEmptyLogLine(line: string): EmptyLog | null {
  const m = new RegExp(`^${EMPTY_LOG_MARKER} ([a-z0-9-]+) (/\\S+) (/\\S+)$`).exec(line);
  return m ? { signature: m[1] as string, file: m[2] as string, witness: m[3] as string } : null;
}

/** A file of a copied log tree (`diagnose --logs`): its node, its path there and on this machine. */
export interface CopiedLog {
  readonly node: string;
  readonly path: string;
  readonly local: string;
}

/**
 * Empty logs in a copied tree: a live file (not a rotated copy, which may well be empty) that a
 * signature names, 0 bytes long, on a node where one of its witnesses has bytes.
 */
export async function findEmptyLogs(
  files: readonly CopiedLog[],
  signatures: readonly Signature[],
  rolesOf: (node: string) => readonly string[] | null,
): Promise<LogFinding[]> {
  const candidates = signatures.filter(isEmptyLogSignature);
  if (candidates.length === 0) return [];
  const sizes = new Map<CopiedLog, number>();
  const size = async (f: CopiedLog): Promise<number> => {
    let n = sizes.get(f);
    if (n === undefined) sizes.set(f, (n = (await stat(f.local)).size));
    return n;
  };
  const findings: LogFinding[] = [];
  for (const signature of candidates) {
    const paths = signature.source.logs.paths.map(globToRegExp);
    const witnesses = signature.empty.witnesses.map(globToRegExp);
    for (const node of new Set(files.map((f) => f.node))) {
      if (emptyLogSignaturesForRoles([signature], rolesOf(node)).length === 0) continue;
      const own = files.filter((f) => f.node === node);
      let witness: CopiedLog | undefined;
      for (const f of own.filter((o) => witnesses.some((w) => w.test(o.path)))) {
        if ((await size(f)) > 0) {
          witness = f;
          break;
        }
      }
      if (!witness) continue;
      for (const f of own.filter((o) => paths.some((p) => p.test(o.path)))) {
        if ((await size(f)) === 0) findings.push(emptyLogFinding(node, { signature: signature.id, file: f.path, witness: witness.path }));
      }
    }
  }
  return findings;
}
