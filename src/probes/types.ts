import type { RemoteCommand } from '../ssh/shell.js';

/** Node roles as they appear in the inventory (Ansible groups become roles). */
export type Role = string;

/** What a remote command printed, as a probe parser sees it. */
export interface ProbeOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** `null` when the command was killed by a signal. */
  readonly exitCode: number | null;
}

/** A parsed probe answer, or a typed "unknown" keeping the raw text: parsers never throw. */
export type ProbeResult<T> = { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'unknown'; readonly reason: string; readonly raw: string };

/**
 * A probe is data plus a pure parser: the fixed command it runs and the function that reads the
 * output. `scope: 'cluster'` probes run once, on one controller that answers.
 */
export interface Probe<T> {
  /** Stable kebab-case id (`pacemaker-status`), referenced by signatures and templates. */
  readonly id: string;
  /** Human title for reports. */
  readonly title: string;
  /** Roles whose nodes run it (`controller`, `compute`). */
  readonly roles: readonly Role[];
  /** `node`: on every node with one of `roles`; `cluster`: once, on the first answering one. */
  readonly scope: 'node' | 'cluster';
  readonly command: RemoteCommand;
  /** Per-run timeout; the executor default applies when absent. */
  readonly timeoutMs?: number;
  /**
   * For answers that change rarely (installed packages): a snapshot given a probe cache reuses a
   * node's answer read at most this long ago, and says when it was read.
   */
  readonly maxAgeMs?: number;
  /** Which answers `maxAgeMs` may reuse (default: every ok answer); the others are asked every time. */
  reuse?(value: T): boolean;
  parse(output: ProbeOutput): ProbeResult<T>;
}

/** Shorthand for the ok case. */
export function ok<T>(value: T): ProbeResult<T> {
  return { kind: 'ok', value };
}

/** Shorthand for the unknown case; keeps at most 64 KiB of the raw output. */
export function unknown<T>(reason: string, raw: string): ProbeResult<T> {
  return { kind: 'unknown', reason, raw: raw.length > 65536 ? raw.slice(0, 65536) : raw };
}
