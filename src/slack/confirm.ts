import type { RespondFn } from '@slack/bolt';
import { utcHourMinute } from '../render/clock-time.js';
import type { DispatchResult } from '../router/router.js';
import { roleAllows } from '../router/router.js';
import type { Actor, PermissionRole, SlackBlock } from '../router/types.js';
import type { Confirmation, ConfirmationStore } from './confirm-store.js';
import { tellAsker, type SlackDeps } from './context.js';
import { invoke, slackRequest } from './invoke.js';
import { SlackPostError } from './poster.js';
import { ProgressMessage } from './progress.js';
import { blockChars, fitMessage, packBlocks } from './limit.js';
import { escapeMrkdwn, SLACK_LIMITS } from './split.js';
import { contextBlocks, fallbackText, planSections, titleBlocks, type SlackMessage } from './render.js';

/** Action id of the Confirm button. */
export const CONFIRM_ACTION = 'stackmedic_confirm';
/** Action id of the Cancel button. */
export const CANCEL_ACTION = 'stackmedic_cancel';

/** A press of Confirm or Cancel, as the listener hands it over. */
export interface ButtonPress {
  readonly action: 'confirm' | 'cancel';
  readonly confirmationId: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly channelName?: string | undefined;
  /** The message the button is on (Slack sends it with the press). */
  readonly messageTs?: string | undefined;
  readonly respond?: RespondFn | undefined;
}

const ROLES_ABOVE: Record<PermissionRole, string> = { viewer: 'anyone', operator: 'an operator or admin', admin: 'an admin' };

function when(date: Date): string {
  const epoch = Math.floor(date.getTime() / 1000);
  return `<!date^${epoch}^{time}|${utcHourMinute(date)} UTC>`;
}

