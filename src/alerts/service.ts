import type { AuditLog } from '../audit/audit-log.js';
import { UserError } from '../errors.js';
import type { IncidentStore } from '../incidents/store.js';
import type { Incident, IncidentEvent } from '../incidents/types.js';
import type { Inventory } from '../inventory/types.js';
import type { Actor, SlackBlock } from '../router/types.js';
import type { Catalog } from '../signatures/index.js';
import { AlertmanagerApiError, type AlertmanagerApi } from './alertmanager-api.js';
import { ALERT_EVIDENCE_PREFIX, type ActiveAlert, type AlertBookView, type BookChange } from './book.js';
import type { PassQueue } from './passes.js';
import type { WebhookPayload } from './payload.js';
import { matchersText, SILENCE_DURATIONS, silenceButtons, type SilencePress } from './silence-button.js';

/** Who Alertmanager is in the audit log. */
export const ALERTMANAGER_ACTOR: Actor = { id: 'alertmanager', name: 'alertmanager', via: 'scheduler' };

/** What a notification did, as the webhook answers it. */
export interface Receipt {
  readonly group: string;
  readonly firing: number;
  readonly resolved: number;
  /** Hosts the alerts named that the inventory does not have (kept, and shown in the thread). */
  readonly unknownHosts: readonly string[];
}

/** What a silence created. */
export interface SilenceOutcome {
  readonly silenceId: string;
  readonly endsAt: string;
  readonly matchers: string;
}

/** Counters the service feeds (the metrics module implements them). */
export interface AlertCounters {
  notification(status: 'firing' | 'resolved', alerts: number): void;
  silence(outcome: 'created' | 'failed'): void;
}

/** Options of the alert service. */
export interface AlertServiceOptions {
  readonly inventory: Inventory;
  readonly store: IncidentStore;
  readonly audit: AuditLog;
  readonly book: AlertBookView;
  /** The incident passes: the one the scheduler runs, shared. */
  readonly queue: PassQueue<unknown>;
  /** The signature catalog alerts map to (built-ins and the operator's). */
  readonly catalog: () => Promise<Catalog>;
  /** Brings one incident's thread up to date (through the queue); absent without a chat. */
  readonly syncThread?: ((incidentId: number) => Promise<void>) | undefined;
  /** Alertmanager's API, for silences (STACKMEDIC_ALERTMANAGER_URL). */
  readonly api?: AlertmanagerApi | undefined;
  readonly clock: () => Date;
  /**
   * Alertmanager's time, for silences (it compares their start and end to its own clock): the
   * real time unless given, even when incidents run on another clock (the simulator's).
   */
  readonly alertmanagerClock?: () => Date;
  readonly nodeLabel?: string | undefined;
  readonly log: (line: string) => void;
  readonly counters?: AlertCounters | undefined;
}

const LINES = 10;

function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function alertLine(a: ActiveAlert): string {
  const where = a.place.known ? a.place.node : `${a.place.node} (${a.place.note ?? 'not in the inventory'})`;
  return `• ${a.alertname} on ${where} (${a.severity}, since ${when(a.startsAt)})${a.summary ? `: ${a.summary}` : ''}`;
}

