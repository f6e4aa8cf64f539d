import { createHash } from 'node:crypto';
import type { Inventory } from '../inventory/types.js';
import type { ExternalEvidence } from '../incidents/check.js';
import type { Evidence } from '../incidents/types.js';
import type { Severity } from '../signatures/index.js';
import { SEVERITIES } from '../signatures/schema.js';
import { placeAlert, type AlertPlace } from './nodes.js';
import type { WebhookAlert, WebhookPayload } from './payload.js';
import { groupLabelText, groupSignature, groupSignatureId, severityOfAlert, signatureOfAlert, type GroupSignatureSpec } from './signatures.js';

/** An alert group as stackmedic keeps it: what Alertmanager grouped by, and its own signature. */
export interface AlertGroup {
  /** The group's alert-derived signature id (`alert-…`), also its handle in buttons. */
  readonly id: string;
  readonly receiver: string;
  readonly groupKey: string;
  /** The labels Alertmanager grouped by (what a silence of the group matches). */
  readonly labels: Readonly<Record<string, string>>;
  /** Labels every alert of the last notification shared. */
  readonly commonLabels: Readonly<Record<string, string>>;
  /** `alertname=HostHighLoad, cluster=prod`. */
  readonly labelText: string;
}

/** One firing alert. */
export interface ActiveAlert {
  readonly fingerprint: string;
  readonly groupId: string;
  readonly alertname: string;
  readonly severity: Severity;
  readonly startsAt: string;
  /** The summary (or description) annotation, trimmed. */
  readonly summary: string;
  readonly place: AlertPlace;
  /** The catalog signature it detects, or its group's own. */
  readonly signature: string;
  /** When stackmedic first heard of it firing. */
  readonly firstSeenAt: string;
}

/** What one notification changed. */
export interface BookChange {
  readonly group: AlertGroup;
  /** Alerts firing now that were not before. */
  readonly started: readonly ActiveAlert[];
  /** Alerts firing now that were already. */
  readonly continuing: readonly ActiveAlert[];
  /** Alerts that were firing and are resolved now (or resolved ones never seen firing). */
  readonly resolved: readonly ActiveAlert[];
  /** Alerts dropped to keep the book within its bound. */
  readonly evicted: number;
}

/** Options of `AlertBook.apply`. */
export interface ApplyContext {
  readonly inventory: Inventory;
  /** Catalog signature ids an alert may map to. */
  readonly known: ReadonlySet<string>;
  readonly nodeLabel?: string | undefined;
  readonly now: Date;
}

const TEXT = 200;
const HOST = 120;

