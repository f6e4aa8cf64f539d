import type { StoredFiringAlert } from '../../src/alerts/stored-alerts.js';
import { DEFAULT_UNROUTED_AGE_MS, type StoredUnroutedAlert } from '../../src/alerts/unrouted.js';
import { UserError } from '../../src/errors.js';
import { defineCommand } from '../../src/router/command.js';

const DEFAULT_COUNT = 20;
const MAX_COUNT = 500;
/** The flag that lists the alerts no cluster could be given instead of the cluster's firing ones. */
export const UNROUTED_FLAG = 'unrouted';

function time(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const shown = Object.entries(labels).filter(([k]) => k !== 'alertname');
  return shown.length ? shown.map(([k, v]) => `${k}=${v}`).join(' ') : '(no cluster or node label)';
}

/** One unrouted alert: when, what, the labels that decided, why, and the fix. */
export function formatUnrouted(a: StoredUnroutedAlert): string {
  const times = a.times === 1 ? 'once' : `${a.times} notifications since ${time(a.firstSeenAt)}`;
  return [
    `${time(a.lastSeenAt)} ${a.alertname} (${a.status}; ${times}) in group ${a.group}`,
    `    labels: ${labelText(a.labels)}`,
    `    why: ${a.reason}`,
    `    fix: ${a.fix}`,
  ].join('\n');
}

/** One firing alert of the cluster's book. */
export function formatFiring(a: StoredFiringAlert): string {
  const where = a.place.known ? a.place.node : `${a.place.node} (${a.place.note ?? 'not in the inventory'})`;
  return `• ${a.alertname} on ${where} (${a.severity}, since ${time(a.startsAt)}, last notified ${time(a.lastSeenAt)})${a.summary ? `: ${a.summary}` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A store read, or the reason it failed as a reply: the alerts live only in the store, which may be down while the cluster is not. */
async function fromStore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new UserError(
      `The alerts are kept in the store, which cannot be read now (${(error instanceof Error ? error.message : String(error)).split('\n')[0]}); /cluster status still answers.`,
    );
  }
}

const KEPT_DAYS = Math.round(DEFAULT_UNROUTED_AGE_MS / 86_400_000);

/**
 * `/cluster alerts [N] [--unrouted]`: the cluster's alerts firing in Alertmanager as stackmedic
 * holds them (the shared book, whichever replica received them), or with `--unrouted` the alerts
 * no cluster could be given, with why and how to route them.
 */
export default defineCommand({
  family: 'cluster',
  name: 'alerts',
  summary: "Alertmanager's alerts firing on this cluster as stackmedic holds them; --unrouted: those no cluster could be given, why, and the fix",
  args: [{ name: 'n', kind: 'int', description: `how many (1 to ${MAX_COUNT}, default ${DEFAULT_COUNT})`, optional: true }],
  flags: [
    {
      name: UNROUTED_FLAG,
      description: `the alerts given to no cluster (unknown cluster label, node in several clusters or none) in the last ${KEPT_DAYS} days`,
    },
  ],
  permission: 'viewer',
  async run(ctx) {
    const alerts = ctx.services.alerts;
    if (!alerts) return { ok: false, title: 'This stackmedic keeps no alerts (it was started without a store).', text: '' };
    const wanted = ctx.args.positional.n === undefined ? DEFAULT_COUNT : Number(ctx.args.positional.n);
    const count = Math.min(Math.max(wanted, 1), MAX_COUNT);
    const unrouted = await fromStore(() => alerts.unrouted.list(count));
    if (ctx.args.flags.has(UNROUTED_FLAG)) {
      const data = { unrouted: unrouted.alerts, total: unrouted.total };
      if (unrouted.total === 0) return { ok: true, title: `No alert was given to no cluster in the last ${KEPT_DAYS} days.`, text: '', data };
      const more = unrouted.total > unrouted.alerts.length ? `; the ${unrouted.alerts.length} received last are shown` : '';
      return {
        // Alerts that reach no incident are a configuration problem: worth a non-zero exit code for scripts.
        ok: false,
        title: `${plural(unrouted.total, 'alert')} given to no cluster in the last ${KEPT_DAYS} days (received last first${more}): they open or join no incident.`,
        text: unrouted.alerts.map(formatUnrouted).join('\n'),
        data,
      };
    }
    const firing = await fromStore(() => alerts.firing(count));
    const note = unrouted.total > 0 ? `\n\n${plural(unrouted.total, 'alert')} went to no cluster: /cluster alerts --${UNROUTED_FLAG}` : '';
    const data = { cluster: ctx.inventory.cluster, firing: firing.alerts, total: firing.total, unrouted: unrouted.total };
    if (firing.total === 0) {
      return { ok: true, title: `No Alertmanager alert fires on ${ctx.inventory.cluster} as far as stackmedic heard.`, text: note.trim(), data };
    }
    const more = firing.total > firing.alerts.length ? `; the ${firing.alerts.length} started last are shown` : '';
    return {
      ok: true,
      title: `${plural(firing.total, 'Alertmanager alert')} firing on ${ctx.inventory.cluster} (started last first${more}).`,
      text: `${firing.alerts.map(formatFiring).join('\n')}${note}`,
      data,
    };
  },
});
