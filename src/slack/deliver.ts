import type { RespondFn } from '@slack/bolt';
import { errorReference } from '../errors.js';
import type { Reply } from '../router/types.js';
import type { SlackDeps } from './context.js';
import { SlackPostError } from './poster.js';
import type { ProgressMessage } from './progress.js';
import { contextBlocks, renderReply } from './render.js';

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

/**
 * Posts a result. Channel results replace the progress message when there is one; ephemeral
 * results go to the asker only. When Slack refuses the post for good, the result is sent through
 * the response_url with the error reference; if that fails too, it is logged. Never throws.
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
    await fallback(deps, reply, ephemeral, target, ref);
  }
}

async function fallback(deps: SlackDeps, reply: Reply, ephemeral: boolean, target: DeliveryTarget, ref: string): Promise<void> {
  if (!target.respond) {
    deps.logger.error(`[stackmedic] no response_url to fall back on; the reply "${reply.title}" was not delivered (ref ${ref})`);
    return;
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
  } catch {
    deps.logger.error(`[stackmedic] the response_url fallback failed too; the reply "${reply.title}" was not delivered (ref ${ref})`);
  }
}
