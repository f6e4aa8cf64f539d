import { readChain, type Signature } from '../signatures/index.js';
import type { Evidence } from './types.js';
import { isUnrecognisedEvidence } from './unrecognised-evidence.js';

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
}

/** The states of this evidence whose last span ended with a recovery, in the order they recovered. */
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
    if (activity.status !== 'recovered' || !span?.end) continue;
    const end = span.end;
    out.push({
      signature: activity.signature,
      node: activity.node,
      since: span.began ? span.start.time : null,
      at: end.time,
      by: { signature: end.signature, node: end.node, file: end.file, line: end.line },
    });
  }
  return out.sort((a, b) => (a.at ?? '\uffff').localeCompare(b.at ?? '\uffff') || a.node.localeCompare(b.node, 'en', { numeric: true }));
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
