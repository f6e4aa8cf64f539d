import { describeExit, tailLines } from '../ssh/exit-codes.js';
import { renderRemoteCommand } from '../ssh/shell.js';
import type { ActionPlan } from '../router/types.js';
import type { ActStep, Runbook, RunbookContext, RunbookReport, StepReport, VerifyStep } from './types.js';

/** The exact command text an act step sends to its node. */
export function actCommandText(step: ActStep, ctx: Pick<RunbookContext, 'inventory'>): string {
  const node = ctx.inventory.nodes.find((n) => n.name === step.node);
  return renderRemoteCommand(step.command, { become: node?.become ?? false, openrcPath: ctx.inventory.openrcPath });
}

/** The confirmation plan of a runbook: every act step, its node and exact command. */
export function planOf(runbook: Runbook, ctx: Pick<RunbookContext, 'inventory'>): ActionPlan {
  const acts = runbook.steps.filter((s): s is ActStep => s.kind === 'act');
  return {
    summary: `${runbook.title}: ${acts.length} action${acts.length === 1 ? '' : 's'} on ${[...new Set(acts.map((a) => a.node))].join(', ') || 'no node'}`,
    actions: acts.map((a) => ({ node: a.node, description: a.description, command: actCommandText(a, ctx) })),
  };
}

/**
 * Runs a runbook's steps in order. A check that fails refuses the runbook; an act or verify that
 * fails stops it there, saying what state the node is in and what to do next. With `dryRun`
 * only the checks run; acts and verifies are listed as planned.
 */
export async function executeRunbook(
  runbook: Runbook,
  ctx: RunbookContext,
  options: { dryRun?: boolean; onStep?: (step: StepReport) => void | Promise<void> } = {},
): Promise<RunbookReport> {
  // Each step is handed to `onStep` as soon as it ends, so that its audit record exists even if
  // the bot stops before the runbook does.
  const reports: StepReport[] = [];
  const record = async (step: StepReport): Promise<void> => {
    reports.push(step);
    await options.onStep?.(step);
  };
  const total = runbook.steps.length;
  for (const [i, step] of runbook.steps.entries()) {
    const index = i + 1;
    const started = ctx.now();
    const elapsed = (): number => Math.round(ctx.now() - started);
    if (options.dryRun && step.kind !== 'check') {
      await record({
        index,
        kind: step.kind,
        description: step.description,
        status: 'planned',
        detail: step.kind === 'verify' ? `poll every ${step.intervalMs / 1000} s, up to ${step.deadlineMs / 1000} s` : '',
        node: step.kind === 'act' ? step.node : undefined,
        command: step.kind === 'act' ? actCommandText(step, ctx) : undefined,
        durationMs: 0,
      });
      continue;
    }
    ctx.progress(`step ${index}/${total}: ${step.description}...`);
    if (step.kind === 'check') {
      const v = await step.run(ctx);
      await record({ index, kind: 'check', description: step.description, status: v.ok ? 'ok' : 'refused', detail: v.detail ?? '', durationMs: elapsed() });
      if (!v.ok) return finish(runbook, reports, 'refused', v.detail, v.next);
      continue;
    }
    if (step.kind === 'act') {
      const command = actCommandText(step, ctx);
      const r = await ctx.executor.exec(step.node, step.command, { timeoutMs: Math.min(step.timeoutMs, ctx.maxActTimeoutMs ?? step.timeoutMs) });
      const okCodes = step.okExitCodes ?? [0];
      if (!r.ok) {
        await record({
          index,
          kind: 'act',
          description: step.description,
          status: 'failed',
          detail: r.message,
          node: step.node,
          command,
          durationMs: elapsed(),
        });
        return stopped(runbook, ctx, reports, `step ${index} (${step.description}) did not complete on ${step.node}: ${r.message}`, step.onFailure);
      }
      const output = tailLines(`${r.stdout}\n${r.stderr}`, 5);
      if (r.exitCode === null || !okCodes.includes(r.exitCode)) {
        await record({
          index,
          kind: 'act',
          description: step.description,
          status: 'failed',
          detail: `${describeExit(r.exitCode, r.signal)}${output ? `: ${output}` : ''}`,
          node: step.node,
          command,
          durationMs: elapsed(),
        });
        return stopped(
          runbook,
          ctx,
          reports,
          `step ${index} (${step.description}) ${describeExit(r.exitCode, r.signal)} on ${step.node}${output ? `: ${tailLines(output, 2)}` : ''}`,
          step.onFailure,
        );
      }
      await record({ index, kind: 'act', description: step.description, status: 'ok', detail: output, node: step.node, command, durationMs: elapsed() });
      continue;
    }
    const v = await verify(step, ctx);
    await record({ index, kind: 'verify', description: step.description, status: v.ok ? 'ok' : 'failed', detail: v.detail ?? '', durationMs: elapsed() });
    if (!v.ok)
      return stopped(
        runbook,
        ctx,
        reports,
        `step ${index} (${step.description}) did not pass within ${Math.round(step.deadlineMs / 1000)} s: ${v.detail}`,
        v.next ?? step.onFailure,
      );
  }
  if (options.dryRun || !runbook.followUp) return finish(runbook, reports, options.dryRun ? 'planned' : 'succeeded');
  ctx.progress('checking what else is still down...');
  const follow = await runbook
    .followUp(ctx)
    .catch((e: unknown) => ({ notes: [`could not check the rest of the cluster: ${e instanceof Error ? e.message : String(e)}`], next: undefined }));
  return { ...finish(runbook, reports, 'succeeded', undefined, follow.next), notes: follow.notes };
}

/** A failed act or verify: the report says why, what state the node is in now, and what to do. */
async function stopped(runbook: Runbook, ctx: RunbookContext, reports: StepReport[], reason: string, next: string): Promise<RunbookReport> {
  let state: string | undefined;
  if (runbook.stateNow) {
    ctx.progress("reading the node's state after the failure...");
    state = await runbook.stateNow(ctx).catch((e: unknown) => `unknown (${e instanceof Error ? e.message : String(e)})`);
  }
  return { ...finish(runbook, reports, 'failed', reason, next), state };
}

async function verify(step: VerifyStep, ctx: RunbookContext): Promise<{ ok: boolean; detail?: string; next?: string }> {
  const deadline = ctx.now() + step.deadlineMs;
  let last: { ok: boolean; detail?: string; next?: string } = { ok: false, detail: 'not checked yet' };
  for (;;) {
    last = await step.poll(ctx);
    if (last.ok || ctx.now() + step.intervalMs > deadline) return last;
    await ctx.sleep(step.intervalMs);
  }
}

function finish(runbook: Runbook, steps: StepReport[], status: RunbookReport['status'], reason?: string, next?: string): RunbookReport {
  return { runbook: runbook.id, title: runbook.title, status, steps, reason, next };
}
