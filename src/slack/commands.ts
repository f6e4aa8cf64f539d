import type { AckFn, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { DispatchResult } from '../router/router.js';
import type { Actor, Reply } from '../router/types.js';
import type { ConfirmationFlow } from './confirm.js';
import { footerFor, type SlackDeps } from './context.js';
import { deliverReply } from './deliver.js';
import { ProgressMessage } from './progress.js';
import { renderProgress, renderReply } from './render.js';
import { escapeMrkdwn } from './split.js';
import { redactDeep } from '../redact.js';

/** Options of the slash command handler. */
export interface SlashOptions {
  /**
   * How long to wait for a quick answer before acknowledging with "running…". Slack wants the
   * ack within 3 s; waiting a little lets fast answers (help, refusals) come back in the ack itself.
   */
  readonly quickAnswerMs: number;
}

function timeout(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

/** An ephemeral answer that fits in the ack (no thread parts or files to follow). */
function ackPayload(reply: Reply, footer: string): RespondArguments | undefined {
  const rendered = renderReply(reply, { footer });
  if (rendered.thread.length > 0 || rendered.files.length > 0) return undefined;
  return { response_type: 'ephemeral', text: rendered.main.text, blocks: [...rendered.main.blocks] } as RespondArguments;
}

/**
 * Handles one slash command: channel check, role, dispatch through the router, ack within Slack's
 * 3 seconds, then the result in the channel (or to the asker only for help, usage errors and
 * refusals). Never throws and never leaves the command without an answer.
 */
export async function handleSlashCommand(
  deps: SlackDeps,
  confirmations: ConfirmationFlow,
  options: SlashOptions,
  command: SlashCommand,
  ack: AckFn<string | RespondArguments>,
  respond: RespondFn,
): Promise<void> {
  const text = `${command.command} ${command.text}`.trim();
  const actor: Actor = { id: command.user_id, name: command.user_name, via: 'slack', channel: command.channel_id };
  if (!deps.permissions.channelAllowed(command.channel_id, command.channel_name)) {
    deps.audit.record({ actor, command: text, kind: 'command', outcome: 'refused', detail: `channel ${command.channel_name ?? command.channel_id} is not configured` });
    await safeAck(deps, ack, {
      response_type: 'ephemeral',
      text: `stackmedic takes commands only in ${deps.permissions.allowedChannelsText()}. Run \`${text}\` there (or ask an admin to add this channel to STACKMEDIC_CHANNELS or the permissions file).`,
    });
    return;
  }

  const family = command.command.replace(/^\//, '');
  if (!deps.router.commandFamilies.some((f) => f.name === family)) {
    const known = deps.router.commandFamilies.map((f) => `\`/${f.name}\``).join(', ');
    await safeAck(deps, ack, { response_type: 'ephemeral', text: `\`/${family}\` is not available in this stackmedic yet. Available: ${known}.` });
    return;
  }

  const progress = new ProgressMessage(deps.poster, command.channel_id, (step) => renderProgress(`\`${escapeMrkdwn(text)}\` by <@${actor.id}>`, step), deps.logger, {
    minIntervalMs: deps.progressIntervalMs,
  });
  const work = (async (): Promise<DispatchResult> => {
    const role = await deps.permissions.roleOf(actor.id);
    return deps.router.dispatch({ text, actor, role, progress: progress.sink });
  })().catch((error: unknown): DispatchResult => {
    // The router never throws; this guards the role lookup and anything unforeseen.
    deps.logger.error('[stackmedic] slash command failed before dispatch:', error);
    return { kind: 'reply', ephemeral: true, reply: { ok: false, title: 'Internal error: stackmedic could not handle this command; the details are in its log.', text: '' } };
  });

  const quick = await Promise.race([work, timeout(options.quickAnswerMs)]);
  if (quick?.kind === 'reply' && quick.ephemeral) {
    const payload = ackPayload(quick.reply, footerFor(text, actor.id, quick.auditId));
    if (payload && !(await progress.finish())) {
      await safeAck(deps, ack, payload);
      return;
    }
  }
  await safeAck(deps, ack, quick ? undefined : { response_type: 'ephemeral', text: `running \`${text}\`…` });
  const result = await work;
  if (result.kind === 'confirm') {
    await progress.finish();
    await confirmations.request(result, actor, command.channel_id, respond);
    return;
  }
  await deliverReply(deps, result.reply, result.ephemeral, {
    channel: command.channel_id,
    user: actor.id,
    footer: footerFor(text, actor.id, result.auditId),
    respond,
    progress,
  });
}

async function safeAck(deps: SlackDeps, ack: AckFn<string | RespondArguments>, payload?: RespondArguments): Promise<void> {
  try {
    // Acks carry text too (help, refusals, the echoed command): same redaction as every post.
    await ack(payload === undefined ? undefined : redactDeep(payload));
  } catch (error) {
    deps.logger.error('[stackmedic] ack failed:', error);
  }
}
