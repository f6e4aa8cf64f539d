import type { Problem } from '../health/assess.js';
import type { CausalChain } from '../signatures/index.js';
import type { Severity } from '../signatures/index.js';

/** Whether an incident still needs people. */
export type IncidentStatus = 'open' | 'resolved';

/**
 * One piece of evidence: a probe fact seen now, or a log record seen on a node. Its `key` is stable
 * across checks (the same log record fetched twice, the same fact on the same node), so that
 * evidence is added once however often the check runs.
 */
export interface Evidence {
  readonly key: string;
  readonly kind: 'probe' | 'log';
  readonly signature: string;
  readonly node: string;
  /** Log file on the node (log evidence). */
  readonly file?: string | undefined;
  /** Line number in that file when fetched (log evidence). */
  readonly line?: number | undefined;
  /** ISO time of the record, or of the observation for probe facts. */
  readonly time: string | null;
  readonly fields: Readonly<Record<string, string>>;
  /** The record text or the fact's short text, trimmed. */
  readonly text: string;
}

/** A group of findings explained by one root cause: what one incident is about. */
export interface ProblemGroup {
  readonly root: { readonly signature: string; readonly node: string; readonly time: string | null };
  readonly chain: CausalChain;
  readonly evidence: readonly Evidence[];
  readonly severity: Severity;
  /** "Root disk full (ENOSPC) on node-10 -> RabbitMQ disk alarm on node-10 -> ..." */
  readonly chainText: string;
  /** Root cause title and node: "Root disk full (ENOSPC) on node-10". */
  readonly title: string;
}

/** An incident as stored. */
export interface Incident {
  readonly id: number;
  readonly status: IncidentStatus;
  readonly severity: Severity;
  readonly title: string;
  readonly root: { readonly signature: string; readonly node: string };
  readonly chain: CausalChain | null;
  readonly chainText: string;
  /** What the last bad check saw down, for the summary's impact section. */
  readonly impact: readonly Problem[];
  /** Runbook commands, root cause first. */
  readonly nextSteps: readonly string[];
  readonly openedAt: string;
  readonly updatedAt: string;
  /** Last check that still saw the incident's problem. */
  readonly lastBadAt: string;
  /** First check of the current green streak, if green now. */
  readonly greenSince: string | null;
  readonly resolvedAt: string | null;
  /** `stackmedic` (green window) or the person who ran `/incident resolve`. */
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
  readonly reopenCount: number;
  /** The cluster it is on, when the store holds several (null for a one-cluster installation). */
  readonly cluster?: string | null;
}

/** Stored evidence, with when the bot first saw it. */
export interface StoredEvidence extends Evidence {
  readonly id: number;
  readonly incidentId: number;
  readonly firstSeenAt: string;
}

/** Kinds of timeline events of an incident. */
export type IncidentEventKind = 'opened' | 'evidence' | 'root-changed' | 'green' | 'resolved' | 'reopened' | 'action' | 'note';

/** One timeline event of an incident (what the bot saw or someone did). */
export interface IncidentEvent {
  readonly id: number;
  readonly incidentId: number;
  readonly at: string;
  readonly kind: IncidentEventKind;
  readonly text: string;
  readonly actor: string | null;
  /** The audit invocation this event mirrors (kind `action`). */
  readonly auditId: number | null;
}

/** Where an incident lives in Slack. */
export interface IncidentSlackRef {
  readonly incidentId: number;
  readonly channel: string;
  readonly ts: string;
  /** Thread replies cover every event up to this id. */
  readonly lastEventId: number;
  /** Hash of the summary last posted, so an unchanged summary is not re-sent. */
  readonly summaryHash: string;
}
