import { humanBytes } from '../render/bytes.js';
import type { EvidenceRef, TimeReading } from './chain.js';
import { renderCausalChain, type CausalChain } from './chain.js';
import type { LogFinding, ScanStats } from './matcher.js';
import { SEVERITIES, type Signature } from './schema.js';

/**
 * The two faces of a diagnosis: `--json` for machines and text for people. Both say what is a
 * problem at the end of the logs and, apart, what recovered and when.
 */

/** The part of a diagnosis its renderings need. */
export interface DiagnosisData {
  readonly findings: readonly LogFinding[];
  readonly chain: CausalChain | null;
  readonly reading: TimeReading;
  readonly files: number;
  readonly stats: ScanStats;
}

/** Where a piece of evidence is, in `--json`. */
export interface EvidenceJson {
  readonly signature: string;
  readonly node: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly time: string | null;
}

/** How a finding stopped being a problem, in `--json`. */
export interface RecoveredJson extends EvidenceJson {
  /** For a consequence that ended with its recovered cause: that cause's signature. */
  readonly cause?: string;
}

/** `stackmedic diagnose --json` output. */
export interface DiagnosisJson {
  readonly findings: readonly {
    readonly signature: string;
    readonly node: string;
    readonly file: string;
    readonly line: number;
    readonly time: string | null;
    readonly fields: Readonly<Record<string, string>>;
    /** The recovery that ended it; `null` while it is a problem (or is a recovery itself). */
    readonly recovered: RecoveredJson | null;
  }[];
  readonly rootCause: { readonly signature: string; readonly node: string } | null;
  /** Signature ids: the root, then its consequences. */
  readonly chain: readonly string[];
  /** Each consequence with its cause and the evidence that puts the link in time. */
  readonly links: readonly {
    readonly cause: string;
    readonly effect: string;
    readonly depth: number;
    readonly recovered: boolean;
    /** The cause's finding that began the span in force when the effect began. */
    readonly causeSince: EvidenceJson;
    /** False when the cause is a probe observation (it held then, since an unknown time). */
    readonly causeSinceKnown: boolean;
    /** The recovery that ended that span, or `null` when it held to the end of the logs. */
    readonly causeUntil: EvidenceJson | null;
    /** The effect's first finding. */
    readonly effectSince: EvidenceJson;
    readonly graceSeconds: number;
  }[];
}

function evidenceJson(ref: EvidenceRef): EvidenceJson {
  return { signature: ref.signature, node: ref.node, file: ref.file ?? null, line: ref.line ?? null, time: ref.time };
}

/** The `--json` form of a diagnosis. */
export function diagnosisJson(d: DiagnosisData): DiagnosisJson {
  const chain = d.chain;
  return {
    findings: d.findings.map((f, i) => {
      const recovery = d.reading.recovered.get(i);
      const recovered = recovery ? { ...evidenceJson(recovery.by), ...(recovery.cause ? { cause: recovery.cause.signature } : {}) } : null;
      return { signature: f.signature, node: f.node, file: f.file, line: f.line, time: f.time, fields: f.fields, recovered };
    }),
    rootCause: chain ? { signature: chain.root.signature, node: chain.root.node } : null,
    chain: chain ? [chain.root.signature, ...chain.links.map((l) => l.signature)] : [],
    links: (chain?.links ?? []).map((l) => ({
      cause: l.cause,
      effect: l.signature,
      depth: l.depth,
      recovered: l.recovered,
      causeSince: evidenceJson(l.evidence.cause),
      causeSinceKnown: l.evidence.causeBegan,
      causeUntil: l.evidence.causeUntil ? evidenceJson(l.evidence.causeUntil) : null,
      effectSince: evidenceJson(l.evidence.effect),
      graceSeconds: l.evidence.graceMs / 1000,
    })),
  };
}

/**
 * A diagnosis for people: verdict first, then the chain, the fix, the current evidence, what
 * recovered (never as a problem) and the action items of what is still wrong.
 */