function listed(alerts: readonly ActiveAlert[]): string {
  const lines = alerts.slice(0, LINES).map(alertLine);
  if (alerts.length > LINES) lines.push(`and ${alerts.length - LINES} more`);
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Alertmanager's side of incidents. A notification updates the book of firing alerts at once and
 * answers; then one incident pass (shared with the scheduler's, so a storm costs two passes) opens
 * or joins incidents with the alerts as evidence beside the probes and logs of the same pass, and
 * each incident an alert group landed in gets one note listing the group's new alerts, with its
 * Silence buttons. Resolved alerts are noted in the incidents that hold them. Silences are created
 * through Alertmanager's API and their expiry is noted too.
 */
export class AlertService {
  /** Fingerprints already announced in each incident's thread. */
  private readonly announced = new Map<number, Set<string>>();
  /** Buttons of notes not posted yet, by event id. */
  private readonly buttons = new Map<number, SlackBlock>();
  private readonly expiries = new Map<string, NodeJS.Timeout>();
  private readonly work = new Set<Promise<void>>();

  constructor(private readonly options: AlertServiceOptions) {}

  /** Takes one notification: the book changes now, incidents follow in the background (see `idle`). */
  async receive(payload: WebhookPayload): Promise<Receipt> {
    const { book, inventory, audit, clock } = this.options;
    const catalog = await this.options.catalog();
    const change = await book.apply(payload, {
      inventory,
      known: new Set(catalog.signatures.map((s) => s.id)),
      nodeLabel: this.options.nodeLabel,
      now: clock(),
    });
    this.options.counters?.notification(payload.status, payload.alerts.length);
    const unknownHosts = [...new Set([...change.started, ...change.continuing].filter((a) => !a.place.known).map((a) => a.place.node))];
    const firing = change.started.length + change.continuing.length;
    await audit.record({
      actor: ALERTMANAGER_ACTOR,
      command: `Alertmanager webhook: ${payload.status} ${change.group.labelText}`,
      kind: 'scheduler',
      outcome: 'ok',
      detail: [
        `${change.started.length} new, ${change.continuing.length} still firing, ${change.resolved.length} resolved`,
        ...(unknownHosts.length > 0 ? [`not in the inventory: ${unknownHosts.slice(0, 10).join(', ')}`] : []),
        ...(payload.truncatedAlerts ? [`${payload.truncatedAlerts} alerts truncated by Alertmanager`] : []),
      ].join('; '),
    });
    if (change.evicted > 0) this.options.log(`stackmedic: ${change.evicted} firing alerts dropped: more than the book holds`);
    await this.noteResolved(change);
    this.track(this.follow(change));
    return { group: change.group.labelText, firing, resolved: change.resolved.length, unknownHosts };
  }

  /** Blocks to add to an incident event's thread reply: a firing note's Silence buttons. */
  eventBlocks(_incident: Incident, event: IncidentEvent): SlackBlock[] {
    const block = this.buttons.get(event.id);
    return block ? [block] : [];
  }

  /** Creates an Alertmanager silence for a group, as `actor` pressed it; noted in the incident's thread. */
  async silence(press: SilencePress, actor: { readonly id: string; readonly name: string }): Promise<SilenceOutcome> {
    const { api, store, clock } = this.options;
    if (!api) {
      throw new UserError(
        `Silences need the address of cluster ${this.options.inventory.cluster}'s Alertmanager, which is not set: alertmanager_url: in its inventory, or STACKMEDIC_ALERTMANAGER_URL.`,
      );
    }
    const incident = await store.get(press.incidentId);
    if (!incident) throw new UserError(`There is no incident #${press.incidentId}.`, 'stackmedic_no_such_incident');
    const startsAt = this.alertmanagerNow();
    const endsAt = new Date(startsAt.getTime() + SILENCE_DURATIONS[press.duration]);
    const matchers = matchersText(press.matchers);
    let silenceId: string;
    try {
      silenceId = await api.createSilence({
        matchers: press.matchers,
        startsAt,
        endsAt,
        createdBy: `${actor.name} (stackmedic)`,
        comment: `Silenced from Slack for ${press.duration} during stackmedic incident #${incident.id}: ${incident.title}`,
      });
    } catch (error) {
      this.options.counters?.silence('failed');
      if (error instanceof AlertmanagerApiError) throw new UserError(`Alertmanager did not create the silence: ${error.message}`);
      throw error;
    }
    this.options.counters?.silence('created');
    await store.addEvent(incident.id, {
      at: clock().toISOString(),
      kind: 'note',
      text: `Alertmanager silence ${silenceId} created by ${actor.name} for ${press.duration}, until ${when(endsAt.toISOString())}: ${matchers}`,
      actor: actor.name,
    });
    this.watchExpiry(silenceId, incident.id, endsAt.getTime());
    await this.sync([incident.id]);
    return { silenceId, endsAt: endsAt.toISOString(), matchers };
  }

  /** Whether notifications are still being worked on. */
  get busy(): boolean {
    return this.work.size > 0;
  }

  /** Resolves once every notification received so far has been worked through. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
  }

  /** Stops watching silences and waits for the work in progress. */
  async stop(): Promise<void> {
    for (const t of this.expiries.values()) clearTimeout(t);
    this.expiries.clear();
    await this.idle();
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((error: unknown) => {
      this.options.log(`stackmedic: while working on an Alertmanager notification: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
  }

  /** Open and recently resolved incidents holding evidence of these fingerprints, with the ones each holds. */
  private async holders(fingerprints: ReadonlySet<string>): Promise<Map<number, Set<string>>> {
    const { store, clock } = this.options;
    const out = new Map<number, Set<string>>();
    if (fingerprints.size === 0) return out;
    const day = new Date(clock().getTime() - 24 * 3_600_000).toISOString();
    const incidents = [...(await store.list({ status: 'open', limit: 1000 })), ...(await store.resolvedSince(day))];
    for (const incident of incidents) {
      for (const e of await store.evidence(incident.id)) {
        if (!e.key.startsWith(ALERT_EVIDENCE_PREFIX)) continue;
        const fp = e.key.slice(ALERT_EVIDENCE_PREFIX.length).split('|')[0] ?? '';
        if (!fingerprints.has(fp)) continue;
        out.set(incident.id, (out.get(incident.id) ?? new Set()).add(fp));
      }
    }
    return out;
  }

  /** One note per incident for the alerts of a notification that resolved; the next pass posts it. */
  private async noteResolved(change: BookChange): Promise<void> {
    const byFp = new Map(change.resolved.map((a) => [a.fingerprint, a]));
    const at = this.options.clock().toISOString();
    for (const [incidentId, fps] of await this.holders(new Set(byFp.keys()))) {
      const alerts = [...fps].map((fp) => byFp.get(fp) as ActiveAlert);
      await this.options.store.addEvent(incidentId, {
        at,
        kind: 'note',
        text: `Alertmanager: ${plural(alerts.length, 'alert')} resolved in group ${change.group.labelText}\n${listed(alerts)}`,
      });
      for (const fp of fps) this.announced.get(incidentId)?.delete(fp);
    }
  }

  /** After a notification: one pass, then a note with Silence buttons where the group's new alerts landed. */
  private async follow(change: BookChange): Promise<void> {
    const { queue, store, book } = this.options;
    await queue.pass();
    const firing = book.firing(change.group.id);
    const holders = await this.holders(new Set(firing.map((a) => a.fingerprint)));
    const at = this.options.clock().toISOString();
    const touched: number[] = [];
    for (const [incidentId, fps] of holders) {
      const seen = this.announced.get(incidentId) ?? new Set<string>();
      const fresh = firing.filter((a) => fps.has(a.fingerprint) && !seen.has(a.fingerprint));
      if (fresh.length === 0) continue;
      for (const a of fresh) seen.add(a.fingerprint);
      this.announced.set(incidentId, seen);
      const eventId = await store.addEvent(incidentId, {
        at,
        kind: 'note',
        text: `Alertmanager: ${plural(fresh.length, 'alert')} firing in group ${change.group.labelText}\n${listed(fresh)}`,
      });
      const buttons = silenceButtons(incidentId, change.group);
      if (eventId !== null && buttons) this.remember(eventId, buttons);
      touched.push(incidentId);
    }
    if (holders.size === 0 && firing.length > 0) {
      this.options.log(
        `stackmedic: alert group ${change.group.labelText} (${plural(firing.length, 'alert')}) opened no incident: nothing in it is major or critical, and it joins none`,
      );
    }
    await this.sync(touched);
  }

  private alertmanagerNow(): Date {
    return this.options.alertmanagerClock?.() ?? new Date();
  }

  private remember(eventId: number, block: SlackBlock): void {
    this.buttons.set(eventId, block);
    // Posted notes need their buttons no more; the bound keeps a Slack outage from growing this.
    while (this.buttons.size > 1000) this.buttons.delete(this.buttons.keys().next().value as number);
  }

  private async sync(ids: readonly number[]): Promise<void> {
    const sync = this.options.syncThread;
    if (!sync) return;
    for (const id of ids) await sync(id);
  }

  /** Notes the silence's end once it is over (Alertmanager is asked: it may have been expired or extended meanwhile). */
  private watchExpiry(silenceId: string, incidentId: number, endsAtMs: number): void {
    const delay = Math.max(0, endsAtMs - this.alertmanagerNow().getTime()) + 1000;
    const timer = setTimeout(() => this.track(this.expired(silenceId, incidentId)), Math.min(delay, 2 ** 31 - 1));
    timer.unref();
    this.expiries.set(silenceId, timer);
  }

  private async expired(silenceId: string, incidentId: number): Promise<void> {
    this.expiries.delete(silenceId);
    const { api, store, clock } = this.options;
    let state = 'expired';
    try {
      const s = await api?.silence(silenceId);
      if (s?.state === 'active' && Date.parse(s.endsAt) > this.alertmanagerNow().getTime()) {
        this.watchExpiry(silenceId, incidentId, Date.parse(s.endsAt));
        return;
      }
      state = s ? `${s.state} (ended ${when(s.endsAt)})` : 'no longer known to Alertmanager';
    } catch (error) {
      state = `past its end; Alertmanager could not be asked (${error instanceof Error ? error.message : String(error)})`;
    }
    await store.addEvent(incidentId, {
      at: clock().toISOString(),
      kind: 'note',
      text: `Alertmanager silence ${silenceId} is ${state}: its alerts notify again.`,
    });
    await this.sync([incidentId]);
  }
}
