import type { AuditLog } from '../audit/audit-log.js';
import type { Problem } from '../health/assess.js';
import { areasByCause } from '../health/registry.js';
import type { Inventory } from '../inventory/types.js';
import type { Executor } from '../ssh/types.js';
import type { Catalog } from '../signatures/index.js';
import { runCheck, type CheckOptions, type CheckResult, type ExternalEvidence } from './check.js';
import { describeEvidence, planIncidents, type IncidentDecision, type LifecyclePolicy } from './lifecycle.js';
import { actionDetails, isOperatorAction } from './report.js';
import { evidenceLines, type IncidentThread, type ThreadSync } from './thread.js';
import type { IncidentPicture, IncidentStore } from './store.js';
import type { Evidence, Incident } from './types.js';
import { isUnrecognisedEvidence } from './unrecognised-evidence.js';

/** What one monitor pass did. */
export interface MonitorRun {
  readonly check: CheckResult;
  readonly decisions: readonly IncidentDecision[];
  /** Ids of incidents opened by this pass. */
  readonly opened: readonly number[];
  readonly syncs: readonly ThreadSync[];
}

/** Options of the monitor. */
export interface IncidentMonitorOptions {
  readonly inventory: Inventory;
  /** The scheduler's own executor: its probes are not operator actions and stay out of the audit log. */
  readonly executor: Executor;
  readonly catalog: () => Promise<Catalog>;
  readonly store: IncidentStore;
  readonly audit: AuditLog;
  readonly clock: () => Date;
  readonly policy: LifecyclePolicy;
  readonly check?: Omit<CheckOptions, 'clock' | 'historyBefore'>;
  /** Slack side; without it incidents are only stored (and shown by `/incident`). */
  readonly thread?: IncidentThread;
  readonly log?: (line: string) => void;
  /** Evidence from outside (Alertmanager's firing alerts), read at the start of every pass. */
  readonly external?: () => ExternalEvidence;
}

/** Areas from causes to consequences, for ordering an incident's impact (each area declares its place). */
const AREA_ORDER: readonly Problem['area'][] = areasByCause;

/** Nodes a step names: `/rabbit heal node-10` names node-10. */
function namesNode(text: string, nodes: ReadonlySet<string>, inventory: Inventory): boolean {
  const words = text.split(/[\s,:]+/);
  const named = inventory.nodes.filter((n) => words.includes(n.name)).map((n) => n.name);
  return named.length === 0 || named.some((n) => nodes.has(n));
}

/**
 * One pass of the incident machinery: check the cluster, decide (pure lifecycle), write the
 * decisions to the store, mirror the operators' audited actions into the open incidents' timelines,
 * and bring their Slack threads up to date. The scheduler calls `run` on every tick; tests call it
 * directly.
 */
export class IncidentMonitor {
  constructor(private readonly options: IncidentMonitorOptions) {}

