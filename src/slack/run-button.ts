import type { RespondFn } from '@slack/bolt';
import type { Actor } from '../router/types.js';
import type { ConfirmationFlow } from './confirm.js';
import { channelRefusal, echoCommand, footerFor, tellAsker, type SlackDeps } from './context.js';
import { deliverReply } from './deliver.js';
import { ProgressMessage } from './progress.js';
import { renderProgress } from './render.js';

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
  const actor: Actor = { id: press.user.id, name: press.user.name, via: 'slack', channel: press.channel };
  const footer = footerFor(press.command, actor.id);
  const refusal = channelRefusal(deps, {
    actor,
    command: `Run button: ${press.command}`,
    kind: 'button',
    channel: press.channel,
    channelName: press.channelName,
  });
  if (refusal) {
    await tellAsker(deps, { channel: press.channel, user: actor.id, respond: press.respond }, refusal);
    return;
  }
  deps.audit.record({ actor, command: `Run button: ${press.command}`, kind: 'button', outcome: 'ok', detail: 'pressed' });
  const progress = new ProgressMessage(
    deps.poster,
    press.channel,
    (step) => renderProgress(`${echoCommand(press.command)} by <@${actor.id}>`, step),
    deps.logger,
    {
      minIntervalMs: deps.progressIntervalMs,
    },
  );
  try {
    const role = await deps.permissions.roleOf(actor.id);
    const result = await deps.router.dispatch({ text: press.command, actor, role, progress: progress.sink });
    if (result.kind === 'confirm') {
      await progress.finish();
      await confirmations.request(result, actor, press.channel, press.respond);
      return;
    }
    await deliverReply(deps, result.reply, result.ephemeral, {
      channel: press.channel,
      user: actor.id,
      footer: footerFor(press.command, actor.id, result.auditId),
      respond: press.respond,
      progress,
    });
  } catch (error) {
    deps.logger.error('[stackmedic] run button failed:', error);
    await deliverReply(deps, { ok: false, title: 'Internal error: stackmedic could not run this button; the details are in its log.', text: '' }, true, {
      channel: press.channel,
      user: actor.id,
      footer,
      respond: press.respond,
      progress,
    });
  }
}
