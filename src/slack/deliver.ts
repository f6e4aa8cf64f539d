import type { RespondFn } from '@slack/bolt';
import { errorReference } from '../errors.js';
import type { Reply } from '../router/types.js';
import type { SlackDeps } from './context.js';
import { SlackPostError, type SlackPoster } from './poster.js';
import type { OutboxEntry } from '../outbox/store.js';
import type { ProgressMessage } from './progress.js';
import { contextBlocks, renderReply } from './render.js';
import { utcHourMinute } from '../render/clock-time.js';

/** Where and to whom a result goes. */
export interface DeliveryTarget {
  readonly channel: string;
  readonly user: string;
  readonly footer: string;
  /** The response_url of the slash command or button press, for the fallback. */
  readonly respond?: RespondFn | undefined;
  /** The progress message of this command, replaced by the result when it exists. */
  readonly progress?: ProgressMessage | undefined;
}

/** The audit id a footer names (`... · audit #12`): how an outbox entry links to the audit. */
function auditIdOf(footer: string): number | undefined {
  const m = /audit #(\d+)/.exec(footer);
  return m ? Number(m[1]) : undefined;
}

/**
 * Posts a result. Channel results replace the progress message when there is one; ephemeral
 * results go to the asker only. When Slack refuses the post for good, the result is sent through
 * the response_url with the error reference; if that fails too, it is kept in the outbox and
 * retried until delivered or expired (or, with no outbox, logged). Never throws.
 */
export async function deliverReply(deps: SlackDeps, reply: Reply, ephemeral: boolean, target: DeliveryTarget): Promise<void> {
  const progressMessage = await target.progress?.finish();
  try {
    if (ephemeral) {
      // A progress message must not stay at "step 2/5" when the answer went to the asker only.
      if (progressMessage)
        await deps.poster.update(progressMessage, { text: reply.title, blocks: contextBlocks(`${target.footer} · answered to <@${target.user}> only`) });
      await deps.poster.ephemeralReply(target.channel, target.user, reply, { footer: target.footer });
    } else if (progressMessage) {
      await deps.poster.updateReply(progressMessage, reply, { footer: target.footer });
    } else {
      await deps.poster.postReply(target.channel, reply, { footer: target.footer });
    }
  } catch (error) {
    const ref = error instanceof SlackPostError ? error.reference : errorReference();
    if (!(error instanceof SlackPostError)) deps.logger.error(`[stackmedic] delivering a reply failed, ref ${ref}:`, error);
    if (await fallback(deps, reply, ephemeral, target, ref)) {
      // The answer arrived another way: its progress message is no run left hanging.
      if (progressMessage) await deps.poster.runs?.settled(progressMessage.channel, progressMessage.ts).catch(() => undefined);
      return;
    }
    await keep(deps, reply, ephemeral, target, error, progressMessage?.ts);
  }
}

/** Puts an answer neither way could deliver into the outbox. */
async function keep(deps: SlackDeps, reply: Reply, ephemeral: boolean, target: DeliveryTarget, error: unknown, replaceTs: string | undefined): Promise<void> {
  const outbox = deps.poster.outbox;
  if (!outbox) {
    deps.logger.error(`[stackmedic] the reply "${reply.title}" was not delivered and there is no outbox to keep it`);
    return;
  }
  try {
    const id = await outbox.keep({
      channel: target.channel,
      user: target.user,
      ephemeral,
      auditId: auditIdOf(target.footer),
      reply,
      footer: target.footer,
      replaceTs,
      error: error instanceof Error ? error.message : String(error),
      retryAfterMs: error instanceof SlackPostError ? error.retryAfterMs : undefined,
    });
    deps.logger.warn(
      `[stackmedic] the reply "${reply.title}" could not be delivered; kept as outbox #${id}, retried until delivered (/cluster audit shows it)`,
    );
  } catch (e) {
    deps.logger.error(`[stackmedic] the reply "${reply.title}" was not delivered and could not be kept:`, e);
  }
}

/** Sends a kept answer again (the outbox worker's delivery); throws when Slack still refuses. */
export async function redeliver(poster: SlackPoster, entry: OutboxEntry): Promise<void> {
  const late = `${entry.footer} · _delivered late: Slack refused it at ${utcHourMinute(entry.createdAt)} UTC_`;
  if (entry.ephemeral) {
    await poster.ephemeralReply(entry.channel, entry.user, entry.reply, { footer: late });
  } else if (entry.replaceTs) {
    await poster.updateReply({ channel: entry.channel, ts: entry.replaceTs }, entry.reply, { footer: late });
  } else {
    await poster.postReply(entry.channel, entry.reply, { footer: late });
  }
}

/** The response_url way; returns whether the answer got through. */
async function fallback(deps: SlackDeps, reply: Reply, ephemeral: boolean, target: DeliveryTarget, ref: string): Promise<boolean> {
  if (!target.respond) {
    deps.logger.error(`[stackmedic] no response_url to fall back on for the reply "${reply.title}" (ref ${ref})`);
    return false;
  }
  const rendered = renderReply(reply, { footer: target.footer });
  // A response_url takes five messages: the reply and up to three more parts, then a note.
  const parts = rendered.thread.slice(0, 3);
  const left = rendered.thread.length - parts.length + rendered.files.length;
  const note = contextBlocks(
    `_stackmedic could not post this normally (ref ${ref})${left ? `; ${left} more part(s) of the output could not be delivered` : ''}._`,
  );
  const type = ephemeral ? 'ephemeral' : 'in_channel';
  try {
    await deps.poster.viaResponseUrl(target.respond, { text: rendered.main.text, blocks: [...rendered.main.blocks.slice(0, 50 - note.length), ...note] }, type);
    for (const part of parts) await deps.poster.viaResponseUrl(target.respond, part, type);
    return true;
  } catch {
    deps.logger.error(`[stackmedic] the response_url fallback failed too for the reply "${reply.title}" (ref ${ref})`);
    return false;
  }
}
