import { UserError } from '../errors.js';
import { redactAndCut } from '../redact.js';
import { defineCommand, type ArgSpec, type CommandContext, type CommandSpec } from '../router/command.js';
import type { PermissionRole, Reply } from '../router/types.js';
import { executeRunbook, planOf } from './engine.js';
import { renderRunbookReport } from './report.js';
import type { Runbook, RunbookContext, RunbookTiming } from './types.js';

/** Declaration of a runbook-backed command. */
export interface RunbookCommandSpec {
  readonly family: string;
  readonly name: string;
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  readonly permission?: PermissionRole;
  /** Reads the cluster (read-only) and returns the steps to run. */
  build(ctx: CommandContext, rctx: RunbookContext): Promise<Runbook>;
}

/** Real time: what runbooks use unless `createApp` is given other timing. */
export const realRunbookTiming: RunbookTiming = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => performance.now(),
};

function runbookContext(ctx: CommandContext): RunbookContext {
  const timing = ctx.services.runbookTiming;
  return {
    inventory: ctx.inventory,
    executor: ctx.executor,
    progress: ctx.progress,
    catalog: ctx.services.catalog,
    sleep: (ms) => timing.sleep(ms),
    now: () => timing.now(),
    maxActTimeoutMs: timing.maxActTimeoutMs,
  };
}

/**
 * Turns a runbook into a dangerous command: `plan` shows every action for confirmation,
 * `--dry-run` runs only the checks, and a run holds per-node locks and audits every step.
 */
export function defineRunbookCommand(spec: RunbookCommandSpec): CommandSpec {
  return defineCommand({
    family: spec.family,
    name: spec.name,
    summary: spec.summary,
    args: spec.args,
    flags: [{ name: 'dry-run', description: 'show the plan (every node and exact command) and run only the checks' }],
    permission: spec.permission ?? 'operator',
    dangerous: true,
    async plan(ctx) {
      const rctx = runbookContext(ctx);
      const runbook = await spec.build(ctx, rctx);
      const report = await executeRunbook(runbook, { ...rctx, progress: () => undefined }, { dryRun: true });
      if (report.status === 'refused')
        throw new UserError(`Refused: ${report.reason ?? 'a check failed'}${report.next ? `. Next: ${report.next}` : ''}`, 'stackmedic_runbook_refused');
      return planOf(runbook, rctx);
    },
    async run(ctx): Promise<Reply> {
      const rctx = runbookContext(ctx);
      const dryRun = ctx.args.flags.has('dry-run');
      const runbook = await spec.build(ctx, rctx);
      if (dryRun) return renderRunbookReport(await executeRunbook(runbook, rctx, { dryRun: true }));
      const request = {
        actor: ctx.actor.name,
        command: ctx.text,
        since: ctx.services.clock(),
        ...(ctx.auditId !== undefined ? { runId: `#${ctx.auditId}` } : {}),
      };
      let lock: Awaited<ReturnType<typeof ctx.services.locks.tryAcquire>>;
      try {
        lock = await ctx.services.locks.tryAcquire(runbook.nodes, request);
      } catch (error) {
        throw new UserError(
          `Not run: the node locks cannot be taken, the store is unavailable (${error instanceof Error ? error.message : String(error)}). Nothing was changed.`,
          'stackmedic_store_unavailable',
        );
      }
      if (!lock.ok) {
        const { holder } = lock;
        const where = holder.replica ? ` on replica ${holder.replica}` : '';
        const run = holder.runId ? ` (audit ${holder.runId})` : '';
        throw new UserError(
          `${lock.node} is busy: ${holder.command} by ${holder.actor}${where}${run} since ${holder.since.toISOString().slice(11, 19)} UTC. Wait for it to finish.`,
          'stackmedic_node_locked',
        );
      }
      try {
        const report = await executeRunbook(runbook, rctx, {
          onStep: async (s) => {
            await ctx.services.audit.record({
              actor: ctx.actor,
              command: `${ctx.text} · step ${s.index}: ${s.description}`,
              ...(s.node ? { node: s.node } : {}),
              kind: 'runbook',
              outcome: s.status === 'ok' ? 'ok' : s.status === 'refused' ? 'refused' : 'failed',
              // Redacted before the cut: a step's detail carries node output.
              detail: redactAndCut([s.command ? `$ ${s.command}` : '', s.detail].filter(Boolean).join('\n'), 2000, ''),
            });
          },
        });
        return renderRunbookReport(report);
      } finally {
        await lock.release();
      }
    },
  });
}
