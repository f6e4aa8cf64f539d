import { readChain, type Signature } from '../signatures/index.js';
import type { Evidence } from './types.js';
import { isUnrecognisedEvidence } from './unrecognised-evidence.js';
import { compareNodes } from '../inventory/node-order.js';

/**
 * States of an incident's evidence that cleared before the end of its window (a broker stopped,
 * then "Server startup complete"): reported as recovered, with when and the line that shows it,
 * never as a current problem. Read in time order by the same `readChain` as the causal chain.
 */

/** One state that held, then cleared. */
export interface RecoveredState {
  readonly signature: string;
  readonly node: string;
  /** When the state's last span began (the first record of it), if the logs say. */
  readonly since: string | null;
  /** When it cleared: the recovery record's time. */
  readonly at: string | null;
  /** The recovery record. */
  readonly by: { readonly signature: string; readonly node: string; readonly file?: string | undefined; readonly line?: number | undefined };
  /**
   * For a consequence that ended with its cause (RPC errors while the broker was stopped, none
   * after it was back): that cause, whose recovery `by` is.
   */
  readonly endedWith?: { readonly signature: string; readonly node: string };
}

/**
 * The states of this evidence whose last span ended with a recovery, and the consequences that
 * ended with a recovered cause, in the order they recovered.
 */
export function recoveredStates(evidence: readonly Evidence[], signatures: readonly Signature[]): RecoveredState[] {
  const findings = evidence.filter((e) => !isUnrecognisedEvidence(e));
  const reading = readChain(
    findings.map((e) => ({
      signature: e.signature,
      node: e.node,
      time: e.time,
      fields: e.fields,
      ...(e.file !== undefined ? { file: e.file } : {}),
      ...(e.line !== undefined ? { line: e.line } : {}),
    })),
    signatures,
  );
  const out: RecoveredState[] = [];
  for (const activity of reading.activities) {
    const span = activity.spans.at(-1);
    if (!span) continue;
    const since = span.began ? span.start.time : null;
    if (activity.status === 'recovered' && span.end) {
      const end = span.end;
      out.push({
        signature: activity.signature,
        node: activity.node,
        since,
        at: end.time,
        by: { signature: end.signature, node: end.node, file: end.file, line: end.line },
      });
      continue;
    }
    // Still "current" by its own records, but every one of them fell within a cause that recovered.
    const endings = activity.members.map((i) => reading.recovered.get(i));
    const last = endings.at(-1);
    if (reading.current.includes(activity) || !last?.cause || endings.some((e) => !e?.cause)) continue;
    out.push({
      signature: activity.signature,
      node: activity.node,
      since,
      at: last.by.time,
      by: { signature: last.by.signature, node: last.by.node, file: last.by.file, line: last.by.line },
      endedWith: last.cause,
    });
  }
  return out.sort((a, b) => (a.at ?? '\uffff').localeCompare(b.at ?? '\uffff') || compareNodes(a.node, b.node));
}

/** Where the recovery record is, short: `node-10 rabbit@node-10.log:364` (or the node alone). */
export function recoveryPlace(state: RecoveredState): string {
  const { node, file, line } = state.by;
  if (!file) return node;
  return `${node} ${file.slice(file.lastIndexOf('/') + 1)}:${line ?? '?'}`;
}

/** The recovery record's full place, as evidence is cited: `node-10:/var/log/rabbitmq/rabbit@node-10.log:364`. */
export function recoveryRef(state: RecoveredState): string {
  const { node, file, line } = state.by;
  return file ? `${node}:${file}:${line ?? '?'}` : `${node} (probe)`;
}

/** Whether a piece of evidence is the record that ended one of these states. */
export function endsRecoveredState(e: Pick<Evidence, 'signature' | 'node' | 'file' | 'line'>, states: readonly RecoveredState[]): boolean {
  return states.some((s) => s.by.signature === e.signature && s.by.node === e.node && s.by.file === e.file && s.by.line === e.line);
}