/** The plan's sections and the status line under them; buttons only while pending. */
function confirmationBlocks(c: Confirmation, status: string, withButtons: boolean): { blocks: SlackBlock[]; extra: SlackBlock[][] } {
  const head = titleBlocks(`Confirm: ${c.command}`);
  const plan = planSections(c.plan).map((text): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  const status_ = contextBlocks(status);
  const buttons: SlackBlock[] = withButtons
    ? [
        {
          type: 'actions',
          block_id: 'stackmedic_confirmation',
          elements: [
            { type: 'button', action_id: CONFIRM_ACTION, style: 'danger', value: c.id, text: { type: 'plain_text', text: 'Confirm', emoji: true } },
            { type: 'button', action_id: CANCEL_ACTION, value: c.id, text: { type: 'plain_text', text: 'Cancel', emoji: true } },
          ],
        },
      ]
    : [];
  const fixed = head.length + status_.length + buttons.length;
  const charRoom = SLACK_LIMITS.messageText - SLACK_LIMITS.fallbackText - [...head, ...status_, ...buttons].reduce((n, b) => n + blockChars(b), 0) - 200;
  if (packBlocks(plan, SLACK_LIMITS.blocksPerMessage - fixed, charRoom).length <= 1) return { blocks: [...head, ...plan, ...status_, ...buttons], extra: [] };
  // A plan longer than one message: the rest goes to the thread, and the message says so.
  const first = packBlocks(plan, SLACK_LIMITS.blocksPerMessage - fixed - 1, charRoom)[0] ?? [];
  return {
    blocks: [...head, ...first, ...contextBlocks('_the plan continues in the thread: read it before confirming_'), ...status_, ...buttons],
    extra: packBlocks(plan.slice(first.length)),
  };
}

/**
 * Confirmation of dangerous commands in Slack: the plan (exact command per node) with Confirm and
 * Cancel buttons; only a user whose role allows the command may confirm; every press is audited;
 * confirmations expire and live in the store, so a restart does not lose them.
 */
export class ConfirmationFlow {
  constructor(
    private readonly deps: SlackDeps,
    private readonly store: ConfirmationStore,
    private readonly ttlMs: number,
  ) {}

  /** Posts the confirmation message for a `confirm` dispatch result. */
  async request(result: Extract<DispatchResult, { kind: 'confirm' }>, actor: Actor, channel: string, respond?: RespondFn): Promise<void> {
    const c = await this.store.create({
      auditId: result.auditId,
      command: result.text,
      permission: result.command.permission,
      plan: result.plan,
      channel,
      requestedBy: actor.id,
      requestedName: actor.name,
      ttlMs: this.ttlMs,
    });
    const status = `Requested by <@${actor.id}> · needs the ${c.permission} role · expires at ${when(c.expiresAt)} · audit #${c.auditId}`;
    const { blocks, extra } = confirmationBlocks(c, status, true);
    const message: SlackMessage = fitMessage({ text: fallbackText(`Confirm: ${c.command}`), blocks }).message;
    try {
      const posted = await this.deps.poster.post(channel, message);
      await this.store.attachMessage(c.id, posted.ts);
      for (const part of extra)
        await this.deps.poster.post(channel, fitMessage({ text: fallbackText(`Plan of ${c.command} (continued)`), blocks: part }).message, {
          threadTs: posted.ts,
        });
    } catch (error) {
      const ref = error instanceof SlackPostError ? error.reference : 'n/a';
      if (respond) {
        try {
          await this.deps.poster.viaResponseUrl(
            respond,
            {
              text: message.text,
              blocks: [...blocks, ...contextBlocks(`_posted through the response_url: the channel post failed (ref ${ref})_`)].slice(0, 50),
            },
            'in_channel',
          );
          return;
        } catch {
          // Logged below with the reference.
        }
      }
      this.deps.logger.error(`[stackmedic] could not show the confirmation for ${c.command} (ref ${ref})`);
    }
  }

  /** Handles a Confirm or Cancel press. Never throws. */
  async press(p: ButtonPress): Promise<void> {
    const { audit } = this.deps;
    const stored = await this.store.get(p.confirmationId);
    const label = p.action === 'confirm' ? 'Confirm' : 'Cancel';
    // The channel rule first: a press from elsewhere decides nothing, not even the message's ts.
    const request = slackRequest(this.deps, {
      user: p.user,
      channel: p.channel,
      channelName: p.channelName,
      command: `${label}: ${stored?.command ?? `confirmation ${p.confirmationId}`}`,
      kind: 'button',
      runs: stored?.command,
    });
    if (!request.ok) {
      await this.tell(p, request.refusal);
      return;
    }
    const { actor } = request;
    // The press names its message: adopt it if storing the ts was missed (a post that raced a restart).
    if (stored && !stored.messageTs && p.messageTs && p.channel === stored.channel) await this.store.attachMessage(stored.id, p.messageTs);
    const existing = stored && !stored.messageTs && p.messageTs && p.channel === stored.channel ? { ...stored, messageTs: p.messageTs } : stored;
    if (!existing) {
      await audit.record({
        actor,
        command: `${label} pressed on unknown confirmation ${p.confirmationId}`,
        kind: 'button',
        outcome: 'refused',
        detail: 'unknown confirmation',
      });
      await this.tell(p, 'This confirmation is unknown to stackmedic (it may come from another installation). Run the command again.');
      return;
    }
    const node = existing.plan.actions[0]?.node;
    const record = (outcome: 'ok' | 'denied' | 'cancelled' | 'expired' | 'refused', detail: string): Promise<number> =>
      audit.record({
        actor,
        command: `${label}: ${existing.command}`,
        ...(node ? { node } : {}),
        kind: 'button',
        cluster: request.auditCluster,
        outcome,
        detail: `${detail} (confirmation ${existing.id}, request audit #${existing.auditId})`,
      });

    // The stored command names its cluster when there are several: the role there decides.
    const role = await request.role(this.deps.router.clusterOf?.(existing.command, request.cluster));
    const mayAct = roleAllows(role, existing.permission) || (p.action === 'cancel' && p.user.id === existing.requestedBy);
    if (!mayAct) {
      await record('denied', `role ${role} < ${existing.permission}`);
      await this.tell(p, `Only ${ROLES_ABOVE[existing.permission]} can ${p.action} \`${existing.command}\`; you are a ${role}. Nothing was changed.`);
      return;
    }
    const decided = await this.store.decide(existing.id, p.action === 'confirm' ? 'confirmed' : 'cancelled', p.user.id);
    if (!decided.ok) {
      if (decided.reason === 'expired') {
        await record('expired', 'pressed after expiry');
        if (existing.state === 'pending') await this.markExpired(existing);
        await this.tell(p, `This confirmation expired at ${when(existing.expiresAt)}; nothing was run. Run \`${existing.command}\` again.`);
      } else {
        await record('refused', `already ${decided.confirmation?.state ?? 'decided'}`);
        const by = decided.confirmation?.decidedBy;
        await this.tell(p, `This confirmation was already ${decided.confirmation?.state ?? 'decided'}${by ? ` by <@${by}>` : ''}.`);
      }
      return;
    }
    const c = decided.confirmation;
    if (p.action === 'cancel') {
      await record('cancelled', 'cancelled in Slack');
      await this.deps.router.recordCancellation(c.auditId, actor, 'cancelled in Slack');
      await this.updateMessage(c, `:x: Cancelled by <@${actor.id}>; nothing was run.`);
      return;
    }
    const buttonAudit = await record('ok', 'confirmed in Slack');
    await this.run(c, actor, role, p.respond, buttonAudit);
  }

  /** Expires due confirmations and says so on their messages; returns how many. Never throws. */
  async sweep(): Promise<number> {
    let due: Confirmation[];
    try {
      due = await this.store.expireDue();
    } catch (error) {
      this.deps.logger.error('[stackmedic] expiring confirmations failed:', error);
      return 0;
    }
    for (const c of due) await this.markExpired(c);
    return due.length;
  }

  private async markExpired(c: Confirmation): Promise<void> {
    await this.deps.audit.end(c.auditId, 'expired', `not confirmed before ${c.expiresAt.toISOString()}`);
    await this.updateMessage(
      c,
      `:hourglass: Expired at ${when(c.expiresAt)} without confirmation; nothing was run. Run \`${c.command}\` again if it is still needed.`,
    );
  }

  private async run(c: Confirmation, actor: Actor, role: PermissionRole, respond: RespondFn | undefined, buttonAudit: number): Promise<void> {
    const confirmedBy = `:white_check_mark: Confirmed by <@${actor.id}>`;
    await this.updateMessage(c, `${confirmedBy}; running…`);
    const message = c.messageTs ? { channel: c.channel, ts: c.messageTs } : undefined;
    const progress = new ProgressMessage(
      this.deps.poster,
      c.channel,
      (step) =>
        fitMessage({ text: fallbackText(`${c.command}: ${step}`), blocks: confirmationBlocks(c, `${confirmedBy} · ${escapeMrkdwn(step)}`, false).blocks })
          .message,
      this.deps.logger,
      { minIntervalMs: this.deps.progressIntervalMs, message },
    );
    const ended = (auditId: number | undefined): Promise<void> =>
      this.deps.audit.end(
        c.auditId,
        'confirmed',
        `confirmed by ${actor.name} (button audit #${buttonAudit})${auditId !== undefined ? `; ran as audit #${auditId}` : ''}`,
      );
    // The result is posted in the channel even when the router marks it ephemeral (a refusal
    // such as a busy node): everyone who saw the plan needs to know it did not run.
    const result = await invoke(this.deps, this, {
      text: c.command,
      actor,
      role,
      channel: c.channel,
      respond,
      progress,
      confirmed: true,
      delivery: 'in-channel',
      beforeDelivery: async (reply, auditId) => {
        await ended(auditId);
        await this.updateMessage(
          c,
          `${confirmedBy} · ${reply.ok ? 'finished' : 'failed'}: ${escapeMrkdwn(reply.title)}${auditId !== undefined ? ` · audit #${auditId}` : ''}`,
        );
      },
    });
    if (result.kind === 'confirm') {
      // The router asked again although the text was confirmed: a command bug, not the user's.
      await ended(result.auditId);
      await this.deps.router.recordCancellation(result.auditId, actor, 'asked for confirmation twice');
      await this.updateMessage(c, `${confirmedBy}; stackmedic could not run it (the command asked for confirmation twice). See audit #${result.auditId}.`);
    }
  }

  private async updateMessage(c: Confirmation, status: string): Promise<void> {
    if (!c.messageTs) return;
    try {
      await this.deps.poster.update(
        { channel: c.channel, ts: c.messageTs },
        fitMessage({ text: `${escapeMrkdwn(c.command)}: ${status}`, blocks: confirmationBlocks(c, status, false).blocks }).message,
      );
    } catch {
      // Already logged with a reference by the poster; the result message still follows.
    }
  }

  private async tell(p: ButtonPress, text: string): Promise<void> {
    await tellAsker(this.deps, { channel: p.channel, user: p.user.id, respond: p.respond }, text);
  }
}