function cap(text: string, n: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/** Alertmanager's fingerprint, or one computed from the labels (as Alertmanager does) when it sent none. */
export function alertFingerprint(alert: WebhookAlert): string {
  if (alert.fingerprint && /^[0-9a-f]{1,32}$/.test(alert.fingerprint)) return alert.fingerprint;
  const labels = Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha1').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
}

function rank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/**
 * The alerts firing now, by fingerprint, as Alertmanager last said, and the groups they came in.
 * Every monitor pass reads it, so an incident an alert holds open stays open while the alert
 * fires, and goes green by the usual rules once it resolves. Bounded: past `maxAlerts` the alerts
 * heard of longest ago are dropped (and counted).
 */
export class AlertBook {
  private readonly alerts = new Map<string, ActiveAlert>();
  private readonly groups = new Map<string, AlertGroup>();
  private readonly specs = new Map<string, GroupSignatureSpec>();

  constructor(private readonly maxAlerts = 5000) {}

  /** Applies one notification. */
  apply(payload: WebhookPayload, ctx: ApplyContext): BookChange {
    const id = groupSignatureId(payload.receiver, payload.groupKey);
    const group: AlertGroup = {
      id,
      receiver: payload.receiver,
      groupKey: payload.groupKey,
      labels: payload.groupLabels,
      commonLabels: payload.commonLabels,
      labelText: groupLabelText(payload.groupLabels) || `receiver ${payload.receiver}`,
    };
    this.groups.set(id, group);
    const now = ctx.now.toISOString();
    const started: ActiveAlert[] = [];
    const continuing: ActiveAlert[] = [];
    const resolved: ActiveAlert[] = [];
    for (const a of payload.alerts) {
      const fingerprint = alertFingerprint(a);
      const previous = this.alerts.get(fingerprint);
      const place = placeAlert(a.labels, ctx.inventory, ctx.nodeLabel);
      const alert: ActiveAlert = {
        fingerprint,
        groupId: id,
        alertname: cap(a.labels.alertname ?? '(no alertname)', TEXT),
        severity: severityOfAlert(a.labels),
        startsAt: a.startsAt,
        summary: cap(a.annotations.summary ?? a.annotations.description ?? a.annotations.message ?? '', TEXT),
        place: { ...place, node: cap(place.node, HOST) },
        signature: signatureOfAlert(a.labels, ctx.known) ?? id,
        firstSeenAt: previous?.firstSeenAt ?? now,
      };
      if (a.status === 'resolved') {
        this.alerts.delete(fingerprint);
        resolved.push(previous ?? alert);
        continue;
      }
      this.alerts.set(fingerprint, alert);
      (previous ? continuing : started).push(alert);
    }
    const firing = [...this.alerts.values()].filter((x) => x.groupId === id);
    const worst = firing.map((x) => x.severity).sort((x, y) => rank(x) - rank(y))[0] ?? this.specs.get(id)?.severity ?? 'major';
    this.specs.set(id, {
      id,
      title: `Alertmanager alert ${group.labelText}`,
      severity: worst,
      remediation: cap(payload.commonAnnotations.description ?? payload.commonAnnotations.summary ?? '', 500),
    });
    return { group, started, continuing, resolved, evicted: this.evict() };
  }

  private evict(): number {
    let dropped = 0;
    while (this.alerts.size > this.maxAlerts) {
      // Maps iterate in insertion order, and a re-sent alert is re-inserted only when new: the first is the oldest.
      const oldest = this.alerts.keys().next().value as string;
      this.alerts.delete(oldest);
      dropped++;
    }
    return dropped;
  }

  /** Evidence, signatures and nodes of what fires now, for a monitor pass at `at`. */
  external(): ExternalEvidence {
    const firing = [...this.alerts.values()];
    return {
      evidence: firing.map((a) => alertEvidence(a, this.groups.get(a.groupId), this.specs.get(a.groupId))),
      signatures: [...this.specs.values()].map(groupSignature),
      nodes: [...new Set(firing.filter((a) => a.place.known).map((a) => a.place.node))],
    };
  }

  /** Firing alerts, optionally of one group. */
  firing(groupId?: string): ActiveAlert[] {
    return [...this.alerts.values()].filter((a) => groupId === undefined || a.groupId === groupId);
  }

  /** A group seen by this process. */
  group(id: string): AlertGroup | undefined {
    return this.groups.get(id);
  }

  /** How many alerts fire now. */
  get size(): number {
    return this.alerts.size;
  }

  /** The signature of a group seen by this process (or loaded from the store). */
  spec(id: string): GroupSignatureSpec | undefined {
    return this.specs.get(id);
  }

  /**
   * Replaces the firing alerts with `state.alerts` (oldest first, as the store lists them) and
   * learns its groups and their signatures: what another replica received becomes this one's.
   */
  load(state: { readonly alerts: readonly ActiveAlert[]; readonly groups: readonly AlertGroup[]; readonly specs: readonly GroupSignatureSpec[] }): void {
    this.alerts.clear();
    for (const a of state.alerts) this.alerts.set(a.fingerprint, a);
    for (const g of state.groups) this.groups.set(g.id, g);
    for (const s of state.specs) this.specs.set(s.id, s);
  }

  /**
   * Re-learns the alert-derived signatures that stored evidence cites (after a restart), so that
   * the incidents they opened keep their titles and severities before Alertmanager repeats them.
   */
  relearn(evidence: readonly Pick<Evidence, 'signature' | 'fields'>[]): void {
    for (const e of evidence) {
      const { alertGroup, alertGroupTitle, alertGroupSeverity, alertGroupRemediation } = e.fields;
      if (!alertGroup || alertGroup !== e.signature || this.specs.has(alertGroup)) continue;
      const severity = SEVERITIES.find((s) => s === alertGroupSeverity) ?? 'major';
      this.specs.set(alertGroup, { id: alertGroup, title: alertGroupTitle ?? alertGroup, severity, remediation: alertGroupRemediation ?? '' });
    }
  }
}

/** What the alert service and the monitor need of a book: this one, or the store-backed `SharedAlertBook` (shared-book.ts) of several replicas. */
export interface AlertBookView {
  apply(payload: WebhookPayload, ctx: ApplyContext): BookChange | Promise<BookChange>;
  firing(groupId?: string): ActiveAlert[];
  group(id: string): AlertGroup | undefined;
  external(): ExternalEvidence;
}

/** Key prefix of alert evidence: `alert|<fingerprint>|<node>`. */
export const ALERT_EVIDENCE_PREFIX = 'alert|';

/** An alert as incident evidence: an observation (no log file), like a probe fact, seen from the alert's first notification. */
export function alertEvidence(a: ActiveAlert, group: AlertGroup | undefined, spec: GroupSignatureSpec | undefined): Evidence {
  const where = a.place.known ? '' : ` [${a.place.note ?? 'not in the inventory'}]`;
  return {
    key: `${ALERT_EVIDENCE_PREFIX}${a.fingerprint}|${a.place.node}`,
    kind: 'probe',
    signature: a.signature,
    node: a.place.node,
    time: a.firstSeenAt,
    fields: {
      alertname: a.alertname,
      fingerprint: a.fingerprint,
      alertSeverity: a.severity,
      startsAt: a.startsAt,
      ...(group ? { alertGroup: group.id, alertGroupLabels: group.labelText } : {}),
      ...(spec && a.signature === spec.id ? { alertGroupTitle: spec.title, alertGroupSeverity: spec.severity, alertGroupRemediation: spec.remediation } : {}),
    },
    text: cap(`Alertmanager: ${a.alertname} firing since ${a.startsAt.slice(0, 19).replace('T', ' ')}${where}${a.summary ? `: ${a.summary}` : ''}`, 300),
  };
}
