import type { Inventory } from '../inventory/types.js';
import type { Catalog } from '../signatures/schema.js';
import type { ProgressSink } from '../router/types.js';
import type { Executor } from '../ssh/types.js';
import type { RemoteCommand } from '../ssh/shell.js';

/** How runbooks wait and tell time; injected through `createApp` so tests of long verifications do not sleep. */
export interface RunbookTiming {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Caps every act's timeout (tests of a hanging tool use a short one). */
  readonly maxActTimeoutMs?: number | undefined;
}

/** What a runbook's steps can use. */
export interface RunbookContext {
  /** The app's signature catalog (built-ins plus the operator's SIGNATURES_DIR). */
  readonly catalog: () => Promise<Catalog>;
  readonly inventory: Inventory;
  readonly executor: Executor;
  readonly progress: ProgressSink;
  /** Waits; injectable so tests of long verifications do not sleep for real. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Caps every act's timeout (tests of a hanging tool use a short one). */
  readonly maxActTimeoutMs?: number | undefined;
}

/** The answer of a check or of one verification poll. */
export type StepVerdict = { readonly ok: true; readonly detail?: string } | { readonly ok: false; readonly detail: string; readonly next?: string };

/** A read-only step that may stop the runbook with a reason. */
export interface CheckStep {
  readonly kind: 'check';
  readonly description: string;
  run(ctx: RunbookContext): Promise<StepVerdict>;
}

/** A fixed remote command on one node. */
export interface ActStep {
  readonly kind: 'act';
  readonly description: string;
  readonly node: string;
  readonly command: RemoteCommand;
  readonly timeoutMs: number;
  /** Exit codes that count as success (default `[0]`). */
  readonly okExitCodes?: readonly number[];
  /** What to tell the operator if this step fails. */
  readonly onFailure: string;
}

/** Polls until a condition holds or the deadline passes. */
export interface VerifyStep {
  readonly kind: 'verify';
  readonly description: string;
  readonly deadlineMs: number;
  readonly intervalMs: number;
  poll(ctx: RunbookContext): Promise<StepVerdict>;
  /** What to tell the operator if the deadline passes. */
  readonly onFailure: string;
}

/** One step of a runbook. */
export type RunbookStep = CheckStep | ActStep | VerifyStep;

/** What a runbook found after its last step: things still wrong elsewhere, and what to run next. */
export interface FollowUp {
  readonly notes: readonly string[];
  readonly next?: string | undefined;
}

/** A planned runbook: the nodes it acts on (locked while it runs) and its steps in order. */
export interface Runbook {
  readonly id: string;
  readonly title: string;
  readonly nodes: readonly string[];
  readonly steps: readonly RunbookStep[];
  /**
   * Describes the acted-on node(s) as they are now; called when an act or verify fails, so the
   * operator learns what state the failure left behind before deciding what to do.
   */
  stateNow?(ctx: RunbookContext): Promise<string>;
  /** Runs after every step passed (never in a dry run): reports what is still down elsewhere. */
  followUp?(ctx: RunbookContext): Promise<FollowUp>;
}

/** How one step went. */
export interface StepReport {
  readonly index: number;
  readonly kind: RunbookStep['kind'];
  readonly description: string;
  readonly status: 'ok' | 'failed' | 'refused' | 'skipped' | 'planned';
  readonly detail: string;
  readonly node?: string | undefined;
  readonly command?: string | undefined;
  readonly durationMs: number;
}

/** How a runbook went. */
export interface RunbookReport {
  readonly runbook: string;
  readonly title: string;
  readonly status: 'succeeded' | 'refused' | 'failed' | 'planned';
  readonly steps: readonly StepReport[];
  /** Why it stopped, and what to do next, when it did not succeed. */
  readonly reason?: string | undefined;
  readonly next?: string | undefined;
  /** After a failed act or verify: the node's state as the runbook's `stateNow` read it. */
  readonly state?: string | undefined;
  /** After success: what the follow-up found. */
  readonly notes?: readonly string[] | undefined;
}