export function renderDiagnosis(diagnosis: DiagnosisData, signatures: readonly Signature[]): string {
  const byId = new Map(signatures.map((s) => [s.id, s]));
  const lines: string[] = [];
  if (diagnosis.findings.length === 0) {
    return `No known failure signature in ${diagnosis.files} log files (${humanBytes(diagnosis.stats.bytes)}).\n`;
  }
  const recovered = diagnosis.reading.recovered;
  const isRecovery = (f: LogFinding): boolean => byId.get(f.signature)?.clears !== undefined;
  const chain = diagnosis.chain;
  if (chain) {
    const root = byId.get(chain.root.signature);
    lines.push(`Root cause: ${root?.title ?? chain.root.signature} on ${chain.root.node}${chain.root.time ? ` (first seen ${chain.root.time})` : ''}`);
    lines.push(`Chain: ${renderCausalChain(chain, signatures)}`);
    if (root?.runbook) lines.push(`Fix: ${renderRunbook(root, chain.root.node)}`);
    if (root) lines.push(`Why: ${root.remediation}`);
  } else if (recovered.size > 0) {
    lines.push('No current problem: everything the logs show failing had recovered by their end (see Recovered).');
  }
  const current: number[] = [];
  const over: number[] = [];
  diagnosis.findings.forEach((f, i) => {
    if (isRecovery(f)) return;
    (recovered.has(i) ? over : current).push(i);
  });
  if (current.length > 0) {
    lines.push('', `Findings (${current.length} in ${diagnosis.files} files, ${humanBytes(diagnosis.stats.bytes)} scanned):`);
    for (const group of groupBy(current, diagnosis.findings, byId)) {
      const first = diagnosis.findings[group[0] as number] as LogFinding;
      lines.push(`  [${byId.get(first.signature)?.severity ?? '?'}] ${first.signature} on ${first.node} x${group.length}${span(group, diagnosis.findings)}`);
      lines.push(`      ${first.file}:${first.line}: ${first.text}`);
    }
  }
  if (over.length > 0) {
    lines.push('', `Recovered (${over.length} finding${over.length === 1 ? '' : 's'}, over by the end of the logs):`);
    for (const group of groupBy(over, diagnosis.findings, byId)) {
      const first = diagnosis.findings[group[0] as number] as LogFinding;
      const recovery = recovered.get(group[group.length - 1] as number);
      const by = recovery ? diagnosis.findings[recovery.by.index] : undefined;
      const via = recovery?.cause ? ` with ${recovery.cause.signature} on ${recovery.cause.node}` : '';
      lines.push(`  [recovered] ${first.signature} on ${first.node} x${group.length}${span(group, diagnosis.findings)}`);
      lines.push(`      ${first.file}:${first.line}: ${first.text}`);
      if (recovery) {
        lines.push(
          `      recovered ${recovery.by.time ?? '(time unknown)'}${via}: ${recovery.by.file ?? recovery.by.node}:${recovery.by.line ?? '?'}: ${by?.text ?? recovery.by.signature}`,
        );
      }
    }
  }
  const actions = [...new Set(current.flatMap((i) => byId.get((diagnosis.findings[i] as LogFinding).signature)?.actionItems ?? []))];
  if (actions.length > 0) lines.push('', 'Action items:', ...actions.map((a) => `  - ${a}`));
  return `${lines.join('\n')}\n`;
}

/** Finding indexes grouped by signature and node (and by recovery), most severe and earliest first. */
function groupBy(indexes: readonly number[], findings: readonly LogFinding[], byId: ReadonlyMap<string, Signature>): number[][] {
  const groups = new Map<string, number[]>();
  for (const i of indexes) {
    const f = findings[i] as LogFinding;
    const key = `${f.signature}\u0000${f.node}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const rank = (id: string): number => SEVERITIES.indexOf(byId.get(id)?.severity ?? 'info');
  const head = (g: number[]): LogFinding => findings[g[0] as number] as LogFinding;
  return [...groups.values()].sort((a, b) => rank(head(a).signature) - rank(head(b).signature) || (head(a).time ?? '').localeCompare(head(b).time ?? ''));
}

function span(group: readonly number[], findings: readonly LogFinding[]): string {
  const times = group
    .map((i) => (findings[i] as LogFinding).time)
    .filter((t): t is string => t !== null)
    .sort();
  if (times.length === 0) return '';
  const last = times[times.length - 1] as string;
  return ` ${times[0] as string}${times.length > 1 && last !== times[0] ? ` .. ${last}` : ''}`;
}

/** The runbook command of a signature for one node (`/cluster free-disk {node}` on node-10). */
export function renderRunbook(signature: Signature, node: string, fields: Readonly<Record<string, string>> = {}): string {
  return (signature.runbook ?? '').replace(/\{([^}]*)\}/g, (whole, name: string) => (name === 'node' ? node : (fields[name] ?? whole)));
}

/** True when a critical or major finding is still a problem at the end of the logs. */
export function hasCurrentProblem(diagnosis: Pick<DiagnosisData, 'findings' | 'reading'>, signatures: readonly Signature[]): boolean {
  const byId = new Map(signatures.map((s) => [s.id, s]));
  return diagnosis.findings.some((f, i) => {
    const signature = byId.get(f.signature);
    return !diagnosis.reading.recovered.has(i) && signature?.clears === undefined && (signature?.severity === 'critical' || signature?.severity === 'major');
  });
}
