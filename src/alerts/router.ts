/**
 * Alertmanager's notifications across several clusters: each alert of a notification goes to the
 * alert service of its cluster (see `clusterOfAlert`), one sub-notification per cluster with the
 * group's own key and labels. An alert whose cluster cannot be told is kept out of every cluster,
 * never guessed: it is accepted (Alertmanager would only retry the same payload), audited,
 * logged, listed in the webhook's answer, and kept in the store for every replica (`/cluster alerts --unrouted`).
 */
import type { AuditLog } from '../audit/audit-log.js';
import { UserError } from '../errors.js';
import type { IncidentStore } from '../incidents/store.js';
import type { Inventory } from '../inventory/types.js';
import { alertFingerprint } from './book.js';
import { clusterOfAlert, DEFAULT_CLUSTER_LABEL, type ClusterChoice } from './cluster-of.js';
import type { WebhookAlert, WebhookPayload } from './payload.js';
import { ALERTMANAGER_ACTOR, type AlertService, type Receipt, type SilenceOutcome } from './service.js';
import { groupLabelText } from './signatures.js';
import type { SilencePress } from './silence-button.js';
import { unroutedFix, type StoredUnroutedAlert, type UnroutedAlert, type UnroutedAlertStore } from './unrouted.js';

/** One cluster's side of the alerts. */
export interface ClusterAlerts {
  readonly inventory: Inventory;
  readonly service: AlertService;
  /** That cluster's incidents (a Silence button is pressed on one of them). */
  readonly incidents: IncidentStore;
}

/** The webhook's answer with several clusters: the totals, each cluster's share, and what went nowhere. */
export interface RoutedReceipt extends Receipt {
  readonly clusters: Readonly<Record<string, { readonly firing: number; readonly resolved: number }>>;
  /** How many alerts of the notification no cluster was given. */
  readonly unroutedCount: number;
  /** The first of them (at most 20). */
  readonly unrouted: readonly Pick<UnroutedAlert, 'alertname' | 'status' | 'reason'>[];
}

/** Options of the router. */
export interface AlertRouterOptions {
  readonly clusters: readonly ClusterAlerts[];
  /** Every cluster of the inventory, monitored or not (an alert of an unmonitored cluster is not another's); `clusters`' by default. */
  readonly inventories?: readonly Inventory[];
  /** The installation's audit log (records of no cluster). */
  readonly audit: AuditLog;
  readonly clusterLabel?: string | undefined;
  readonly nodeLabel?: string | undefined;
  readonly log: (line: string) => void;
  readonly clock?: () => Date;
  /** Counts alerts no cluster was given. */
  readonly unroutedCounter?: (alerts: number) => void;
  /** Where the alerts no cluster was given are kept for every replica (`/cluster alerts --unrouted` lists them). */
  readonly unrouted: UnroutedAlertStore;
}

const ANSWERED = 20;
/** Labels worth keeping to show why an alert went nowhere (never the annotations: they may be long). */
const SHOWN_LABELS = ['alertname', 'instance', 'hostname', 'node', 'nodename', 'job'];

/**
 * One cluster's part of a notification, with the cluster label among the group's labels when
 * every alert of the part carries the same value and the route did not group by it: the Silence
 * buttons match the group's labels, and a silence pressed in west's incident must not silence
 * east's alerts of the same name. Alerts without the label (taken by node or by path) keep the
 * group as Alertmanager sent it: a matcher on a label they lack would match none of them.
 */
function scoped(part: WebhookPayload, label: string): WebhookPayload {
  if (part.groupLabels[label] !== undefined) return part;
  const values = new Set(part.alerts.map((a) => a.labels[label]));
  const [value] = values;
  if (values.size !== 1 || value === undefined || value === '') return part;
  // A route grouping by nothing is silenced on the labels its alerts share: those get it instead.
  const grouped = Object.keys(part.groupLabels).length > 0;
  return {
    ...part,
    groupLabels: grouped ? { ...part.groupLabels, [label]: value } : part.groupLabels,
    commonLabels: { ...part.commonLabels, [label]: value },
  };
}

/** The alert services of every cluster, seen as one by the webhook and the Silence buttons. */
export class AlertRouter {
  private readonly byName = new Map<string, ClusterAlerts>();

  constructor(private readonly options: AlertRouterOptions) {
    for (const c of options.clusters) this.byName.set(c.inventory.cluster, c);
  }

  /** The clusters alerts can go to, in inventory order. */
  get clusters(): string[] {
    return [...this.byName.keys()];
  }

  /** The alerts given to no cluster, by any replica sharing the store, most recently received first. */
  async unrouted(limit = 100): Promise<readonly StoredUnroutedAlert[]> {
    return (await this.options.unrouted.list(limit)).alerts;
  }

