import { createHash } from 'node:crypto';
import type { Severity, Signature } from '../signatures/index.js';

/**
 * Which failure signature an alert is: the `stackmedic_signature` label when the rule sets one
 * (the rules in deploy/prometheus do), else a well-known alert name. An alert about RabbitMQ's disk
 * alarm on node-10 is then the same evidence as the scheduler's finding of that alarm, and joins
 * its incident. Alerts nothing maps stand for themselves: one alert-derived signature per group.
 */

/** The label a rule sets to name the signature it detects. */
export const SIGNATURE_LABEL = 'stackmedic_signature';

/** Alert names (letters and digits only, lowercased) seen in the wild, and what they detect. */
const KNOWN_ALERTS: readonly { readonly signature: string; readonly name: RegExp; readonly labels?: (l: Readonly<Record<string, string>>) => boolean }[] = [
  // RabbitMQ's built-in Prometheus plugin (rabbitmq_alarms_*) and kbudde's exporter, as named by
  // awesome-prometheus-alerts and the rabbitmq-mixin.
  { signature: 'rabbit-disk-alarm', name: /^rabbit(mq)?.*disk.*alarm|^rabbit(mq)?.*alarm.*disk/ },
  { signature: 'rabbit-memory-alarm', name: /^rabbit(mq)?.*mem(ory)?.*alarm|^rabbit(mq)?.*alarm.*mem/ },
  { signature: 'rabbit-memory-alarm', name: /^memoryalarm$/, labels: (l) => 'rabbitmq_cluster' in l || 'rabbitmq_node' in l },
  { signature: 'rabbit-partition', name: /^rabbit(mq)?.*partition/ },
  { signature: 'rabbit-node-down', name: /^rabbit(mq)?(node|server)?(down|notrunning)$/ },
  // openstack-exporter's openstack_nova_agent_state / openstack_neutron_agent_state.
  { signature: 'nova-compute-down', name: /^(openstack)?nova(compute)?(agent|service)?down$/, labels: (l) => !l.service || l.service === 'nova-compute' },
  { signature: 'nova-compute-down', name: /^hypervisordown$/ },
  { signature: 'neutron-agent-down', name: /^(openstack)?neutron.*agent.*down$/ },
  // mysqld_exporter's mysql_global_status_wsrep_cluster_status.
  { signature: 'galera-non-primary', name: /^(mysql)?(galera|wsrep).*(nonprimary|notprimary|notoperational)/ },
  // node_exporter: out of space now (a prediction of filling up is not a full disk).
  { signature: 'disk-full-now', name: /(filesystem|disk|fs).*(full|outofspace)$|outofdiskspace$/, labels: (l) => !l.mountpoint || l.mountpoint === '/' },
];

/** The catalog signature an alert detects, or `undefined` when it maps to none of `known`. */
export function signatureOfAlert(labels: Readonly<Record<string, string>>, known: ReadonlySet<string>): string | undefined {
  const explicit = labels[SIGNATURE_LABEL]?.trim();
  if (explicit && known.has(explicit)) return explicit;
  const name = (labels.alertname ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  if (name === '') return undefined;
  const hit = KNOWN_ALERTS.find((k) => k.name.test(name) && (k.labels?.(labels) ?? true) && known.has(k.signature));
  return hit?.signature;
}

/** Alertmanager's `severity` label as stackmedic's severity; anything unknown is major, not ignored. */
export function severityOfAlert(labels: Readonly<Record<string, string>>): Severity {
  const s = (labels.severity ?? labels.priority ?? '').toLowerCase();
  if (['critical', 'crit', 'page', 'emergency', 'alert', 'disaster', 'p1'].includes(s)) return 'critical';
  if (['info', 'informational', 'none', 'notice', 'low', 'p4', 'p5'].includes(s)) return 'minor';
  return 'major';
}

/** Prefix of alert-derived signature ids. */
export const ALERT_SIGNATURE_PREFIX = 'alert-';

/** The stable id of an alert group's own signature: one per receiver and group key. */
export function groupSignatureId(receiver: string, groupKey: string): string {
  return `${ALERT_SIGNATURE_PREFIX}${createHash('sha1').update(`${receiver}\n${groupKey}`).digest('hex').slice(0, 12)}`;
}

/** A group's labels as people read them: `alertname=HostHighLoad, cluster=prod`. */
export function groupLabelText(labels: Readonly<Record<string, string>>): string {
  const text = Object.entries(labels)
    .sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

/** What an alert-derived signature is made from (kept in its evidence, so it can be rebuilt after a restart). */
export interface GroupSignatureSpec {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly remediation: string;
}

/** The group's own signature: no probe runs it and no log holds it; only its alerts are its evidence. */
export function groupSignature(spec: GroupSignatureSpec): Signature {
  return {
    id: spec.id,
    title: spec.title.slice(0, 120),
    severity: spec.severity,
    source: { probe: { id: 'alertmanager', fact: 'firing' } },
    patterns: [],
    ignoreCase: false,
    leadsTo: [],
    remediation: spec.remediation || 'An Alertmanager alert no stackmedic signature explains: read its rule and runbook.',
    actionItems: [],
    links: [],
  };
}
