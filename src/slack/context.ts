import type { Logger, RespondFn } from '@slack/bolt';
import type { AuditLog } from '../audit/audit-log.js';
import type { CommandRouter } from '../router/cluster-router.js';
import { revealInvisible } from '../router/tokenize.js';
import type { Actor } from '../router/types.js';
import type { PermissionResolver } from './permissions.js';
import type { SlackPoster } from './poster.js';
import { fitMessage } from './limit.js';
import { echoText } from './split.js';

/** What the Slack listeners share: built once by createSlackApp. */
export interface SlackDeps {
  readonly router: CommandRouter;
  readonly audit: AuditLog;
  readonly poster: SlackPoster;
  readonly permissions: PermissionResolver;
  readonly logger: Logger;
  /** Minimum time between two updates of a progress message. */
  readonly progressIntervalMs: number;
  readonly clock: () => Date;
}

/** How much of a command's text is echoed back in acks, progress lines and footers. */
export const ECHO_MAX = 300;

/** The command text as shown back to people: escaped, and capped (the audit record keeps it whole). */
export function echoCommand(command: string): string {
  return `\`${echoText(revealInvisible(command.replace(/`/g, "'")), ECHO_MAX)}\``;
}

/** The context line under a result: what ran, who asked, where to find it in the audit. */
export function footerFor(command: string, userId: string, auditId?: number): string {
  return [echoCommand(command), `<@${userId}>`, ...(auditId !== undefined ? [`audit #${auditId}`] : [])].join(' · ');
}

/** A request to check against the channel rule: a slash command or a button press. */
export interface ChannelRequest {
  readonly actor: Actor;
  /** As it goes to the audit log: the command text, or `Confirm: /rabbit heal node-10`. */
  readonly command: string;
  readonly kind: 'command' | 'button';
  readonly channel: string;
  readonly channelName?: string | undefined;
  /** The cluster the request concerns, for its audit record (several clusters only). */
  readonly cluster?: string | undefined;
}

/**
 * The channel rule, one for slash commands and every button (Confirm, Cancel, run buttons):
 * outside the configured channels the request is refused and audited. Returns the refusal to
 * show the asker (mrkdwn), or undefined when the channel is allowed.
 */
export function channelRefusal(deps: SlackDeps, request: ChannelRequest): string | undefined {
  if (deps.permissions.channelAllowed(request.channel, request.channelName)) return undefined;
  // Not awaited: the refusal is answered at once (within the ack); the record follows.
  void deps.audit
    .record({
      actor: request.actor,
      command: request.command,
      kind: request.kind,
      cluster: request.cluster,
      outcome: 'refused',
      detail: `channel ${request.channelName ?? request.channel} is not configured`,
    })
    .catch((error: unknown) => deps.logger.error('[stackmedic] could not audit a refusal:', error));
  const where = `stackmedic takes commands only in ${deps.permissions.allowedChannelsText()}`;
  return request.kind === 'command'
    ? `${where}. Run ${echoCommand(request.command)} there (or ask an admin to add this channel to STACKMEDIC_CHANNELS or the permissions file).`
    : `${where}; this button was pressed elsewhere, so nothing was done.`;
}

/** Whom to tell something, and the press's response_url as the way out. */
export interface Asker {
  readonly channel: string;
  readonly user: string;
  readonly respond?: RespondFn | undefined;
}

/**
 * Tells one person something (mrkdwn) without bothering the channel: an ephemeral message, or the
 * response_url when Slack refuses that (the bot is not in the channel). Never throws.
 */
export async function tellAsker(deps: SlackDeps, asker: Asker, mrkdwn: string): Promise<void> {
  const { message } = fitMessage({ text: mrkdwn, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }] });
  try {
    await deps.poster.ephemeral(asker.channel, asker.user, message);
  } catch {
    try {
      if (!asker.respond) throw new Error('no response_url');
      await deps.poster.viaResponseUrl(asker.respond, message, 'ephemeral');
    } catch {
      deps.logger.error(`[stackmedic] could not tell ${asker.user}: ${mrkdwn.slice(0, 200)}`);
    }
  }
}
