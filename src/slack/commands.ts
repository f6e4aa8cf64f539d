import type { AckFn, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { Reply } from '../router/types.js';
import { withAuditId } from '../router/router.js';
import type { ConfirmationFlow } from './confirm.js';
import { echoCommand, footerFor, type SlackDeps } from './context.js';
import { invoke, progressFor, slackRequest } from './invoke.js';
import { renderReply } from './render.js';
import { limitAck, runningAck } from './ack-payload.js';

/** Options of the slash command handler. */
export interface SlashOptions {
  /**
   * How long the user's role lookup (user group membership, cached) may hold the ack. Slack
   * wants the ack within 3 s; nothing else waits before it.
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
  const request = slackRequest(deps, {
    user: { id: command.user_id, name: command.user_name },
    channel: command.channel_id,
    channelName: command.channel_name,
    command: text,
    kind: 'command',
  });
  if (!request.ok) {
    await safeAck(deps, ack, { response_type: 'ephemeral', text: request.refusal });
    return;
  }
  const { actor } = request;

  const family = command.command.replace(/^\//, '');
  if (!deps.router.commandFamilies.some((f) => f.name === family)) {
    const known = deps.router.commandFamilies.map((f) => `\`/${f.name}\``).join(', ');
    await safeAck(deps, ack, {
      response_type: 'ephemeral',
      text: `${echoCommand(`/${family}`)} is not available in this stackmedic yet. Available: ${known}.`,
    });
    return;
  }

  const progress = progressFor(deps, command.channel_id, text, actor);
  // Ack first, always: only the role lookup (user groups, cached) may delay it, and only up to
  // quickAnswerMs; parsing, help, validation and permission checks are synchronous, so their
  // answers ride in the ack, and everything that touches nodes runs after it.
  // The role on the cluster the command runs on: a grant on one cluster holds there only.
  const cluster = deps.router.clusterOf?.(text, request.cluster);
  const role = await Promise.race([request.role(cluster), timeout(options.quickAnswerMs)]);
  // Shown while a slow role lookup holds the answer: the text is the user's, so escaped and capped.
  const running = runningAck(text);
  const target = { text, actor, channel: command.channel_id, cluster: request.cluster, respond, progress };
  if (role === undefined) {
    await safeAck(deps, ack, running);
    await invoke(deps, confirmations, { ...target, role: await request.role(cluster) });
    return;
  }
  const prepared = deps.router.prepare({ text, actor, role, progress: progress.sink, cluster: request.cluster });
  if (prepared.kind === 'answered' && prepared.result.kind === 'reply' && prepared.result.ephemeral) {
    const payload = ackPayload(prepared.result.reply, footerFor(text, actor.id, prepared.result.auditId ?? (await prepared.result.audited)));
    if (payload) {
      await safeAck(deps, ack, payload);
      return;
    }
  }
  await safeAck(deps, ack, running);
  await invoke(deps, confirmations, { ...target, role, result: prepared.kind === 'answered' ? await withAuditId(prepared.result) : await prepared.run() });
}

async function safeAck(deps: SlackDeps, ack: AckFn<string | RespondArguments>, payload?: RespondArguments): Promise<void> {
  try {
    // Acks carry text too (help, refusals, the echoed command): redacted and limited like every post.
    await ack(payload === undefined ? undefined : limitAck(payload));
  } catch (error) {
    deps.logger.error('[stackmedic] ack failed:', error);
  }
}
