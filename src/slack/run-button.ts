import type { RespondFn } from '@slack/bolt';
import type { ConfirmationFlow } from './confirm.js';
import { footerFor, tellAsker, type SlackDeps } from './context.js';
import { deliverReply } from './deliver.js';
import { invoke, progressFor, slackRequest } from './invoke.js';

/** A press of a run button. */
export interface RunPress {
  readonly command: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly channelName?: string | undefined;
  readonly respond?: RespondFn | undefined;
}

/** Runs the command of a pressed run button. Never throws. */
export async function handleRunButton(deps: SlackDeps, confirmations: ConfirmationFlow, press: RunPress): Promise<void> {
  const request = slackRequest(deps, {
    user: press.user,
    channel: press.channel,
    channelName: press.channelName,
    command: `Run button: ${press.command}`,
    kind: 'button',
    runs: press.command,
  });
  if (!request.ok) {
    await tellAsker(deps, { channel: press.channel, user: request.actor.id, respond: press.respond }, request.refusal);
    return;
  }
  const { actor } = request;
  await deps.audit.record({ actor, command: `Run button: ${press.command}`, kind: 'button', cluster: request.auditCluster, outcome: 'ok', detail: 'pressed' });
  const progress = progressFor(deps, press.channel, press.command, actor);
  try {
    const role = await request.role(deps.router.clusterOf?.(press.command, request.cluster));
    await invoke(deps, confirmations, { text: press.command, actor, role, channel: press.channel, cluster: request.cluster, respond: press.respond, progress });
  } catch (error) {
    deps.logger.error('[stackmedic] run button failed:', error);
    await deliverReply(deps, { ok: false, title: 'Internal error: stackmedic could not run this button; the details are in its log.', text: '' }, true, {
      channel: press.channel,
      user: actor.id,
      footer: footerFor(press.command, actor.id),
      respond: press.respond,
      progress,
    });
  }
}
