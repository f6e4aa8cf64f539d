/**
 * The one Slack request path. Every way a person asks stackmedic for something in Slack (a slash
 * command, a run button, a Confirm press) goes through `slackRequest` first (who asks, from which
 * channel: refused and audited when the channel is not allowed), then through `invoke` (dispatch
 * through the router, then either ask for confirmation or deliver the result).
 */
import type { RespondFn } from '@slack/bolt';
import type { DispatchResult } from '../router/router.js';
import type { Actor, PermissionRole, Reply } from '../router/types.js';
import { channelRefusal, echoCommand, footerFor, type SlackDeps } from './context.js';
import { deliverReply } from './deliver.js';
import { ProgressMessage } from './progress.js';
import { renderProgress } from './render.js';

/** A request as it arrives: who, where, and what it asks (as it goes to the audit log). */
export interface SlackRequestInput {
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly channelName?: string | undefined;
  /** The command text, or `Confirm: /rabbit heal node-10` for a press. */
  readonly command: string;
  readonly kind: 'command' | 'button';
  /** The command a button would run (`command` is its audit label): what names the cluster of its records. */
  readonly runs?: string | undefined;
}

/** The per-request context, resolved once: the actor and a lazy role lookup, or the refusal. */
export type SlackRequest =
  | {
      readonly ok: true;
      readonly actor: Actor;
      /** The cluster the channel is bound to, if any (the router takes `--cluster` over it). */
      readonly cluster: string | undefined;
      /** The cluster this request's own audit records carry (several clusters only). */
      readonly auditCluster: string | undefined;
      /** The role, with what `cluster`'s own grants add (the cluster the command runs on). */
      role(cluster?: string): Promise<PermissionRole>;
    }
  | { readonly ok: false; readonly actor: Actor; readonly refusal: string };

/**
 * Resolves who asks and checks the channel rule (auditing a refusal). The role is looked up only
 * when asked for (user-group membership may take a Web API call; the slash command races it
 * against Slack's 3-second ack). A failed lookup counts as a viewer, and is logged.
 */
export function slackRequest(deps: SlackDeps, input: SlackRequestInput): SlackRequest {
  const actor: Actor = { id: input.user.id, name: input.user.name, via: 'slack', channel: input.channel };
  const allowed = deps.permissions.channelAllowed(input.channel, input.channelName);
  const cluster = allowed ? deps.permissions.clusterOf(input.channel, input.channelName) : undefined;
  const auditCluster = deps.router.auditClusterOf?.(input.runs ?? input.command, cluster);
  const refusal = channelRefusal(deps, {
    actor,
    command: input.command,
    kind: input.kind,
    channel: input.channel,
    channelName: input.channelName,
    cluster: auditCluster,
  });
  if (refusal) return { ok: false, actor, refusal };
  const lookups = new Map<string, Promise<PermissionRole>>();
  return {
    ok: true,
    actor,
    cluster,
    auditCluster,
    role: (cluster) => {
      const key = cluster ?? '';
      let lookup = lookups.get(key);
      if (!lookup) {
        lookup = deps.permissions.roleOf(actor.id, cluster).catch((error: unknown): PermissionRole => {
          deps.logger.error('[stackmedic] role lookup failed; treating the user as a viewer:', error);
          return 'viewer';
        });
        lookups.set(key, lookup);
      }
      return lookup;
    },
  };
}

/** The progress message of a command run from `channel`, titled with the command and who asked. */
export function progressFor(deps: SlackDeps, channel: string, text: string, actor: Actor): ProgressMessage {
  return new ProgressMessage(deps.poster, channel, (step) => renderProgress(`${echoCommand(text)} by <@${actor.id}>`, step), deps.logger, {
    minIntervalMs: deps.progressIntervalMs,
  });
}

/** What asks a person to confirm a dangerous command (the confirmation flow, with its buttons). */
export interface ConfirmationAsker {
  request(result: Extract<DispatchResult, { kind: 'confirm' }>, actor: Actor, channel: string, respond?: RespondFn): Promise<void>;
}

/** One invocation of a command on behalf of a resolved request. */
export interface Invocation {
  readonly text: string;
  readonly actor: Actor;
  readonly role: PermissionRole;
  readonly channel: string;
  /** The cluster the channel is bound to, passed to the router. */
  readonly cluster?: string | undefined;
  readonly respond?: RespondFn | undefined;
  /** The message showing progress; the result replaces it when it is delivered there. */
  readonly progress: ProgressMessage;
  /** The text was confirmed already (a Confirm press): run, never ask again. */
  readonly confirmed?: boolean;
  /** A dispatch already made (the slash command prepares inside its ack); otherwise `invoke` dispatches. */
  readonly result?: DispatchResult;
  /**
   * How the result is delivered. `replace-progress` (default): in place of the progress message,
   * or to the asker only when the router says so. `in-channel`: always in the channel, as a new
   * message (a confirmed run: everyone who saw the plan learns how it went).
   */
  readonly delivery?: 'replace-progress' | 'in-channel';
  /** Runs between the dispatch and the delivery (the confirmation flow updates its message). */
  readonly beforeDelivery?: (reply: Reply, auditId: number | undefined) => Promise<void>;
}

/** Dispatches (unless already done), then asks for confirmation or delivers. Returns the dispatch. */
export async function invoke(deps: SlackDeps, confirmations: ConfirmationAsker, inv: Invocation): Promise<DispatchResult> {
  const result =
    inv.result ??
    (await deps.router.dispatch({
      text: inv.text,
      actor: inv.actor,
      role: inv.role,
      progress: inv.progress.sink,
      ...(inv.cluster !== undefined ? { cluster: inv.cluster } : {}),
      ...(inv.confirmed ? { confirmed: true } : {}),
    }));
  if (result.kind === 'confirm') {
    await inv.progress.finish();
    if (!inv.confirmed) await confirmations.request(result, inv.actor, inv.channel, inv.respond);
    return result;
  }
  const inChannel = inv.delivery === 'in-channel';
  // Finished first: a late progress update must not overwrite what beforeDelivery writes.
  if (inChannel) await inv.progress.finish();
  await inv.beforeDelivery?.(result.reply, result.auditId);
  await deliverReply(deps, result.reply, inChannel ? false : result.ephemeral, {
    channel: inv.channel,
    user: inv.actor.id,
    footer: footerFor(inv.text, inv.actor.id, result.auditId),
    respond: inv.respond,
    ...(inChannel ? {} : { progress: inv.progress }),
  });
  return result;
}