  /**
   * Splits one notification by cluster and hands each part to its cluster's service. With one
   * cluster (nothing to split, nothing unrouted) the answer is that service's, as it always was.
   */
  async receive(payload: WebhookPayload, pathCluster?: string): Promise<Receipt | RoutedReceipt> {
    const only = this.options.clusters[0];
    if (only && (this.options.inventories ?? this.options.clusters).length === 1 && pathCluster === undefined) return only.service.receive(payload);
    const label = this.options.clusterLabel ?? DEFAULT_CLUSTER_LABEL;
    const inventories = this.options.inventories ?? this.options.clusters.map((c) => c.inventory);
    const parts = new Map<string, WebhookAlert[]>();
    const lost: UnroutedAlert[] = [];
    const at = (this.options.clock?.() ?? new Date()).toISOString();
    const group = groupLabelText(payload.groupLabels) || `receiver ${payload.receiver}`;
    const fixContext = { clusterLabel: label, clusters: inventories.map((i) => i.cluster) };
    for (const alert of payload.alerts) {
      let choice: ClusterChoice = clusterOfAlert(alert.labels, { clusters: inventories, clusterLabel: label, nodeLabel: this.options.nodeLabel, pathCluster });
      let unmonitored: string | undefined;
      if (choice.cluster !== null && !this.byName.has(choice.cluster)) {
        unmonitored = choice.cluster;
        choice = { cluster: null, kind: 'unmonitored', reason: `cluster ${choice.cluster} is not monitored here (no incident channel for it)` };
      }
      if (choice.cluster !== null) {
        parts.set(choice.cluster, [...(parts.get(choice.cluster) ?? []), alert]);
        continue;
      }
      const shown = Object.fromEntries([label, ...SHOWN_LABELS].flatMap((l) => (alert.labels[l] !== undefined ? [[l, alert.labels[l].slice(0, 200)]] : [])));
      lost.push({
        fingerprint: alertFingerprint(alert),
        alertname: (alert.labels.alertname ?? '(no alertname)').slice(0, 200),
        status: alert.status,
        kind: choice.kind,
        reason: choice.reason,
        fix: unroutedFix(choice.kind, fixContext, unmonitored),
        labels: shown,
        group: group.slice(0, 300),
        at,
      });
    }
    const receipts: [string, Receipt][] = [];
    for (const [cluster, alerts] of parts) {
      const target = this.byName.get(cluster) as ClusterAlerts;
      receipts.push([cluster, await target.service.receive(scoped({ ...payload, alerts }, label))]);
    }
    if (lost.length > 0) await this.keep(payload, group, lost);
    return {
      group,
      firing: receipts.reduce((n, [, r]) => n + r.firing, 0),
      resolved: receipts.reduce((n, [, r]) => n + r.resolved, 0),
      unknownHosts: [...new Set(receipts.flatMap(([, r]) => r.unknownHosts))],
      clusters: Object.fromEntries(receipts.map(([c, r]) => [c, { firing: r.firing, resolved: r.resolved }])),
      unroutedCount: lost.length,
      unrouted: lost.slice(0, ANSWERED).map(({ alertname, status, reason }) => ({ alertname, status, reason })),
    };
  }

  /** Creates the silence through the service of the cluster the button's incident belongs to. */
  async silence(press: SilencePress, actor: { readonly id: string; readonly name: string }): Promise<SilenceOutcome> {
    const first = this.options.clusters[0];
    // Incident ids are one sequence across clusters: the row says whose it is.
    const cluster = first ? await first.incidents.clusterOf(press.incidentId) : undefined;
    if (cluster !== undefined) {
      const owner = this.options.clusters.find((c) => c.inventory.cluster === cluster) ?? (cluster ? undefined : first);
      if (owner) return owner.service.silence(press, actor);
      throw new UserError(`Incident #${press.incidentId} is on cluster ${cluster}, whose alerts are not handled here.`);
    }
    throw new UserError(`There is no incident #${press.incidentId}.`, 'stackmedic_no_such_incident');
  }

  /** Whether any cluster's service still works on notifications. */
  get busy(): boolean {
    return this.options.clusters.some((c) => c.service.busy);
  }

  /** Resolves once every cluster's service is idle. */
  async idle(): Promise<void> {
    await Promise.all(this.options.clusters.map((c) => c.service.idle()));
  }

  private async keep(payload: WebhookPayload, group: string, lost: readonly UnroutedAlert[]): Promise<void> {
    this.options.unroutedCounter?.(lost.length);
    // Kept for every replica; a store that fails here must not fail the clusters' parts already taken (Alertmanager would resend them).
    await this.options.unrouted.keep(lost).catch((error: unknown) => {
      this.options.log(
        `stackmedic: Alertmanager: could not keep the alerts given to no cluster in the store: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    const reasons = [...new Set(lost.map((a) => a.reason))];
    const line = `${lost.length} alert${lost.length === 1 ? '' : 's'} of group ${group} given to no cluster: ${reasons.slice(0, 3).join('; ')}`;
    this.options.log(
      `stackmedic: Alertmanager: ${line} (set the ${this.options.clusterLabel ?? DEFAULT_CLUSTER_LABEL} label, or post to /alertmanager/CLUSTER)`,
    );
    await this.options.audit.record({
      actor: ALERTMANAGER_ACTOR,
      command: `Alertmanager webhook: ${payload.status} ${group} (no cluster)`,
      kind: 'scheduler',
      outcome: 'refused',
      detail: [
        line,
        ...lost.slice(0, 10).map(
          (a) =>
            `${a.alertname} ${Object.entries(a.labels)
              .filter(([k]) => k !== 'alertname')
              .map(([k, v]) => `${k}=${v}`)
              .join(',')}`,
        ),
      ]
        .join('; ')
        .slice(0, 2000),
    });
  }
}