  /** Runs one pass. Slack failures are logged and retried on the next pass; check failures throw. */
  async run(): Promise<MonitorRun> {
    const { store, clock, policy } = this.options;
    const base = await this.options.catalog();
    const external = this.options.external?.();
    // The probes see the catalog alone; the incidents also cite the signatures external evidence brings.
    const catalog = external && external.signatures.length > 0 ? { ...base, signatures: [...base.signatures, ...external.signatures] } : base;
    const check = await runCheck(this.options.inventory, this.options.executor, base, {
      ...this.options.check,
      clock,
      historyBefore: await store.lastResolvedAt(),
      ...(external ? { external } : {}),
    });
    for (const f of check.fetches) if (f.problem) this.log(`stackmedic: ${f.problem}`);
    const at = check.at.toISOString();
    const open = await Promise.all((await store.list({ status: 'open', limit: 1000 })).map((i) => store.snapshot(i)));
    const recent = await Promise.all(
      (await store.resolvedSince(new Date(check.at.getTime() - policy.reopenWithinMs).toISOString())).map((i) => store.snapshot(i)),
    );
    const decisions = planIncidents(open, recent, check, policy);
    const opened: number[] = [];
    for (const d of decisions) {
      switch (d.kind) {
        case 'open': {
          const id = await store.open(this.picture(d.problem.evidence, check, catalog), d.problem.evidence, at);
          opened.push(id);
          this.log(`stackmedic: opened incident #${id}: ${d.problem.chainText}`);
          break;
        }
        case 'update':
          await this.absorb(d.incidentId, d.newEvidence, check, catalog, at, d.greenBroken);
          break;
        case 'reopen':
          await store.reopen(d.incidentId, at, `the problem is back: ${d.problems.map((p) => p.title).join('; ')}`);
          await this.absorb(d.incidentId, d.newEvidence, check, catalog, at, false);
          this.log(`stackmedic: reopened incident #${d.incidentId}`);
          break;
        case 'green':
          await store.markGreen(d.incidentId, d.since, at);
          if (d.started) {
            await store.addEvent(d.incidentId, {
              at,
              kind: 'green',
              text: `Checks are green; the incident resolves at ${d.resolvesAt.slice(0, 19).replace('T', ' ')} UTC if they stay green.`,
            });
          }
          break;
        case 'resolve': {
          const minutes = Math.round((check.at.getTime() - Date.parse(d.greenSince)) / 60_000);
          await store.resolve(d.incidentId, at, 'stackmedic', `Checks green since ${d.greenSince.slice(0, 19).replace('T', ' ')} UTC (${minutes} min).`);
          this.log(`stackmedic: resolved incident #${d.incidentId} after ${minutes} min of green checks`);
          break;
        }
      }
    }
    await this.mirrorActions(check.at);
    const syncs: ThreadSync[] = [];
    if (this.options.thread) {
      for (const incident of await store.needingSync()) {
        try {
          syncs.push(await this.options.thread.sync(incident, catalog.signatures));
        } catch (error) {
          this.log(`stackmedic: while updating the Slack thread of incident #${incident.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    return { check, decisions, opened, syncs };
  }

  /** Adds new evidence to an incident and redraws its picture from all of its evidence. */
  private async absorb(id: number, newEvidence: readonly Evidence[], check: CheckResult, catalog: Catalog, at: string, greenBroken: boolean): Promise<void> {
    const { store } = this.options;
    const before = (await store.get(id)) as Incident;
    // The unrecognised-errors row changes with every new count: it redraws the summary below, but
    // is no evidence record of the problem, so it never makes a "new evidence" reply of its own.
    const added = (await store.addEvidence(id, newEvidence, at)).filter((e) => !isUnrecognisedEvidence(e));
    if (added.length > 0) {
      await store.addEvent(id, {
        at,
        kind: 'evidence',
        text: `${added.length} new evidence record${added.length === 1 ? '' : 's'}:\n${evidenceLines(added, 20)}`,
      });
    }
    const picture = this.picture(await store.evidence(id), check, catalog);
    await store.update(id, picture, at);
    if (picture.root.signature !== before.root.signature || picture.root.node !== before.root.node) {
      await store.addEvent(id, { at, kind: 'root-changed', text: `Root cause is now ${picture.title} (was ${before.title}): ${picture.chainText}` });
    }
    if (greenBroken) await store.addEvent(id, { at, kind: 'note', text: 'The problem is seen again: the green streak starts over.' });
  }

  /** What the incident says now: chain from all its evidence, impact and runbooks from this check. */
  private picture(evidence: readonly Evidence[], check: CheckResult, catalog: Catalog): IncidentPicture {
    const { inventory } = this.options;
    const described = describeEvidence(evidence, catalog.signatures);
    const nodes = new Set(evidence.map((e) => e.node));
    const rootNode = described?.root.node;
    // Cause first: what is wrong on the root cause's node, critical before warnings, then by area.
    const rank = (p: Problem): number => (rootNode && p.nodes.includes(rootNode) ? 0 : 100) + (p.severity === 'critical' ? 0 : 50) + AREA_ORDER.indexOf(p.area);
    const impact: Problem[] = check.status.report.problems
      .filter((p) => p.nodes.length === 0 || p.nodes.some((n) => nodes.has(n)))
      .map((p, i) => ({ p, i }))
      .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
      .map(({ p }) => p);
    const nextSteps = check.status.nextSteps.filter((s) => namesNode(s, nodes, inventory));
    const first = evidence[0];
    return {
      severity: described?.severity ?? 'major',
      title: described?.title ?? `${first?.signature ?? 'unknown'} on ${first?.node ?? '?'}`,
      root: described
        ? { signature: described.root.signature, node: described.root.node }
        : { signature: first?.signature ?? 'unknown', node: first?.node ?? '?' },
      chain: described?.chain ?? null,
      chainText: described?.chainText ?? '',
      impact,
      nextSteps,
    };
  }

  /** Copies operators' audited actions since each live incident opened into its timeline (once each). */
  private async mirrorActions(now: Date): Promise<void> {
    const { store, audit, policy } = this.options;
    const live = [
      ...(await store.list({ status: 'open', limit: 1000 })),
      ...(await store.resolvedSince(new Date(now.getTime() - policy.reopenWithinMs).toISOString())),
    ];
    for (const incident of live) {
      const mirrored = await store.mirroredAuditIds(incident.id);
      const until = incident.resolvedAt ? new Date(incident.resolvedAt) : now;
      const entries = await audit.between(new Date(incident.openedAt), until);
      for (const entry of entries) {
        if (!isOperatorAction(entry) || mirrored.has(entry.id)) continue;
        const text = [
          `${entry.actorName} ran ${entry.command}: ${entry.outcome ?? 'unfinished'}${entry.detail ? ` (${entry.detail})` : ''}`,
          ...actionDetails(entry, entries, 10),
        ].join('\n');
        await store.addEvent(incident.id, { at: entry.startedAt, kind: 'action', text, actor: entry.actorName, auditId: entry.id });
      }
    }
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => console.log(l)))(line);
  }
}
