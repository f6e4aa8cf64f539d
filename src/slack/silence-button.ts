import type { RespondFn } from '@slack/bolt';
import type { SilenceOutcome } from '../alerts/service.js';
import { readSilencePress, type SilencePress } from '../alerts/silence-button.js';
import { UserError } from '../errors.js';
import { roleAllows } from '../router/router.js';
import type { Actor } from '../router/types.js';
import { channelRefusal, tellAsker, type SlackDeps } from './context.js';

/** What creates silences (the alert service); absent while incident monitoring is not running. */
export interface Silencer {
  silence(press: SilencePress, actor: { readonly id: string; readonly name: string }): Promise<SilenceOutcome>;
}

/** A press of a Silence button. */
export interface SilenceButtonPress {
  readonly value: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly channelName?: string | undefined;
  readonly respond?: RespondFn | undefined;
}

/**
 * A Silence button: operators and admins only (the role is checked here, as the router would), in
 * an allowed channel; audited whatever happens. The silence itself is said in the incident thread
 * by the alert service; the presser is told the outcome privately. Never throws.
 */
export async function handleSilenceButton(deps: SlackDeps, silencer: Silencer | undefined, press: SilenceButtonPress): Promise<void> {
  const actor: Actor = { id: press.user.id, name: press.user.name, via: 'slack', channel: press.channel };
  const asker = { channel: press.channel, user: actor.id, respond: press.respond };
  const parsed = readSilencePress(press.value);
  const command = parsed ? `Silence button: ${parsed.duration} for incident #${parsed.incidentId}` : 'Silence button';
  const refusal = channelRefusal(deps, { actor, command, kind: 'button', channel: press.channel, channelName: press.channelName });
  if (refusal) {
    await tellAsker(deps, asker, refusal);
    return;
  }
  const audit = async (outcome: 'ok' | 'denied' | 'refused' | 'failed' | 'error', detail: string): Promise<void> => {
    await deps.audit.record({ actor, command, kind: 'button', outcome, detail });
  };
  try {
    const role = await deps.permissions.roleOf(actor.id);
    if (!roleAllows(role, 'operator')) {
      await audit('denied', `role ${role} < operator`);
      await tellAsker(deps, asker, `Not allowed: silencing alerts needs the operator role; you are a ${role}.`);
      return;
    }
    if (!parsed) {
      await audit('refused', 'the button value is not a silence stackmedic wrote');
      await tellAsker(deps, asker, 'This Silence button is not one stackmedic can read; nothing was silenced.');
      return;
    }
    if (!silencer) {
      await audit('refused', 'incident monitoring is not running');
      await tellAsker(deps, asker, 'Silences need incident monitoring (STACKMEDIC_INCIDENT_CHANNEL), which is not running; nothing was silenced.');
      return;
    }
    const outcome = await silencer.silence(parsed, { id: actor.id, name: actor.name });
    await audit('ok', `silence ${outcome.silenceId} until ${outcome.endsAt}: ${outcome.matchers}`);
    await tellAsker(
      deps,
      asker,
      `Silenced for ${parsed.duration} (Alertmanager silence \`${outcome.silenceId}\`, until ${outcome.endsAt.slice(0, 16).replace('T', ' ')} UTC).`,
    );
  } catch (error) {
    if (error instanceof UserError) {
      await audit('failed', error.message);
      await tellAsker(deps, asker, error.message);
      return;
    }
    deps.logger.error('[stackmedic] Silence button failed:', error);
    await audit('error', error instanceof Error ? error.message : String(error));
    await tellAsker(deps, asker, 'Internal error: stackmedic could not create the silence; the details are in its log.');
  }
}
